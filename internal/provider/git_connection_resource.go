package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/httpx"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/platform"
)

// gitdeploy_git_connection: a Dokploy git-provider connection (GitLab OAuth application, Bitbucket API
// token, Gitea token) through which Dokploy lists and clones repositories without a deploy key.

const (
	// defaultGitLabURL is the url of a GitLab connection that sets none.
	defaultGitLabURL = "https://gitlab.com"
	// privateCredentialWO is the private-state key holding the SHA-256 of the write-only credential last
	// sent, so that Read sees one changed by hand without the state holding it.
	privateCredentialWO = "credential_wo_digest"
	// privateCredentialDrift is where Read notes a credential changed outside Terraform, for ModifyPlan's
	// warning.
	privateCredentialDrift = "credential_drift"
)

var (
	_ resource.Resource                   = (*gitConnectionResource)(nil)
	_ resource.ResourceWithConfigure      = (*gitConnectionResource)(nil)
	_ resource.ResourceWithImportState    = (*gitConnectionResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*gitConnectionResource)(nil)
	_ resource.ResourceWithValidateConfig = (*gitConnectionResource)(nil)
)

// NewGitConnectionResource is the constructor of gitdeploy_git_connection.
func NewGitConnectionResource() resource.Resource { return &gitConnectionResource{} }

type gitConnectionResource struct {
	clients *clients
}

type gitConnectionModel struct {
	ID                   types.String   `tfsdk:"id"`
	GitProviderID        types.String   `tfsdk:"git_provider_id"`
	Platform             types.String   `tfsdk:"platform"`
	Kind                 types.String   `tfsdk:"kind"`
	Name                 types.String   `tfsdk:"name"`
	URL                  types.String   `tfsdk:"url"`
	InternalURL          types.String   `tfsdk:"internal_url"`
	ApplicationID        types.String   `tfsdk:"application_id"`
	Secret               types.String   `tfsdk:"secret"`
	SecretWO             types.String   `tfsdk:"secret_wo"`
	SecretWOVersion      types.Int64    `tfsdk:"secret_wo_version"`
	GroupName            types.String   `tfsdk:"group_name"`
	RedirectURI          types.String   `tfsdk:"redirect_uri"`
	Authorized           types.Bool     `tfsdk:"authorized"`
	AuthorizeURL         types.String   `tfsdk:"authorize_url"`
	Email                types.String   `tfsdk:"email"`
	APIToken             types.String   `tfsdk:"api_token"`
	APITokenWO           types.String   `tfsdk:"api_token_wo"`
	APITokenWOVersion    types.Int64    `tfsdk:"api_token_wo_version"`
	Username             types.String   `tfsdk:"username"`
	Workspace            types.String   `tfsdk:"workspace"`
	AccessToken          types.String   `tfsdk:"access_token"`
	AccessTokenWO        types.String   `tfsdk:"access_token_wo"`
	AccessTokenWOVersion types.Int64    `tfsdk:"access_token_wo_version"`
	CreatedAt            types.String   `tfsdk:"created_at"`
	Timeouts             timeouts.Value `tfsdk:"timeouts"`
}

// connectionKindAttrs are the settings each kind has; setting another kind's fails at plan time.
var connectionKindAttrs = map[string][]string{
	githost.GitLab:    {"url", "internal_url", "application_id", "secret", "secret_wo", "secret_wo_version", "group_name"},
	githost.Bitbucket: {"email", "api_token", "api_token_wo", "api_token_wo_version", "username", "workspace"},
	githost.Gitea:     {"url", "internal_url", "access_token", "access_token_wo", "access_token_wo_version"},
}

// connectionKinds are the kinds the resource makes, in the order the docs name them.
var connectionKinds = []string{githost.GitLab, githost.Bitbucket, githost.Gitea}

// connectionCredential is a kind's credential: the attribute, its write-only twin and version, and the
// platform.GitConnectionInput field (the key of GitConnection.CredentialDigests).
type connectionCredential struct {
	attr, field string
	value       func(*gitConnectionModel) *types.String
	version     func(*gitConnectionModel) *types.Int64
}

func (c connectionCredential) woAttr() string      { return c.attr + "_wo" }
func (c connectionCredential) versionAttr() string { return c.attr + "_wo_version" }

var connectionCredentials = map[string]connectionCredential{
	githost.GitLab: {attr: "secret", field: "Secret",
		value:   func(m *gitConnectionModel) *types.String { return &m.Secret },
		version: func(m *gitConnectionModel) *types.Int64 { return &m.SecretWOVersion }},
	githost.Bitbucket: {attr: "api_token", field: "APIToken",
		value:   func(m *gitConnectionModel) *types.String { return &m.APIToken },
		version: func(m *gitConnectionModel) *types.Int64 { return &m.APITokenWOVersion }},
	githost.Gitea: {attr: "access_token", field: "AccessToken",
		value:   func(m *gitConnectionModel) *types.String { return &m.AccessToken },
		version: func(m *gitConnectionModel) *types.Int64 { return &m.AccessTokenWOVersion }},
}

