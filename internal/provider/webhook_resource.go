package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
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
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/httpx"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/platform"
)

const (
	defaultBuildHookTitle = "gitdeploy webhook"
	// Private-state keys of gitdeploy_webhook.
	privateWebhookReplace = "replace" // one half (git hook or build hook) is gone: replace both
	// privateTargetURL is the URL the hook should post to as last read from the platform (a build hook's,
	// Dokploy's deploy URL), to plan target_url against it; named for the build hooks it first held.
	privateTargetURL = "build_hook_url"
	// privateSecretUnknown marks a webhook whose secret the provider never sent (imported): an update
	// would send the hook without one, which removes the host's.
	privateSecretUnknown   = "secret_unknown"
	githubDefaultContentTy = "json"
)

var (
	_ resource.Resource                   = (*webhookResource)(nil)
	_ resource.ResourceWithConfigure      = (*webhookResource)(nil)
	_ resource.ResourceWithImportState    = (*webhookResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*webhookResource)(nil)
	_ resource.ResourceWithValidateConfig = (*webhookResource)(nil)
)

// NewWebhookResource is the constructor of gitdeploy_webhook.
func NewWebhookResource() resource.Resource { return &webhookResource{} }

type webhookResource struct {
	clients *clients
}

type webhookModel struct {
	ID               types.String   `tfsdk:"id"`
	Platform         types.String   `tfsdk:"platform"`
	GitProvider      types.String   `tfsdk:"git_provider"`
	Repository       types.String   `tfsdk:"repository"`
	URL              types.String   `tfsdk:"url"`
	TargetURL        types.String   `tfsdk:"target_url"`
	AllowInsecureURL types.Bool     `tfsdk:"allow_insecure_url"`
	SiteID           types.String   `tfsdk:"site_id"`
	BuildHook        *buildHookSpec `tfsdk:"build_hook"`
	BuildHookID      types.String   `tfsdk:"build_hook_id"`
	Events           types.Set      `tfsdk:"events"`
	BranchFilter     types.String   `tfsdk:"branch_filter"`
	Active           types.Bool     `tfsdk:"active"`
	ContentType      types.String   `tfsdk:"content_type"`
	InsecureSSL      types.Bool     `tfsdk:"insecure_ssl"`
	Secret           types.String   `tfsdk:"secret"`
	SecretWO         types.String   `tfsdk:"secret_wo"`
	SecretWOVersion  types.Int64    `tfsdk:"secret_wo_version"`
	Timeouts         timeouts.Value `tfsdk:"timeouts"`
}

type buildHookSpec struct {
	Title  types.String `tfsdk:"title"`
	Branch types.String `tfsdk:"branch"`
}

func (r *webhookResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_webhook"
}

func (r *webhookResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	defaultEvents := types.SetValueMust(types.StringType, []attr.Value{types.StringValue(githost.EventPullRequest), types.StringValue(githost.EventPush)})
	resp.Schema = schema.Schema{
		MarkdownDescription: "A repository webhook that tells the platform about pushes, so every push builds. By default " +
			"it posts to the platform's incoming endpoint for the git host (Netlify `/hooks/github`, `/hooks/gitlab`); " +
			"with `build_hook` it first creates a Netlify build hook on `site_id` and posts there; or it posts to an " +
			"explicit `url`.\n\nThe secret is never read back from the git host (GitHub masks it, GitLab never returns " +
			"it), so it is neither compared nor imported: after an import, set `secret` or `secret_wo` in the " +
			"configuration and apply once to send it. Until then an in-place update of an imported webhook fails at " +
			"plan time rather than remove the host's secret (an update sends the whole hook), unless the host reports " +
			"that the hook has none; `secret = \"\"` says that it should have none. Use `secret_wo` with " +
			"`secret_wo_version` to keep the secret out of the state entirely; bump the version to send a new one.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The git host's id of the webhook.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"git_provider": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The git host: `github`, `gitlab`, `bitbucket` or `gitea`.",
				PlanModifiers:       replace,
				Validators:          []validator.String{stringvalidator.OneOf(githost.Kinds...)},
			},
			"repository": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The repository: `owner/name` on GitHub and Gitea, `group/subgroup/name` on GitLab, `workspace/repo_slug` on Bitbucket.",
				PlanModifiers:       replace,
			},
			"url": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "An explicit URL for the git host to post its events to, instead of the platform's " +
					"(see `target_url`). It must be `https://` unless `allow_insecure_url = true`. It is shown in plans: " +
					"pass a URL that carries a secret as a sensitive value (`sensitive(...)`).",
				Validators: []validator.String{
					stringvalidator.ConflictsWith(path.MatchRoot("build_hook")),
				},
			},
			"target_url": schema.StringAttribute{
				Computed:  true,
				Sensitive: true,
				MarkdownDescription: "Where the git host posts its events: `url` when set; otherwise the platform's " +
					"incoming endpoint for `git_provider` (derived from the Netlify `api_url`), the build hook's URL with " +
					"`build_hook`, or the Dokploy application's deploy URL. Sensitive: a build hook's or a deploy URL starts " +
					"a build for anyone who posts to it. Computed only, so that `terraform plan -generate-config-out` never " +
					"writes it.",
			},
			"allow_insecure_url": schema.BoolAttribute{
				Optional:            true,
				MarkdownDescription: "Allow an explicit `url` that is not `https://` (for a test endpoint).",
			},
			"platform": platformAttribute(),
			"site_id": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Netlify: the site whose build hook the webhook posts to, with `build_hook`. Dokploy: " +
					"the application whose deploy URL the webhook posts to (required unless `url` is set); a rotated " +
					"deploy token shows in the plan and apply points the hook at the new URL.",
				PlanModifiers: replace,
			},
			"build_hook": schema.SingleNestedAttribute{
				Optional: true,
				MarkdownDescription: "Create a Netlify build hook on `site_id` that builds `branch`, and point the webhook " +
					"at it. Changing it replaces the webhook and the build hook.",
				PlanModifiers: []planmodifier.Object{objectplanmodifier.RequiresReplace()},
				Attributes: map[string]schema.Attribute{
					"title": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "The build hook's title. Default `" + defaultBuildHookTitle + "`.",
					},
					"branch": schema.StringAttribute{
						Required:            true,
						MarkdownDescription: "The branch the build hook builds.",
						Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
					},
				},
			},
			"build_hook_id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The Netlify build hook's id, with `build_hook`; null otherwise.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"events": schema.SetAttribute{
				ElementType: types.StringType,
				Optional:    true,
				Computed:    true,
				Default:     setdefault.StaticValue(defaultEvents),
				MarkdownDescription: "Events that trigger the webhook, the same words on every host: `push`, " +
					"`pull_request` (GitLab merge requests), `tag` (GitHub `create`, GitLab tag pushes). Default " +
					"`[\"push\", \"pull_request\"]`.",
				Validators: []validator.Set{
					setvalidator.SizeAtLeast(1),
					setvalidator.ValueStringsAre(stringvalidator.OneOf(githost.Events...)),
				},
			},
			"branch_filter": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: webhookSettingDescription(func(w githost.WebhookSettings) bool { return w.BranchFilter },
					"Deliver push events only for branches matching this wildcard, e.g. `release/*` (GitLab "+
						"`push_events_branch_filter`, Gitea `branch_filter`).",
					"; on %s setting it fails the plan (filter on the platform instead, e.g. with `allowed_branches` of "+
						"`gitdeploy_repo_link`)."),
			},
			"active": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
				MarkdownDescription: webhookSettingDescription(func(w githost.WebhookSettings) bool { return w.Active },
					"Whether the hook delivers events: `false` keeps the webhook on the repository but stops its deliveries. "+
						"Default `true`. Read back from the host, so a hook switched off by hand shows in the next plan.",
					". %s webhooks have no such flag and always deliver: setting `active` there fails the plan (it reads "+
						"`true`); delete the webhook to stop deliveries."),
			},
			"content_type": schema.StringAttribute{
				Optional: true,
				Computed: true,
				Default:  stringdefault.StaticString(githubDefaultContentTy),
				MarkdownDescription: webhookSettingDescription(func(w githost.WebhookSettings) bool { return w.ContentType },
					"How deliveries are encoded: `json` (the default, what Netlify expects) or `form`.",
					"; %s always post JSON: setting it there fails the plan."),
				Validators: []validator.String{stringvalidator.OneOf("json", "form")},
			},
			"insecure_ssl": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
				MarkdownDescription: webhookSettingDescription(func(w githost.WebhookSettings) bool { return w.InsecureSSL },
					"Skip TLS certificate verification of the target (GitHub `insecure_ssl`, GitLab "+
						"`enable_ssl_verification = false`). Default `false`.",
					"; %s always verify the target's certificate: `true` there fails the plan."),
			},
			"secret": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "Secret the host signs deliveries with (GitHub `X-Hub-Signature-256`, GitLab " +
					"`X-Gitlab-Token`). Stored in state; prefer `secret_wo`.",
				Validators: []validator.String{stringvalidator.ConflictsWith(path.MatchRoot("secret_wo"))},
			},
			"secret_wo": schema.StringAttribute{
				Optional:            true,
				Sensitive:           true,
				WriteOnly:           true,
				MarkdownDescription: "Write-only secret (Terraform 1.11+): sent to the host, never stored. Requires `secret_wo_version`.",
				Validators:          []validator.String{stringvalidator.AlsoRequires(path.MatchRoot("secret_wo_version"))},
			},
			"secret_wo_version": schema.Int64Attribute{
				Optional:            true,
				MarkdownDescription: "Change it to send a new `secret_wo`.",
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true}),
		},
	}
}

