package emulator

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"slices"
)

// Netlify accounts (teams): GET /accounts (listAccountsForUser) and GET /accounts/{account_id}
// (getAccount), which the official Terraform provider calls for default_team_slug, default_team_id and
// its netlify_team data source. The emulator's accounts are the seed's slugs; every token is a member
// (Owner) of every account.
//
// Fields: netlify/open-api swagger.yml (accountMembership) plus the keys the official provider's
// generated client requires (its openapi.yaml, Account: member_roles, role, type_slug,
// support_administration_enabled, deploy_diagnostics_setting, ai_usage_*, configurable_limits_exceeded,
// block_site_transfers, credit_alert_percentage, in_operational_mode). The values of those extra keys
// are not documented; the ones below are chosen to look like a free team's.

// nlUserID is the emulated user behind every Netlify token (owner of every account, user_id of sites).
var nlUserID = netlifyHexID("user", 1)

// nlAccount is an account as the site answers and the account endpoints need it.
type nlAccount struct {
	id, slug, name string
	known          bool // false: the slug is not one of the emulator's accounts
}

// netlifyAccountID is a stable 24-hex-character id for an account slug.
func netlifyAccountID(slug string) string {
	sum := sha256.Sum256([]byte("netlify/account/" + slug))
	return hex.EncodeToString(sum[:12])
}

// account finds an account by slug or id. An unknown one still gets an id and a name, so that a site
// made before accounts were seeded can be served.
func (nl *netlifyState) account(slugOrID string) nlAccount {
	for _, slug := range nl.accounts {
		if slug == slugOrID || netlifyAccountID(slug) == slugOrID {
			return nlAccount{id: netlifyAccountID(slug), slug: slug, name: slug, known: true}
		}
	}
	return nlAccount{id: netlifyAccountID(slugOrID), slug: slugOrID, name: slugOrID}
}

type nlAccountJSON struct {
	ID                           string           `json:"id"`
	Name                         string           `json:"name"`
	Slug                         string           `json:"slug"`
	Type                         string           `json:"type"`
	TypeID                       string           `json:"type_id"`
	TypeName                     string           `json:"type_name"`
	TypeSlug                     string           `json:"type_slug"`
	Capabilities                 map[string]any   `json:"capabilities"`
	BillingName                  *string          `json:"billing_name"`
	BillingEmail                 *string          `json:"billing_email"`
	BillingDetails               *string          `json:"billing_details"`
	BillingPeriod                *string          `json:"billing_period"`
	PaymentMethodID              *string          `json:"payment_method_id"`
	OwnerIDs                     []string         `json:"owner_ids"`
	RolesAllowed                 []string         `json:"roles_allowed"`
	Role                         string           `json:"role"`
	MemberRoles                  []map[string]any `json:"member_roles"`
	CreatedAt                    string           `json:"created_at"`
	UpdatedAt                    string           `json:"updated_at"`
	SupportAdministrationEnabled bool             `json:"support_administration_enabled"`
	DeployDiagnosticsSetting     string           `json:"deploy_diagnostics_setting"`
	AIUsageEnabledSetting        string           `json:"ai_usage_enabled_setting"`
	AIUsageLimitEnforced         bool             `json:"ai_usage_limit_enforced"`
	ConfigurableLimitsExceeded   []any            `json:"configurable_limits_exceeded"`
	BlockSiteTransfers           bool             `json:"block_site_transfers"`
	CreditAlertPercentage        int              `json:"credit_alert_percentage"`
	InOperationalMode            bool             `json:"in_operational_mode"`
}

func (nl *netlifyState) accountOut(a nlAccount) nlAccountJSON {
	sites := 0
	for _, s := range nl.sites {
		if s.accountSlug == a.slug {
			sites++
		}
	}
	return nlAccountJSON{
		ID: a.id, Name: a.name, Slug: a.slug, Type: "team", TypeID: netlifyHexID("account_type", 1),
		TypeName: "Starter", TypeSlug: "starter",
		Capabilities: map[string]any{
			"sites":         map[string]any{"included": "unlimited", "used": sites},
			"collaborators": map[string]any{"included": 1, "used": 1},
		},
		OwnerIDs: []string{nlUserID}, RolesAllowed: []string{"Owner", "Developer", "Reviewer"}, Role: "Owner",
		MemberRoles: []map[string]any{}, CreatedAt: formatTimeMillis(seedTime), UpdatedAt: formatTimeMillis(seedTime),
		DeployDiagnosticsSetting: "enabled", AIUsageEnabledSetting: "enabled",
		ConfigurableLimitsExceeded: []any{},
	}
}

// nlListAccounts answers every account, in seed order; there is no pagination (none is documented).
func (e *Emulator) nlListAccounts(w http.ResponseWriter, _ *http.Request) {
	nl := &e.st.netlify
	out := make([]nlAccountJSON, 0, len(nl.accounts))
	for _, slug := range slices.Clone(nl.accounts) {
		out = append(out, nl.accountOut(nl.account(slug)))
	}
	writeJSON(w, http.StatusOK, out)
}

// nlGetAccount takes the account's id or its slug: Netlify's own clients send the slug where account_id
// is asked (netlify/build reads environment variables with accountId: siteInfo.account_slug).
func (e *Emulator) nlGetAccount(w http.ResponseWriter, r *http.Request) {
	nl := &e.st.netlify
	a := nl.account(r.PathValue("account_id"))
	if !a.known {
		writeNetlifyError(w, http.StatusNotFound, "Not Found")
		return
	}
	writeJSON(w, http.StatusOK, nl.accountOut(a))
}
