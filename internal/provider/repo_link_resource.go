package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/httpx"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/platform"
)

// privateRepoLinkDrift is the private-state key where Read records that the repository id or URL on the
// platform is not the one resolved from the git host, so that ModifyPlan can plan the write that fixes it.
const privateRepoLinkDrift = "repo_drift"

var (
	_ resource.Resource                   = (*repoLinkResource)(nil)
	_ resource.ResourceWithConfigure      = (*repoLinkResource)(nil)
	_ resource.ResourceWithImportState    = (*repoLinkResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*repoLinkResource)(nil)
	_ resource.ResourceWithValidateConfig = (*repoLinkResource)(nil)
)

// NewRepoLinkResource is the constructor of gitdeploy_repo_link.
func NewRepoLinkResource() resource.Resource { return &repoLinkResource{} }

type repoLinkResource struct {
	clients *clients
}

type repoLinkModel struct {
	ID              types.String   `tfsdk:"id"`
	Platform        types.String   `tfsdk:"platform"`
	SiteID          types.String   `tfsdk:"site_id"`
	GitProvider     types.String   `tfsdk:"git_provider"`
	Repository      types.String   `tfsdk:"repository"`
	Branch          types.String   `tfsdk:"branch"`
	DeployKeyID     types.String   `tfsdk:"deploy_key_id"`
	ConnectionID    types.String   `tfsdk:"connection_id"`
	InstallationID  types.Int64    `tfsdk:"installation_id"`
	BuildCommand    types.String   `tfsdk:"build_command"`
	PublishDir      types.String   `tfsdk:"publish_dir"`
	BaseDir         types.String   `tfsdk:"base_dir"`
	FunctionsDir    types.String   `tfsdk:"functions_dir"`
	AllowedBranches types.Set      `tfsdk:"allowed_branches"`
	RepoID          types.String   `tfsdk:"repo_id"`
	RepoURL         types.String   `tfsdk:"repo_url"`
	Dokploy         types.Object   `tfsdk:"dokploy"`
	Timeouts        timeouts.Value `tfsdk:"timeouts"`
}

// dokployBuildModel is the dokploy attribute of a link: how Dokploy builds the application.
type dokployBuildModel struct {
	BuildType         types.String `tfsdk:"build_type"`
	Dockerfile        types.String `tfsdk:"dockerfile"`
	DockerContextPath types.String `tfsdk:"docker_context_path"`
	DockerBuildStage  types.String `tfsdk:"docker_build_stage"`
	WatchPaths        types.List   `tfsdk:"watch_paths"`
	AutoDeploy        types.Bool   `tfsdk:"auto_deploy"`
	EnableSubmodules  types.Bool   `tfsdk:"enable_submodules"`
}

// dokployBuildTypes are the build types application.saveBuildType takes.
var dokployBuildTypes = []string{"dockerfile", "heroku_buildpacks", "paketo_buildpacks", "nixpacks", "static", "railpack"}

var dokployBuildAttrTypes = map[string]attr.Type{
	"build_type": types.StringType, "dockerfile": types.StringType, "docker_context_path": types.StringType,
	"docker_build_stage": types.StringType, "watch_paths": types.ListType{ElemType: types.StringType},
	"auto_deploy": types.BoolType, "enable_submodules": types.BoolType,
}

// repoDrift is what Read records in private state when the platform's repository id or URL changed.
type repoDrift struct {
	Reason string `json:"reason"`
	// BranchGone says that the production branch no longer exists on the git host.
	BranchGone bool `json:"branch_gone,omitempty"`
}

func (r *repoLinkResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_repo_link"
}

func (r *repoLinkResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	nonEmpty := []validator.String{stringvalidator.LengthAtLeast(1)}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Links a site to a repository and sets its build settings (Netlify: the site's `repo`, " +
			"read back from `build_settings`). Before writing, it checks on the git host that the repository and " +
			"the branch exist and, for a private repository, that `deploy_key_id` names a key installed on it (or " +
			"that `installation_id` is set). These checks run during `terraform plan` for the values known then (a " +
			"wrong branch fails the plan before anything is created), and at apply for values only the apply makes " +
			"known, such as the id of a key created by the same apply. Destroying it clears the site's repository settings and leaves deploy " +
			"keys alone: one key may serve many sites of a monorepo.\n\nOn Dokploy a link goes either over SSH with a deploy key " +
			"(`deploy_key_id`, any git host) or through one of Dokploy's git-provider connections (`connection_id`): Dokploy then " +
			"clones with the connection's credentials (`save<Kind>Provider`), the pre-flight checks through the connection that it " +
			"sees the repository and the branch, and no git host needs to be configured in the provider for the link itself.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The site id: a site has one repository link.",
				PlanModifiers:       keep,
			},
			"platform": platformAttribute(),
			"site_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The site to link, e.g. `gitdeploy_site.example.id`. Changing it replaces the link.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:          nonEmpty,
			},
			"git_provider": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The git host of the repository: `github`, `gitlab`, `bitbucket` or `gitea`.",
				Validators:          []validator.String{stringvalidator.OneOf(githost.Kinds...)},
			},
			"repository": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "The repository: `owner/name` on GitHub and Gitea, the full path `group/subgroup/name` " +
					"on GitLab, `workspace/repo_slug` on Bitbucket. It must exist. Changes in place.",
			},
			"branch": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "The production branch. It must exist on the repository (push it first). " +
					"Changes in place.",
			},
			"deploy_key_id": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The platform deploy key used to clone, e.g. `gitdeploy_deploy_key.example.id`; it must " +
					"be installed on this repository. Needed for a private repository unless `installation_id` (Netlify) or " +
					"`connection_id` (Dokploy) is set. Several sites may share one key.",
				Validators: nonEmpty,
			},
			"connection_id": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Dokploy: link through this git-provider connection instead of a deploy key: its `id` (the " +
					"kind's id, e.g. `gitdeploy_git_connection.example.id`, or one of `gitdeploy_git_connections`, a GitHub App " +
					"connection made in the dashboard included). `git_provider` must be the connection's kind. Never together with " +
					"`deploy_key_id`; not available on Netlify. A connection removed or changed by hand shows in the next plan.",
				Validators: nonEmpty,
			},
			"installation_id": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "The installation id of the Netlify GitHub App on the repository's account " +
					"(GitHub only); with it no deploy key is needed.",
				Validators: []validator.Int64{int64validator.AtLeast(1)},
			},
			"build_command": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "The build command (Netlify `cmd`), e.g. `npm run build`.",
			},
			"publish_dir": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "The directory to publish (Netlify `dir`), e.g. `dist`.",
			},
			"base_dir": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "The directory to build in (Netlify `base`), e.g. `apps/web` in a monorepo.",
			},
			"functions_dir": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "The serverless functions directory (Netlify `functions_dir`).",
			},
			"allowed_branches": schema.SetAttribute{
				Optional:    true,
				ElementType: types.StringType,
				MarkdownDescription: "Branches the platform builds besides the production branch. The production " +
					"`branch` is always allowed: it is added on write and need not be listed.",
				Validators: []validator.Set{setvalidator.ValueStringsAre(nonEmpty...)},
			},
			"repo_id": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "The repository's id as sent to the platform: the git host's own id in decimal " +
					"(GitHub's repository id, GitLab's project id, Gitea's repository id), not its path; for Bitbucket on " +
					"Netlify `workspace/repo_slug`, the form Netlify expects. Looked up on the git host: never set it by hand.",
				PlanModifiers: keep,
			},
			"repo_url": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "The repository's URL as the platform holds it: its web URL on Netlify, its SSH clone " +
					"URL on Dokploy.",
				PlanModifiers: keep,
			},
			"dokploy": schema.SingleNestedAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Dokploy: how the application builds (`application.saveBuildType`) and when pushes " +
					"deploy it. Left out on Dokploy, the defaults below; not available on Netlify.",
				PlanModifiers: []planmodifier.Object{objectplanmodifier.UseStateForUnknown()},
				Attributes: map[string]schema.Attribute{
					"build_type": schema.StringAttribute{
						Optional: true, Computed: true, Default: stringdefault.StaticString("nixpacks"),
						MarkdownDescription: "One of `dockerfile`, `heroku_buildpacks`, `paketo_buildpacks`, `nixpacks` " +
							"(the default), `static`, `railpack`. `static` serves `publish_dir`.",
						Validators: []validator.String{stringvalidator.OneOf(dokployBuildTypes...)},
					},
					"dockerfile": schema.StringAttribute{
						Optional: true, MarkdownDescription: "With `build_type = \"dockerfile\"`: the Dockerfile's path.",
					},
					"docker_context_path": schema.StringAttribute{
						Optional: true, MarkdownDescription: "With `build_type = \"dockerfile\"`: the build context.",
					},
					"docker_build_stage": schema.StringAttribute{
						Optional: true, MarkdownDescription: "With `build_type = \"dockerfile\"`: the target stage.",
					},
					"watch_paths": schema.ListAttribute{
						Optional: true, ElementType: types.StringType,
						MarkdownDescription: "Deploy only on pushes that touch these paths (globs, e.g. `apps/web/**`).",
					},
					"auto_deploy": schema.BoolAttribute{
						Optional: true, Computed: true, Default: booldefault.StaticBool(true),
						MarkdownDescription: "Whether a push delivered to the deploy URL deploys. Default `true`.",
					},
					"enable_submodules": schema.BoolAttribute{
						Optional: true, Computed: true, Default: booldefault.StaticBool(false),
						MarkdownDescription: "Clone git submodules too. Default `false`.",
					},
				},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true}),
		},
	}
}