// webhookSettingDescription describes a webhook setting only some git hosts have, naming them from the host
// registry so that the documentation says exactly which: what, then "Available on <hosts>" and
// without (a format taking the other hosts' names) when some host lacks the setting.
func webhookSettingDescription(has func(githost.WebhookSettings) bool, what, without string) string {
	var with, lacking []string
	for _, kind := range githost.Kinds {
		if h, ok := githost.Describe(kind); ok {
			if has(h.Webhooks) {
				with = append(with, h.Title)
			} else {
				lacking = append(lacking, h.Title)
			}
		}
	}
	out := what + " Available on " + joinTitles(with)
	if len(lacking) == 0 {
		return out + "."
	}
	return out + fmt.Sprintf(without, joinTitles(lacking))
}

// joinTitles joins host names as prose: "GitHub", "GitHub and GitLab", "Bitbucket, Gitea and GitHub".
func joinTitles(titles []string) string {
	if len(titles) < 2 {
		return strings.Join(titles, "")
	}
	return strings.Join(titles[:len(titles)-1], ", ") + " and " + titles[len(titles)-1]
}

func (r *webhookResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.clients = clientsFromProviderData(req.ProviderData, &resp.Diagnostics)
}

func (r *webhookResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var c webhookModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &c)...)
	if resp.Diagnostics.HasError() {
		return
	}
	kind := c.GitProvider.ValueString()
	checkRepositoryAttr(c.GitProvider, c.Repository, &resp.Diagnostics)
	if host, ok := githost.Describe(kind); ok && !c.GitProvider.IsUnknown() {
		checkHostWebhookSettings(ctx, host, &c, &resp.Diagnostics)
	}
	if c.BuildHook != nil && c.SiteID.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("site_id"), "Missing site_id",
			"build_hook creates a Netlify build hook on a site: set site_id (e.g. gitdeploy_site.example.id).")
	}
	if !c.URL.IsNull() && !c.URL.IsUnknown() {
		if err := checkWebhookURL(c.URL.ValueString(), c.AllowInsecureURL.ValueBool()); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("url"), "Invalid webhook url", err.Error())
		}
	}
	if !c.SecretWOVersion.IsNull() && c.SecretWO.IsNull() && !c.SecretWO.IsUnknown() {
		resp.Diagnostics.AddAttributeError(path.Root("secret_wo_version"), "secret_wo_version without secret_wo",
			"secret_wo_version only versions secret_wo: set secret_wo too, or remove secret_wo_version.")
	}
}

