package emulator

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// siteRequiredKeys are the keys the official Terraform provider's generated client requires in a site
// (netlify/terraform-provider-netlify, internal/netlifyapi/model_site.go), plus swagger.yml's site
// fields; a missing one makes its netlify_site data source fail.
var siteRequiredKeys = []string{
	"id", "plan", "name", "default_domain", "custom_domain", "branch_deploy_custom_domain",
	"deploy_preview_custom_domain", "domain_aliases", "sso_login", "sso_login_context", "notification_email", "url",
	"admin_url", "deploy_url", "state", "screenshot_url", "created_at", "updated_at", "ssl_url", "force_ssl",
	"build_settings", "processing_settings", "deploy_hook", "managed_dns", "account_id", "account_slug",
	"account_name", "capabilities", "id_domain", "build_image", "build_timelimit", "deploy_retention_in_days", "labels",
	// swagger.yml only
	"password", "user_id", "session_id", "ssl", "published_deploy", "git_provider", "default_hooks_data", "prerender",
	"functions_region", "prevent_non_git_prod_deploys",
}

var buildSettingsKeys = []string{
	"id", "provider", "deploy_key_id", "repo_path", "repo_branch", "branch", "dir", "functions_dir", "cmd",
	"allowed_branches", "public_repo", "private_logs", "repo_url", "env", "installation_id", "stop_builds", "skip_prs",
	"package_path", "base", "base_rel_dir", "repo_type", "repo_owner_type", "configuration_file_path",
	"skip_automatic_builds", "untrusted_flow", "created_at", "updated_at",
}

func getRawSite(t *testing.T, ts *testServer, id string) map[string]any {
	t.Helper()
	var raw map[string]any
	ts.do("GET", "/netlify/api/v1/sites/"+id, netlifyAuth, nil).want(t, http.StatusOK, &raw)
	return raw
}

func TestNetlifySiteHasEveryDocumentedField(t *testing.T) {
	ts := newTestServer(t, nil)
	var site nlSiteJSON
	ts.do("POST", "/netlify/api/v1/sites", netlifyAuth, map[string]any{"name": "full-site"}).want(t, http.StatusCreated, &site)
	raw := getRawSite(t, ts, site.ID)
	for _, k := range siteRequiredKeys {
		if _, ok := raw[k]; !ok {
			t.Errorf("site lacks %q", k)
		}
	}
	bs, _ := raw["build_settings"].(map[string]any)
	for _, k := range buildSettingsKeys {
		if _, ok := bs[k]; !ok {
			t.Errorf("build_settings lacks %q", k)
		}
	}
	if aliases, ok := raw["domain_aliases"].([]any); !ok || len(aliases) != 0 {
		t.Errorf("domain_aliases = %v, want []", raw["domain_aliases"])
	}
	if labels, ok := raw["labels"].([]any); !ok || len(labels) != 0 {
		t.Errorf("labels = %v, want []", raw["labels"])
	}
	if raw["functions_region"] != "us-east-2" || bs["provider"] != nil || bs["skip_prs"] != nil || bs["stop_builds"] != nil || raw["deploy_hook"] != nil {
		t.Errorf("an unlinked site has null repo values: %v, deploy_hook %v", bs, raw["deploy_hook"])
	}
	// Realistic values.
	if site.DefaultDomain != "full-site.netlify.app" || site.IDDomain != site.ID+".netlify.app" ||
		site.DeployURL != "http://main--full-site.netlify.app" || site.Plan != "nf_team_dev" || site.State != "current" ||
		site.BuildImage != "noble" || !site.ProcessingSettings.HTML.PrettyURLs || site.UserID == "" {
		t.Errorf("site = %+v", site)
	}
	var accounts []nlAccountJSON
	ts.do("GET", "/netlify/api/v1/accounts", netlifyAuth, nil).want(t, http.StatusOK, &accounts)
	if len(accounts) != 1 || site.AccountID != accounts[0].ID || site.AccountName != accounts[0].Name {
		t.Errorf("site account %q %q, accounts %+v", site.AccountID, site.AccountName, accounts)
	}
}

