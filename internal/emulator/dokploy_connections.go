package emulator

import (
	"bytes"
	"cmp"
	"encoding/json"
	"math"
	"net/http"
	"regexp"
	"slices"
	"strings"
)

// Dokploy's git-provider connections: a row of git_provider (packages/server/src/db/schema/git-provider.ts)
// and a row of its kind's table (github.ts, gitlab.ts, bitbucket.ts, gitea.ts), served by the routers
// apps/dokploy/server/api/routers/git-provider.ts, github.ts, gitlab.ts, bitbucket.ts and gitea.ts with the
// services packages/server/src/services/*.ts. The listings and tests that reach the git host through a
// connection are in dokploy_reach.go.
//
// What the source says, and the emulator does:
//
//   - gitProvider.getAll lists every connection of the organisation, newest first, as the row with a
//     summary per kind (secrets left out) and isOwner; remove deletes the row (the kind's row goes with it,
//     applications keep their link with the connection's id set to null) and answers the deleted row;
//     every error of remove, "Git Provider not found" included, is wrapped as 400.
//   - GitHub connections are made in the dashboard only (a GitHub App): the API has no github.create.
//   - gitlab.create and bitbucket.create answer nothing (their transaction returns nothing), so the caller
//     finds the new connection in gitProvider.getAll; gitea.create answers {giteaId, clientId, giteaUrl}.
//     Any failure of a create is wrapped as 400 "Error creating this <Kind> provider".
//   - <kind>.one answers the whole row, credentials included, with its gitProvider row; a missing one is
//     404 "<Kind> Provider not found".
//   - gitlab.update and github.update answer nothing and update nothing for an unknown id (no error);
//     gitea.update answers {success: true}, and 500 "Failed to update Gitea provider with ID <id>" for an
//     unknown id; bitbucket.update answers the updated row, 404 "Bitbucket provider not found".
//   - <kind>Providers lists the connections usable for linking: GitHub ones with an app id, a private key
//     and an installation id; GitLab ones with an access and a refresh token; Gitea ones with an OAuth
//     client id and secret (a token-only Gitea connection is left out: Dokploy's haveGiteaRequirements);
//     Bitbucket ones all, as {bitbucketId, gitProvider}.
//
// The API key's caller is the organisation's owner: every connection is accessible and editable
// (getAccessibleGitProviderIds, canEditDeployGitSource).

// Connection kinds, as git_provider.providerType names them.
const (
	kindGitHub    = "github"
	kindGitLab    = "gitlab"
	kindBitbucket = "bitbucket"
	kindGitea     = "gitea"
)

// dkGitProvider is a row of git_provider with the row of its kind (exactly one of the four is set).
type dkGitProvider struct {
	row       dkGitProviderRow
	github    *dkGithubRow
	gitlab    *dkGitlabRow
	bitbucket *dkBitbucketRow
	gitea     *dkGiteaRow
}

// dkGitProviderRow is a row of git_provider.
type dkGitProviderRow struct {
	GitProviderID          string `json:"gitProviderId"`
	Name                   string `json:"name"`
	ProviderType           string `json:"providerType"`
	CreatedAt              string `json:"createdAt"`
	OrganizationID         string `json:"organizationId"`
	UserID                 string `json:"userId"`
	SharedWithOrganization bool   `json:"sharedWithOrganization"`
}

// dkGithubRow is a row of github (a GitHub App).
type dkGithubRow struct {
	GithubID             string  `json:"githubId"`
	GithubAppName        *string `json:"githubAppName"`
	GithubAppID          *int64  `json:"githubAppId"`
	GithubClientID       *string `json:"githubClientId"`
	GithubClientSecret   *string `json:"githubClientSecret"`
	GithubInstallationID *string `json:"githubInstallationId"`
	GithubPrivateKey     *string `json:"githubPrivateKey"`
	GithubWebhookSecret  *string `json:"githubWebhookSecret"`
	GithubURL            string  `json:"githubUrl"`
	GitProviderID        string  `json:"gitProviderId"`
}

// dkGitlabRow is a row of gitlab (an OAuth application; the tokens come when a person authorises it).
type dkGitlabRow struct {
	GitlabID          string  `json:"gitlabId"`
	GitlabURL         string  `json:"gitlabUrl"`
	GitlabInternalURL *string `json:"gitlabInternalUrl"`
	ApplicationID     *string `json:"applicationId"`
	RedirectURI       *string `json:"redirectUri"`
	Secret            *string `json:"secret"`
	AccessToken       *string `json:"accessToken"`
	RefreshToken      *string `json:"refreshToken"`
	GroupName         *string `json:"groupName"`
	ExpiresAt         *int64  `json:"expiresAt"`
	GitProviderID     string  `json:"gitProviderId"`
}