func (r *gitConnectionResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_git_connection"
}

// secretAttrs returns a credential's three attributes: the sensitive one (stored in state), its
// write-only twin and the twin's version, as gitdeploy_webhook's secret.
func secretAttrs(name, what string) map[string]schema.Attribute {
	return map[string]schema.Attribute{
		name: schema.StringAttribute{
			Optional: true, Sensitive: true,
			MarkdownDescription: what + " Stored in the state; prefer `" + name + "_wo`. One changed by hand in Dokploy " +
				"shows in the next plan, and apply sends this one again. One of the two is required to create the connection; " +
				"an imported connection may leave both out, and Dokploy keeps the credential it holds.",
			Validators: []validator.String{stringvalidator.ConflictsWith(path.MatchRoot(name + "_wo")), stringvalidator.LengthAtLeast(1)},
		},
		name + "_wo": schema.StringAttribute{
			Optional: true, Sensitive: true, WriteOnly: true,
			MarkdownDescription: "Write-only `" + name + "` (Terraform 1.11+): sent to Dokploy, never stored. Requires `" + name +
				"_wo_version`. Only its SHA-256 is kept (in the resource's private state), so that one changed by hand in " +
				"Dokploy shows in the next plan as a change of `" + name + "_wo_version`.",
			Validators: []validator.String{stringvalidator.AlsoRequires(path.MatchRoot(name + "_wo_version")), stringvalidator.LengthAtLeast(1)},
		},
		name + "_wo_version": schema.Int64Attribute{
			Optional:            true,
			MarkdownDescription: "Change it to send a new `" + name + "_wo`.",
		},
	}
}