func (r *repoLinkResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.clients = clientsFromProviderData(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig checks at plan time what needs no API call: the repository's form, the branch names,
// and that installation_id goes with GitHub.
func (r *repoLinkResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var config repoLinkModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	kind := config.GitProvider.ValueString()
	kindKnown := !config.GitProvider.IsUnknown() && slices.Contains(githost.Kinds, kind)
	checkRepositoryAttr(config.GitProvider, config.Repository, &resp.Diagnostics)
	if isKnownString(config.Branch) {
		if err := validateBranchName(config.Branch.ValueString()); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("branch"), "Invalid branch", err.Error())
		}
	}
	if !config.AllowedBranches.IsNull() && !config.AllowedBranches.IsUnknown() {
		for _, elem := range config.AllowedBranches.Elements() {
			b, ok := elem.(types.String)
			if !ok || !isKnownString(b) {
				continue
			}
			if err := validateBranchName(b.ValueString()); err != nil {
				resp.Diagnostics.AddAttributeError(path.Root("allowed_branches"), "Invalid branch in allowed_branches", err.Error())
			}
		}
	}
	if !config.DeployKeyID.IsNull() && !config.ConnectionID.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("connection_id"), "deploy_key_id and connection_id together",
			"A Dokploy application clones either over SSH with a deploy key (deploy_key_id) or through a git-provider "+
				"connection (connection_id), not both: remove one of them.")
	}
	if kindKnown && kind != githost.GitHub && !config.InstallationID.IsNull() && !config.InstallationID.IsUnknown() {
		resp.Diagnostics.AddAttributeError(path.Root("installation_id"), "installation_id needs GitHub",
			fmt.Sprintf("installation_id is the installation id of the Netlify GitHub App, so it only applies with "+
				"git_provider = %q. For %s, remove it and link with a deploy key (deploy_key_id).", githost.GitHub, hostTitle(kind)))
	}
}

