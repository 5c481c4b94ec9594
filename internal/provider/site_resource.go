package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/httpx"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/platform"
)

var (
	_ resource.Resource                = (*siteResource)(nil)
	_ resource.ResourceWithConfigure   = (*siteResource)(nil)
	_ resource.ResourceWithImportState = (*siteResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*siteResource)(nil)
)

var customDomainPattern = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+$`)

// NewSiteResource is the constructor of gitdeploy_site.
func NewSiteResource() resource.Resource { return &siteResource{} }

type siteResource struct {
	clients *clients
}

type siteModel struct {
	ID           types.String      `tfsdk:"id"`
	Platform     types.String      `tfsdk:"platform"`
	Name         types.String      `tfsdk:"name"`
	CustomDomain types.String      `tfsdk:"custom_domain"`
	TeamSlug     types.String      `tfsdk:"team_slug"`
	Dokploy      *dokploySiteModel `tfsdk:"dokploy"`
	URL          types.String      `tfsdk:"url"`
	SSLURL       types.String      `tfsdk:"ssl_url"`
	AdminURL     types.String      `tfsdk:"admin_url"`
	Timeouts     timeouts.Value    `tfsdk:"timeouts"`
}

// dokploySiteModel is the dokploy attribute: what only a Dokploy application has.
type dokploySiteModel struct {
	EnvironmentID types.String `tfsdk:"environment_id"`
	Description   types.String `tfsdk:"description"`
	AppName       types.String `tfsdk:"app_name"`
	ProjectID     types.String `tfsdk:"project_id"`
}

func (r *siteResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_site"
}

func (r *siteResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A site on the deploy platform: a Netlify site, or a Dokploy application in an " +
			"environment. Link it to a repository with `gitdeploy_repo_link`. A site deleted by hand is created again on " +
			"the next apply; a name, custom domain or description changed by hand shows in the plan.\n\nWhen the answer " +
			"to a create is lost (a dropped " +
			"connection, a 5xx from a gateway), the provider looks for the site before creating it again, and keeps " +
			"the one it finds: a site with this `name`, no repository and the same custom domain made since the " +
			"create started. Without a `name` only the creation time tells such a site apart, so the provider never " +
			"takes it for its own: the apply fails, naming the candidates and the `terraform import` command to run " +
			"if one of them is yours. Set `name` to be sure.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The platform's site id (Netlify `site_id`).",
				PlanModifiers:       keep,
			},
			"platform": platformAttribute(),
			"name": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "The site's name. Netlify: the first label of `<name>.netlify.app`, lower-case letters, " +
					"digits and hyphens, unique across Netlify; left out, Netlify picks one. Dokploy: the application's " +
					"name, required. Changing it renames the site in place.",
				PlanModifiers: keep,
				Validators:    []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"custom_domain": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Netlify: the site's custom domain, a host name like `www.example.com` (no scheme, no " +
					"path). Changes in place; removing it removes the domain from the site.",
				Validators: []validator.String{
					stringvalidator.RegexMatches(customDomainPattern, `must be a host name like "www.example.com", without scheme or path`),
				},
			},
			"dokploy": schema.SingleNestedAttribute{
				Optional:            true,
				MarkdownDescription: "Dokploy: where the application lives and what only Dokploy has. Required on Dokploy.",
				Attributes: map[string]schema.Attribute{
					"environment_id": schema.StringAttribute{
						Required: true,
						MarkdownDescription: "The environment to create the application in (a project's `production` " +
							"environment, or another). Changing it replaces the application.",
						PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
						Validators:    []validator.String{stringvalidator.LengthAtLeast(1)},
					},
					"description": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "The application's description. Changes in place.",
					},
					"app_name": schema.StringAttribute{
						Computed:            true,
						MarkdownDescription: "Dokploy's name of the application's service (the name with a random suffix).",
						PlanModifiers:       keep,
					},
					"project_id": schema.StringAttribute{
						Computed:            true,
						MarkdownDescription: "The project of the environment.",
						PlanModifiers:       keep,
					},
				},
			},
			"team_slug": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Netlify: the team (account) slug to create the site in; left out, the token owner's " +
					"default team, whose slug is then read back. Changing it replaces the site; removing it from the " +
					"configuration changes nothing.",
				// The state keeps the team the platform reports, so an import plans no replacement.
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
				Validators:    []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"url": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The site's main URL (`http://…`); null on Dokploy, where domains are set apart.",
				PlanModifiers:       keep,
			},
			"ssl_url": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The site's HTTPS URL; null on Dokploy.",
				PlanModifiers:       keep,
			},
			"admin_url": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The site's page in the platform's web UI.",
				PlanModifiers:       keep,
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true}),
		},
	}
}