// dkBitbucketRow is a row of bitbucket.
type dkBitbucketRow struct {
	BitbucketID            string  `json:"bitbucketId"`
	BitbucketUsername      *string `json:"bitbucketUsername"`
	BitbucketEmail         *string `json:"bitbucketEmail"`
	AppPassword            *string `json:"appPassword"`
	APIToken               *string `json:"apiToken"`
	BitbucketWorkspaceName *string `json:"bitbucketWorkspaceName"`
	GitProviderID          string  `json:"gitProviderId"`
}

// dkGiteaRow is a row of gitea.
type dkGiteaRow struct {
	GiteaID             string  `json:"giteaId"`
	GiteaURL            string  `json:"giteaUrl"`
	GiteaInternalURL    *string `json:"giteaInternalUrl"`
	RedirectURI         *string `json:"redirectUri"`
	ClientID            *string `json:"clientId"`
	ClientSecret        *string `json:"clientSecret"`
	GitProviderID       string  `json:"gitProviderId"`
	AccessToken         *string `json:"accessToken"`
	RefreshToken        *string `json:"refreshToken"`
	ExpiresAt           *int64  `json:"expiresAt"`
	Scopes              *string `json:"scopes"`
	LastAuthenticatedAt *int64  `json:"lastAuthenticatedAt"`
}

// Column defaults of the kinds' tables.
const (
	dkDefaultGithubURL   = "https://github.com"
	dkDefaultGitlabURL   = "https://gitlab.com"
	dkDefaultGiteaScopes = "repo,repo:status,read:user,read:org"
)

// kindID is the id of the connection's row in its kind's table.
func (p *dkGitProvider) kindID() string {
	switch {
	case p.github != nil:
		return p.github.GithubID
	case p.gitlab != nil:
		return p.gitlab.GitlabID
	case p.bitbucket != nil:
		return p.bitbucket.BitbucketID
	case p.gitea != nil:
		return p.gitea.GiteaID
	}
	return ""
}

// kindRow is the kind's row, as a JSON-encodable value.
func (p *dkGitProvider) kindRow() any {
	switch {
	case p.github != nil:
		return p.github
	case p.gitlab != nil:
		return p.gitlab
	case p.bitbucket != nil:
		return p.bitbucket
	}
	return p.gitea
}

// str is a nullable text column's value ("" when null).
func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// strOrNil is a value for a nullable text column: nil for an absent member.
func strOrNil(v dkValues, name string) *string { return v.optStr(name) }

// intOrNil reads an integer column's value (nil when absent or null).
func intOrNil(v dkValues, name string) *int64 {
	n, ok := v[name].(float64)
	if !ok {
		return nil
	}
	i := int64(n)
	return &i
}

// ---- lookups ----

func (dk *dokployState) gitProvider(id string) *dkGitProvider {
	for _, p := range dk.gitProviders {
		if p.row.GitProviderID == id {
			return p
		}
	}
	return nil
}

// connection finds a connection by its gitProviderId or by the id of its kind's row.
func (dk *dokployState) connection(id string) *dkGitProvider {
	if id == "" {
		return nil
	}
	for _, p := range dk.gitProviders {
		if p.row.GitProviderID == id || p.kindID() == id {
			return p
		}
	}
	return nil
}

func (dk *dokployState) githubConn(id string) *dkGitProvider {
	for _, p := range dk.gitProviders {
		if p.github != nil && p.github.GithubID == id {
			return p
		}
	}
	return nil
}

func (dk *dokployState) gitlabConn(id string) *dkGitProvider {
	for _, p := range dk.gitProviders {
		if p.gitlab != nil && p.gitlab.GitlabID == id {
			return p
		}
	}
	return nil
}

func (dk *dokployState) bitbucketConn(id string) *dkGitProvider {
	for _, p := range dk.gitProviders {
		if p.bitbucket != nil && p.bitbucket.BitbucketID == id {
			return p
		}
	}
	return nil
}

func (dk *dokployState) giteaConn(id string) *dkGitProvider {
	for _, p := range dk.gitProviders {
		if p.gitea != nil && p.gitea.GiteaID == id {
			return p
		}
	}
	return nil
}

// idTaken reports whether id is already a connection's id of any table (ids are nanoids: a seed or a
// caller choosing one must not collide).
func (dk *dokployState) idTaken(id string) bool { return dk.connection(id) != nil }

// dkUserID is the id of the user the API keys belong to: the organisation's owner.
func (dk *dokployState) userID() string { return dkNanoid("user/"+dk.orgID, 0) }