// validateBranchName applies the rules of git check-ref-format that a branch name can break.
func validateBranchName(name string) error {
	bad := func(why string) error {
		return fmt.Errorf("branch %q is not a valid git branch name: %s", name, why)
	}
	switch {
	case name == "":
		return bad("it is empty")
	case name == "@":
		return bad(`it must not be "@"`)
	case strings.HasPrefix(name, "-"):
		return bad("it must not start with '-'")
	case strings.HasPrefix(name, "/") || strings.HasSuffix(name, "/") || strings.Contains(name, "//"):
		return bad("it must not start or end with '/' or hold \"//\"")
	case strings.HasSuffix(name, ".") || strings.HasSuffix(name, ".lock"):
		return bad(`it must not end with "." or ".lock"`)
	case strings.Contains(name, "..") || strings.Contains(name, "@{") || strings.Contains(name, "/."):
		return bad(`it must not hold "..", "@{", or a component starting with "."`)
	case strings.HasPrefix(name, "."):
		return bad("it must not start with '.'")
	}
	for _, c := range name {
		if c < 0x20 || c == 0x7f || strings.ContainsRune(" ~^:?*[\\", c) {
			return bad(`it must not hold spaces, control characters or any of ~ ^ : ? * [ \`)
		}
	}
	return nil
}

func isKnownString(v types.String) bool { return !v.IsNull() && !v.IsUnknown() }

// ModifyPlan plans new repo_id and repo_url when the repository changes, or when Read found that the
// platform holds other ones (a change by hand that the configuration cannot show). It keeps the state's
// allowed_branches where they differ from the configuration only by the production branch, which is
// always allowed.
func (r *repoLinkResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan repoLinkModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	kind := planPlatform(ctx, r.clients, plan.Platform, resp.Plan.SetAttribute, &resp.Diagnostics)
	checkPlatformBuildsFrom(r.clients, kind, plan.GitProvider, &resp.Diagnostics)
	defer r.preflightAtPlan(ctx, req, resp) // once the plan is settled
	var configured types.Object
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("dokploy"), &configured)...)
	r.checkPlatformSettings(ctx, kind, &plan, configured.IsNull(), resp)
	if req.State.Raw.IsNull() || resp.Diagnostics.HasError() {
		return
	}
	var state repoLinkModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if sameAllowedBranches(ctx, plan, state) && !plan.AllowedBranches.Equal(state.AllowedBranches) {
		// After an import the state cannot know whether the configuration lists the production branch;
		// both write the same list. Terraform accepts the prior value for an equivalent configuration.
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("allowed_branches"), state.AllowedBranches)...)
	}
	repoChanged := !plan.GitProvider.Equal(state.GitProvider) || !plan.Repository.Equal(state.Repository) ||
		!plan.ConnectionID.Equal(state.ConnectionID)
	raw, diags := req.Private.GetKey(ctx, privateRepoLinkDrift)
	resp.Diagnostics.Append(diags...)
	var drift repoDrift
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &drift); err != nil {
			drift = repoDrift{} // an unreadable record only loses a hint: the next Read writes a new one
		}
	}
	if !repoChanged && drift.Reason == "" {
		return
	}
	for _, attr := range []string{"repo_id", "repo_url"} {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(attr), types.StringUnknown())...)
	}
	switch {
	case repoChanged:
	case drift.BranchGone:
		resp.Diagnostics.AddAttributeWarning(path.Root("branch"), "Production branch deleted",
			drift.Reason+". Applying checks the branch again and fails until it exists.")
	default:
		resp.Diagnostics.AddWarning("Repository link changed outside Terraform",
			drift.Reason+". Applying writes the repository's id and URL from the git host again.")
	}
}

// sameAllowedBranches reports whether plan and state allow the same branches once the production branch,
// which the provider always adds, is counted in both. Both must be known and set: Terraform only takes
// the prior value for a configured one.
func sameAllowedBranches(ctx context.Context, plan, state repoLinkModel) bool {
	if !plan.Branch.Equal(state.Branch) || !isKnownString(plan.Branch) ||
		plan.AllowedBranches.IsNull() || plan.AllowedBranches.IsUnknown() ||
		state.AllowedBranches.IsNull() || state.AllowedBranches.IsUnknown() {
		return false
	}
	with := func(set types.Set) []string {
		var names []string
		if diags := set.ElementsAs(ctx, &names, false); diags.HasError() {
			return nil
		}
		names = append(names, plan.Branch.ValueString())
		slices.Sort(names)
		return slices.Compact(names)
	}
	a, b := with(plan.AllowedBranches), with(state.AllowedBranches)
	return a != nil && slices.Equal(a, b)
}

// preflightAtPlan runs the pre-flight checks during plan for a link the plan creates or changes, with what is
// known then: the repository and the branch always, the site and the key's installation when their ids are
// known (a site or key made by the same apply is checked at apply). A wrong branch then fails the plan
// before anything is created; a plan that changes nothing sends no request.
func (r *repoLinkResource) preflightAtPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if resp.Diagnostics.HasError() || r.clients == nil || (!req.State.Raw.IsNull() && resp.Plan.Raw.Equal(req.State.Raw)) {
		return
	}
	var plan repoLinkModel
	resp.Diagnostics.Append(resp.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !isKnownString(plan.GitProvider) || !isKnownString(plan.Repository) || !isKnownString(plan.Branch) {
		return
	}
	throughConnection := !plan.ConnectionID.IsNull()
	if throughConnection && plan.ConnectionID.IsUnknown() {
		return // a connection made by the same apply: checked at apply
	}
	host, hostOK := r.clients.gitHosts[plan.GitProvider.ValueString()]
	plat, platOK := r.clients.platforms[plan.Platform.ValueString()]
	if (!hostOK && !throughConnection) || !platOK {
		return // apply says how to configure them
	}
	ctx, cancel := context.WithTimeout(ctx, defaultReadTimeout)
	defer cancel()
	// A site this process has just created exists: its check would only repeat the create's answer.
	if isKnownString(plan.SiteID) && !r.clients.ledger.isClaimed(siteLedgerKind, plan.SiteID.ValueString()) {
		if _, err := plat.GetSite(ctx, plan.SiteID.ValueString()); httpx.IsNotFound(err) {
			resp.Diagnostics.AddAttributeError(path.Root("site_id"), "Site not found",
				fmt.Sprintf("%s has no site %q (or this token cannot see it). Check site_id; a site created by "+
					"gitdeploy_site is referenced as gitdeploy_site.<name>.id.\n\n%s", plat.Name(), plan.SiteID.ValueString(), err))
		}
	}
	if throughConnection {
		if gc, ok := plat.(platform.GitConnections); ok {
			preflightConnectionLink(ctx, gc, &plan, &resp.Diagnostics)
		}
		return
	}
	var checks diag.Diagnostics
	repo := preflightRepoLink(ctx, r.clients, plat, host, &plan, &checks)
	resp.Diagnostics.Append(checks...)
	if key, known := preflightKeyOf(&plan); known && repo != nil && len(checks) == 0 {
		r.clients.preflights.put(key, repo)
	}
}

// preflightKey is everything a pre-flight checks: the same key means the same checks.
type preflightKey struct {
	platform, gitProvider, siteID, repository, branch, deployKeyID, installationID, connectionID string
}

// preflightKeyOf returns the key of a plan whose values are all known (as in the final plan during apply).
func preflightKeyOf(plan *repoLinkModel) (preflightKey, bool) {
	for _, v := range []types.String{plan.Platform, plan.GitProvider, plan.SiteID, plan.Repository, plan.Branch, plan.DeployKeyID} {
		if v.IsUnknown() {
			return preflightKey{}, false
		}
	}
	if plan.InstallationID.IsUnknown() {
		return preflightKey{}, false
	}
	return preflightKey{plan.Platform.ValueString(), plan.GitProvider.ValueString(), plan.SiteID.ValueString(),
		plan.Repository.ValueString(), plan.Branch.ValueString(), plan.DeployKeyID.ValueString(),
		plan.InstallationID.String(), plan.ConnectionID.ValueString()}, true
}

// checkPlatformSettings fails the plan for settings the platform does not have, and plans the dokploy
// attribute: null on Netlify, its defaults on Dokploy when the configuration leaves it out (not the state's
// value, so that a setting changed by hand shows and is put back).
func (r *repoLinkResource) checkPlatformSettings(ctx context.Context, kind string, plan *repoLinkModel, dokployLeftOut bool, resp *resource.ModifyPlanResponse) {
	diags := &resp.Diagnostics
	switch kind {
	case platform.Netlify:
		onlyOn(diags, !plan.Dokploy.IsNull() && !plan.Dokploy.IsUnknown(), "dokploy", kind, "Dokploy")
		onlyOn(diags, !plan.ConnectionID.IsNull(), "connection_id", kind, "Dokploy (git-provider connections)")
		if plan.Dokploy.IsUnknown() {
			diags.Append(resp.Plan.SetAttribute(ctx, path.Root("dokploy"), types.ObjectNull(dokployBuildAttrTypes))...)
		}
	case platform.Dokploy:
		onlyOn(diags, !plan.InstallationID.IsNull(), "installation_id", kind, "Netlify (GitHub App)")
		onlyOn(diags, !plan.BuildCommand.IsNull(), "build_command", kind, "Netlify")
		onlyOn(diags, !plan.FunctionsDir.IsNull(), "functions_dir", kind, "Netlify")
		onlyOn(diags, !plan.AllowedBranches.IsNull(), "allowed_branches", kind, "Netlify")
		if dokployLeftOut {
			defaults, d := types.ObjectValueFrom(ctx, dokployBuildAttrTypes, dokployBuildModel{
				BuildType: types.StringValue("nixpacks"), Dockerfile: types.StringNull(), DockerContextPath: types.StringNull(),
				DockerBuildStage: types.StringNull(), WatchPaths: types.ListNull(types.StringType),
				AutoDeploy: types.BoolValue(true), EnableSubmodules: types.BoolValue(false)})
			diags.Append(d...)
			diags.Append(resp.Plan.SetAttribute(ctx, path.Root("dokploy"), defaults)...)
		}
	}
}

func (r *repoLinkResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan repoLinkModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, timeout := withOperationTimeout(ctx, plan.Timeouts, "create", defaultWriteTimeout, &resp.Diagnostics)
	defer cancel()
	plat, host := r.systems(&plan, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}

	// A link found written after the timeout is kept with the error: Terraform marks it tainted.
	if !r.write(ctx, timeout, plat, host, &plan, &resp.Diagnostics) {
		return
	}
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateRepoLinkDrift, nil)...)
	resp.Diagnostics.Append(recordCreated(ctx, resp.Private)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *repoLinkResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state repoLinkModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, timeout := withOperationTimeout(ctx, plan.Timeouts, "update", defaultWriteTimeout, &resp.Diagnostics)
	defer cancel()
	plat, host := r.systems(&plan, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}

	// A change found written after the timeout is kept with the error.
	if !r.write(ctx, timeout, plat, host, &plan, &resp.Diagnostics) {
		return
	}
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateRepoLinkDrift, nil)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// write runs the pre-flight checks and, when they pass, writes the link in one request (a removed
// installation_id goes as null in the same write, so a failure never leaves the site unlinked); it fills
// the plan's computed values on success. It returns whether the plan holds the link the platform has now:
// true on success, and when the write's answer came after the operation's timeout but a read of the site
// then shows the link written (with an error diagnostic); false otherwise.
func (r *repoLinkResource) write(ctx context.Context, timeout operationTimeout, plat platform.Platform, host githost.GitHost,
	plan *repoLinkModel, diags *diag.Diagnostics) bool {
	summary := "Could not link the repository in time"
	if timeout.op == "update" {
		summary = "Could not update the repository link in time"
	}
	var repo *githost.Repository
	var link *platform.ConnectionLink
	if plan.ConnectionID.IsNull() {
		// The final plan, a moment ago in this process, ran the same checks and found nothing: not again.
		key, _ := preflightKeyOf(plan)
		var checked bool
		if repo, checked = r.clients.preflights.take(key); !checked {
			var checks diag.Diagnostics
			repo = preflightRepoLink(ctx, r.clients, plat, host, plan, &checks)
			if checks.HasError() && timeoutPassed(ctx) {
				diags.AddError(summary, timeoutDetail(timeout, "checking the repository, the branch and the deploy key on "+hostTitle(host.Kind()),
					ctx.Err(), fmt.Sprintf("Nothing was written: the repository settings of %s site %s are as they were.", plat.Name(), plan.SiteID.ValueString())))
				return false
			}
			diags.Append(checks...)
		}
	} else {
		var checks diag.Diagnostics
		repo, link = r.connectionRepository(ctx, plat, plan, &checks)
		if checks.HasError() && timeoutPassed(ctx) {
			diags.AddError(summary, timeoutDetail(timeout, "checking the repository and the branch through connection "+plan.ConnectionID.ValueString(),
				ctx.Err(), fmt.Sprintf("Nothing was written: the repository settings of %s site %s are as they were.", plat.Name(), plan.SiteID.ValueString())))
			return false
		}
		diags.Append(checks...)
	}
	if diags.HasError() {
		return false
	}
	settings, d := repoSettingsFromPlan(ctx, plan, repo)
	diags.Append(d...)
	if diags.HasError() {
		return false
	}
	settings.Connection = link
	siteID := plan.SiteID.ValueString()
	r.clients.siteChanging(plat, siteID)
	site, err := plat.SetRepo(ctx, siteID, settings)
	if err != nil && timeoutPassed(ctx) {
		return r.lateWrite(ctx, timeout, summary, plat, plan, settings, err, diags)
	}
	if err != nil {
		addRepoLinkWriteError(diags, plat, siteID, err)
		return false
	}
	plan.ID = types.StringValue(siteID)
	// What the platform stored, where it says; else what was sent (Dokploy keeps no repository id).
	plan.RepoID = stringOrNull(settings.RepoID)
	plan.RepoURL = stringOrNull(settings.WebURL)
	if site != nil && site.Repo != nil {
		if site.Repo.RepoID != "" {
			plan.RepoID = types.StringValue(site.Repo.RepoID)
		}
		if site.Repo.RepoURL != "" {
			plan.RepoURL = types.StringValue(site.Repo.RepoURL)
		}
	}
	return true
}

// lateWrite handles a write of the link whose answer did not come before the operation's timeout: the
// write may have been applied. It reads the site, for a few seconds past the timeout; when the site holds
// the link that was sent, the plan takes it and write's caller keeps it in state. Either way it adds an
// error that says what the site holds.
func (r *repoLinkResource) lateWrite(ctx context.Context, timeout operationTimeout, summary string, plat platform.Platform,
	plan *repoLinkModel, sent platform.RepoSettings, writeErr error, diags *diag.Diagnostics) bool {
	siteID := plan.SiteID.ValueString()
	doing := fmt.Sprintf("waiting for %s's answer to the write of site %s", plat.Name(), siteID)
	grace, cancel := context.WithTimeout(context.WithoutCancel(ctx), lostAnswerGrace)
	defer cancel()
	site, readErr := plat.GetSite(grace, siteID)
	if readErr == nil && site.Repo != nil && sameRepoLink(site.Repo, sent) {
		plan.ID = types.StringValue(siteID)
		diags.Append(setRepoLinkFromPlatform(ctx, plan, site.Repo)...)
		kept := "It is kept in Terraform's state, marked tainted, so the next apply unlinks the site and links it again; " +
			"to keep it instead, run terraform untaint <address of this resource>."
		if timeout.op == "update" {
			kept = "Terraform's state holds it now."
		}
		diags.AddError(summary, timeoutDetail(timeout, doing, writeErr, fmt.Sprintf("The link was written all the same: "+
			"reading the site after the timeout shows repository %s, branch %s. %s", site.Repo.RepoPath, site.Repo.RepoBranch, kept)))
		return true
	}
	var seen string
	switch {
	case readErr != nil:
		seen = "reading the site after the timeout failed: " + errorDetail(readErr)
	case site.Repo == nil:
		seen = "reading the site after the timeout shows no repository linked, but the write may still be applied"
	default:
		seen = fmt.Sprintf("reading the site after the timeout shows repository %s, branch %s, but the write may still be applied",
			site.Repo.RepoPath, site.Repo.RepoBranch)
	}
	outcome := fmt.Sprintf("The link may or may not have been written (%s). Nothing is kept in Terraform's state: apply again "+
		"to write it (writing the same link again is harmless).", seen)
	if timeout.op == "update" {
		outcome = fmt.Sprintf("The change may or may not have been applied (%s). The state keeps the link as it was before, and "+
			"the next plan shows what %s holds now. Apply again to finish the change.", seen, plat.Name())
	}
	diags.AddError(summary, timeoutDetail(timeout, doing, writeErr, outcome))
	return false
}

// sameRepoLink reports whether the platform holds the link that was sent: the repository, the branch and
// the build settings. A setting the platform does not report back counts as different: the write is then
// said to be unknown, never wrongly said to be applied.
func sameRepoLink(held *platform.RepoSettings, sent platform.RepoSettings) bool {
	sameSet := func(a, b []string) bool {
		a, b = slices.Clone(a), slices.Clone(b)
		slices.Sort(a)
		slices.Sort(b)
		return slices.Equal(slices.Compact(a), slices.Compact(b))
	}
	return strings.EqualFold(held.RepoPath, sent.RepoPath) && held.RepoBranch == sent.RepoBranch &&
		(held.Provider == "" || held.Provider == sent.Provider) && held.DeployKeyID == sent.DeployKeyID &&
		held.InstallationID == sent.InstallationID && held.Cmd == sent.Cmd && held.Dir == sent.Dir && held.Base == sent.Base &&
		held.FunctionsDir == sent.FunctionsDir && (sent.Dokploy != nil || sameSet(held.AllowedBranches, sent.AllowedBranches)) &&
		(sent.Dokploy == nil || (held.Dokploy != nil && held.Dokploy.BuildType == sent.Dokploy.BuildType))
}

func addRepoLinkWriteError(diags *diag.Diagnostics, plat platform.Platform, siteID string, err error) {
	if httpx.IsNotFound(err) {
		diags.AddAttributeError(path.Root("site_id"), "Could not link the repository",
			fmt.Sprintf("%s has no site %q (or this token cannot see it). Check site_id; a site created by "+
				"gitdeploy_site is referenced as gitdeploy_site.<name>.id.\n\n%s", plat.Name(), siteID, err))
		return
	}
	diags.AddError("Could not link the repository", errorDetail(err))
}

// repoSettingsFromPlan is the repo object the platform gets: the plan's settings, the repository's id
// and URL from the git host, and the production branch added to allowed_branches.
func repoSettingsFromPlan(ctx context.Context, plan *repoLinkModel, repo *githost.Repository) (platform.RepoSettings, diag.Diagnostics) {
	var diags diag.Diagnostics
	branch := plan.Branch.ValueString()
	allowed := []string{branch}
	if !plan.AllowedBranches.IsNull() {
		var listed []string
		diags.Append(plan.AllowedBranches.ElementsAs(ctx, &listed, false)...)
		slices.Sort(listed)
		for _, b := range listed {
			if b != branch {
				allowed = append(allowed, b)
			}
		}
	}
	settings := platform.RepoSettings{
		Provider:        plan.GitProvider.ValueString(),
		RepoPath:        plan.Repository.ValueString(),
		RepoBranch:      branch,
		WebURL:          repo.HTMLURL,
		SSHURL:          repo.SSHURL,
		CloneURL:        repo.CloneURL,
		RepoID:          repo.ID,
		DeployKeyID:     plan.DeployKeyID.ValueString(),
		InstallationID:  plan.InstallationID.ValueInt64(),
		Cmd:             plan.BuildCommand.ValueString(),
		Dir:             plan.PublishDir.ValueString(),
		Base:            plan.BaseDir.ValueString(),
		FunctionsDir:    plan.FunctionsDir.ValueString(),
		AllowedBranches: allowed,
	}
	if !plan.Dokploy.IsNull() && !plan.Dokploy.IsUnknown() {
		var b dokployBuildModel
		diags.Append(plan.Dokploy.As(ctx, &b, basetypes.ObjectAsOptions{})...)
		settings.Dokploy = &platform.DokployBuild{BuildType: b.BuildType.ValueString(), Dockerfile: b.Dockerfile.ValueString(),
			DockerContextPath: b.DockerContextPath.ValueString(), DockerBuildStage: b.DockerBuildStage.ValueString(),
			AutoDeploy: b.AutoDeploy.ValueBool(), EnableSubmodules: b.EnableSubmodules.ValueBool()}
		if !b.WatchPaths.IsNull() {
			diags.Append(b.WatchPaths.ElementsAs(ctx, &settings.Dokploy.WatchPaths, false)...)
		}
	}
	return settings, diags
}

// preflightRepoLink checks on the git host, before anything is written, that the repository and the
// branch exist and that a private repository can be cloned: installation_id is set, or deploy_key_id
// names a platform key installed on the repository. A deploy_key_id that is set is always checked: a key
// that is not installed fails the platform's clone ("Permission denied (publickey)"). The reads are
// independent and run at once. A key just installed may not be listed yet (listings lag behind writes):
// the repository's keys are listed again as the clients' readAfterWrite policy says before the key counts as missing. It returns the
// repository, or nil with error diagnostics.
func preflightRepoLink(ctx context.Context, c *clients, plat platform.Platform, host githost.GitHost, plan *repoLinkModel, diags *diag.Diagnostics) *githost.Repository {
	var (
		repoName   = plan.Repository.ValueString()
		branchName = plan.Branch.ValueString()
		keyID      = plan.DeployKeyID.ValueString()
		checkKey   = keyID != ""

		wg                                    sync.WaitGroup
		repo                                  *githost.Repository
		branch                                *githost.Branch
		platKey                               *platform.DeployKey
		repoKeys                              []githost.DeployKey
		repoErr, branchErr, platKeyErr, lsErr error
	)
	run := func(f func()) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f()
		}()
	}
	run(func() { repo, repoErr = host.GetRepository(ctx, repoName) })
	run(func() { branch, branchErr = host.GetBranch(ctx, repoName, branchName) })
	if checkKey {
		run(func() { platKey, platKeyErr = c.platformKey(ctx, plat, keyID) })
		run(func() { repoKeys, lsErr = host.ListDeployKeys(ctx, repoName) })
	}
	wg.Wait()
	if checkKey && platKeyErr == nil && lsErr == nil && !keyListed(repoKeys, platKey.PublicKey) {
		repoKeys, lsErr = backoffRun(ctx, c.readAfterWrite, time.Time{}, func(ctx context.Context) ([]githost.DeployKey, error) {
			return host.ListDeployKeys(ctx, repoName)
		}, func(keys []githost.DeployKey, err error) bool {
			return err != nil || keyListed(keys, platKey.PublicKey)
		})
	}

	where := fmt.Sprintf("%s repository %s", hostTitle(host.Kind()), repoName)
	keyHint := fmt.Sprintf("Create the key with a gitdeploy_deploy_key resource that has git_provider = %q and "+
		"repository = %q, and set deploy_key_id = gitdeploy_deploy_key.<name>.id", host.Kind(), repoName)

	switch {
	case httpx.IsNotFound(repoErr):
		diags.AddAttributeError(path.Root("repository"), "Repository not found",
			fmt.Sprintf("%s does not exist, or the %s token cannot see it. Check the spelling (%s) and the token's "+
				"access to the repository.\n\n%s", where, hostTitle(host.Kind()), repositoryForm(host.Kind()), repoErr))
		return nil
	case repoErr != nil:
		diags.AddAttributeError(path.Root("repository"), "Could not read the repository", errorDetail(repoErr))
		return nil
	}

	switch {
	case httpx.IsNotFound(branchErr):
		diags.AddAttributeError(path.Root("branch"), "Branch not found",
			fmt.Sprintf("branch %q does not exist on %s (its default branch is %q), so the platform could not build it. "+
				"Push the branch first, or set branch to an existing one.\n\n%s", branchName, where, repo.DefaultBranch, branchErr))
	case branchErr != nil:
		diags.AddAttributeError(path.Root("branch"), "Could not read the branch", errorDetail(branchErr))
	case branch.Name != branchName:
		// GitHub answers a renamed branch with a redirect to its new name: the old one no longer builds.
		diags.AddAttributeError(path.Root("branch"), "Branch renamed",
			fmt.Sprintf("branch %q of %s was renamed to %q: the platform would build a branch that no longer exists. "+
				"Set branch = %q.", branchName, where, branch.Name, branch.Name))
	}

	// A deploy_key_id not known yet (its key is made by the same apply) is checked at apply.
	if repo.Private && !checkKey && !plan.DeployKeyID.IsUnknown() && plan.InstallationID.IsNull() {
		diags.AddAttributeError(path.Root("deploy_key_id"), "Private repository needs a deploy key",
			fmt.Sprintf("%s is %s: the platform can only clone it with a deploy key installed on it. %s; or, on GitHub, "+
				"set installation_id to the Netlify GitHub App's installation id.", where, repo.Visibility, keyHint))
	}
	if checkKey {
		checkDeployKeyInstalled(plat, repo, where, keyID, keyHint, platKey, repoKeys, platKeyErr, lsErr, diags)
	}
	if diags.HasError() {
		return nil
	}
	return repo
}

// checkDeployKeyInstalled reports, on deploy_key_id, a platform key that does not exist or whose public
// key is not among the repository's deploy keys.
func checkDeployKeyInstalled(plat platform.Platform, repo *githost.Repository, where, keyID, keyHint string,
	platKey *platform.DeployKey, repoKeys []githost.DeployKey, platKeyErr, lsErr error, diags *diag.Diagnostics,
) {
	attr := path.Root("deploy_key_id")
	switch {
	case httpx.IsNotFound(platKeyErr):
		diags.AddAttributeError(attr, "Deploy key not found",
			fmt.Sprintf("%s has no deploy key %q. %s.\n\n%s", plat.Name(), keyID, keyHint, platKeyErr))
		return
	case platKeyErr != nil:
		diags.AddAttributeError(attr, "Could not read the deploy key", errorDetail(platKeyErr))
		return
	}
	if lsErr != nil {
		// Listing deploy keys needs admin rights; on a public repository the key only matters for the
		// platform's clone, so a token without them gets a warning instead of a refusal.
		if !repo.Private && (httpx.IsNotFound(lsErr) || httpx.IsStatus(lsErr, http.StatusForbidden)) {
			diags.AddAttributeWarning(attr, "Could not check the deploy key",
				fmt.Sprintf("The token cannot list the deploy keys of %s, so whether %s deploy key %s is installed there "+
					"was not checked.\n\n%s", where, plat.Name(), keyID, lsErr))
			return
		}
		diags.AddAttributeError(attr, "Could not list the repository's deploy keys", errorDetail(lsErr))
		return
	}
	if keyListed(repoKeys, platKey.PublicKey) {
		return
	}
	diags.AddAttributeError(attr, "Deploy key not installed on the repository",
		fmt.Sprintf("The %s deploy key %s is not a deploy key of %s, so the platform's clone would fail with "+
			"\"Permission denied (publickey)\". A key in a user's SSH keys or on another repository does not count. %s.",
			plat.Name(), keyID, where, keyHint))
}

// keyListed reports whether keys hold publicKey.
func keyListed(keys []githost.DeployKey, publicKey string) bool {
	return slices.ContainsFunc(keys, func(k githost.DeployKey) bool { return githost.SameKey(k.Key, publicKey) })
}

func repositoryForm(kind string) string {
	if h, ok := githost.Describe(kind); ok {
		return h.RepositoryForm
	}
	return "owner/name"
}

func (r *repoLinkResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state repoLinkModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, _ := withOperationTimeout(ctx, state.Timeouts, "read", defaultReadTimeout, &resp.Diagnostics)
	defer cancel()
	state.Platform = statePlatform(state.Platform)
	plat := r.clients.requirePlatform(state.Platform.ValueString(), &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}

	// The branch is read on the git host meanwhile: one deleted there after linking fails every build,
	// and nothing on the platform shows it.
	branchGone := make(chan bool, 1)
	if state.ConnectionID.IsNull() {
		go func() { branchGone <- r.branchGone(ctx, &state) }()
	} else {
		branchGone <- false // read through the connection once the site says which one
	}

	// The site's refresh has usually just read the site (siteReads): the first read uses that.
	justRead, _ := r.clients.siteReads.take(state.SiteID.ValueString())
	// Just after the create, a site without a link (or no site) may only mean that the write has not
	// reached every replica: a missing link counts as "not found" for readAfterCreate, which reads anew.
	// Reads again go to the site itself: what the run read first is what they doubt.
	firstRead := true
	site, err := readAfterCreate(ctx, createdAt(ctx, req.Private), r.clients.readAfterWrite, func(ctx context.Context) (*platform.Site, error) {
		site, err := justRead, error(nil)
		switch {
		case site != nil:
		case firstRead:
			site, err = r.clients.readSite(ctx, plat, state.SiteID.ValueString())
		default:
			site, err = plat.GetSite(ctx, state.SiteID.ValueString())
		}
		justRead, firstRead = nil, false
		if err == nil && site.Repo == nil {
			return nil, &httpx.APIError{Service: plat.Name(), Operation: "read repository link", Method: http.MethodGet,
				StatusCode: http.StatusNotFound, Message: "the site has no repository linked"}
		}
		return site, err
	})
	if httpx.IsNotFound(err) {
		// The site is gone, and the link with it; or it was unlinked by hand: the next plan links it again.
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Could not read the site's repository link", errorDetail(err))
		return
	}

	reason := repoIdentityDrift(&state, site.Repo)
	gone := <-branchGone
	if link := site.Repo.Connection; link != nil && link.ConnectionID != "" {
		// After an import the state has no repository URL or id: the write's are read through the connection.
		imported := !isKnownString(state.RepoURL) || state.RepoURL.ValueString() == ""
		var listed *githost.Repository
		gone, listed = r.readThroughConnection(ctx, plat, link, site.Repo.RepoBranch, imported)
		if listed != nil {
			state.RepoURL = stringOrNull(listed.HTMLURL)
			if !isKnownString(state.RepoID) || state.RepoID.ValueString() == "" {
				state.RepoID = stringOrNull(listed.ID)
			}
		}
	}
	if gone {
		reason = fmt.Sprintf("The production branch %q no longer exists on %s repository %s, so every build fails. Push the "+
			"branch again, or set branch to one that exists", state.Branch.ValueString(), hostTitle(state.GitProvider.ValueString()),
			state.Repository.ValueString())
	}
	resp.Diagnostics.Append(setRepoLinkFromPlatform(ctx, &state, site.Repo)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var record []byte
	if reason != "" {
		if record, err = json.Marshal(repoDrift{Reason: reason, BranchGone: gone}); err != nil {
			resp.Diagnostics.AddError("Could not record the repository link's state", err.Error())
			return
		}
	}
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateRepoLinkDrift, record)...)
	resp.Diagnostics.Append(forgetCreated(ctx, resp.Private)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// branchGone reports whether the git host answers that the link's branch does not exist. Anything else
// (another error, a host not configured) says nothing about the branch and counts as there.
func (r *repoLinkResource) branchGone(ctx context.Context, state *repoLinkModel) bool {
	host, ok := r.clients.gitHosts[state.GitProvider.ValueString()]
	if !ok || !isKnownString(state.Repository) || !isKnownString(state.Branch) {
		return false
	}
	_, err := host.GetBranch(ctx, state.Repository.ValueString(), state.Branch.ValueString())
	return httpx.IsNotFound(err)
}

// repoIdentityDrift says how the platform's repository id or URL differs from the one last written,
// or "". The configuration holds neither, so only this record can show such a change in the plan.
func repoIdentityDrift(state *repoLinkModel, rs *platform.RepoSettings) string {
	var changed []string
	if isKnownString(state.RepoID) && state.RepoID.ValueString() != "" && rs.RepoID != "" && rs.RepoID != state.RepoID.ValueString() {
		changed = append(changed, fmt.Sprintf("repository id %q (written: %q)", rs.RepoID, state.RepoID.ValueString()))
	}
	if isKnownString(state.RepoURL) && state.RepoURL.ValueString() != "" && rs.RepoURL != "" && rs.RepoURL != state.RepoURL.ValueString() {
		changed = append(changed, fmt.Sprintf("repository URL %q (written: %q)", rs.RepoURL, state.RepoURL.ValueString()))
	}
	if len(changed) == 0 {
		return ""
	}
	return "The site " + state.SiteID.ValueString() + " now holds " + strings.Join(changed, " and ")
}

// setRepoLinkFromPlatform copies the platform's build settings into m. Values the platform reports as
// empty stay null where m has them null, so that "" and null are not a change; allowed_branches leaves
// out the production branch unless m listed it. What the platform does not keep (Dokploy: the git host's
// kind and the repository's id) stays as m has it.
func setRepoLinkFromPlatform(ctx context.Context, m *repoLinkModel, rs *platform.RepoSettings) diag.Diagnostics {
	prevBranch := m.Branch.ValueString()
	m.ID = m.SiteID
	if rs.Provider != "" {
		m.GitProvider = types.StringValue(rs.Provider)
	}
	m.Repository = types.StringValue(rs.RepoPath)
	m.Branch = types.StringValue(rs.RepoBranch)
	m.DeployKeyID = optionalString(m.DeployKeyID, rs.DeployKeyID)
	m.ConnectionID = types.StringNull()
	if rs.Connection != nil {
		m.ConnectionID = types.StringValue(rs.Connection.ConnectionID) // "" once the connection was removed
	}
	if rs.InstallationID != 0 || !m.InstallationID.IsNull() {
		m.InstallationID = types.Int64Value(rs.InstallationID)
	}
	m.BuildCommand = optionalString(m.BuildCommand, rs.Cmd)
	m.PublishDir = optionalString(m.PublishDir, rs.Dir)
	m.BaseDir = optionalString(m.BaseDir, rs.Base)
	m.FunctionsDir = optionalString(m.FunctionsDir, rs.FunctionsDir)
	// Dokploy keeps no repository id: the one written stays; none known is null, as is an empty URL.
	if rs.RepoID != "" || m.RepoID.IsUnknown() || m.RepoID.ValueString() == "" {
		m.RepoID = stringOrNull(rs.RepoID)
	}
	if rs.RepoURL != "" || rs.Connection == nil || !isKnownString(m.RepoURL) { // Dokploy keeps no URL of a link through a connection
		m.RepoURL = stringOrNull(rs.RepoURL)
	}

	var diags diag.Diagnostics
	m.AllowedBranches, diags = allowedBranchesFromPlatform(ctx, m.AllowedBranches, []string{prevBranch, rs.RepoBranch}, rs.AllowedBranches)
	m.Dokploy = types.ObjectNull(dokployBuildAttrTypes)
	if b := rs.Dokploy; b != nil {
		watch := types.ListNull(types.StringType)
		if b.WatchPaths != nil {
			var d diag.Diagnostics
			watch, d = types.ListValueFrom(ctx, types.StringType, b.WatchPaths)
			diags.Append(d...)
		}
		var d diag.Diagnostics
		m.Dokploy, d = types.ObjectValueFrom(ctx, dokployBuildAttrTypes, dokployBuildModel{
			BuildType: types.StringValue(b.BuildType), Dockerfile: stringOrNull(b.Dockerfile),
			DockerContextPath: stringOrNull(b.DockerContextPath), DockerBuildStage: stringOrNull(b.DockerBuildStage),
			WatchPaths: watch, AutoDeploy: types.BoolValue(b.AutoDeploy), EnableSubmodules: types.BoolValue(b.EnableSubmodules)})
		diags.Append(d...)
	}
	return diags
}

func optionalString(prior types.String, v string) types.String {
	if v == "" && prior.IsNull() {
		return prior
	}
	return types.StringValue(v)
}

// allowedBranchesFromPlatform is the platform's allowed branches without the production branch, which
// the provider adds on write: productionBranches (the one written and the one the platform reports now)
// are dropped unless prior listed them, and kept when prior listed them.
func allowedBranchesFromPlatform(ctx context.Context, prior types.Set, productionBranches, remote []string) (types.Set, diag.Diagnostics) {
	var listed []string
	if !prior.IsNull() && !prior.IsUnknown() {
		if diags := prior.ElementsAs(ctx, &listed, false); diags.HasError() {
			return prior, diags
		}
	}
	var out []string
	for _, b := range remote {
		if slices.Contains(out, b) || (slices.Contains(productionBranches, b) && !slices.Contains(listed, b)) {
			continue
		}
		out = append(out, b)
	}
	for _, b := range productionBranches {
		if b != "" && slices.Contains(listed, b) && !slices.Contains(out, b) {
			out = append(out, b) // always allowed, so never missing
		}
	}
	if len(out) == 0 && prior.IsNull() {
		return types.SetNull(types.StringType), nil
	}
	return types.SetValueFrom(ctx, types.StringType, out)
}

func (r *repoLinkResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state repoLinkModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, timeout := withOperationTimeout(ctx, state.Timeouts, "delete", defaultWriteTimeout, &resp.Diagnostics)
	defer cancel()
	plat := r.clients.requirePlatform(statePlatform(state.Platform).ValueString(), &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}

	// ClearRepo, not Netlify's unlink_repo: that would delete the deploy key, which other sites may share.
	r.clients.siteChanging(plat, state.SiteID.ValueString())
	err := plat.ClearRepo(ctx, state.SiteID.ValueString())
	switch {
	case err == nil || httpx.IsNotFound(err):
	case timeoutPassed(ctx):
		resp.Diagnostics.AddError("Could not unlink the repository in time", deleteTimeoutDetail(timeout, []deletedHalf{{
			fmt.Sprintf("the repository settings of %s site %s", plat.Name(), state.SiteID.ValueString()), err}}))
	default:
		resp.Diagnostics.AddError("Could not unlink the repository", errorDetail(err))
	}
}

// ImportState takes the site id, after "<platform>:" when the provider configures both platforms. Dokploy
// does not keep the git host's kind of a link over SSH: such links are imported as
// "dokploy:<application_id>:<git_provider>"; a link through a connection as "dokploy:<application_id>",
// whose source names the connection and its kind (Read fills them in).
func (r *repoLinkResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	kind, raw, d := splitPlatformPrefix(r.clients, req.ID)
	if d != nil {
		resp.Diagnostics.Append(d)
		return
	}
	raw, gitProvider, _ := strings.Cut(raw, ":")
	siteID, err := parseRepoLinkImportID(raw)
	if err == nil && gitProvider != "" && !slices.Contains(githost.Kinds, gitProvider) {
		err = fmt.Errorf("git provider %q is not one of %v", gitProvider, githost.Kinds)
	}
	if err != nil {
		resp.Diagnostics.AddError("Invalid import ID",
			fmt.Sprintf("%s. Import a repository link by the id of its site, e.g. \"3f8a1c2e-4b5d-4e6f-8a9b-0c1d2e3f4a5b\"; "+
				"on Dokploy add the git host of a link over SSH: \"dokploy:<application_id>:github\" (a link through a "+
				"git-provider connection needs only \"dokploy:<application_id>\").", err))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), siteID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("site_id"), siteID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("platform"), kind)...)
	if gitProvider != "" {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("git_provider"), gitProvider)...)
	}
}

// systems returns the platform and the git host a write needs; a link through a connection needs no git
// host (nil).
func (r *repoLinkResource) systems(plan *repoLinkModel, diags *diag.Diagnostics) (platform.Platform, githost.GitHost) {
	plat := r.clients.requirePlatform(plan.Platform.ValueString(), diags)
	if plat == nil || !plan.ConnectionID.IsNull() {
		return plat, nil
	}
	host := r.clients.requireGitHost(plan.GitProvider.ValueString(), diags)
	if host == nil {
		return nil, nil
	}
	return plat, host
}

// ---- links through a Dokploy git-provider connection ----

// preflightConnectionLink checks through the connection named by connection_id, before anything is
// written, that it exists and is of git_provider's kind, that it sees the repository, and that the
// branch exists. It returns the connection and the repository as its listing names them (GitLab's project
// id, Bitbucket's slug: what save<Kind>Provider takes), or nils with error diagnostics.
func preflightConnectionLink(ctx context.Context, gc platform.GitConnections, plan *repoLinkModel, diags *diag.Diagnostics) (*platform.GitConnection, *platform.ConnectionRepository) {
	id := plan.ConnectionID.ValueString()
	conn, err := findConnection(ctx, gc, id)
	switch {
	case httpx.IsNotFound(err):
		addConnectionNotFound(diags, id, err)
		return nil, nil
	case err != nil:
		diags.AddAttributeError(path.Root("connection_id"), "Could not read the connection", errorDetail(err))
		return nil, nil
	case conn.ID != id:
		diags.AddAttributeError(path.Root("connection_id"), "connection_id is a git_provider_id",
			fmt.Sprintf("%q is the git_provider_id of the %s connection %q; an application is linked by the connection's id: "+
				"set connection_id = %q (gitdeploy_git_connection.<name>.id).", id, hostTitle(conn.Kind), conn.Name, conn.ID))
		return nil, nil
	case conn.Kind != plan.GitProvider.ValueString():
		diags.AddAttributeError(path.Root("git_provider"), "git_provider does not match the connection",
			fmt.Sprintf("connection_id names the %s connection %q, so Dokploy would clone from %s: set git_provider = %q.",
				hostTitle(conn.Kind), conn.Name, hostTitle(conn.Kind), conn.Kind))
		return nil, nil
	case conn.Kind == githost.GitLab && !conn.Authorized:
		diags.AddAttributeError(path.Root("connection_id"), "GitLab connection not authorised",
			fmt.Sprintf("Nobody authorised the GitLab connection %q (%s) yet, so Dokploy can neither list nor clone through it. "+
				"Authorise it (its authorize_url, or Authorize beside it in Dokploy's dashboard, Settings → Git), then apply again.",
				conn.Name, conn.ID))
		return nil, nil
	}
	repoName, branchName := plan.Repository.ValueString(), plan.Branch.ValueString()
	repo, err := findConnectionRepository(ctx, gc, conn, repoName)
	if err != nil {
		diags.AddAttributeError(path.Root("connection_id"), "Could not list repositories through the connection", connectionListError(conn, err))
		return nil, nil
	}
	if repo == nil {
		diags.AddAttributeError(path.Root("repository"), "Repository not seen through the connection",
			fmt.Sprintf("The %s connection %q (%s) does not list %s, so Dokploy could not clone it. Check the spelling (%s). %s",
				hostTitle(conn.Kind), conn.Name, conn.ID, repoName, repositoryForm(conn.Kind), connectionSees(conn.Kind)))
		return nil, nil
	}
	branches, err := gc.ListConnectionBranches(ctx, conn, repo)
	if err != nil {
		diags.AddAttributeError(path.Root("branch"), "Could not list the branches through the connection", connectionListError(conn, err))
		return nil, nil
	}
	if !slices.ContainsFunc(branches, func(b platform.ConnectionBranch) bool { return b.Name == branchName }) {
		var names []string
		for _, b := range branches {
			names = append(names, b.Name)
		}
		diags.AddAttributeError(path.Root("branch"), "Branch not found",
			fmt.Sprintf("branch %q does not exist on %s repository %s as the connection %q sees it (it has %s), so Dokploy could "+
				"not build it. Push the branch first, or set branch to an existing one.", branchName, hostTitle(conn.Kind), repoName,
				conn.Name, strings.Join(names, ", ")))
		return nil, nil
	}
	return conn, repo
}

// connectionWebURL is the repository's web page: the listing's (GitHub, Bitbucket), else the connection's
// host URL and the repository's path, as Dokploy's dashboard links GitLab and Gitea repositories.
func connectionWebURL(conn *platform.GitConnection, repo *platform.ConnectionRepository) string {
	if repo.HTMLURL != "" || conn.URL == "" {
		return repo.HTMLURL
	}
	return strings.TrimRight(conn.URL, "/") + "/" + repo.FullName
}

// connectionRepository runs the pre-flight of a link through a connection and returns the repository in
// the form repoSettingsFromPlan takes, and the link to write.
func (r *repoLinkResource) connectionRepository(ctx context.Context, plat platform.Platform, plan *repoLinkModel, diags *diag.Diagnostics) (*githost.Repository, *platform.ConnectionLink) {
	gc, ok := plat.(platform.GitConnections)
	if !ok {
		diags.AddAttributeError(path.Root("connection_id"), "Setting not available on "+plat.Name(),
			plat.Name()+" has no git-provider connections: remove connection_id and link with a deploy key.")
		return nil, nil
	}
	conn, repo := preflightConnectionLink(ctx, gc, plan, diags)
	if conn == nil {
		return nil, nil
	}
	return &githost.Repository{ID: repo.ID, FullName: repo.FullName, HTMLURL: connectionWebURL(conn, repo)},
		&platform.ConnectionLink{Kind: conn.Kind, ConnectionID: conn.ID, Repository: *repo}
}

// readThroughConnection reads, for Read, a link's repository and branch through its connection: whether
// the connection still lists the branch (false when it cannot tell), and, with identify, the repository's
// id and web URL as the write records them (nil when not read).
func (r *repoLinkResource) readThroughConnection(ctx context.Context, plat platform.Platform, link *platform.ConnectionLink, branch string,
	identify bool) (gone bool, identity *githost.Repository) {
	gc, ok := plat.(platform.GitConnections)
	if !ok {
		return false, nil
	}
	conn := &platform.GitConnection{Kind: link.Kind, ID: link.ConnectionID}
	if identify {
		if listed, err := findConnection(ctx, gc, link.ConnectionID); err == nil {
			conn = listed
		}
	}
	repo, err := findConnectionRepository(ctx, gc, conn, link.Repository.FullName)
	if err != nil || repo == nil {
		return false, nil // says nothing about the branch
	}
	if identify {
		identity = &githost.Repository{ID: repo.ID, HTMLURL: connectionWebURL(conn, repo)}
	}
	branches, err := gc.ListConnectionBranches(ctx, conn, repo)
	if err != nil {
		return false, identity
	}
	return !slices.ContainsFunc(branches, func(b platform.ConnectionBranch) bool { return b.Name == branch }), identity
}