// checkHostWebhookSettings fails the plan for webhook settings and events the git host does not have.
func checkHostWebhookSettings(ctx context.Context, host githost.Host, c *webhookModel, diags *diag.Diagnostics) {
	unsupported := func(attr, why string) {
		diags.AddAttributeError(path.Root(attr), "Setting not available on "+host.Title, why)
	}
	// What the host does anyway (always active, always JSON) may be said: a configuration Terraform
	// generates for an imported webhook writes these defaults out.
	has := host.Webhooks
	if !has.Active && !c.Active.IsNull() && !c.Active.IsUnknown() && !c.Active.ValueBool() {
		unsupported("active", host.Title+" webhooks have no active flag: remove active, or delete the webhook to stop deliveries.")
	}
	if !has.ContentType && !c.ContentType.IsNull() && !c.ContentType.IsUnknown() && c.ContentType.ValueString() != githubDefaultContentTy {
		unsupported("content_type", host.Title+" always posts JSON: remove content_type.")
	}
	if !has.BranchFilter && !c.BranchFilter.IsNull() {
		unsupported("branch_filter", host.Title+" webhooks have no branch filter: remove branch_filter (filter on the "+
			"platform, e.g. with allowed_branches of gitdeploy_repo_link).")
	}
	if !has.InsecureSSL && c.InsecureSSL.ValueBool() {
		unsupported("insecure_ssl", host.Title+" webhooks always verify the target's certificate: remove insecure_ssl.")
	}
	if c.Events.IsNull() || c.Events.IsUnknown() {
		return
	}
	var events []string
	diags.Append(c.Events.ElementsAs(ctx, &events, false)...)
	for _, e := range events {
		if slices.Contains(githost.Events, e) && !slices.Contains(has.Events, e) {
			unsupported("events", fmt.Sprintf("%s webhooks cannot subscribe to %q (it delivers %s): remove it.",
				host.Title, e, strings.Join(has.Events, ", ")))
		}
	}
}

// checkWebhookURL accepts an absolute https URL, or http when the user allows it.
func checkWebhookURL(raw string, allowInsecure bool) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return fmt.Errorf("url %q must be an absolute https:// URL, like https://api.netlify.com/hooks/github", raw)
	}
	if u.Scheme == "http" && !allowInsecure {
		return fmt.Errorf("url %q is not https: deliveries and their secret would travel in clear text. Use https://, or set allow_insecure_url = true for a test endpoint", raw)
	}
	return nil
}

func (r *webhookResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	var plan, config webhookModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	creating := req.State.Raw.IsNull()
	plat := r.planPlatform(ctx, &plan, &config, resp)
	if resp.Diagnostics.HasError() {
		return
	}

	if !creating {
		r.refuseSecretLoss(ctx, req, &config, &resp.Diagnostics)
		raw, diags := req.Private.GetKey(ctx, privateWebhookReplace)
		resp.Diagnostics.Append(diags...)
		var gone halfGone
		if len(raw) > 0 && json.Unmarshal(raw, &gone) == nil && gone.Reason != "" {
			for _, a := range []string{"id", "build_hook_id", "target_url"} {
				resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(a), types.StringUnknown())...)
			}
			resp.RequiresReplace = append(resp.RequiresReplace, path.Root("id"))
			resp.Diagnostics.AddWarning("Webhook must be replaced",
				gone.Reason+". Applying replaces the webhook: the destroy step removes whatever is left, and the webhook is created again.")
			return
		}
	}

	// Plan the target URL so that a hand-made change of it shows as drift.
	if !config.URL.IsNull() {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("target_url"), config.URL)...)
		return
	}
	switch {
	case plan.BuildHook != nil || (plat != nil && plat.HookTargetNeedsSite()):
		if creating {
			return // known once the build hook exists, or the application is read
		}
		raw, diags := req.Private.GetKey(ctx, privateTargetURL)
		resp.Diagnostics.Append(diags...)
		var hookURL string
		if len(raw) > 0 && json.Unmarshal(raw, &hookURL) == nil && hookURL != "" {
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("target_url"), hookURL)...)
		}
	case plat != nil && !plan.GitProvider.IsUnknown():
		// The platform's endpoint for the git host needs no site, and no request.
		target, err := plat.HookTarget(ctx, plan.GitProvider.ValueString(), "")
		if err == nil {
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("target_url"), target)...)
		}
	}
}

// planPlatform settles the platform of a webhook that posts to one (no explicit url, or a build hook), and
// checks that the platform has what the configuration asks for: build hooks (Netlify), a site to post to
// (Dokploy). A webhook with its own url needs no platform: its platform stays null. It returns the
// platform's client, nil when there is none or it is not known yet.
func (r *webhookResource) planPlatform(ctx context.Context, plan, config *webhookModel, resp *resource.ModifyPlanResponse) platform.Platform {
	if plan.BuildHook == nil && !config.URL.IsNull() {
		if plan.Platform.IsUnknown() {
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("platform"), types.StringNull())...)
		}
		return nil
	}
	kind := planPlatform(ctx, r.clients, plan.Platform, resp.Plan.SetAttribute, &resp.Diagnostics)
	checkPlatformBuildsFrom(r.clients, kind, plan.GitProvider, &resp.Diagnostics)
	if r.clients == nil || kind == "" {
		return nil
	}
	plat, ok := r.clients.platforms[kind]
	if !ok {
		return nil // Create says how to configure it
	}
	if _, hasBuildHooks := plat.(platform.BuildHookManager); plan.BuildHook != nil && !hasBuildHooks {
		resp.Diagnostics.AddAttributeError(path.Root("build_hook"), "Setting not available on "+plat.Name(),
			fmt.Sprintf("%s has no build hooks: remove build_hook; the webhook then posts to the site's own deploy URL (set site_id).", plat.Name()))
	}
	switch {
	case plan.BuildHook != nil:
	case plat.HookTargetNeedsSite() && plan.SiteID.IsNull():
		resp.Diagnostics.AddAttributeError(path.Root("site_id"), "Missing site_id",
			fmt.Sprintf("On %s every site has its own deploy URL: set site_id (e.g. gitdeploy_site.example.id), or url.", plat.Name()))
	case !plat.HookTargetNeedsSite() && !plan.SiteID.IsNull():
		resp.Diagnostics.AddAttributeError(path.Root("site_id"), "site_id without build_hook",
			fmt.Sprintf("On %s the webhook posts to the platform's endpoint for the git host, which needs no site: remove site_id, "+
				"or add build_hook to post to a build hook of that site.", plat.Name()))
	}
	return plat
}