func (r *gitConnectionResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	attrs := map[string]schema.Attribute{
		"id": schema.StringAttribute{
			Computed: true, PlanModifiers: keep,
			MarkdownDescription: "The connection's id of its kind (Dokploy's `gitlabId`, `bitbucketId` or `giteaId`): what " +
				"`connection_id` of `gitdeploy_repo_link`, `gitdeploy_repositories` and `gitdeploy_branches` takes, and the import ID.",
		},
		"git_provider_id": schema.StringAttribute{
			Computed: true, PlanModifiers: keep,
			MarkdownDescription: "Dokploy's `gitProviderId` of the connection (what `gitProvider.remove` takes); also accepted as import ID.",
		},
		"platform": platformAttribute(),
		"kind": schema.StringAttribute{
			Required: true,
			MarkdownDescription: "`gitlab` (an OAuth application on GitLab.com or a self-managed GitLab), `bitbucket` (an " +
				"Atlassian API token) or `gitea` (a Gitea or Forgejo access token). GitHub connections are GitHub Apps that " +
				"only Dokploy's dashboard makes: read them with the `gitdeploy_git_connection` data source. Changing it replaces the connection.",
			PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
		},
		"name": schema.StringAttribute{
			Required: true, MarkdownDescription: "The connection's name in Dokploy. Changes in place.",
			Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
		},
		"url": schema.StringAttribute{
			Optional: true, Computed: true,
			MarkdownDescription: "GitLab, Gitea: the instance's URL, e.g. `https://gitlab.example.com`. GitLab defaults to " +
				"`https://gitlab.com`; required for Gitea. Changes in place.",
		},
		"internal_url": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "GitLab, Gitea: the URL Dokploy's server itself uses to reach the instance, when it differs " +
				"from `url` (e.g. inside a private network).",
		},
		"application_id": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "GitLab: the OAuth application's id (GitLab → Preferences or the group's Settings → " +
				"Applications, scopes `api`, `read_user`, `read_repository`, with `redirect_uri` as its callback URL).",
		},
		"group_name": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "GitLab: the groups whose projects Dokploy lists and links, comma-separated full paths " +
				"(e.g. `acme,acme-labs/web`). Left out, only the personal projects of the user who authorised the application.",
		},
		"redirect_uri": schema.StringAttribute{
			Computed: true, PlanModifiers: keep,
			MarkdownDescription: "GitLab: the callback URL the OAuth application must allow (Dokploy's `/api/providers/gitlab/callback`).",
		},
		"authorized": schema.BoolAttribute{
			Computed: true, PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
			MarkdownDescription: "GitLab: whether a person authorised the OAuth application in Dokploy's dashboard (Dokploy " +
				"then holds its tokens). Until then Dokploy cannot list or clone through it; each refresh reads it again.",
		},
		"authorize_url": schema.StringAttribute{
			Computed: true,
			MarkdownDescription: "GitLab: where to authorise the connection, as Dokploy's dashboard links it (Settings → Git → " +
				"the connection's Authorize button). Open it signed in to GitLab as the user whose projects Dokploy should see.",
		},
		"email": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "Bitbucket: the Atlassian account's e-mail, which goes with `api_token`. Required for Bitbucket.",
		},
		"username": schema.StringAttribute{
			Optional: true, Computed: true, PlanModifiers: keep,
			MarkdownDescription: "Bitbucket: the account's username; Dokploy lists its workspace when `workspace` is unset. " +
				"Dokploy cannot clear it: left out, the stored value is kept.",
		},
		"workspace": schema.StringAttribute{
			Optional: true, Computed: true, PlanModifiers: keep,
			MarkdownDescription: "Bitbucket: the workspace whose repositories Dokploy lists, links and tests (create tests the " +
				"connection only with `workspace` or `username`). Dokploy cannot clear it: left out, the stored value is kept.",
		},
		"created_at": schema.StringAttribute{
			Computed: true, PlanModifiers: keep, MarkdownDescription: "When Dokploy made the connection, RFC 3339.",
		},
	}
	for name, a := range secretAttrs("secret", "GitLab: the OAuth application's secret.") {
		attrs[name] = a
	}
	for name, a := range secretAttrs("api_token", "Bitbucket: an Atlassian API token with the scopes read:repository:bitbucket and read:workspace:bitbucket (Bitbucket retired app passwords).") {
		attrs[name] = a
	}
	for name, a := range secretAttrs("access_token", "Gitea: a personal access token with the scopes read:repository and read:user at least.") {
		attrs[name] = a
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A Dokploy git-provider connection: credentials Dokploy itself uses to list repositories and " +
			"clone them, instead of a deploy key per repository (link through it with `connection_id` of " +
			"`gitdeploy_repo_link`). Dokploy only (`platform = \"dokploy\"`).\n\n" +
			"Create tests the connection (Dokploy's `testConnection`) where its credentials are complete: a Gitea " +
			"connection always, a Bitbucket one with `workspace` or `username`. When the test fails the connection is " +
			"removed again and the apply fails with Dokploy's answer and the attribute to fix. A GitLab connection is an " +
			"OAuth application that a person must authorise in Dokploy's dashboard before Dokploy can use it: create " +
			"warns with `authorize_url`, `authorized` stays `false`, and the next refresh after someone authorised it " +
			"shows `true`.\n\n" +
			"Read shows changes made by hand (name, URLs, group, workspace, e-mail, a connection removed), and a credential " +
			"changed by hand in Dokploy, without keeping more secrets in the state than the configuration gives: the " +
			"state's `secret`/`api_token`/`access_token` is compared with Dokploy's, and for the write-only variants only " +
			"a SHA-256 of the value sent is kept. Credentials are not imported: after an import, a configuration that sets " +
			"one makes the next apply send it; one that sets none keeps what Dokploy holds (so `terraform plan " +
			"-generate-config-out` writes a configuration that plans nothing but the import).",
		Attributes: attrs,
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true}),
		},
	}
}

func (r *gitConnectionResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.clients = clientsFromProviderData(req.ProviderData, &resp.Diagnostics)
}

// attrIsSet reports, for each kind-specific attribute, whether the configuration sets it (an unknown
// value counts as set).
func (m *gitConnectionModel) kindAttrValues() map[string]bool {
	set := func(v interface{ IsNull() bool }) bool { return !v.IsNull() }
	return map[string]bool{
		"url": set(m.URL), "internal_url": set(m.InternalURL), "application_id": set(m.ApplicationID), "secret": set(m.Secret),
		"secret_wo": set(m.SecretWO), "secret_wo_version": set(m.SecretWOVersion), "group_name": set(m.GroupName),
		"email": set(m.Email), "api_token": set(m.APIToken), "api_token_wo": set(m.APITokenWO),
		"api_token_wo_version": set(m.APITokenWOVersion), "username": set(m.Username), "workspace": set(m.Workspace),
		"access_token": set(m.AccessToken), "access_token_wo": set(m.AccessTokenWO), "access_token_wo_version": set(m.AccessTokenWOVersion),
	}
}