// newGitProviderRow is the git_provider row a create inserts.
func (dk *dokployState) newGitProviderRow(kind, name, createdAt string) dkGitProviderRow {
	return dkGitProviderRow{GitProviderID: dk.next("gitProvider"), Name: name, ProviderType: kind, CreatedAt: createdAt,
		OrganizationID: dk.orgID, UserID: dk.userID()}
}

// removeGitProvider deletes a connection (its kind's row by the cascade); applications linked through it
// keep their source with the connection's id set to null (the columns' ON DELETE SET NULL).
func (dk *dokployState) removeGitProvider(p *dkGitProvider) {
	dk.gitProviders = slices.DeleteFunc(dk.gitProviders, func(q *dkGitProvider) bool { return q == p })
	column := map[string]string{kindGitHub: "githubId", kindGitLab: "gitlabId", kindBitbucket: "bitbucketId",
		kindGitea: "giteaId"}[p.row.ProviderType]
	for _, a := range dk.applications {
		if column != "" && a.str(column) == p.kindID() {
			a.cols[column] = nil
		}
	}
}

// ---- answers ----

// dkProviderNotFound is findXById's NOT_FOUND.
func dkProviderNotFound(kind string) *dkError {
	names := map[string]string{kindGitHub: "Github", kindGitLab: "Gitlab", kindBitbucket: "Bitbucket", kindGitea: "Gitea"}
	return dkErr(dkNotFound, names[kind]+" Provider not found")
}

// dkWithProvider is a kind's row with its gitProvider row, as findXById answers it.
type dkWithProvider[T any] struct {
	Row         *T               `json:"-"`
	GitProvider dkGitProviderRow `json:"gitProvider"`
}

// MarshalJSON writes the kind's columns, then gitProvider.
func (w dkWithProvider[T]) MarshalJSON() ([]byte, error) {
	return appendMember(w.Row, "gitProvider", w.GitProvider)
}

func withProvider[T any](row *T, p *dkGitProvider) dkWithProvider[T] {
	return dkWithProvider[T]{Row: row, GitProvider: p.row}
}

// Summaries of gitProvider.getAll, per kind.
type (
	dkGithubSummary struct {
		GithubID             string  `json:"githubId"`
		GithubAppName        *string `json:"githubAppName"`
		GithubAppID          *int64  `json:"githubAppId"`
		GithubInstallationID *string `json:"githubInstallationId"`
		GithubURL            string  `json:"githubUrl"`
		IsConfigured         bool    `json:"isConfigured"`
	}
	dkGitlabSummary struct {
		GitlabID      string  `json:"gitlabId"`
		ApplicationID *string `json:"applicationId"`
		GitlabURL     string  `json:"gitlabUrl"`
		IsConfigured  bool    `json:"isConfigured"`
	}
	dkBitbucketSummary struct {
		BitbucketID       string  `json:"bitbucketId"`
		BitbucketUsername *string `json:"bitbucketUsername"`
		IsConfigured      bool    `json:"isConfigured"`
		IsDeprecated      bool    `json:"isDeprecated"`
	}
	dkGiteaSummary struct {
		GiteaID      string  `json:"giteaId"`
		GiteaURL     string  `json:"giteaUrl"`
		ClientID     *string `json:"clientId"`
		IsConfigured bool    `json:"isConfigured"`
	}
)

// dkGitProviderListed is one entry of gitProvider.getAll: the row's columns, the relations in the order
// the query loads them (gitlab, bitbucket, github, gitea), then isOwner.
type dkGitProviderListed struct {
	dkGitProviderRow
	Gitlab    *dkGitlabSummary    `json:"gitlab"`
	Bitbucket *dkBitbucketSummary `json:"bitbucket"`
	Github    *dkGithubSummary    `json:"github"`
	Gitea     *dkGiteaSummary     `json:"gitea"`
	IsOwner   bool                `json:"isOwner"`
}

// haveGithubRequirements: an app id, a private key and an installation id.
func haveGithubRequirements(g *dkGithubRow) bool {
	return g.GithubAppID != nil && *g.GithubAppID != 0 && str(g.GithubPrivateKey) != "" && str(g.GithubInstallationID) != ""
}

// haveGitlabRequirements: an access token and a refresh token (the connection was authorised).
func haveGitlabRequirements(g *dkGitlabRow) bool {
	return str(g.AccessToken) != "" && str(g.RefreshToken) != ""
}

// haveGiteaRequirements: an OAuth client id and secret (Dokploy's test for giteaProviders).
func haveGiteaRequirements(g *dkGiteaRow) bool {
	return str(g.ClientID) != "" && str(g.ClientSecret) != ""
}