func TestNetlifyBuildSettingsAsTheOfficialProviderWritesThem(t *testing.T) {
	ts := newTestServer(t, nil)
	siteID := linkSite(t, ts, map[string]any{"provider": "github", "repo_path": "gitdeploy-demo/website", "repo_branch": "main",
		"id": 1001, "cmd": "npm run build"})
	// What netlify_site_build_settings sends: build_settings with "branch", not "repo_branch".
	var patched nlSiteJSON
	ts.do("PATCH", "/netlify/api/v1/sites/"+siteID, netlifyAuth, map[string]any{
		"build_settings": map[string]any{
			"branch": "develop", "skip_prs": true, "stop_builds": true, "package_path": "apps/web", "base": "apps",
			"dir": "dist", "functions_dir": "netlify/functions", "allowed_branches": []string{"develop", "staging"},
		},
		"processing_settings":          map[string]any{"html": map[string]any{"pretty_urls": false}},
		"prevent_non_git_prod_deploys": true, "build_image": "focal", "functions_region": "eu-central-1",
	}).want(t, http.StatusOK, &patched)
	bs := patched.BuildSettings
	if *bs.RepoBranch != "develop" || *bs.Branch != "develop" || !*bs.SkipPRs || !*bs.StopBuilds ||
		*bs.PackagePath != "apps/web" || *bs.Base != "apps" || *bs.Dir != "dist" || *bs.Cmd != "npm run build" ||
		strings.Join(bs.AllowedBranches, ",") != "develop,staging" || string(bs.ID) != "1001" {
		t.Fatalf("build_settings = %s", mustJSON(t, bs))
	}
	if patched.ProcessingSettings.HTML.PrettyURLs || !patched.PreventNonGitProdDeploys || patched.BuildImage != "focal" ||
		patched.FunctionsRegion == nil || *patched.FunctionsRegion != "eu-central-1" ||
		patched.DeployURL != "http://develop--"+patched.Name+".netlify.app" {
		t.Errorf("site = %s", mustJSON(t, patched))
	}
	if bs.CreatedAt == nil || bs.UpdatedAt == nil || patched.DeployHook == nil ||
		*patched.DeployHook != ts.srv.URL+"/netlify/hooks/github" || *patched.GitProvider != "github" {
		t.Errorf("link times %v %v, deploy_hook %v", bs.CreatedAt, bs.UpdatedAt, patched.DeployHook)
	}
	// Read back unchanged; a PATCH that leaves them out keeps them.
	ts.do("PATCH", "/netlify/api/v1/sites/"+siteID, netlifyAuth, map[string]any{"build_settings": map[string]any{"cmd": "make"}}).
		want(t, http.StatusOK, nil)
	var got nlSiteJSON
	ts.do("GET", "/netlify/api/v1/sites/"+siteID, netlifyAuth, nil).want(t, http.StatusOK, &got)
	if *got.BuildSettings.Cmd != "make" || !*got.BuildSettings.SkipPRs || !*got.BuildSettings.StopBuilds ||
		*got.BuildSettings.PackagePath != "apps/web" || *got.BuildSettings.RepoBranch != "develop" || got.ProcessingSettings.HTML.PrettyURLs {
		t.Errorf("after a partial PATCH: %s", mustJSON(t, got.BuildSettings))
	}
	// false is kept as false, not dropped.
	ts.do("PATCH", "/netlify/api/v1/sites/"+siteID, netlifyAuth, map[string]any{"build_settings": map[string]any{"skip_prs": false}}).
		want(t, http.StatusOK, &got)
	if got.BuildSettings.SkipPRs == nil || *got.BuildSettings.SkipPRs {
		t.Errorf("skip_prs = %v, want false", got.BuildSettings.SkipPRs)
	}
	// "" written is "" read, not null (the official provider writes "" for an unset functions directory).
	ts.do("PATCH", "/netlify/api/v1/sites/"+siteID, netlifyAuth, map[string]any{"build_settings": map[string]any{"functions_dir": ""}}).
		want(t, http.StatusOK, &got)
	if got.BuildSettings.FunctionsDir == nil || *got.BuildSettings.FunctionsDir != "" || got.BuildSettings.ConfigurationFilePath != nil {
		t.Errorf("functions_dir = %v, configuration_file_path = %v", got.BuildSettings.FunctionsDir, got.BuildSettings.ConfigurationFilePath)
	}
	// repo_branch wins over branch when a client sends both.
	ts.do("PATCH", "/netlify/api/v1/sites/"+siteID, netlifyAuth, map[string]any{"repo": map[string]any{"branch": "a", "repo_branch": "b"}}).
		want(t, http.StatusOK, &got)
	if *got.BuildSettings.RepoBranch != "b" {
		t.Errorf("repo_branch = %q, want b", *got.BuildSettings.RepoBranch)
	}
	snap, _ := ts.emu.NetlifySite(siteID)
	if snap.BuildSettings.PackagePath != "apps/web" || !snap.BuildSettings.StopBuilds || snap.BuildSettings.SkipPRs {
		t.Errorf("snapshot = %+v", snap.BuildSettings)
	}
	ts.do("PATCH", "/netlify/api/v1/sites/"+siteID, netlifyAuth, map[string]any{"build_settings": map[string]any{"provider": "cvs"}}).
		want(t, http.StatusUnprocessableEntity, nil)
}