func (r *webhookResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan webhookModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	secret := r.secret(ctx, req.Config, &plan, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, timeout := withOperationTimeout(ctx, plan.Timeouts, "create", defaultWriteTimeout, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}

	host := r.clients.requireGitHost(plan.GitProvider.ValueString(), &resp.Diagnostics)
	if host == nil {
		return
	}
	var plat platform.Platform
	if plan.BuildHook != nil || plan.URL.IsNull() {
		if plat = r.clients.requirePlatform(plan.Platform.ValueString(), &resp.Diagnostics); plat == nil {
			return
		}
	}

	target := plan.URL.ValueString()
	plan.BuildHookID = types.StringNull()
	where := fmt.Sprintf("%s repository %s", hostTitle(plan.GitProvider.ValueString()), plan.Repository.ValueString())
	var buildHook *platform.BuildHook
	var buildHooks platform.BuildHookManager
	switch {
	case plan.BuildHook != nil:
		var ok bool
		if buildHooks, ok = plat.(platform.BuildHookManager); !ok {
			resp.Diagnostics.AddAttributeError(path.Root("build_hook"), "Setting not available on "+plat.Name(), plat.Name()+" has no build hooks.")
			return
		}
		siteID, title, branch := plan.SiteID.ValueString(), buildHookTitle(plan.BuildHook), plan.BuildHook.Branch.ValueString()
		var found bool
		var err error
		buildHook, found, err = createOrAdopt(ctx, r.clients.ledger, newBuildHookSpec(plat.Name(), buildHooks, r.clients.clock(plat.Name()),
			siteID, title, branch))
		switch {
		case err != nil && found:
			// Made, but its answer came after the timeout: kept in state (Terraform marks it tainted).
			resp.Diagnostics.AddError("Could not create the webhook in time", timeoutDetail(timeout, "waiting for "+plat.Name()+"'s answer", err,
				fmt.Sprintf("The %s build hook %s of site %s was created all the same: the provider found it after the timeout. "+
					"No webhook was created on %s. The build hook is kept in Terraform's state, marked tainted: the next apply "+
					"deletes it and creates the build hook and the webhook again.", plat.Name(), buildHook.ID, siteID, where)))
			r.keepBuildHook(ctx, &plan, buildHook, resp)
			return
		case err != nil && timeoutPassed(ctx):
			resp.Diagnostics.AddError("Could not create the webhook in time", timeoutDetail(timeout, "creating the "+plat.Name()+" build hook", err,
				fmt.Sprintf("No build hook of this resource is known to exist, and no webhook was created on %s. If a build hook "+
					"titled %q for branch %q appears on %s site %s, delete it there; then apply again.", where, title, branch, plat.Name(), siteID)))
			return
		case err != nil:
			resp.Diagnostics.AddError("Could not create the build hook", errorDetail(err))
			return
		}
		target = buildHook.URL
		plan.BuildHookID = types.StringValue(buildHook.ID)
	case target == "":
		var err error
		if target, err = plat.HookTarget(ctx, plan.GitProvider.ValueString(), plan.SiteID.ValueString()); err != nil && timeoutPassed(ctx) {
			resp.Diagnostics.AddError("Could not create the webhook in time", timeoutDetail(timeout, "reading the URL the webhook posts to", err,
				"Nothing was created on "+where+"."))
			return
		} else if err != nil {
			addHookTargetError(&resp.Diagnostics, plat, plan.SiteID.ValueString(), err)
			return
		}
		if plat.HookTargetNeedsSite() {
			resp.Diagnostics.Append(setPrivateJSON(ctx, resp.Private, privateTargetURL, target)...)
		}
	}

	hook, found, err := createOrAdopt(ctx, r.clients.ledger, webhookSpec(host, r.clients.clock(hostTitle(host.Kind())),
		plan.Repository.ValueString(), webhookInput(&plan, target, secret)))
	switch {
	case err != nil && found:
		// Made, but its answer came after the timeout: kept in state (Terraform marks it tainted).
		setWebhookState(&plan, hook)
		also := ""
		if buildHook != nil {
			also = fmt.Sprintf(" (posting to the build hook %s, created before it)", buildHook.ID)
			resp.Diagnostics.Append(setPrivateJSON(ctx, resp.Private, privateTargetURL, buildHook.URL)...)
		}
		resp.Diagnostics.AddError("Could not create the webhook in time", timeoutDetail(timeout, "waiting for "+hostTitle(host.Kind())+"'s answer", err,
			fmt.Sprintf("The webhook %s on %s%s was created all the same: the provider found it after the timeout. It is kept in "+
				"Terraform's state, marked tainted, so the next apply replaces it; to keep it instead, run terraform untaint "+
				"<address of this resource>.", hook.ID, where, also)))
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		return
	case err != nil && timeoutPassed(ctx) && buildHook != nil:
		// The undo would run past the timeout too: keep the build hook in state instead.
		resp.Diagnostics.AddError("Could not create the webhook in time", timeoutDetail(timeout, "creating the webhook on "+where, err,
			fmt.Sprintf("The %s build hook %s of site %s was created; creating the webhook on %s did not finish, and a webhook "+
				"created late may still appear there. The build hook is kept in Terraform's state, marked tainted: the next apply "+
				"deletes it, and any webhook of %s posting to it, then creates both again.", plat.Name(), buildHook.ID,
				plan.SiteID.ValueString(), where, where)))
		r.keepBuildHook(ctx, &plan, buildHook, resp)
		return
	case err != nil && timeoutPassed(ctx):
		resp.Diagnostics.AddError("Could not create the webhook in time", timeoutDetail(timeout, "creating the webhook on "+where, err,
			fmt.Sprintf("No webhook of this resource is known to exist on %[1]s. If one made at the time of this apply appears "+
				"there, bring it under Terraform with terraform import <address of this resource> '%[2]s:%[3]s:<hook id>', or "+
				"delete it there; otherwise apply again.", where, plan.GitProvider.ValueString(), plan.Repository.ValueString())))
		return
	case err != nil && buildHook == nil:
		resp.Diagnostics.AddError("Could not create the webhook", fmt.Sprintf("Creating the webhook on %s failed: %s", where, errorDetail(err)))
		return
	case err != nil:
		if r.undoBuildHook(ctx, buildHooks, host, &plan, buildHook, err, &resp.Diagnostics) {
			return
		}
		// The undo left something behind: keep it in state. Terraform marks the webhook tainted, and its
		// destroy removes the build hook and any hook of the repository posting to it.
		r.keepBuildHook(ctx, &plan, buildHook, resp)
		return
	}
	setWebhookState(&plan, hook)
	if buildHook != nil {
		resp.Diagnostics.Append(setPrivateJSON(ctx, resp.Private, privateTargetURL, buildHook.URL)...)
	}
	resp.Diagnostics.Append(recordCreated(ctx, resp.Private)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// keepBuildHook keeps a failed create's build hook in state, without a webhook: Terraform marks the
// resource tainted, and its destroy removes the build hook and any hook of the repository posting to it.
func (r *webhookResource) keepBuildHook(ctx context.Context, plan *webhookModel, buildHook *platform.BuildHook, resp *resource.CreateResponse) {
	plan.ID = types.StringNull()
	plan.BuildHookID = types.StringValue(buildHook.ID)
	plan.TargetURL = types.StringValue(buildHook.URL)
	resp.Diagnostics.Append(setPrivateJSON(ctx, resp.Private, privateTargetURL, buildHook.URL)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

// undoBuildHook undoes a create whose repository webhook failed after its build hook was made: it deletes
// the build hook and, when the webhook's create may have been applied after all (a lost answer), any hook
// of the repository posting to the build hook. It says what happened in one diagnostic, and returns true
// when nothing is left; false when something may be, which the caller then keeps in state.
func (r *webhookResource) undoBuildHook(ctx context.Context, hooks platform.BuildHookManager, host githost.GitHost, plan *webhookModel,
	buildHook *platform.BuildHook, createErr error, diags *diag.Diagnostics) bool {
	where := fmt.Sprintf("%s repository %s", hostTitle(host.Kind()), plan.Repository.ValueString())
	siteID := plan.SiteID.ValueString()
	cleanupCtx, cancel := untilDeadline(ctx)
	defer cancel()
	var hookErr error
	if httpx.MayHaveBeenApplied(createErr) {
		hookErr = deleteHooksWithURL(cleanupCtx, host, plan.Repository.ValueString(), buildHook.URL, r.clients.readAfterWrite)
	}
	buildErr := hooks.DeleteBuildHook(cleanupCtx, siteID, buildHook.ID)
	if httpx.IsNotFound(buildErr) {
		buildErr = nil
	}
	if hookErr == nil && buildErr == nil {
		diags.AddError("Could not create the webhook",
			fmt.Sprintf("Creating the webhook on %s failed: %s\n\nThe build hook %s of site %s created for it was deleted "+
				"again, and no webhook of %s posts to it: nothing was left behind.", where, errorDetail(createErr), buildHook.ID, siteID, where))
		return true
	}
	var left []string
	if buildErr != nil {
		left = append(left, fmt.Sprintf("- the build hook %s of site %s: deleting it failed: %s", buildHook.ID, siteID, errorDetail(buildErr)))
	}
	if hookErr != nil {
		left = append(left, fmt.Sprintf("- perhaps a webhook of %s posting to that build hook (the create's answer was lost): "+
			"removing it failed: %s", where, errorDetail(hookErr)))
	}
	diags.AddError("Could not create the webhook, and its undo failed",
		fmt.Sprintf("Creating the webhook on %s failed: %s\n\nWhat may be left:\n%s\n\nThe webhook is kept in Terraform's state, "+
			"marked tainted: the next apply deletes what is left of it and creates it again.",
			where, errorDetail(createErr), strings.Join(left, "\n")))
	return false
}

// deleteHooksWithURL removes every webhook of repo that posts to url: one whose create answer was lost
// has no id in state. A hook made a moment ago may not be listed yet: finding none, it lists again as
// relist says.
func deleteHooksWithURL(ctx context.Context, host githost.GitHost, repo, url string, relist backoffPolicy) error {
	if url == "" {
		return nil
	}
	postsThere := func(h githost.Webhook) bool { return h.URL == url }
	hooks, err := backoffRun(ctx, relist, time.Time{}, func(ctx context.Context) ([]githost.Webhook, error) {
		return host.ListWebhooks(ctx, repo)
	}, func(hooks []githost.Webhook, err error) bool {
		return err != nil || slices.ContainsFunc(hooks, postsThere)
	})
	if err != nil {
		return err
	}
	for _, h := range hooks {
		if h.URL != url {
			continue
		}
		if err := host.DeleteWebhook(ctx, repo, h.ID); err != nil && !httpx.IsNotFound(err) {
			return err
		}
	}
	return nil
}

// newBuildHookSpec creates a build hook on the platform named platformName. After a lost answer, a build
// hook of the site with the same title and branch made since the create started is ours.
func newBuildHookSpec(platformName string, buildHooks platform.BuildHookManager, clock *httpx.Clock, siteID, title, branch string) createSpec[*platform.BuildHook] {
	return createSpec[*platform.BuildHook]{
		kind: "build hook " + siteID,
		what: fmt.Sprintf("%s build hook of site %s", platformName, siteID),
		create: func(ctx context.Context) (*platform.BuildHook, error) {
			return buildHooks.CreateBuildHook(ctx, siteID, title, branch)
		},
		list: func(ctx context.Context) ([]*platform.BuildHook, error) {
			hooks, err := buildHooks.ListBuildHooks(ctx, siteID)
			var same []*platform.BuildHook
			for _, h := range pointers(hooks) {
				if h.Title == title && h.Branch == branch {
					same = append(same, h)
				}
			}
			return same, err
		},
		id:        func(h *platform.BuildHook) string { return h.ID },
		createdAt: func(h *platform.BuildHook) time.Time { return h.CreatedAt },
		clock:     clock,
	}
}

// webhookSpec creates a repository webhook. After a lost answer, a webhook of the repository with the
// same URL made since the create started is ours. GitHub refuses a second hook with the same URL with a
// 422 ("Hook already exists on this repository"), which after a lost answer is our own.
func webhookSpec(host githost.GitHost, clock *httpx.Clock, repo string, in githost.WebhookInput) createSpec[*githost.Webhook] {
	return createSpec[*githost.Webhook]{
		kind: "webhook " + host.Kind() + " " + repo,
		what: fmt.Sprintf("webhook on %s repository %s", hostTitle(host.Kind()), repo),
		create: func(ctx context.Context) (*githost.Webhook, error) {
			return host.CreateWebhook(ctx, repo, in)
		},
		list: func(ctx context.Context) ([]*githost.Webhook, error) {
			hooks, err := host.ListWebhooks(ctx, repo)
			var same []*githost.Webhook
			for _, h := range pointers(hooks) {
				if h.URL == in.URL {
					same = append(same, h)
				}
			}
			return same, err
		},
		id:        func(h *githost.Webhook) string { return h.ID },
		createdAt: func(h *githost.Webhook) time.Time { return h.CreatedAt },
		clock:     clock,
		conflict: func(err error, afterLostAnswer bool) bool {
			return afterLostAnswer && httpx.IsStatus(err, http.StatusUnprocessableEntity)
		},
	}
}

func (r *webhookResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state webhookModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, _ := withOperationTimeout(ctx, state.Timeouts, "read", defaultReadTimeout, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}

	host := r.clients.requireGitHost(state.GitProvider.ValueString(), &resp.Diagnostics)
	if host == nil {
		return
	}
	buildHookID := state.BuildHookID.ValueString()
	// A webhook that posts to a site (a build hook, Dokploy's deploy URL) reads the platform too.
	var plat platform.Platform
	var buildHooks platform.BuildHookManager
	if buildHookID != "" || state.SiteID.ValueString() != "" {
		state.Platform = statePlatform(state.Platform)
		if plat = r.clients.requirePlatform(state.Platform.ValueString(), &resp.Diagnostics); plat == nil {
			return
		}
		buildHooks, _ = plat.(platform.BuildHookManager)
		if buildHookID != "" && buildHooks == nil {
			resp.Diagnostics.AddError("Could not read the build hook", plat.Name()+" has no build hooks.")
			return
		}
	}
	readTarget := buildHookID == "" && plat != nil && plat.HookTargetNeedsSite()

	// The git hook and the platform's side live on two systems: read them at once.
	var (
		wg                           sync.WaitGroup
		hook                         *githost.Webhook
		buildHook                    *platform.BuildHook
		target                       string
		hookErr, buildErr, targetErr error
	)
	// Just after the create, a "not found" may only mean that the new hook has not reached every replica.
	created := createdAt(ctx, req.Private)
	if state.ID.ValueString() == "" {
		// Kept after a failed create: no hook of ours is known on the repository.
		hookErr = &httpx.APIError{StatusCode: http.StatusNotFound, Message: "no webhook id in state"}
	} else {
		wg.Add(1)
		go func() {
			defer wg.Done()
			hook, hookErr = readAfterCreate(ctx, created, r.clients.readAfterWrite, func(ctx context.Context) (*githost.Webhook, error) {
				return host.GetWebhook(ctx, state.Repository.ValueString(), state.ID.ValueString())
			})
		}()
	}
	if buildHookID != "" {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buildHook, buildErr = readAfterCreate(ctx, created, r.clients.readAfterWrite, func(ctx context.Context) (*platform.BuildHook, error) {
				return buildHooks.GetBuildHook(ctx, state.SiteID.ValueString(), buildHookID)
			})
		}()
	}
	if readTarget {
		wg.Add(1)
		go func() {
			defer wg.Done()
			target, targetErr = plat.HookTarget(ctx, state.GitProvider.ValueString(), state.SiteID.ValueString())
		}()
	}
	wg.Wait()
	switch {
	case targetErr == nil && target != "":
		// A rotated deploy token shows as a new planned url, and Update points the hook there.
		resp.Diagnostics.Append(setPrivateJSON(ctx, resp.Private, privateTargetURL, target)...)
	case httpx.IsNotFound(targetErr):
		// The site is gone: its replacement gets a new id, and site_id replaces this webhook.
	case targetErr != nil:
		addHookTargetError(&resp.Diagnostics, plat, state.SiteID.ValueString(), targetErr)
		return
	}

	hookGone, buildGone := httpx.IsNotFound(hookErr), httpx.IsNotFound(buildErr)
	if hookErr != nil && !hookGone {
		resp.Diagnostics.AddError("Could not read the webhook", errorDetail(hookErr))
		return
	}
	if buildErr != nil && !buildGone {
		resp.Diagnostics.AddError("Could not read the build hook", errorDetail(buildErr))
		return
	}
	if hookGone && (buildHookID == "" || buildGone) {
		resp.State.RemoveResource(ctx) // nothing left to destroy: create it again
		return
	}

	var reason string
	switch {
	case hookGone:
		reason = fmt.Sprintf("The webhook %s is no longer on %s repository %s", state.ID.ValueString(),
			hostTitle(state.GitProvider.ValueString()), state.Repository.ValueString())
	case buildGone:
		reason = fmt.Sprintf("The build hook %s of site %s no longer exists", buildHookID, state.SiteID.ValueString())
	}
	if hook != nil && state.TargetURL.IsNull() {
		// Imported (or written before target_url): url, which a configuration sets, holds the hook's URL
		// only where it is not the platform's own target, so that a generated configuration leaves it out.
		if def := r.platformTarget(ctx, &state, buildHook, target); def == "" || hook.URL != def {
			state.URL = types.StringValue(hook.URL)
			if u, err := url.Parse(hook.URL); err == nil && u.Scheme == "http" {
				state.AllowInsecureURL = types.BoolValue(true)
			}
		} else {
			state.URL = types.StringNull()
		}
	}
	if hook != nil {
		setWebhookState(&state, hook)
	}
	if buildHook != nil {
		title := buildHook.Title
		if state.BuildHook != nil && state.BuildHook.Title.IsNull() && title == defaultBuildHookTitle {
			title = "" // keep the default unset, as configured
		}
		state.BuildHook = &buildHookSpec{Title: stringOrNull(title), Branch: types.StringValue(buildHook.Branch)}
		resp.Diagnostics.Append(setPrivateJSON(ctx, resp.Private, privateTargetURL, buildHook.URL)...)
	}
	if hook != nil && hook.SecretSet != nil && !*hook.SecretSet {
		// The host says the hook has no secret: an update cannot remove one.
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateSecretUnknown, nil)...)
	}
	if state.BuildHookID.ValueString() == "" {
		state.BuildHookID = types.StringNull() // no build hook: null, as a state from before held ""
	}
	if reason != "" {
		resp.Diagnostics.Append(setPrivateJSON(ctx, resp.Private, privateWebhookReplace, halfGone{Reason: reason})...)
	} else {
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateWebhookReplace, nil)...)
		resp.Diagnostics.Append(forgetCreated(ctx, resp.Private)...)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *webhookResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state webhookModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	secret := r.secret(ctx, req.Config, &plan, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, timeout := withOperationTimeout(ctx, plan.Timeouts, "update", defaultWriteTimeout, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}

	host := r.clients.requireGitHost(plan.GitProvider.ValueString(), &resp.Diagnostics)
	if host == nil {
		return
	}
	target := plan.URL.ValueString()
	if plan.URL.IsNull() {
		// The target the platform last reported for this site (the build hook, which a change would replace,
		// or Dokploy's deploy URL); otherwise the platform's endpoint for the git host.
		raw, diags := req.Private.GetKey(ctx, privateTargetURL)
		resp.Diagnostics.Append(diags...)
		_ = json.Unmarshal(raw, &target) // empty target is looked up or caught below
		if plat, d := r.clients.Platform(plan.Platform.ValueString()); target == "" && d == nil {
			var err error
			if target, err = plat.HookTarget(ctx, plan.GitProvider.ValueString(), plan.SiteID.ValueString()); err != nil && timeoutPassed(ctx) {
				resp.Diagnostics.AddError("Could not update the webhook in time", timeoutDetail(timeout, "reading the URL the webhook posts to", err,
					"Nothing was changed: the webhook is as it was before. Apply again to make the change."))
				return
			} else if err != nil {
				addHookTargetError(&resp.Diagnostics, plat, plan.SiteID.ValueString(), err)
				return
			}
		}
		if target == "" {
			resp.Diagnostics.AddError("Could not update the webhook", "The webhook's target URL is not known; run terraform apply -refresh-only, then apply again.")
			return
		}
	}
	plan.ID = state.ID
	plan.BuildHookID = state.BuildHookID
	hook, err := host.UpdateWebhook(ctx, plan.Repository.ValueString(), plan.ID.ValueString(), webhookInput(&plan, target, secret))
	if err != nil && timeoutPassed(ctx) {
		resp.Diagnostics.AddError("Could not update the webhook in time", timeoutDetail(timeout,
			fmt.Sprintf("updating the webhook %s of %s repository %s", plan.ID.ValueString(), hostTitle(host.Kind()), plan.Repository.ValueString()), err,
			"The change may or may not have been applied: the state keeps the webhook as it was before, and the next plan "+
				"shows what "+hostTitle(host.Kind())+" holds now. Apply again to finish the change."))
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Could not update the webhook", errorDetail(err))
		return
	}
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateSecretUnknown, nil)...) // the configured secret was sent
	setWebhookState(&plan, hook)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *webhookResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state webhookModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, timeout := withOperationTimeout(ctx, state.Timeouts, "delete", defaultWriteTimeout, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}

	host := r.clients.requireGitHost(state.GitProvider.ValueString(), &resp.Diagnostics)
	if host == nil {
		return
	}
	var (
		wg                sync.WaitGroup
		hookErr, buildErr error
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		if state.ID.ValueString() == "" {
			// Kept after a failed create: a hook whose create answer was lost is known by its URL.
			hookErr = deleteHooksWithURL(ctx, host, state.Repository.ValueString(), state.TargetURL.ValueString(), r.clients.readAfterWrite)
			return
		}
		hookErr = host.DeleteWebhook(ctx, state.Repository.ValueString(), state.ID.ValueString())
	}()
	if id := state.BuildHookID.ValueString(); id != "" {
		plat := r.clients.requirePlatform(statePlatform(state.Platform).ValueString(), &resp.Diagnostics)
		buildHooks, ok := plat.(platform.BuildHookManager)
		if !ok {
			wg.Wait()
			return
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			buildErr = buildHooks.DeleteBuildHook(ctx, state.SiteID.ValueString(), id)
		}()
	}
	wg.Wait()
	if timeoutPassed(ctx) && (failedDelete(hookErr) || failedDelete(buildErr)) {
		hookWhat := "the webhook " + state.ID.ValueString()
		if state.ID.ValueString() == "" {
			hookWhat = "any webhook posting to the build hook"
		}
		halves := []deletedHalf{{fmt.Sprintf("%s of %s repository %s", hookWhat, hostTitle(host.Kind()), state.Repository.ValueString()), hookErr}}
		if id := state.BuildHookID.ValueString(); id != "" {
			halves = append(halves, deletedHalf{fmt.Sprintf("the build hook %s of site %s", id, state.SiteID.ValueString()), buildErr})
		}
		resp.Diagnostics.AddError("Could not delete the webhook in time", deleteTimeoutDetail(timeout, halves))
		return
	}
	// A 404 means already gone (Netlify's unlink_repo deletes build hooks, for one): done.
	if hookErr != nil && !httpx.IsNotFound(hookErr) {
		resp.Diagnostics.AddError("Could not delete the webhook", errorDetail(hookErr))
	}
	if buildErr != nil && !httpx.IsNotFound(buildErr) {
		resp.Diagnostics.AddError("Could not delete the build hook", errorDetail(buildErr))
	}
}

