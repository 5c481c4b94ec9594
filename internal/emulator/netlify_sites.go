package emulator

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
)

// A Netlify site as the API serves it, with every field Netlify's OpenAPI documents: the public
// swagger.yml of netlify/open-api (definitions site and repoInfo) and the newer description the official
// Terraform provider is generated from (netlify/terraform-provider-netlify,
// internal/netlifyapi/api/openapi.yaml: Site, Repo), whose client rejects a site that lacks one of its
// required keys. Values that no document gives follow a real site object Netlify sent (a deploy
// notification of 2022: plan "nf_team_dev", url http://NAME.netlify.app, deploy_url
// http://main--NAME.netlify.app, id_domain ID.netlify.app, unset values null).

// nlBuildSettingsJSON is the read side of a site's repo link and build settings ("build_settings").
// Unset values are null, as on Netlify.
type nlBuildSettingsJSON struct {
	ID                    json.RawMessage   `json:"id"` // the repository's id at the git host; Netlify's name for it
	Provider              *string           `json:"provider"`
	RepoPath              *string           `json:"repo_path"`
	RepoBranch            *string           `json:"repo_branch"`
	Branch                *string           `json:"branch"` // repo_branch again: the Repo schema and real answers carry both
	RepoURL               *string           `json:"repo_url"`
	RepoType              *string           `json:"repo_type"`
	RepoOwnerType         *string           `json:"repo_owner_type"`
	DeployKeyID           *string           `json:"deploy_key_id"`
	InstallationID        json.RawMessage   `json:"installation_id"`
	Cmd                   *string           `json:"cmd"`
	Dir                   *string           `json:"dir"`
	Base                  *string           `json:"base"`
	BaseRelDir            *bool             `json:"base_rel_dir"`
	PackagePath           *string           `json:"package_path"`
	FunctionsDir          *string           `json:"functions_dir"`
	ConfigurationFilePath *string           `json:"configuration_file_path"`
	AllowedBranches       []string          `json:"allowed_branches"`
	PublicRepo            *bool             `json:"public_repo"`
	PrivateLogs           *bool             `json:"private_logs"`
	SkipPRs               *bool             `json:"skip_prs"`
	StopBuilds            *bool             `json:"stop_builds"`
	SkipAutomaticBuilds   *bool             `json:"skip_automatic_builds"`
	UntrustedFlow         *string           `json:"untrusted_flow"`
	Env                   map[string]string `json:"env"` // always {}: Netlify moved environment variables to their own endpoints
	CreatedAt             *string           `json:"created_at"`
	UpdatedAt             *string           `json:"updated_at"`
}

type nlProcessingSettingsJSON struct {
	HTML struct {
		PrettyURLs bool `json:"pretty_urls"`
	} `json:"html"`
	IgnoreHTMLForms bool `json:"ignore_html_forms"`
}

type nlSiteLabelJSON struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Color       string `json:"color"`
	AccountID   string `json:"account_id"`
}