func TestNetlifyDomainAndCollaborationSettings(t *testing.T) {
	ts := newTestServer(t, nil)
	var site nlSiteJSON
	ts.do("POST", "/netlify/api/v1/sites", netlifyAuth, map[string]any{"name": "domains"}).want(t, http.StatusCreated, &site)
	ts.do("PATCH", "/netlify/api/v1/sites/"+site.ID, netlifyAuth, map[string]any{
		"custom_domain": "www.example.org", "domain_aliases": []string{"example.org", "alias.example.org"},
		"branch_deploy_custom_domain": "branches.example.org", "deploy_preview_custom_domain": "previews.example.org",
		"cdp_enabled_contexts": []string{"deploy-preview"}, "hud_enabled": false,
	}).want(t, http.StatusOK, nil)
	var got nlSiteJSON
	ts.do("GET", "/netlify/api/v1/sites/"+site.ID, netlifyAuth, nil).want(t, http.StatusOK, &got)
	if *got.CustomDomain != "www.example.org" || strings.Join(got.DomainAliases, ",") != "example.org,alias.example.org" ||
		*got.BranchDeployCustomDomain != "branches.example.org" || *got.DeployPreviewCustomDomain != "previews.example.org" ||
		strings.Join(got.CDPEnabledContexts, ",") != "deploy-preview" || got.HUDEnabled == nil || *got.HUDEnabled ||
		got.URL != "http://www.example.org" || got.DefaultDomain != "domains.netlify.app" {
		t.Errorf("site = %s", mustJSON(t, got))
	}
	// The site is found by a domain alias' sibling, its custom domain, as before.
	ts.do("GET", "/netlify/api/v1/sites/www.example.org", netlifyAuth, nil).want(t, http.StatusOK, nil)
}