func (r *siteResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.clients = clientsFromProviderData(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan settles the platform and checks the settings against it, and marks the URLs unknown when the
// name or the custom domain changes: they are derived from both, and UseStateForUnknown would otherwise
// plan the old ones.
func (r *siteResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan siteModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	kind := planPlatform(ctx, r.clients, plan.Platform, resp.Plan.SetAttribute, &resp.Diagnostics)
	var configuredTeam types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("team_slug"), &configuredTeam)...)
	if kind == platform.Dokploy && configuredTeam.IsNull() && !plan.TeamSlug.IsNull() {
		// A team read back from a Netlify site (a platform change replaces the site): Dokploy has none.
		plan.TeamSlug = types.StringNull()
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("team_slug"), types.StringNull())...)
	}
	r.checkPlatformSettings(kind, &plan, &resp.Diagnostics)
	if req.State.Raw.IsNull() || resp.Diagnostics.HasError() {
		return
	}
	var state siteModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if plan.Name.Equal(state.Name) && plan.CustomDomain.Equal(state.CustomDomain) {
		return
	}
	for _, attr := range []string{"url", "ssl_url", "admin_url"} {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(attr), types.StringUnknown())...)
	}
}

// checkPlatformSettings fails the plan for settings the platform does not have, or lacks, and for a name
// the platform would refuse.
func (r *siteResource) checkPlatformSettings(kind string, plan *siteModel, diags *diag.Diagnostics) {
	if kind == "" || r.clients == nil {
		return // not known yet, or not configured (terraform validate)
	}
	switch kind {
	case platform.Netlify:
		onlyOn(diags, plan.Dokploy != nil, "dokploy", kind, "Dokploy")
	case platform.Dokploy:
		onlyOn(diags, !plan.CustomDomain.IsNull(), "custom_domain", kind, "Netlify")
		onlyOn(diags, !plan.TeamSlug.IsNull() && !plan.TeamSlug.IsUnknown(), "team_slug", kind, "Netlify")
		if plan.Dokploy == nil {
			diags.AddAttributeError(path.Root("dokploy"), "Missing Dokploy settings",
				"A Dokploy application lives in an environment: set dokploy = { environment_id = \"...\" } (the id of a "+
					"project's environment; the emulator prints its seeded one).")
		}
	}
	plat, ok := r.clients.platforms[kind]
	if !ok {
		return // Create says how to configure it
	}
	switch {
	case plan.Name.IsUnknown() && plat.SiteNameRequired() && !plan.Platform.IsUnknown():
		// Unknown because the configuration leaves it out (a name from another resource is unknown too, but
		// then not required to be set here): only a create can tell, and Create reports it.
	case isKnownString(plan.Name):
		if err := plat.ValidateSiteName(plan.Name.ValueString()); err != nil {
			diags.AddAttributeError(path.Root("name"), "Invalid site name", err.Error())
		}
	}
}