type nlSiteJSON struct {
	ID                        string                   `json:"id"`
	SiteID                    string                   `json:"site_id"`
	State                     string                   `json:"state"`
	Plan                      string                   `json:"plan"`
	Name                      string                   `json:"name"`
	DefaultDomain             string                   `json:"default_domain"`
	CustomDomain              *string                  `json:"custom_domain"`
	DomainAliases             []string                 `json:"domain_aliases"`
	BranchDeployCustomDomain  *string                  `json:"branch_deploy_custom_domain"`
	DeployPreviewCustomDomain *string                  `json:"deploy_preview_custom_domain"`
	Password                  *string                  `json:"password"` // never served: set or not, the API answers null
	PasswordContext           *string                  `json:"password_context"`
	SSOLogin                  bool                     `json:"sso_login"`
	SSOLoginContext           *string                  `json:"sso_login_context"`
	NotificationEmail         *string                  `json:"notification_email"`
	URL                       string                   `json:"url"`
	SSLURL                    string                   `json:"ssl_url"`
	AdminURL                  string                   `json:"admin_url"`
	ScreenshotURL             *string                  `json:"screenshot_url"`
	CreatedAt                 string                   `json:"created_at"`
	UpdatedAt                 string                   `json:"updated_at"`
	UserID                    string                   `json:"user_id"`
	SessionID                 *string                  `json:"session_id"`
	SSL                       bool                     `json:"ssl"`
	ForceSSL                  *bool                    `json:"force_ssl"`
	ManagedDNS                bool                     `json:"managed_dns"`
	DeployURL                 string                   `json:"deploy_url"`
	PublishedDeploy           *struct{}                `json:"published_deploy"` // no deploys are emulated
	AccountID                 string                   `json:"account_id"`
	AccountName               string                   `json:"account_name"`
	AccountSlug               string                   `json:"account_slug"`
	GitProvider               *string                  `json:"git_provider"`
	DeployHook                *string                  `json:"deploy_hook"`
	Capabilities              map[string]any           `json:"capabilities"`
	ProcessingSettings        nlProcessingSettingsJSON `json:"processing_settings"`
	BuildSettings             nlBuildSettingsJSON      `json:"build_settings"`
	IDDomain                  string                   `json:"id_domain"`
	DefaultHooksData          *struct{}                `json:"default_hooks_data"` // its access_token is a secret: never served here
	BuildImage                string                   `json:"build_image"`
	BuildTimelimit            *float64                 `json:"build_timelimit"`
	DeployRetentionInDays     float64                  `json:"deploy_retention_in_days"`
	Prerender                 *string                  `json:"prerender"`
	FunctionsRegion           *string                  `json:"functions_region"`
	PreventNonGitProdDeploys  bool                     `json:"prevent_non_git_prod_deploys"`
	Labels                    []nlSiteLabelJSON        `json:"labels"`
	AnalyticsInstanceID       *string                  `json:"analytics_instance_id"`
	CDPEnabledContexts        []string                 `json:"cdp_enabled_contexts"`
	HUDEnabled                *bool                    `json:"hud_enabled"`
	RUMEnabled                *bool                    `json:"rum_enabled"`
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// nlDefaultBuildImage is what a new site builds on. Netlify's current default image is Ubuntu Noble
// 24.04 (its docs, "Build image selection"); older sites show "focal".
const nlDefaultBuildImage = "noble"

// nlDefaultFunctionsRegion is where a new site's functions run: Netlify documents US East (Ohio) as the
// default for sites created since October 2023 ("Configuration for functions"); the API's spelling of it
// as the AWS region name is not confirmed. The official provider plans a change on every run while the
// value is null, so a null here would be unlike Netlify.
const nlDefaultFunctionsRegion = "us-east-2"

// nlDeployRetentionDays is not documented per plan; 90 is the value chosen here.
const nlDeployRetentionDays = 90

// nlCapabilities is the capabilities object of a free team's site (from the real object quoted above).
func nlCapabilities() map[string]any {
	return map[string]any{
		"title": "Netlify Team Free", "asset_acceleration": true, "form_processing": true, "cdn_propagation": "partial",
		"domain_aliases": true, "secure_site": false, "prerendering": true, "proxying": true, "ssl": "custom",
		"rate_cents": 0, "yearly_rate_cents": 0, "branch_deploy": true, "managed_dns": true, "geo_ip": true,
		"split_testing": true, "id": "nf_team_dev", "cdn_tier": "reg",
	}
}

// nlSiteOut is the site as GET /sites/{site_id} serves it. Hook and deploy URLs point back at this
// emulator, as build hook URLs do (the real deploy_hook is https://api.netlify.com/hooks/<provider>).
func nlSiteOut(r *http.Request, nl *netlifyState, s *nlSite) nlSiteJSON {
	defaultDomain := s.name + ".netlify.app"
	host := defaultDomain
	if s.customDomain != "" {
		host = s.customDomain
	}
	rp := s.repo
	// deploy_url names the production branch's deploy; without a repository "main" is assumed.
	deployBranch := rp.repoBranch
	if deployBranch == "" {
		deployBranch = "main"
	}
	var deployHook *string
	if rp.provider != "" && rp.provider != "manual" {
		deployHook = nullable(externalBase(r) + "/netlify/hooks/" + rp.provider)
	}
	var linkedAt, linkUpdated *string
	if rp.linked() {
		linkedAt, linkUpdated = nullable(formatTimeMillis(rp.linkedAt)), nullable(formatTimeMillis(rp.updatedAt))
	}
	processing := nlProcessingSettingsJSON{IgnoreHTMLForms: s.ignoreHTMLForms}
	processing.HTML.PrettyURLs = s.prettyURLs
	account := nl.account(s.accountSlug)
	return nlSiteJSON{
		ID: s.id, SiteID: s.id, State: "current", Plan: "nf_team_dev", Name: s.name,
		DefaultDomain: defaultDomain, CustomDomain: nullable(s.customDomain),
		DomainAliases:            nonNilStrings(s.domainAliases),
		BranchDeployCustomDomain: nullable(s.branchDeployCustomDomain), DeployPreviewCustomDomain: nullable(s.deployPreviewCustomDomain),
		NotificationEmail: nullable(s.notificationEmail),
		URL:               "http://" + host, SSLURL: "https://" + host, AdminURL: "https://app.netlify.com/sites/" + s.name,
		CreatedAt: formatTimeMillis(s.createdAt), UpdatedAt: formatTimeMillis(s.updatedAt), UserID: nlUserID,
		SSL: s.customDomain != "", ForceSSL: s.forceSSL, ManagedDNS: true,
		DeployURL: "http://" + deployBranch + "--" + defaultDomain,
		AccountID: account.id, AccountName: account.name, AccountSlug: s.accountSlug,
		GitProvider: nullable(rp.provider), DeployHook: deployHook, Capabilities: nlCapabilities(),
		ProcessingSettings: processing,
		BuildSettings: nlBuildSettingsJSON{
			ID: rp.repoID, Provider: nullable(rp.provider), RepoPath: nullable(rp.repoPath),
			RepoBranch: nullable(rp.repoBranch), Branch: nullable(rp.repoBranch), RepoURL: nullable(rp.repoURL),
			RepoType: nullable(rp.repoType), RepoOwnerType: nullable(rp.repoOwnerType),
			DeployKeyID: nullable(rp.deployKeyID), InstallationID: rp.installationID, Cmd: rp.cmd,
			Dir: rp.dir, Base: rp.base, BaseRelDir: rp.baseRelDir, PackagePath: rp.packagePath,
			FunctionsDir: rp.functionsDir, ConfigurationFilePath: rp.configurationFilePath,
			AllowedBranches: slices.Clone(rp.allowedBranches), PublicRepo: rp.publicRepo, PrivateLogs: rp.privateLogs,
			SkipPRs: rp.skipPRs, StopBuilds: rp.stopBuilds, SkipAutomaticBuilds: rp.skipAutomaticBuilds,
			UntrustedFlow: nullable(rp.untrustedFlow), Env: map[string]string{},
			CreatedAt: linkedAt, UpdatedAt: linkUpdated,
		},
		IDDomain: s.id + ".netlify.app", BuildImage: s.buildImage, DeployRetentionInDays: nlDeployRetentionDays,
		FunctionsRegion: nullable(s.functionsRegion), PreventNonGitProdDeploys: s.preventNonGitProdDeploys,
		Labels: []nlSiteLabelJSON{}, CDPEnabledContexts: nonNilStrings(s.cdpEnabledContexts),
		HUDEnabled: s.hudEnabled, RUMEnabled: s.rumEnabled,
	}
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return slices.Clone(s)
}

// nlSiteWrite is the body of POST/PATCH/PUT /sites (Netlify's siteSetup: the site's writable fields plus
// "repo"). The repo link is written as "repo" (seed 001 and siteSetup); "build_settings" is accepted too
// and means the same (the official Terraform provider writes build settings that way).
type nlSiteWrite struct {
	Name                      *string   `json:"name"`
	CustomDomain              *string   `json:"custom_domain"`
	DomainAliases             *[]string `json:"domain_aliases"`
	BranchDeployCustomDomain  *string   `json:"branch_deploy_custom_domain"`
	DeployPreviewCustomDomain *string   `json:"deploy_preview_custom_domain"`
	NotificationEmail         *string   `json:"notification_email"`
	ForceSSL                  *bool     `json:"force_ssl"`
	BuildImage                *string   `json:"build_image"`
	FunctionsRegion           *string   `json:"functions_region"`
	PreventNonGitProdDeploys  *bool     `json:"prevent_non_git_prod_deploys"`
	CDPEnabledContexts        *[]string `json:"cdp_enabled_contexts"`
	HUDEnabled                *bool     `json:"hud_enabled"`
	RUMEnabled                *bool     `json:"rum_enabled"`
	ProcessingSettings        *struct {
		HTML *struct {
			PrettyURLs *bool `json:"pretty_urls"`
		} `json:"html"`
		IgnoreHTMLForms *bool `json:"ignore_html_forms"`
	} `json:"processing_settings"`
	Repo          *nlRepoWrite `json:"repo"`
	BuildSettings *nlRepoWrite `json:"build_settings"`
	AccountSlug   *string      `json:"account_slug"`
}

// nlRepoWrite is Netlify's repoInfo/Repo on the write side. Fields left out are not changed; "repo_id" is
// accepted as another name for "id", and "branch" (what the official Terraform provider writes) for
// "repo_branch", which it then reads back.
type nlRepoWrite struct {
	ID                    json.RawMessage `json:"id"`
	RepoID                json.RawMessage `json:"repo_id"`
	Provider              *string         `json:"provider"`
	RepoPath              *string         `json:"repo_path"`
	RepoBranch            *string         `json:"repo_branch"`
	Branch                *string         `json:"branch"`
	RepoURL               *string         `json:"repo_url"`
	RepoType              *string         `json:"repo_type"`
	RepoOwnerType         *string         `json:"repo_owner_type"`
	DeployKeyID           *string         `json:"deploy_key_id"`
	InstallationID        json.RawMessage `json:"installation_id"`
	Cmd                   *string         `json:"cmd"`
	Dir                   *string         `json:"dir"`
	Base                  *string         `json:"base"`
	BaseRelDir            *bool           `json:"base_rel_dir"`
	PackagePath           *string         `json:"package_path"`
	FunctionsDir          *string         `json:"functions_dir"`
	ConfigurationFilePath *string         `json:"configuration_file_path"`
	AllowedBranches       *[]string       `json:"allowed_branches"`
	PublicRepo            *bool           `json:"public_repo"`
	PrivateLogs           *bool           `json:"private_logs"`
	SkipPRs               *bool           `json:"skip_prs"`
	StopBuilds            *bool           `json:"stop_builds"`
	SkipAutomaticBuilds   *bool           `json:"skip_automatic_builds"`
	UntrustedFlow         *string         `json:"untrusted_flow"`
}

// merge applies a write onto the stored link. JSON null clears an id.
func (rp *nlRepo) merge(wr *nlRepoWrite) error {
	if wr.Provider != nil && *wr.Provider != "" && !slices.Contains(nlProviders, *wr.Provider) {
		return errors.New("provider must be one of github, gitlab, bitbucket, manual")
	}
	setString := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	setBool := func(dst **bool, src *bool) {
		if src != nil {
			v := *src
			*dst = &v
		}
	}
	setString(&rp.provider, wr.Provider)
	setString(&rp.repoPath, wr.RepoPath)
	setString(&rp.repoBranch, wr.Branch)
	setString(&rp.repoBranch, wr.RepoBranch) // repo_branch wins when both are sent
	setString(&rp.repoURL, wr.RepoURL)
	setString(&rp.repoType, wr.RepoType)
	setString(&rp.repoOwnerType, wr.RepoOwnerType)
	setString(&rp.deployKeyID, wr.DeployKeyID)
	setPath := func(dst **string, src *string) {
		if src != nil {
			v := *src
			*dst = &v
		}
	}
	setPath(&rp.cmd, wr.Cmd)
	setPath(&rp.dir, wr.Dir)
	setPath(&rp.base, wr.Base)
	setPath(&rp.packagePath, wr.PackagePath)
	setPath(&rp.functionsDir, wr.FunctionsDir)
	setPath(&rp.configurationFilePath, wr.ConfigurationFilePath)
	setString(&rp.untrustedFlow, wr.UntrustedFlow)
	setBool(&rp.baseRelDir, wr.BaseRelDir)
	setBool(&rp.publicRepo, wr.PublicRepo)
	setBool(&rp.privateLogs, wr.PrivateLogs)
	setBool(&rp.skipPRs, wr.SkipPRs)
	setBool(&rp.stopBuilds, wr.StopBuilds)
	setBool(&rp.skipAutomaticBuilds, wr.SkipAutomaticBuilds)
	for _, raw := range []json.RawMessage{wr.RepoID, wr.ID} { // "id" wins when both are sent
		if raw != nil {
			rp.repoID = rawOrNil(raw)
		}
	}
	if wr.InstallationID != nil {
		rp.installationID = rawOrNil(wr.InstallationID)
	}
	if wr.AllowedBranches != nil {
		rp.allowedBranches = slices.Clone(*wr.AllowedBranches)
	}
	return nil
}

// apply writes the site-level fields of a create or update body (everything but the name and the
// repo) onto s, and the repo link last; s is a copy the caller keeps only when apply succeeds.
func (s *nlSite) apply(body *nlSiteWrite) error {
	setString := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	setString(&s.customDomain, body.CustomDomain)
	setString(&s.branchDeployCustomDomain, body.BranchDeployCustomDomain)
	setString(&s.deployPreviewCustomDomain, body.DeployPreviewCustomDomain)
	setString(&s.notificationEmail, body.NotificationEmail)
	setString(&s.functionsRegion, body.FunctionsRegion)
	if body.BuildImage != nil && *body.BuildImage != "" {
		s.buildImage = *body.BuildImage
	}
	if body.DomainAliases != nil {
		s.domainAliases = slices.Clone(*body.DomainAliases)
	}
	if body.CDPEnabledContexts != nil {
		s.cdpEnabledContexts = slices.Clone(*body.CDPEnabledContexts)
	}
	if body.ForceSSL != nil {
		v := *body.ForceSSL
		s.forceSSL = &v
	}
	if body.HUDEnabled != nil {
		v := *body.HUDEnabled
		s.hudEnabled = &v
	}
	if body.RUMEnabled != nil {
		v := *body.RUMEnabled
		s.rumEnabled = &v
	}
	if body.PreventNonGitProdDeploys != nil {
		s.preventNonGitProdDeploys = *body.PreventNonGitProdDeploys
	}
	if ps := body.ProcessingSettings; ps != nil {
		if ps.HTML != nil && ps.HTML.PrettyURLs != nil {
			s.prettyURLs = *ps.HTML.PrettyURLs
		}
		if ps.IgnoreHTMLForms != nil {
			s.ignoreHTMLForms = *ps.IgnoreHTMLForms
		}
	}
	s.repo.allowedBranches = slices.Clone(s.repo.allowedBranches)
	wasLinked := s.repo.linked()
	for _, wr := range []*nlRepoWrite{body.BuildSettings, body.Repo} {
		if wr == nil {
			continue
		}
		if err := s.repo.merge(wr); err != nil {
			return err
		}
		s.repo.updatedAt = s.updatedAt
	}
	if !wasLinked && s.repo.linked() {
		s.repo.linkedAt = s.updatedAt
	}
	return nil
}

// ---- the account's sites and a site's WAF policy ----

// nlListAccountSites is GET /{account_slug}/sites (listSitesForAccount): the account's sites, with the
// name filter and page/per_page of GET /sites. The route is registered as /{account_slug}/{collection}
// because /sites/{site_id} would otherwise overlap it; other collections are unknown routes. sort_by
// (created_at, updated_at, alphabetical) is honoured; newest first for the times is a choice, not
// documented.
func (e *Emulator) nlListAccountSites(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("collection") != "sites" {
		writeUnknownRoute(w, r)
		return
	}
	nl := &e.st.netlify
	account := nl.account(r.PathValue("account_slug"))
	if !account.known {
		writeNetlifyError(w, http.StatusNotFound, "Not Found")
		return
	}
	nameFilter := strings.ToLower(r.URL.Query().Get("name"))
	var matched []*nlSite
	for _, s := range listed(e, nl.sites) {
		if s.accountSlug == account.slug && (nameFilter == "" || strings.Contains(s.name, nameFilter)) {
			matched = append(matched, s)
		}
	}
	switch r.URL.Query().Get("sort_by") {
	case "alphabetical":
		slices.SortStableFunc(matched, func(a, b *nlSite) int { return strings.Compare(a.name, b.name) })
	case "created_at":
		slices.SortStableFunc(matched, func(a, b *nlSite) int { return b.createdAt.Compare(a.createdAt) })
	case "updated_at":
		slices.SortStableFunc(matched, func(a, b *nlSite) int { return b.updatedAt.Compare(a.updatedAt) })
	}
	p := readPage(r, 100)
	start, end := p.bounds(len(matched))
	out := make([]nlSiteJSON, 0, end-start)
	for _, s := range matched[start:end] {
		out = append(out, nlSiteOut(r, nl, s))
	}
	setNetlifyPagination(w, r, p, len(matched))
	writeJSON(w, http.StatusOK, out)
}

// nlGetSiteWAFPolicy is GET /sites/{site_id}/waf/policy. WAF policies are an Enterprise feature the
// emulator does not model: every site answers 404, which Netlify documents as "WAF Policy not found".
func (e *Emulator) nlGetSiteWAFPolicy(w http.ResponseWriter, _ *http.Request) {
	writeNetlifyError(w, http.StatusNotFound, "Not Found")
}