// ValidateConfig checks what needs no API call: the kind (GitHub's is made in the dashboard), the other
// kinds' settings, what the kind requires, and the URLs' form.
func (r *gitConnectionResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var c gitConnectionModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &c)...)
	if resp.Diagnostics.HasError() || !isKnownString(c.Kind) {
		return
	}
	kind := c.Kind.ValueString()
	switch {
	case kind == githost.GitHub:
		resp.Diagnostics.AddAttributeError(path.Root("kind"), "GitHub connections are made in Dokploy's dashboard",
			"A Dokploy GitHub connection is a GitHub App, which only Dokploy's dashboard can create (Settings → Git → GitHub: "+
				"it registers the app on GitHub and installs it). Create it there, then read it with the gitdeploy_git_connection "+
				"data source (or list connections with gitdeploy_git_connections) and use its id as connection_id.")
		return
	case !slices.Contains(connectionKinds, kind):
		resp.Diagnostics.AddAttributeError(path.Root("kind"), "Invalid connection kind",
			fmt.Sprintf("kind %q is not one of %s.", kind, strings.Join(connectionKinds, ", ")))
		return
	}
	set := c.kindAttrValues()
	names := make([]string, 0, len(set))
	for name := range set {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if !set[name] || slices.Contains(connectionKindAttrs[kind], name) {
			continue
		}
		var has []string
		for _, k := range connectionKinds {
			if slices.Contains(connectionKindAttrs[k], name) {
				has = append(has, hostTitle(k))
			}
		}
		resp.Diagnostics.AddAttributeError(path.Root(name), "Setting not available on "+hostTitle(kind)+" connections",
			fmt.Sprintf("%s is a setting of %s connections, and this connection has kind = %q: remove %s.",
				name, strings.Join(has, " and "), kind, name))
	}
	cred := connectionCredentials[kind]
	required := func(ok bool, attr, why string) {
		if !ok {
			resp.Diagnostics.AddAttributeError(path.Root(attr), "Missing "+attr, why)
		}
	}
	// The credential is required to create a connection (ModifyPlan), not to keep an imported one.
	switch kind {
	case githost.GitLab:
		required(set["application_id"], "application_id", "A GitLab connection is an OAuth application registered on GitLab: "+
			"set application_id (and secret or secret_wo) to the application's id and secret.")
	case githost.Bitbucket:
		required(set["email"], "email", "A Bitbucket connection signs in with an Atlassian API token and its account's e-mail: set email.")
	case githost.Gitea:
		required(set["url"], "url", "A Gitea connection needs the instance's URL, e.g. url = \"https://gitea.example.com\".")
	}
	for _, a := range []struct {
		name string
		v    types.String
	}{{"url", c.URL}, {"internal_url", c.InternalURL}} {
		if isKnownString(a.v) {
			if u, err := url.Parse(a.v.ValueString()); err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
				resp.Diagnostics.AddAttributeError(path.Root(a.name), "Invalid "+a.name,
					fmt.Sprintf("%s %q must be an absolute http(s) URL, like \"https://gitlab.example.com\".", a.name, a.v.ValueString()))
			}
		}
	}
	if v := c.versionOf(kind); !v.IsNull() && c.credentialWO(kind).IsNull() && !c.credentialWO(kind).IsUnknown() {
		resp.Diagnostics.AddAttributeError(path.Root(cred.versionAttr()), cred.versionAttr()+" without "+cred.woAttr(),
			fmt.Sprintf("%s only versions %s: set %s too, or remove %s.", cred.versionAttr(), cred.woAttr(), cred.woAttr(), cred.versionAttr()))
	}
}

func (m *gitConnectionModel) versionOf(kind string) types.Int64 {
	if c, ok := connectionCredentials[kind]; ok {
		return *c.version(m)
	}
	return types.Int64Null()
}

func (m *gitConnectionModel) credentialWO(kind string) types.String {
	switch kind {
	case githost.GitLab:
		return m.SecretWO
	case githost.Bitbucket:
		return m.APITokenWO
	case githost.Gitea:
		return m.AccessTokenWO
	}
	return types.StringNull()
}

// ModifyPlan settles the platform (Dokploy only), plans what each kind computes (GitLab's url default and
// authorisation; null for what the kind does not have) and warns about a credential changed by hand.
func (r *gitConnectionResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan gitConnectionModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	platformKind := planPlatform(ctx, r.clients, plan.Platform, resp.Plan.SetAttribute, &resp.Diagnostics)
	if platformKind != "" {
		requireConnectionsPlatform(r.clients, platformKind, "gitdeploy_git_connection", &resp.Diagnostics)
	}
	if !isKnownString(plan.Kind) {
		return
	}
	kind := plan.Kind.ValueString()
	setNull := func(attr string, v attrValue) {
		if v.IsUnknown() {
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(attr), v.nullOf())...)
		}
	}
	if kind == githost.GitLab && plan.URL.IsUnknown() {
		var configured types.String
		resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("url"), &configured)...)
		if configured.IsNull() {
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("url"), defaultGitLabURL)...)
		}
	}
	if kind == githost.Bitbucket {
		setNull("url", stringAttr(plan.URL))
	}
	if kind != githost.GitLab {
		setNull("redirect_uri", stringAttr(plan.RedirectURI))
		setNull("authorize_url", stringAttr(plan.AuthorizeURL))
		setNull("authorized", boolAttr(plan.Authorized))
	}
	if kind != githost.Bitbucket {
		setNull("username", stringAttr(plan.Username))
		setNull("workspace", stringAttr(plan.Workspace))
	}
	if req.State.Raw.IsNull() {
		requireCredential(ctx, req, kind, &resp.Diagnostics)
		return
	}
	if req.Plan.Raw.Equal(req.State.Raw) {
		return
	}
	raw, d := req.Private.GetKey(ctx, privateCredentialDrift)
	resp.Diagnostics.Append(d...)
	var drift string
	if len(raw) > 0 && json.Unmarshal(raw, &drift) == nil && drift != "" {
		resp.Diagnostics.AddAttributeWarning(path.Root(drift), "Credential changed outside Terraform",
			fmt.Sprintf("The %s credential Dokploy holds for this connection is not the one Terraform sent last (it was changed "+
				"in Dokploy's dashboard or through its API). Applying sends the configured one again.", hostTitle(kind)))
	}
}