func (r *siteResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan siteModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, timeout := withOperationTimeout(ctx, plan.Timeouts, "create", defaultWriteTimeout, &resp.Diagnostics)
	defer cancel()
	plat := r.clients.requirePlatform(plan.Platform.ValueString(), &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}

	in := siteInput(&plan)
	if in.Name == "" && plat.SiteNameRequired() {
		resp.Diagnostics.AddAttributeError(path.Root("name"), "Missing site name",
			fmt.Sprintf("A %s application needs a name: set name.", plat.Name()))
		return
	}
	site, found, err := createOrAdopt(ctx, r.clients.ledger, siteSpec(plat, r.clients.clock(plat.Name()), in))
	plan.Platform = types.StringValue(plat.Kind())
	switch {
	case err != nil && found:
		// Made, but its answer came after the timeout: kept in state (Terraform marks it tainted).
		setSite(&plan, site)
		resp.Diagnostics.AddError("Could not create the site in time", timeoutDetail(timeout, "waiting for "+plat.Name()+"'s answer", err,
			fmt.Sprintf("The %s site %s (%s) was created all the same: the provider found it after the timeout. It is kept in "+
				"Terraform's state, marked tainted, so the next apply replaces it; to keep it instead, run terraform untaint "+
				"<address of this resource>.", plat.Name(), site.ID, site.Name)))
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		return
	case err != nil && timeoutPassed(ctx):
		resp.Diagnostics.AddError("Could not create the site in time", timeoutDetail(timeout, "creating the "+plat.Name()+" site", err,
			fmt.Sprintf("No %[1]s site of this resource is known to exist. If one appears in %[1]s (%[2]s), bring it under "+
				"Terraform with terraform import <address of this resource> '<site id>', or delete it there; otherwise apply again.",
				plat.Name(), siteDescription(in))))
		return
	case err != nil:
		addSiteWriteError(&resp.Diagnostics, "Could not create the site", plat, &plan, err)
		return
	}
	setSite(&plan, site)
	resp.Diagnostics.Append(recordCreated(ctx, resp.Private)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// siteDescription says, for a message, how to recognise the site in: by its name, or by when it was made.
func siteDescription(in platform.SiteInput) string {
	if in.Name == "" {
		return "a site without a repository, made at the time of this apply"
	}
	return fmt.Sprintf("a site named %q", in.Name)
}

// siteInput is what the plan sets on a site. An unknown name (left out) is "": the platform picks one.
func siteInput(plan *siteModel) platform.SiteInput {
	in := platform.SiteInput{Name: plan.Name.ValueString(), CustomDomain: plan.CustomDomain.ValueString(),
		TeamSlug: plan.TeamSlug.ValueString()}
	if plan.Dokploy != nil {
		in.EnvironmentID = plan.Dokploy.EnvironmentID.ValueString()
		in.Description = plan.Dokploy.Description.ValueString()
	}
	return in
}

// siteSpec creates a site. After a lost answer, the site is looked for among the sites without a
// repository, with the same custom domain, team or environment, made since the create started: by its
// name when it has one. Without a name only the creation time tells it apart, so it is never adopted: the
// error names the candidates. A refusal of a taken name right after a lost answer may be our own site,
// so the name is looked up then too.
func siteSpec(plat platform.Platform, clock *httpx.Clock, in platform.SiteInput) createSpec[*platform.Site] {
	return createSpec[*platform.Site]{
		kind:   siteLedgerKind,
		what:   plat.Name() + " site",
		create: func(ctx context.Context) (*platform.Site, error) { return plat.CreateSite(ctx, in) },
		list: func(ctx context.Context) ([]*platform.Site, error) {
			sites, err := plat.ListSites(ctx, in)
			var matching []*platform.Site
			for _, site := range pointers(sites) {
				if (in.Name == "" || strings.EqualFold(site.Name, in.Name)) && site.Repo == nil &&
					site.CustomDomain == in.CustomDomain && (in.TeamSlug == "" || site.AccountSlug == in.TeamSlug) &&
					site.EnvironmentID == in.EnvironmentID {
					matching = append(matching, site)
				}
			}
			return matching, err
		},
		id:        func(s *platform.Site) string { return s.ID },
		createdAt: func(s *platform.Site) time.Time { return s.CreatedAt },
		clock:     clock,
		timeOnly:  in.Name == "",
		conflict: func(err error, afterLostAnswer bool) bool {
			return afterLostAnswer && in.Name != "" && plat.SiteNameTaken(err)
		},
	}
}

func (r *siteResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state siteModel
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

	site, err := readAfterCreate(ctx, createdAt(ctx, req.Private), r.clients.readAfterWrite, func(ctx context.Context) (*platform.Site, error) {
		return r.clients.readSite(ctx, plat, state.ID.ValueString())
	})
	if httpx.IsNotFound(err) {
		resp.State.RemoveResource(ctx) // deleted by hand: the next plan creates it again
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Could not read the site", errorDetail(err))
		return
	}
	r.clients.siteReads.put(site.ID, site)
	setSite(&state, site)
	resp.Diagnostics.Append(forgetCreated(ctx, resp.Private)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *siteResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state siteModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, timeout := withOperationTimeout(ctx, plan.Timeouts, "update", defaultWriteTimeout, &resp.Diagnostics)
	defer cancel()
	plat := r.clients.requirePlatform(plan.Platform.ValueString(), &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}

	in := siteInput(&plan) // a custom domain or description left out is "": removed
	if in == siteInput(&state) {
		// Only the timeouts block changed: nothing to send.
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		return
	}
	r.clients.siteChanging(plat, state.ID.ValueString())
	site, err := plat.UpdateSite(ctx, state.ID.ValueString(), in)
	if err != nil && timeoutPassed(ctx) {
		resp.Diagnostics.AddError("Could not update the site in time", timeoutDetail(timeout, "updating the "+plat.Name()+" site "+state.ID.ValueString(), err,
			"The change may or may not have been applied: the state keeps the site as it was before, and the next plan "+
				"shows what "+plat.Name()+" holds now. Apply again to finish the change."))
		return
	}
	if err != nil {
		addSiteWriteError(&resp.Diagnostics, "Could not update the site", plat, &plan, err)
		return
	}
	setSite(&plan, site)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *siteResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state siteModel
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

	r.clients.siteChanging(plat, state.ID.ValueString())
	err := plat.DeleteSite(ctx, state.ID.ValueString())
	switch {
	case err == nil || httpx.IsNotFound(err):
	case timeoutPassed(ctx):
		resp.Diagnostics.AddError("Could not delete the site in time", timeoutDetail(timeout, "deleting the "+plat.Name()+" site "+state.ID.ValueString(), err,
			fmt.Sprintf("The %s site %s may or may not have been deleted: it stays in Terraform's state, and the next apply "+
				"deletes it (a site already gone counts as deleted).", plat.Name(), state.ID.ValueString())))
	default:
		resp.Diagnostics.AddError("Could not delete the site", errorDetail(err))
	}
}

// ImportState takes the site id, after "<platform>:" when the provider configures both platforms.
func (r *siteResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	kind, raw, d := splitPlatformPrefix(r.clients, req.ID)
	if d != nil {
		resp.Diagnostics.Append(d)
		return
	}
	id, err := parseSiteImportID(raw)
	if err != nil {
		resp.Diagnostics.AddError("Invalid import ID", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("platform"), kind)...)
}

// parseSiteImportID checks a site id given to terraform import: one URL path segment's worth of text.
func parseSiteImportID(id string) (string, error) {
	const example = `Import a site by its id, e.g. "3f8a1c2e-4b5d-4e6f-8a9b-0c1d2e3f4a5b".`
	if err := checkIDSegment("site id", id); err != nil {
		return "", fmt.Errorf("%w. %s", err, example)
	}
	return id, nil
}

// setSite copies what the platform reports into m. An unset custom domain or team stays null when
// the configuration leaves it out, so that "" and null do not show as a change.
func setSite(m *siteModel, site *platform.Site) {
	m.ID = types.StringValue(site.ID)
	m.Name = types.StringValue(site.Name)
	if site.CustomDomain != "" || !m.CustomDomain.IsNull() {
		m.CustomDomain = types.StringValue(site.CustomDomain)
	}
	// A site moved to another team by hand shows as a replacement where the configuration names the team.
	if site.AccountSlug != "" {
		m.TeamSlug = types.StringValue(site.AccountSlug)
	} else if m.TeamSlug.IsUnknown() {
		m.TeamSlug = types.StringNull()
	}
	if site.EnvironmentID != "" {
		d := &dokploySiteModel{EnvironmentID: types.StringValue(site.EnvironmentID), AppName: stringOrNull(site.AppName),
			ProjectID: stringOrNull(site.ProjectID), Description: types.StringNull()}
		if site.Description != "" || (m.Dokploy != nil && !m.Dokploy.Description.IsNull()) {
			d.Description = types.StringValue(site.Description)
		}
		m.Dokploy = d
	}
	// What the platform answers empty (Dokploy has no URLs) is null, not "".
	m.URL = stringOrNull(site.URL)
	m.SSLURL = stringOrNull(site.SSLURL)
	m.AdminURL = stringOrNull(site.AdminURL)
}

// addSiteWriteError explains the platform's refusals a user can fix.
func addSiteWriteError(diags *diag.Diagnostics, summary string, plat platform.Platform, m *siteModel, err error) {
	switch {
	case plat.SiteNameTaken(err) && !m.Name.IsNull() && !m.Name.IsUnknown():
		diags.AddAttributeError(path.Root("name"), summary,
			fmt.Sprintf("%s refused the site, most likely because the name %q is taken: site names are unique across "+
				"all of %s. Pick another name, or leave name out to let %s choose one.\n\n%s",
				plat.Name(), m.Name.ValueString(), plat.Name(), plat.Name(), err))
	case httpx.IsNotFound(err) && m.Dokploy != nil:
		diags.AddAttributeError(path.Root("dokploy").AtName("environment_id"), summary,
			fmt.Sprintf("%s has no environment %q that this API key can use: check the id (a project's environment; "+
				"the emulator prints its seeded one).\n\n%s", plat.Name(), m.Dokploy.EnvironmentID.ValueString(), err))
	case httpx.IsNotFound(err) && isKnownString(m.TeamSlug):
		diags.AddAttributeError(path.Root("team_slug"), summary,
			fmt.Sprintf("%s has no team %q that this token can use: check the slug in the team's settings.\n\n%s",
				plat.Name(), m.TeamSlug.ValueString(), err))
	default:
		diags.AddError(summary, errorDetail(err))
	}
}