func TestNetlifyAccountSites(t *testing.T) {
	seed := DefaultSeed()
	seed.Netlify.Accounts = append(seed.Netlify.Accounts, "other-team")
	ts := newTestServer(t, seed)
	for _, name := range []string{"delta", "alpha", "charlie"} {
		ts.do("POST", "/netlify/api/v1/gitdeploy-demo/sites", netlifyAuth, map[string]any{"name": name}).want(t, http.StatusCreated, nil)
	}
	ts.do("POST", "/netlify/api/v1/other-team/sites", netlifyAuth, map[string]any{"name": "elsewhere"}).want(t, http.StatusCreated, nil)

	names := func(sites []nlSiteJSON) string {
		var out []string
		for _, s := range sites {
			out = append(out, s.Name)
		}
		return strings.Join(out, ",")
	}
	var all []nlSiteJSON
	ts.do("GET", "/netlify/api/v1/gitdeploy-demo/sites", netlifyAuth, nil).want(t, http.StatusOK, &all)
	if names(all) != "delta,alpha,charlie" || all[0].AccountSlug != "gitdeploy-demo" {
		t.Errorf("account sites = %s", names(all))
	}
	var other []nlSiteJSON
	ts.do("GET", "/netlify/api/v1/other-team/sites", netlifyAuth, nil).want(t, http.StatusOK, &other)
	if names(other) != "elsewhere" || other[0].AccountID != netlifyAccountID("other-team") {
		t.Errorf("other-team sites = %+v", other)
	}
	// Pagination, as the official netlify_sites data source reads it: pages until an empty one.
	var page1, page2, page3 []nlSiteJSON
	r := ts.do("GET", "/netlify/api/v1/gitdeploy-demo/sites?per_page=2&page=1", netlifyAuth, nil)
	r.want(t, http.StatusOK, &page1)
	if names(page1) != "delta,alpha" || !strings.Contains(r.header.Get("Link"), `rel="next"`) ||
		!strings.Contains(r.header.Get("Link"), ts.srv.URL+"/netlify/api/v1/gitdeploy-demo/sites?") {
		t.Errorf("page 1 = %s, Link %q", names(page1), r.header.Get("Link"))
	}
	r = ts.do("GET", "/netlify/api/v1/gitdeploy-demo/sites?per_page=2&page=2", netlifyAuth, nil)
	r.want(t, http.StatusOK, &page2)
	if names(page2) != "charlie" || strings.Contains(r.header.Get("Link"), `rel="next"`) {
		t.Errorf("page 2 = %s, Link %q", names(page2), r.header.Get("Link"))
	}
	ts.do("GET", "/netlify/api/v1/gitdeploy-demo/sites?per_page=2&page=3", netlifyAuth, nil).want(t, http.StatusOK, &page3)
	if len(page3) != 0 {
		t.Errorf("page 3 = %s", names(page3))
	}
	var byName, sorted []nlSiteJSON
	ts.do("GET", "/netlify/api/v1/gitdeploy-demo/sites?name=alp", netlifyAuth, nil).want(t, http.StatusOK, &byName)
	if names(byName) != "alpha" {
		t.Errorf("name filter = %s", names(byName))
	}
	ts.do("GET", "/netlify/api/v1/gitdeploy-demo/sites?sort_by=alphabetical", netlifyAuth, nil).want(t, http.StatusOK, &sorted)
	if names(sorted) != "alpha,charlie,delta" {
		t.Errorf("sort_by=alphabetical = %s", names(sorted))
	}
	// Errors.
	ts.do("GET", "/netlify/api/v1/no-such-team/sites", netlifyAuth, nil).want(t, http.StatusNotFound, nil)
	ts.do("GET", "/netlify/api/v1/gitdeploy-demo/sites", "", nil).want(t, http.StatusUnauthorized, nil)
	ts.do("GET", "/netlify/api/v1/gitdeploy-demo/members-of-nothing", netlifyAuth, nil).want(t, http.StatusNotFound, nil)
	// /sites/{site_id} is still a site.
	ts.do("GET", "/netlify/api/v1/sites/"+all[0].ID, netlifyAuth, nil).want(t, http.StatusOK, nil)
}

func TestNetlifyAccounts(t *testing.T) {
	seed := DefaultSeed()
	seed.Netlify.Accounts = append(seed.Netlify.Accounts, "other-team")
	ts := newTestServer(t, seed)
	var raw []map[string]any
	ts.do("GET", "/netlify/api/v1/accounts", netlifyAuth, nil).want(t, http.StatusOK, &raw)
	if len(raw) != 2 || raw[0]["slug"] != "gitdeploy-demo" || raw[1]["slug"] != "other-team" {
		t.Fatalf("accounts = %v", raw)
	}
	// Every key the official provider's client requires (model_account.go).
	for _, k := range []string{"capabilities", "created_at", "id", "member_roles", "name", "owner_ids", "role", "roles_allowed",
		"slug", "type_id", "type_name", "type_slug", "updated_at", "support_administration_enabled", "deploy_diagnostics_setting",
		"ai_usage_enabled_setting", "ai_usage_limit_enforced", "configurable_limits_exceeded", "block_site_transfers",
		"credit_alert_percentage", "in_operational_mode"} {
		if _, ok := raw[0][k]; !ok {
			t.Errorf("account lacks %q", k)
		}
	}
	id, _ := raw[1]["id"].(string)
	var byID, bySlug nlAccountJSON
	ts.do("GET", "/netlify/api/v1/accounts/"+id, netlifyAuth, nil).want(t, http.StatusOK, &byID)
	ts.do("GET", "/netlify/api/v1/accounts/other-team", netlifyAuth, nil).want(t, http.StatusOK, &bySlug)
	if byID.Slug != "other-team" || bySlug.ID != id || len(id) != 24 {
		t.Errorf("by id %+v, by slug %+v", byID, bySlug)
	}
	ts.do("GET", "/netlify/api/v1/accounts/nope", netlifyAuth, nil).want(t, http.StatusNotFound, nil)
	ts.do("GET", "/netlify/api/v1/accounts", "", nil).want(t, http.StatusUnauthorized, nil)
}