// requireCredential fails the plan of a new connection without its credential. An imported connection
// may leave it out: Dokploy keeps the one it holds.
func requireCredential(ctx context.Context, req resource.ModifyPlanRequest, kind string, diags *diag.Diagnostics) {
	cred, ok := connectionCredentials[kind]
	if !ok {
		return
	}
	var value, wo types.String
	diags.Append(req.Config.GetAttribute(ctx, path.Root(cred.attr), &value)...)
	diags.Append(req.Config.GetAttribute(ctx, path.Root(cred.woAttr()), &wo)...)
	if !value.IsNull() || !wo.IsNull() {
		return
	}
	what := map[string]string{githost.GitLab: "the OAuth application's secret", githost.Bitbucket: "an Atlassian API token",
		githost.Gitea: "a personal access token"}[kind]
	diags.AddAttributeError(path.Root(cred.attr), "Missing "+cred.attr,
		fmt.Sprintf("A new %s connection needs %s: set %s, or %s with %s.", hostTitle(kind), what, cred.attr, cred.woAttr(), cred.versionAttr()))
}

// attrValue is a planned computed value that ModifyPlan may set to null.
type attrValue struct {
	unknown bool
	null    any
}

func (v attrValue) IsUnknown() bool { return v.unknown }
func (v attrValue) nullOf() any     { return v.null }

func stringAttr(v types.String) attrValue { return attrValue{v.IsUnknown(), types.StringNull()} }
func boolAttr(v types.Bool) attrValue     { return attrValue{v.IsUnknown(), types.BoolNull()} }

// requireConnectionsPlatform adds an error on platform when platformKind has no git-provider connections.
func requireConnectionsPlatform(c *clients, platformKind, what string, diags *diag.Diagnostics) {
	if platformKind == platform.Dokploy {
		return
	}
	if c != nil {
		if p, ok := c.platforms[platformKind]; ok {
			if _, has := p.(platform.GitConnections); has {
				return
			}
		}
	}
	diags.AddAttributeError(path.Root("platform"), "Git-provider connections need Dokploy",
		fmt.Sprintf("%s uses platform = %q, which has no git-provider connections: they are Dokploy's. Set platform = %q "+
			"(with a dokploy block in the provider).", what, platformKind, platform.Dokploy))
}

// connections returns the platform's GitConnections, or adds a diagnostic.
func (c *clients) connections(platformKind string, diags *diag.Diagnostics) platform.GitConnections {
	plat := c.requirePlatform(platformKind, diags)
	if plat == nil {
		return nil
	}
	gc, ok := plat.(platform.GitConnections)
	if !ok {
		diags.AddAttributeError(path.Root("platform"), "Git-provider connections need Dokploy",
			fmt.Sprintf("%s has no git-provider connections: they are Dokploy's. Set platform = %q.", plat.Name(), platform.Dokploy))
		return nil
	}
	return gc
}

// credential is the kind's credential to send: the state-stored attribute, or the write-only one from the
// configuration (which only the configuration holds); wo says which.
func (r *gitConnectionResource) credential(ctx context.Context, config interface {
	GetAttribute(context.Context, path.Path, any) diag.Diagnostics
}, m *gitConnectionModel, diags *diag.Diagnostics) (value string, wo bool) {
	cred, ok := connectionCredentials[m.Kind.ValueString()]
	if !ok {
		return "", false
	}
	if v := cred.value(m).ValueString(); v != "" {
		return v, false
	}
	var w types.String
	diags.Append(config.GetAttribute(ctx, path.Root(cred.woAttr()), &w)...)
	return w.ValueString(), w.ValueString() != ""
}