// ImportState takes "<git_provider>:<repository>:<hook_id>", with ":<site_id>:<build_hook_id>" appended for a
// webhook that posts to a Netlify build hook, or ":<site_id>" for one that posts to a Dokploy application's
// deploy URL; after "<platform>:" when the provider configures both platforms.
func (r *webhookResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	const usage = `Use "<git_provider>:<repository>:<hook_id>", "<git_provider>:<repository>:<hook_id>:<site_id>:<build_hook_id>" ` +
		`for a webhook that posts to a Netlify build hook, or "dokploy:<git_provider>:<repository>:<hook_id>:<application_id>" ` +
		`for one that posts to a Dokploy application, e.g. "github:acme/website:12345678".`
	kind, raw, d := splitPlatformPrefix(r.clients, req.ID)
	if d != nil {
		resp.Diagnostics.Append(d)
		return
	}
	in, err := parseWebhookImportID(raw)
	if err != nil {
		resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("%s\n\n%s", err, usage))
		return
	}
	values := map[string]string{"git_provider": in.GitProvider, "repository": in.Repository, "id": in.ID, "platform": kind}
	if in.SiteID != "" {
		values["site_id"] = in.SiteID
	}
	if in.BuildHookID != "" {
		values["build_hook_id"] = in.BuildHookID
	}
	if in.BuildHookID != "" {
		// Read fills in the build hook's title and branch.
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("build_hook"), buildHookSpec{Title: types.StringNull(), Branch: types.StringValue("")})...)
	}
	for a, v := range values {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(a), v)...)
	}
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateSecretUnknown, []byte("true"))...)
}