func (dk *dokployState) listed(p *dkGitProvider) dkGitProviderListed {
	out := dkGitProviderListed{dkGitProviderRow: p.row, IsOwner: p.row.UserID == dk.userID()}
	switch {
	case p.github != nil:
		g := p.github
		out.Github = &dkGithubSummary{GithubID: g.GithubID, GithubAppName: g.GithubAppName, GithubAppID: g.GithubAppID,
			GithubInstallationID: g.GithubInstallationID, GithubURL: g.GithubURL, IsConfigured: haveGithubRequirements(g)}
	case p.gitlab != nil:
		g := p.gitlab
		out.Gitlab = &dkGitlabSummary{GitlabID: g.GitlabID, ApplicationID: g.ApplicationID, GitlabURL: g.GitlabURL,
			IsConfigured: haveGitlabRequirements(g)}
	case p.bitbucket != nil:
		b := p.bitbucket
		// isConfigured is always false for Bitbucket in Dokploy's getAll.
		out.Bitbucket = &dkBitbucketSummary{BitbucketID: b.BitbucketID, BitbucketUsername: b.BitbucketUsername,
			IsDeprecated: str(b.AppPassword) != "" && str(b.APIToken) == ""}
	case p.gitea != nil:
		g := p.gitea
		out.Gitea = &dkGiteaSummary{GiteaID: g.GiteaID, GiteaURL: g.GiteaURL, ClientID: g.ClientID,
			IsConfigured: str(g.AccessToken) != "" && str(g.RefreshToken) != ""}
	}
	return out
}

// newestFirst is getAll's order: createdAt descending; rows made in the same millisecond newest first.
func (dk *dokployState) newestFirst() []*dkGitProvider {
	out := slices.Clone(dk.gitProviders)
	slices.Reverse(out)
	slices.SortStableFunc(out, func(a, b *dkGitProvider) int { return cmp.Compare(b.row.CreatedAt, a.row.CreatedAt) })
	return out
}

// ---- gitProvider router ----

// dkGitProviderGetAll is gitProvider.getAll.
func (e *Emulator) dkGitProviderGetAll(w http.ResponseWriter, _ *http.Request, _ dkInput) {
	dk := &e.st.dokploy
	out := []dkGitProviderListed{}
	for _, p := range dk.newestFirst() {
		out = append(out, dk.listed(p))
	}
	writeDokployResult(w, out)
}

// dkGitProviderRemove is gitProvider.remove: the deleted row; any failure is wrapped as 400.
func (e *Emulator) dkGitProviderRemove(w http.ResponseWriter, _ *http.Request, in dkInput) {
	v, err := in.validate(reqStr("gitProviderId", 1))
	if err != nil {
		fail(w, err)
		return
	}
	dk := &e.st.dokploy
	p := dk.gitProvider(v.str("gitProviderId"))
	if p == nil {
		fail(w, dkErr(dkBadRequest, "Git Provider not found"))
		return
	}
	dk.removeGitProvider(p)
	writeDokployResult(w, p.row)
}

// dkGitProviderToggleShare is gitProvider.toggleShare: the owner shares a connection with the
// organisation's members (or stops); answers the updated row.
func (e *Emulator) dkGitProviderToggleShare(w http.ResponseWriter, _ *http.Request, in dkInput) {
	v, err := in.validate(reqStr("gitProviderId", 1), dkField{name: "sharedWithOrganization", typ: tBool, required: true})
	if err != nil {
		fail(w, err)
		return
	}
	p := e.st.dokploy.gitProvider(v.str("gitProviderId"))
	if p == nil {
		fail(w, dkErr(dkNotFound, "Git Provider not found"))
		return
	}
	p.row.SharedWithOrganization, _ = v["sharedWithOrganization"].(bool) // validated
	writeDokployResult(w, p.row)
}

// ---- creates ----

// dkEmailRegexp is Zod 4's email pattern without its two lookaheads (no leading dot, no ".."), which
// dkEmail checks apart: Go's regexp has no lookahead.
var dkEmailRegexp = regexp.MustCompile(`^[A-Za-z0-9_'+\-.]*[A-Za-z0-9_+-]@([A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$`)

// dkEmail is z.string().email().optional().
func dkEmail(name string) dkField {
	return dkField{name: name, typ: tString, format: "email", check: func(s string) bool {
		return !strings.HasPrefix(s, ".") && !strings.Contains(s, "..") && dkEmailRegexp.MatchString(s)
	}, checkMsg: "Invalid email address"}
}

func optNum(name string) dkField { return dkField{name: name, typ: tNumber} }