func TestNetlifySiteWAFPolicyIsNotFound(t *testing.T) {
	ts := newTestServer(t, nil)
	var site nlSiteJSON
	ts.do("POST", "/netlify/api/v1/sites", netlifyAuth, map[string]any{"name": "waf"}).want(t, http.StatusCreated, &site)
	var body map[string]any
	ts.do("GET", "/netlify/api/v1/sites/"+site.ID+"/waf/policy", netlifyAuth, nil).want(t, http.StatusNotFound, &body)
	if body["code"] != float64(404) {
		t.Errorf("body = %v", body)
	}
	if n := ts.emu.RequestCounts()["GET /netlify/api/v1/sites/{site_id}/waf/policy"]; n != 1 {
		t.Errorf("the WAF route was counted %d times", n)
	}
}

func TestStopBuildsStopsPushBuilds(t *testing.T) {
	ts := newTestServer(t, nil)
	stopped := linkSite(t, ts, map[string]any{"provider": "github", "repo_path": "gitdeploy-demo/website", "repo_branch": "main"})
	running := linkSite(t, ts, map[string]any{"provider": "github", "repo_path": "gitdeploy-demo/website", "repo_branch": "main"})
	ts.do("PATCH", "/netlify/api/v1/sites/"+stopped, netlifyAuth, map[string]any{"build_settings": map[string]any{"stop_builds": true}}).
		want(t, http.StatusOK, nil)
	ts.do("POST", ghHooksPath, githubAuth, map[string]any{"events": []string{"push"},
		"config": map[string]any{"url": ts.srv.URL + "/netlify/hooks/github", "content_type": "json"}}).want(t, http.StatusCreated, nil)
	if _, err := ts.emu.Push(HostGitHub, "gitdeploy-demo/website", "main"); err != nil {
		t.Fatal(err)
	}
	if len(ts.emu.Builds(stopped)) != 0 || len(ts.emu.Builds(running)) != 1 {
		t.Errorf("builds: stopped site %d, running site %d", len(ts.emu.Builds(stopped)), len(ts.emu.Builds(running)))
	}
}

// The site JSON must decode into the types the official provider uses for numbers and times.
func TestNetlifySiteTimesAndNumbers(t *testing.T) {
	ts := newTestServer(t, nil)
	siteID := linkSite(t, ts, map[string]any{"provider": "github", "repo_path": "gitdeploy-demo/website", "repo_branch": "main",
		"installation_id": 12345})
	var typed struct {
		CreatedAt             string   `json:"created_at"`
		DeployRetentionInDays float32  `json:"deploy_retention_in_days"`
		BuildTimelimit        *float32 `json:"build_timelimit"`
		BuildSettings         struct {
			InstallationID *int64 `json:"installation_id"`
		} `json:"build_settings"`
	}
	r := ts.do("GET", "/netlify/api/v1/sites/"+siteID, netlifyAuth, nil)
	if err := json.Unmarshal(r.body, &typed); err != nil {
		t.Fatal(err)
	}
	if typed.DeployRetentionInDays != 90 || typed.BuildSettings.InstallationID == nil || *typed.BuildSettings.InstallationID != 12345 ||
		!strings.HasSuffix(typed.CreatedAt, "Z") {
		t.Errorf("decoded = %+v", typed)
	}
}