// platformTarget is the URL the webhook posts to when url is not set: the build hook's, the site's deploy
// URL read (target), or the platform's endpoint for the git host; "" when it cannot be told.
func (r *webhookResource) platformTarget(ctx context.Context, m *webhookModel, buildHook *platform.BuildHook, target string) string {
	switch {
	case buildHook != nil:
		return buildHook.URL
	case target != "":
		return target
	}
	plat, ok := r.clients.platforms[statePlatform(m.Platform).ValueString()]
	if !ok || plat.HookTargetNeedsSite() {
		return ""
	}
	endpoint, err := plat.HookTarget(ctx, m.GitProvider.ValueString(), "")
	if err != nil {
		return ""
	}
	return endpoint
}

// addHookTargetError explains a failed read of the URL a webhook posts to (Dokploy's deploy URL).
func addHookTargetError(diags *diag.Diagnostics, plat platform.Platform, siteID string, err error) {
	if httpx.IsNotFound(err) {
		diags.AddAttributeError(path.Root("site_id"), "Could not read the deploy URL",
			fmt.Sprintf("%s has no site %q (or the key cannot see it): check site_id.\n\n%s", plat.Name(), siteID, err))
		return
	}
	diags.AddError("Could not read the deploy URL", errorDetail(err))
}

// refuseSecretLoss fails the plan of an in-place update of a webhook whose secret the provider does not
// know (imported) when the configuration sets none: every update sends the whole hook, and one without a
// secret removes the host's (GitHub drops a secret a PATCH leaves out; GitLab clears the token). A host
// that reports the hook has no secret clears the mark in Read.
func (r *webhookResource) refuseSecretLoss(ctx context.Context, req resource.ModifyPlanRequest, config *webhookModel, diags *diag.Diagnostics) {
	if !config.Secret.IsNull() || !config.SecretWO.IsNull() || req.Plan.Raw.Equal(req.State.Raw) {
		return
	}
	raw, d := req.Private.GetKey(ctx, privateSecretUnknown)
	diags.Append(d...)
	if len(raw) == 0 {
		return
	}
	diags.AddAttributeError(path.Root("secret"), "Webhook secret not known",
		"This webhook was imported, so Terraform does not know its secret, and the configuration sets none. The planned "+
			"update sends the whole hook, which would remove the secret the git host holds, so the plan stops here. Set "+
			"secret_wo (with secret_wo_version) or secret to the secret the hook should have (the current one, or a new "+
			"one, which the receiving side must then know too); or set secret = \"\" to remove it.")
}