// pgInteger reports whether a number fits a PostgreSQL integer column.
func pgInteger(n *int64, raw any) bool {
	f, ok := raw.(float64)
	if !ok {
		return n == nil
	}
	return f == math.Trunc(f) && f >= math.MinInt32 && f <= math.MaxInt32
}

// dkGitlabCreate is gitlab.create (apiCreateGitlab): an OAuth application a person must authorise in
// the dashboard before it can list or clone. Answers nothing.
func (e *Emulator) dkGitlabCreate(w http.ResponseWriter, _ *http.Request, in dkInput) {
	v, err := in.validate(optStr("applicationId"), optStr("secret"), optStr("groupName"), optStr("gitProviderId"),
		optStr("redirectUri"), reqStr("authId", 1), reqStr("name", 1), reqStr("gitlabUrl", 1), nullStr("gitlabInternalUrl"))
	if err != nil {
		fail(w, err)
		return
	}
	dk := &e.st.dokploy
	row := dk.newGitProviderRow(kindGitLab, v.str("name"), formatTimeMillis(e.now()))
	gl := &dkGitlabRow{GitlabID: dk.next("gitlab"), GitlabURL: v.str("gitlabUrl"), GitlabInternalURL: strOrNil(v, "gitlabInternalUrl"),
		ApplicationID: strOrNil(v, "applicationId"), RedirectURI: strOrNil(v, "redirectUri"), Secret: strOrNil(v, "secret"),
		GroupName: strOrNil(v, "groupName"), GitProviderID: row.GitProviderID}
	dk.gitProviders = append(dk.gitProviders, &dkGitProvider{row: row, gitlab: gl})
	writeDokployResult(w, nil)
}

// dkBitbucketCreate is bitbucket.create (apiCreateBitbucket): credentials are an Atlassian e-mail and
// API token, or the retired username and app password. The caller may choose bitbucketId (the insert
// schema lists it); answers nothing.
func (e *Emulator) dkBitbucketCreate(w http.ResponseWriter, _ *http.Request, in dkInput) {
	v, err := in.validate(optStr("bitbucketId"), optStr("bitbucketUsername"), dkEmail("bitbucketEmail"), optStr("appPassword"),
		optStr("apiToken"), optStr("bitbucketWorkspaceName"), optStr("gitProviderId"), reqStr("authId", 1), reqStr("name", 1))
	if err != nil {
		fail(w, err)
		return
	}
	dk := &e.st.dokploy
	id := dk.next("bitbucket")
	if v.has("bitbucketId") {
		id = v.str("bitbucketId")
	}
	if dk.bitbucketConn(id) != nil {
		// The insert breaks the primary key; the router wraps every failure.
		fail(w, dkErr(dkBadRequest, "Error creating this Bitbucket provider"))
		return
	}
	row := dk.newGitProviderRow(kindBitbucket, v.str("name"), formatTimeMillis(e.now()))
	bb := &dkBitbucketRow{BitbucketID: id, BitbucketUsername: strOrNil(v, "bitbucketUsername"),
		BitbucketEmail: strOrNil(v, "bitbucketEmail"), AppPassword: strOrNil(v, "appPassword"), APIToken: strOrNil(v, "apiToken"),
		BitbucketWorkspaceName: strOrNil(v, "bitbucketWorkspaceName"), GitProviderID: row.GitProviderID}
	dk.gitProviders = append(dk.gitProviders, &dkGitProvider{row: row, bitbucket: bb})
	writeDokployResult(w, nil)
}

// dkGiteaCreateResult is createGitea's answer.
type dkGiteaCreateResult struct {
	GiteaID  string  `json:"giteaId"`
	ClientID *string `json:"clientId"`
	GiteaURL string  `json:"giteaUrl"`
}

// giteaFields are apiCreateGitea's members after giteaId (apiUpdateGitea's too, giteaId and
// gitProviderId aside).
func giteaFields(gitProviderID dkField) []dkField {
	return []dkField{reqStr("giteaUrl", 1), nullStr("giteaInternalUrl"), optStr("redirectUri"), optStr("clientId"),
		optStr("clientSecret"), gitProviderID, optStr("accessToken"), optStr("refreshToken"), optNum("expiresAt"),
		optStr("scopes"), optNum("lastAuthenticatedAt"), reqStr("name", 1), optStr("giteaUsername"), optStr("organizationName")}
}