func connectionInput(m *gitConnectionModel, credential string) platform.GitConnectionInput {
	in := platform.GitConnectionInput{Kind: m.Kind.ValueString(), Name: m.Name.ValueString(), URL: m.URL.ValueString(),
		InternalURL: m.InternalURL.ValueString(), ApplicationID: m.ApplicationID.ValueString(), GroupName: m.GroupName.ValueString(),
		Email: m.Email.ValueString()}
	if isKnownString(m.Username) {
		in.Username = m.Username.ValueString()
	}
	if isKnownString(m.Workspace) {
		in.Workspace = m.Workspace.ValueString()
	}
	switch in.Kind {
	case githost.GitLab:
		in.Secret = credential
	case githost.Bitbucket:
		in.APIToken = credential
	case githost.Gitea:
		in.AccessToken = credential
	}
	return in
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func (r *gitConnectionResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan gitConnectionModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	credential, wo := r.credential(ctx, req.Config, &plan, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, timeout := withOperationTimeout(ctx, plan.Timeouts, "create", defaultWriteTimeout, &resp.Diagnostics)
	defer cancel()
	gc := r.clients.connections(plan.Platform.ValueString(), &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	kind := plan.Kind.ValueString()
	conn, err := gc.CreateGitConnection(ctx, connectionInput(&plan, credential))
	switch {
	case err != nil && timeoutPassed(ctx):
		resp.Diagnostics.AddError("Could not create the "+hostTitle(kind)+" connection in time", timeoutDetail(timeout,
			"creating the "+hostTitle(kind)+" connection", err, fmt.Sprintf("Dokploy may hold a connection named %q made by this "+
				"create (Settings → Git in its dashboard): remove it, or import it with its id.", plan.Name.ValueString())))
		return
	case err != nil:
		resp.Diagnostics.AddError("Could not create the "+hostTitle(kind)+" connection", errorDetail(err))
		return
	}
	if failed := r.test(ctx, gc, conn, &plan, wo, true, &resp.Diagnostics); failed != nil {
		// The undo runs after an interrupt too, but not past the operation's timeout.
		cleanupCtx, cancelCleanup := untilDeadline(ctx)
		defer cancelCleanup()
		if err := gc.RemoveGitConnection(cleanupCtx, conn); err != nil && !httpx.IsNotFound(err) {
			// Kept in state: Terraform marks it tainted, and the next apply removes it before making another.
			resp.Diagnostics.AddError("Could not remove the connection that failed its test",
				fmt.Sprintf("The %s connection %s failed its test and removing it failed too: %s\n\nIt is kept in Terraform's "+
					"state, marked tainted: the next apply removes it and creates it again.", hostTitle(kind), conn.ID, errorDetail(err)))
			setConnectionState(&plan, conn)
			resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
			return
		}
		return
	}
	setConnectionState(&plan, conn)
	r.recordSent(ctx, resp.Private, credential, wo, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// test runs Dokploy's testConnection where the connection's credentials are complete, and warns where
// they are not (a GitLab connection nobody authorised yet, a Bitbucket one without a workspace). It
// returns the test's error (reported, with the attribute to fix), or nil.
func (r *gitConnectionResource) test(ctx context.Context, gc platform.GitConnections, conn *platform.GitConnection, m *gitConnectionModel,
	wo, creating bool, diags *diag.Diagnostics) error {
	kind := conn.Kind
	switch {
	case kind == githost.GitLab && !conn.Authorized:
		diags.AddAttributeWarning(path.Root("authorized"), "GitLab connection awaits authorisation",
			fmt.Sprintf("Dokploy cannot list or clone through the GitLab connection %q until a person authorises its OAuth "+
				"application. Open\n\n  %s\n\nsigned in to GitLab as the user whose projects Dokploy should see (or click "+
				"Authorize beside the connection in Dokploy's dashboard, Settings → Git), and allow it. The OAuth application "+
				"must allow the callback URL %s. Until then authorized = false; the next refresh shows true.",
				conn.Name, conn.AuthorizeURL, conn.RedirectURI))
		return nil
	case kind == githost.Bitbucket && conn.Workspace == "" && conn.Username == "":
		diags.AddAttributeWarning(path.Root("workspace"), "Bitbucket connection not tested",
			"Dokploy tests a Bitbucket connection by listing a workspace, and this one names none: set workspace (or username) "+
				"so that the connection is tested, and so that Dokploy lists the repositories to link.")
		return nil
	}
	_, err := gc.TestGitConnection(ctx, conn)
	if err == nil {
		return nil
	}
	cred := connectionCredentials[kind]
	attr := cred.attr
	if wo {
		attr = cred.woAttr()
	}
	var apiErr *httpx.APIError
	answer := err.Error()
	if errors.As(err, &apiErr) && apiErr.Message != "" {
		answer = apiErr.Message
	}
	lower := strings.ToLower(answer)
	hint := fmt.Sprintf("Check %s: Dokploy could not sign in to %s with it.", attr, hostTitle(kind))
	switch {
	case strings.Contains(lower, "fetch failed") || strings.Contains(lower, "could not resolve") || strings.Contains(lower, "econnrefused"):
		attr = "url"
		if isKnownString(m.InternalURL) && m.InternalURL.ValueString() != "" {
			attr = "internal_url"
		}
		hint = fmt.Sprintf("Dokploy's server could not reach %s: check %s (internal_url is the address Dokploy itself uses).", hostTitle(kind), attr)
	case kind == githost.Bitbucket && (strings.Contains(lower, "not found") || strings.Contains(lower, "404")):
		attr = "workspace"
		if conn.Workspace == "" {
			attr = "username"
		}
		hint = fmt.Sprintf("Bitbucket has no workspace %q that the token may read: check %s.", firstNonEmpty(conn.Workspace, conn.Username), attr)
	case kind == githost.Bitbucket:
		hint = fmt.Sprintf("Check %s and email: Bitbucket refused them (an API token needs the account's e-mail and the scopes "+
			"read:repository:bitbucket and read:workspace:bitbucket).", attr)
	}
	outcome := "The connection was removed again: nothing was left behind."
	if !creating {
		outcome = "The connection keeps the settings just applied: fix them and apply again."
	}
	diags.AddAttributeError(path.Root(attr), "The "+hostTitle(kind)+" connection failed its test",
		fmt.Sprintf("Dokploy's testConnection answered: %s\n\n%s %s\n\n%s", answer, hint, outcome, errorDetail(err)))
	return err
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

// recordSent keeps the SHA-256 of a write-only credential sent (and forgets it when the state holds the
// credential itself), and clears the drift record.
func (r *gitConnectionResource) recordSent(ctx context.Context, private privateSetter, credential string, wo bool, diags *diag.Diagnostics) {
	var digest []byte
	if wo && credential != "" {
		var err error
		if digest, err = json.Marshal(sha256Hex(credential)); err != nil {
			diags.AddError("Could not record private state", err.Error())
			return
		}
	}
	diags.Append(private.SetKey(ctx, privateCredentialWO, digest)...)
	diags.Append(private.SetKey(ctx, privateCredentialDrift, nil)...)
}

// setConnectionState copies what Dokploy reports into m. Optional settings left unset stay null where
// Dokploy reports nothing.
func setConnectionState(m *gitConnectionModel, c *platform.GitConnection) {
	m.ID = types.StringValue(c.ID)
	m.GitProviderID = types.StringValue(c.GitProviderID)
	m.Kind = types.StringValue(c.Kind)
	m.Name = types.StringValue(c.Name)
	m.CreatedAt = stringOrNull(rfc3339(c.CreatedAt))
	m.URL, m.InternalURL, m.ApplicationID, m.GroupName = types.StringNull(), optionalString(m.InternalURL, c.InternalURL),
		types.StringNull(), types.StringNull()
	m.RedirectURI, m.Authorized, m.AuthorizeURL = types.StringNull(), types.BoolNull(), types.StringNull()
	// GitLab's computed values are null where Dokploy answers none, as every empty computed value.
	m.Email, m.Username, m.Workspace = types.StringNull(), types.StringNull(), types.StringNull()
	switch c.Kind {
	case githost.GitLab:
		m.URL = types.StringValue(c.URL)
		m.ApplicationID = optionalString(m.ApplicationID, c.ApplicationID)
		m.GroupName = optionalString(m.GroupName, c.GroupName)
		m.RedirectURI = stringOrNull(c.RedirectURI)
		m.Authorized = types.BoolValue(c.Authorized)
		m.AuthorizeURL = stringOrNull(c.AuthorizeURL)
	case githost.Gitea:
		m.URL = types.StringValue(c.URL)
	case githost.Bitbucket:
		m.Email = optionalString(m.Email, c.Email)
		m.Username = stringOrNull(c.Username)
		m.Workspace = stringOrNull(c.Workspace)
	}
}

func (r *gitConnectionResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state gitConnectionModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, _ := withOperationTimeout(ctx, state.Timeouts, "read", defaultReadTimeout, &resp.Diagnostics)
	defer cancel()
	state.Platform = types.StringValue(firstNonEmpty(state.Platform.ValueString(), platform.Dokploy))
	gc := r.clients.connections(state.Platform.ValueString(), &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	// After an import the kind is not known: Dokploy's listing tells it.
	kind := state.Kind.ValueString()
	conn, err := gc.GetGitConnection(ctx, kind, state.ID.ValueString())
	if httpx.IsNotFound(err) {
		resp.State.RemoveResource(ctx) // removed by hand: the next plan creates it again
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Could not read the connection", errorDetail(err))
		return
	}
	if conn.Kind == githost.GitHub {
		resp.Diagnostics.AddError("GitHub connections are not managed by this resource",
			fmt.Sprintf("Connection %s is a GitHub App connection, which only Dokploy's dashboard makes and changes. Read it with "+
				"the gitdeploy_git_connection data source instead of importing it.", conn.ID))
		return
	}
	setConnectionState(&state, conn)

	// A credential changed by hand: the state's own value (or the write-only one's digest) against Dokploy's.
	cred := connectionCredentials[conn.Kind]
	remote := conn.CredentialDigests[cred.field]
	drift := ""
	if v := cred.value(&state); isKnownString(*v) && v.ValueString() != "" {
		if sha256Hex(v.ValueString()) != remote {
			*v = types.StringNull() // the plan then shows the configured value going back
			drift = cred.attr
		}
	} else if raw, d := req.Private.GetKey(ctx, privateCredentialWO); !d.HasError() && len(raw) > 0 {
		var sent string
		if json.Unmarshal(raw, &sent) == nil && sent != "" && sent != remote {
			*cred.version(&state) = types.Int64Null() // the plan shows the configured version: apply sends the value again
			drift = cred.versionAttr()
		}
	}
	var record []byte
	if drift != "" {
		record, _ = json.Marshal(drift) // a string always marshals
	}
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateCredentialDrift, record)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *gitConnectionResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state gitConnectionModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	credential, wo := r.credential(ctx, req.Config, &plan, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, timeout := withOperationTimeout(ctx, plan.Timeouts, "update", defaultWriteTimeout, &resp.Diagnostics)
	defer cancel()
	gc := r.clients.connections(plan.Platform.ValueString(), &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	current := &platform.GitConnection{Kind: state.Kind.ValueString(), ID: state.ID.ValueString(), GitProviderID: state.GitProviderID.ValueString()}
	conn, err := gc.UpdateGitConnection(ctx, current, connectionInput(&plan, credential))
	switch {
	case err != nil && timeoutPassed(ctx):
		resp.Diagnostics.AddError("Could not update the connection in time", timeoutDetail(timeout, "updating the connection", err,
			"Dokploy may hold some of the new settings: the next plan shows what differs."))
		return
	case err != nil:
		resp.Diagnostics.AddError("Could not update the connection", errorDetail(err))
		return
	}
	setConnectionState(&plan, conn)
	r.recordSent(ctx, resp.Private, credential, wo, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	// The update is stored either way: a failed test says what to fix.
	_ = r.test(ctx, gc, conn, &plan, wo, false, &resp.Diagnostics)
}

func (r *gitConnectionResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state gitConnectionModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, timeout := withOperationTimeout(ctx, state.Timeouts, "delete", defaultWriteTimeout, &resp.Diagnostics)
	defer cancel()
	gc := r.clients.connections(firstNonEmpty(state.Platform.ValueString(), platform.Dokploy), &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	conn := &platform.GitConnection{Kind: state.Kind.ValueString(), ID: state.ID.ValueString(), GitProviderID: state.GitProviderID.ValueString()}
	err := gc.RemoveGitConnection(ctx, conn)
	switch {
	case err == nil || httpx.IsNotFound(err):
	case timeoutPassed(ctx):
		resp.Diagnostics.AddError("Could not remove the connection in time", timeoutDetail(timeout, "removing the connection", err,
			"The connection may still be in Dokploy: it stays in Terraform's state, and the next destroy removes it."))
	default:
		resp.Diagnostics.AddError("Could not remove the connection", errorDetail(err))
	}
}

// ImportState takes the connection's id (its kind's id, or its git_provider_id), optionally after
// "dokploy:". Read finds the kind in Dokploy's listing.
func (r *gitConnectionResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if other, _, ok := strings.Cut(req.ID, ":"); ok && other != platform.Dokploy {
		resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("%q: git-provider connections are Dokploy's: import one by its id, "+
			"optionally after \"dokploy:\", e.g. \"dokploy:Jx3mS0bqVwVqJ6Tn0Ab1c\".", req.ID))
		return
	}
	raw := strings.TrimPrefix(req.ID, platform.Dokploy+":")
	if err := checkIDSegment("the connection id", raw); err != nil || strings.Contains(raw, ":") {
		if err == nil {
			err = fmt.Errorf("the connection id %q must not hold ':'", raw)
		}
		resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("%s. Import a connection by its id (the id attribute: "+
			"Dokploy's gitlabId, bitbucketId or giteaId) or its git_provider_id, e.g. \"dokploy:Jx3mS0bqVwVqJ6Tn0Ab1c\".", err))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), raw)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("platform"), platform.Dokploy)...)
}