// secret is the secret to send: secret, or the write-only secret_wo, which only the configuration holds.
func (r *webhookResource) secret(ctx context.Context, config interface {
	GetAttribute(context.Context, path.Path, any) diag.Diagnostics
}, plan *webhookModel, diags *diag.Diagnostics) string {
	if r.clients == nil {
		diags.Append(notConfigured())
		return ""
	}
	if s := plan.Secret.ValueString(); s != "" {
		return s
	}
	var wo types.String
	diags.Append(config.GetAttribute(ctx, path.Root("secret_wo"), &wo)...)
	return wo.ValueString()
}

func webhookInput(m *webhookModel, target, secret string) githost.WebhookInput {
	var events []string
	for _, e := range m.Events.Elements() {
		if s, ok := e.(types.String); ok {
			events = append(events, s.ValueString())
		}
	}
	sort.Strings(events)
	// A host without the setting is sent none (its client refuses one).
	var contentType string
	if host, ok := githost.Describe(m.GitProvider.ValueString()); ok && host.Webhooks.ContentType {
		if contentType = m.ContentType.ValueString(); contentType == "" {
			contentType = githubDefaultContentTy
		}
	}
	return githost.WebhookInput{
		URL:          target,
		Secret:       secret,
		Events:       events,
		Active:       m.Active.ValueBool(),
		ContentType:  contentType,
		InsecureSSL:  m.InsecureSSL.ValueBool(),
		BranchFilter: m.BranchFilter.ValueString(),
	}
}