// dkGiteaCreate is gitea.create (apiCreateGitea): a personal access token (accessToken) makes a complete
// connection; an OAuth client (clientId, clientSecret) is authorised in the dashboard. giteaUsername and
// organizationName are accepted but not stored (the table has no such columns).
func (e *Emulator) dkGiteaCreate(w http.ResponseWriter, _ *http.Request, in dkInput) {
	v, err := in.validate(append([]dkField{optStr("giteaId")}, giteaFields(optStr("gitProviderId"))...)...)
	if err != nil {
		fail(w, err)
		return
	}
	dk := &e.st.dokploy
	id := dk.next("gitea")
	if v.has("giteaId") {
		id = v.str("giteaId")
	}
	expiresAt, lastAuth := intOrNil(v, "expiresAt"), intOrNil(v, "lastAuthenticatedAt")
	if dk.giteaConn(id) != nil || !pgInteger(expiresAt, v["expiresAt"]) || !pgInteger(lastAuth, v["lastAuthenticatedAt"]) {
		// A duplicate key or a number the integer columns refuse: the insert fails, the router wraps it.
		fail(w, dkErr(dkBadRequest, "Error creating this Gitea provider"))
		return
	}
	scopes := ptrString(dkDefaultGiteaScopes)
	if v.has("scopes") {
		scopes = strOrNil(v, "scopes")
	}
	row := dk.newGitProviderRow(kindGitea, v.str("name"), formatTimeMillis(e.now()))
	gt := &dkGiteaRow{GiteaID: id, GiteaURL: v.str("giteaUrl"), GiteaInternalURL: strOrNil(v, "giteaInternalUrl"),
		RedirectURI: strOrNil(v, "redirectUri"), ClientID: strOrNil(v, "clientId"), ClientSecret: strOrNil(v, "clientSecret"),
		GitProviderID: row.GitProviderID, AccessToken: strOrNil(v, "accessToken"), RefreshToken: strOrNil(v, "refreshToken"),
		ExpiresAt: expiresAt, Scopes: scopes, LastAuthenticatedAt: lastAuth}
	dk.gitProviders = append(dk.gitProviders, &dkGitProvider{row: row, gitea: gt})
	writeDokployResult(w, dkGiteaCreateResult{GiteaID: gt.GiteaID, ClientID: gt.ClientID, GiteaURL: gt.GiteaURL})
}

// ---- one ----

func (e *Emulator) dkGithubOne(w http.ResponseWriter, _ *http.Request, in dkInput) {
	if p, ok := e.dkFindConn(w, in, kindGitHub); ok {
		writeDokployResult(w, withProvider(p.github, p))
	}
}

func (e *Emulator) dkGitlabOne(w http.ResponseWriter, _ *http.Request, in dkInput) {
	if p, ok := e.dkFindConn(w, in, kindGitLab); ok {
		writeDokployResult(w, withProvider(p.gitlab, p))
	}
}

func (e *Emulator) dkBitbucketOne(w http.ResponseWriter, _ *http.Request, in dkInput) {
	if p, ok := e.dkFindConn(w, in, kindBitbucket); ok {
		writeDokployResult(w, withProvider(p.bitbucket, p))
	}
}

func (e *Emulator) dkGiteaOne(w http.ResponseWriter, _ *http.Request, in dkInput) {
	if p, ok := e.dkFindConn(w, in, kindGitea); ok {
		writeDokployResult(w, withProvider(p.gitea, p))
	}
}

// dkKindIDField names the kind's id member: githubId, gitlabId, bitbucketId, giteaId.
func dkKindIDField(kind string) string { return kind + "Id" }

// dkConnOfKind finds a connection of kind by the kind's id.
func (dk *dokployState) connOfKind(kind, id string) *dkGitProvider {
	switch kind {
	case kindGitHub:
		return dk.githubConn(id)
	case kindGitLab:
		return dk.gitlabConn(id)
	case kindBitbucket:
		return dk.bitbucketConn(id)
	}
	return dk.giteaConn(id)
}

// dkFindConn validates {<kind>Id: min 1} and finds the connection (404 "<Kind> Provider not found").
func (e *Emulator) dkFindConn(w http.ResponseWriter, in dkInput, kind string) (*dkGitProvider, bool) {
	v, err := in.validate(reqStr(dkKindIDField(kind), 1))
	if err != nil {
		fail(w, err)
		return nil, false
	}
	p := e.st.dokploy.connOfKind(kind, v.str(dkKindIDField(kind)))
	if p == nil {
		fail(w, dkProviderNotFound(kind))
		return nil, false
	}
	return p, true
}

// ---- <kind>Providers ----

// dkProviderRef is an entry of githubProviders, gitlabProviders and giteaProviders.
type dkProviderRef struct {
	GithubID    string            `json:"githubId,omitempty"`
	GithubURL   string            `json:"githubUrl,omitempty"`
	GiteaID     string            `json:"giteaId,omitempty"`
	GitlabID    string            `json:"gitlabId,omitempty"`
	BitbucketID string            `json:"bitbucketId,omitempty"`
	GitProvider *dkGitProviderRow `json:"gitProvider"`
	GitlabURL   string            `json:"gitlabUrl,omitempty"`
}

// dkKindProviders is <kind>Providers, in insertion order (the queries have no ORDER BY).
func (e *Emulator) dkKindProviders(kind string) dkHandler {
	return func(w http.ResponseWriter, _ *http.Request, _ dkInput) {
		out := []dkProviderRef{}
		for _, p := range e.st.dokploy.gitProviders {
			row := p.row
			switch {
			case kind == kindGitHub && p.github != nil && haveGithubRequirements(p.github):
				out = append(out, dkProviderRef{GithubID: p.github.GithubID, GithubURL: p.github.GithubURL, GitProvider: &row})
			case kind == kindGitLab && p.gitlab != nil && haveGitlabRequirements(p.gitlab):
				out = append(out, dkProviderRef{GitlabID: p.gitlab.GitlabID, GitProvider: &row, GitlabURL: p.gitlab.GitlabURL})
			case kind == kindBitbucket && p.bitbucket != nil:
				out = append(out, dkProviderRef{BitbucketID: p.bitbucket.BitbucketID, GitProvider: &row})
			case kind == kindGitea && p.gitea != nil && haveGiteaRequirements(p.gitea):
				out = append(out, dkProviderRef{GiteaID: p.gitea.GiteaID, GitProvider: &row})
			}
		}
		writeDokployResult(w, out)
	}
}

// ---- updates ----

// renameProvider is updateGitProvider(gitProviderId, {name, organizationId}): updates the row with that
// id, if any (an UPDATE of no row is not an error).
func (dk *dokployState) renameProvider(gitProviderID, name string) {
	if p := dk.gitProvider(gitProviderID); p != nil {
		p.row.Name = name
	}
}

// checkProviderRef is the foreign key of the gitProviderId that update's "...input" writes into the
// kind's row: a value naming no git_provider row makes the UPDATE fail. A value naming another row would
// move the kind's row to it; the emulator keeps each kind's row with its own git_provider row (Dokploy's
// UI always sends the connection's own gitProviderId).
func (dk *dokployState) checkProviderRef(table, gitProviderID string) *dkError {
	if dk.gitProvider(gitProviderID) != nil {
		return nil
	}
	return dkErr(dkInternal, `Failed query: update "`+table+`" set "gitProviderId" = $1 …`+
		` (insert or update on table "`+table+`" violates foreign key constraint "`+table+`_gitProviderId_git_provider_gitProviderId_fk")`)
}

// dkGithubUpdate is github.update: renames the connection and sets githubAppName. Answers nothing; an
// unknown id updates nothing.
func (e *Emulator) dkGithubUpdate(w http.ResponseWriter, _ *http.Request, in dkInput) {
	v, err := in.validate(reqStr("githubId", 1), reqStr("name", 1), reqStr("gitProviderId", 1), reqStr("githubAppName", 1))
	if err != nil {
		fail(w, err)
		return
	}
	dk := &e.st.dokploy
	dk.renameProvider(v.str("gitProviderId"), v.str("name"))
	if p := dk.githubConn(v.str("githubId")); p != nil {
		if err := dk.checkProviderRef("github", v.str("gitProviderId")); err != nil {
			fail(w, err)
			return
		}
		p.github.GithubAppName = ptrString(v.str("githubAppName"))
	}
	writeDokployResult(w, nil)
}

// dkGitlabUpdate is gitlab.update: renames the connection and sets the members sent (an OAuth
// application's id, secret, redirect URI, group, URLs). The tokens are not settable. Answers nothing; an
// unknown id updates nothing.
func (e *Emulator) dkGitlabUpdate(w http.ResponseWriter, _ *http.Request, in dkInput) {
	v, err := in.validate(optStr("applicationId"), optStr("secret"), optStr("groupName"), optStr("redirectUri"),
		reqStr("name", 1), reqStr("gitlabId", 1), reqStr("gitlabUrl", 1), reqStr("gitProviderId", 1), nullStr("gitlabInternalUrl"))
	if err != nil {
		fail(w, err)
		return
	}
	dk := &e.st.dokploy
	dk.renameProvider(v.str("gitProviderId"), v.str("name"))
	p := dk.gitlabConn(v.str("gitlabId"))
	if p == nil {
		writeDokployResult(w, nil)
		return
	}
	if err := dk.checkProviderRef("gitlab", v.str("gitProviderId")); err != nil {
		fail(w, err)
		return
	}
	g := p.gitlab
	setStr(v, "applicationId", &g.ApplicationID)
	setStr(v, "secret", &g.Secret)
	setStr(v, "groupName", &g.GroupName)
	setStr(v, "redirectUri", &g.RedirectURI)
	setStr(v, "gitlabInternalUrl", &g.GitlabInternalURL)
	g.GitlabURL = v.str("gitlabUrl")
	writeDokployResult(w, nil)
}