// setWebhookState copies what the host reports into the model. Settings the user left unset stay unset
// where the host reports its default, so the plan stays empty.
func setWebhookState(m *webhookModel, h *githost.Webhook) {
	m.ID = types.StringValue(h.ID)
	m.TargetURL = types.StringValue(h.URL)
	events := make([]attr.Value, 0, len(h.Events))
	for _, e := range h.Events {
		events = append(events, types.StringValue(e))
	}
	m.Events = types.SetValueMust(types.StringType, events)
	m.InsecureSSL = types.BoolValue(h.InsecureSSL)
	m.Active = types.BoolValue(h.Active)
	m.ContentType = types.StringValue(h.ContentType)
	if host, ok := githost.Describe(m.GitProvider.ValueString()); ok && host.Webhooks.BranchFilter &&
		(!m.BranchFilter.IsNull() || h.BranchFilter != "") {
		m.BranchFilter = types.StringValue(h.BranchFilter)
	}
}

func buildHookTitle(b *buildHookSpec) string {
	if t := b.Title.ValueString(); t != "" {
		return t
	}
	return defaultBuildHookTitle
}

func stringOrNull(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// setPrivateJSON stores v as JSON under key in a resource's private state.
func setPrivateJSON(ctx context.Context, private interface {
	SetKey(context.Context, string, []byte) diag.Diagnostics
}, key string, v any) diag.Diagnostics {
	raw, err := json.Marshal(v)
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Could not record private state", err.Error())
		return diags
	}
	return private.SetKey(ctx, key, raw)
}