// setStr sets a nullable column from a member that was sent (drizzle's set() skips undefined values).
func setStr(v dkValues, name string, column **string) {
	if v.has(name) {
		*column = v.optStr(name)
	}
}

// setInt sets a nullable integer column from a member that was sent.
func setInt(v dkValues, name string, column **int64) {
	if v.has(name) {
		*column = intOrNil(v, name)
	}
}

// dkBitbucketUpdate is bitbucket.update: sets the credentials and workspace sent, renames the connection
// and answers the updated bitbucket row; an unknown id is 404 "Bitbucket provider not found".
func (e *Emulator) dkBitbucketUpdate(w http.ResponseWriter, _ *http.Request, in dkInput) {
	v, err := in.validate(reqStr("bitbucketId", 1), optStr("bitbucketUsername"), dkEmail("bitbucketEmail"), optStr("appPassword"),
		optStr("apiToken"), optStr("bitbucketWorkspaceName"), reqStr("gitProviderId", 0), reqStr("name", 1), optStr("organizationId"))
	if err != nil {
		fail(w, err)
		return
	}
	dk := &e.st.dokploy
	p := dk.bitbucketConn(v.str("bitbucketId"))
	if p == nil {
		fail(w, dkErr(dkNotFound, "Bitbucket provider not found"))
		return
	}
	b := p.bitbucket
	setStr(v, "bitbucketUsername", &b.BitbucketUsername)
	setStr(v, "bitbucketEmail", &b.BitbucketEmail)
	setStr(v, "appPassword", &b.AppPassword)
	setStr(v, "apiToken", &b.APIToken)
	setStr(v, "bitbucketWorkspaceName", &b.BitbucketWorkspaceName)
	p.row.Name = v.str("name") // the connection's own git_provider row, whatever gitProviderId says
	writeDokployResult(w, b)
}

// dkGiteaUpdate is gitea.update: renames the connection and sets the members sent, tokens included.
// Answers {success: true}; an unknown id is 500 "Failed to update Gitea provider with ID <id>".
func (e *Emulator) dkGiteaUpdate(w http.ResponseWriter, _ *http.Request, in dkInput) {
	v, err := in.validate(append([]dkField{reqStr("giteaId", 1)}, giteaFields(reqStr("gitProviderId", 0))...)...)
	if err != nil {
		fail(w, err)
		return
	}
	dk := &e.st.dokploy
	dk.renameProvider(v.str("gitProviderId"), v.str("name"))
	p := dk.giteaConn(v.str("giteaId"))
	if p == nil {
		fail(w, dkErr(dkInternal, "Failed to update Gitea provider with ID "+v.str("giteaId")))
		return
	}
	if err := dk.checkProviderRef("gitea", v.str("gitProviderId")); err != nil {
		fail(w, err)
		return
	}
	g := p.gitea
	g.GiteaURL = v.str("giteaUrl")
	setStr(v, "giteaInternalUrl", &g.GiteaInternalURL)
	setStr(v, "redirectUri", &g.RedirectURI)
	setStr(v, "clientId", &g.ClientID)
	setStr(v, "clientSecret", &g.ClientSecret)
	setStr(v, "accessToken", &g.AccessToken)
	setStr(v, "refreshToken", &g.RefreshToken)
	setInt(v, "expiresAt", &g.ExpiresAt)
	setStr(v, "scopes", &g.Scopes)
	setInt(v, "lastAuthenticatedAt", &g.LastAuthenticatedAt)
	writeDokployResult(w, map[string]bool{"success": true})
}

// dkGiteaGetURL is gitea.getGiteaUrl: the connection's giteaUrl, as a JSON string.
func (e *Emulator) dkGiteaGetURL(w http.ResponseWriter, _ *http.Request, in dkInput) {
	if p, ok := e.dkFindConn(w, in, kindGitea); ok {
		writeDokployResult(w, p.gitea.GiteaURL)
	}
}

// appendMember writes v (a JSON object) with one more member at its end.
func appendMember(v any, name string, value any) ([]byte, error) {
	obj, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	key, err := json.Marshal(name)
	if err != nil {
		return nil, err
	}
	val, err := json.Marshal(value)
	if err != nil {
		return nil, err
	}
	obj = bytes.TrimRight(obj, "}")
	if len(obj) > 1 {
		obj = append(obj, ',')
	}
	return append(append(append(append(obj, key...), ':'), val...), '}'), nil
}
