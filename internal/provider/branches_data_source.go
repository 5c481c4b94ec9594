package provider

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/httpx"
)

var (
	_ datasource.DataSource                   = (*branchesDataSource)(nil)
	_ datasource.DataSourceWithConfigure      = (*branchesDataSource)(nil)
	_ datasource.DataSourceWithValidateConfig = (*branchesDataSource)(nil)
)

// NewBranchesDataSource is the constructor of gitdeploy_branches.
func NewBranchesDataSource() datasource.DataSource { return &branchesDataSource{} }

type branchesDataSource struct {
	clients *clients
}

type branchesModel struct {
	ID            types.String  `tfsdk:"id"`
	GitProvider   types.String  `tfsdk:"git_provider"`
	ConnectionID  types.String  `tfsdk:"connection_id"`
	Platform      types.String  `tfsdk:"platform"`
	Repository    types.String  `tfsdk:"repository"`
	Protected     types.Bool    `tfsdk:"protected"`
	NameRegex     types.String  `tfsdk:"name_regex"`
	Branches      []branchModel `tfsdk:"branches"`
	Names         []string      `tfsdk:"names"`
	DefaultBranch types.String  `tfsdk:"default_branch"`
}

type branchModel struct {
	Name      types.String `tfsdk:"name"`
	Protected types.Bool   `tfsdk:"protected"`
	Default   types.Bool   `tfsdk:"default"`
	CommitSHA types.String `tfsdk:"commit_sha"`
}

func (d *branchesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_branches"
}

func (d *branchesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the branches of a repository, every page, sorted by name.\n\nWith `connection_id` it " +
			"lists them through a Dokploy git-provider connection instead (Dokploy's `get<Kind>Branches`, every page), with the " +
			"connection's credentials, after finding the repository in what the connection lists (GitLab lists branches by " +
			"the project's id, Bitbucket by the repository's slug): no git host needs to be configured in the provider. " +
			"Through a connection, `protected` is only known on GitHub and GitLab (null elsewhere, and the `protected` filter " +
			"is an error there), and `default` and `default_branch` only on GitHub and GitLab (null and empty elsewhere).",
		Attributes: map[string]schema.Attribute{
			"id":            schema.StringAttribute{Computed: true, MarkdownDescription: "`<git_provider>:<repository>`, or `dokploy:<connection_id>:<repository>`."},
			"git_provider":  listingGitProviderAttribute(),
			"connection_id": listingConnectionIDAttribute(),
			"platform":      dataSourcePlatformAttribute("of `connection_id`"),
			"repository": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "`owner/name` on GitHub and Gitea, `group/subgroup/name` on GitLab, `workspace/repo_slug` on Bitbucket.",
			},
			"protected": schema.BoolAttribute{
				Optional:            true,
				MarkdownDescription: "Keep only protected (`true`) or unprotected (`false`) branches. Default: both.",
			},
			"name_regex": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Keep only branches whose name matches this RE2 regular expression.",
				Validators:          []validator.String{regexValidator{}},
			},
			"branches": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The branches, sorted by name.",
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"name":       schema.StringAttribute{Computed: true, MarkdownDescription: "The branch name."},
						"protected":  schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the branch is protected."},
						"default":    schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether it is the default branch."},
						"commit_sha": schema.StringAttribute{Computed: true, MarkdownDescription: "The SHA of the branch's head commit."},
					},
				},
			},
			"names": schema.ListAttribute{
				Computed: true, ElementType: types.StringType, MarkdownDescription: "The names of the branches listed, sorted.",
			},
			"default_branch": schema.StringAttribute{
				Computed: true, MarkdownDescription: "The repository's default branch (whether or not the filters keep it); null when it has none.",
			},
		},
	}
}

func (d *branchesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.clients = clientsFromProviderData(req.ProviderData, &resp.Diagnostics)
}

func (d *branchesDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	var c branchesModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &c)...)
	if resp.Diagnostics.HasError() {
		return
	}
	checkConnectionListing(c.GitProvider, c.ConnectionID, c.Platform, &resp.Diagnostics)
	// An unsupported git_provider is its own validator's error: one mistake, one error.
	if c.GitProvider.IsUnknown() || c.Repository.IsUnknown() || !slices.Contains(githost.Kinds, c.GitProvider.ValueString()) {
		return
	}
	checkRepositoryAttr(c.GitProvider, c.Repository, &resp.Diagnostics)
}

func (d *branchesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m branchesModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !m.ConnectionID.IsNull() {
		var nameRE *regexp.Regexp
		if m.NameRegex.ValueString() != "" {
			nameRE = regexp.MustCompile(m.NameRegex.ValueString()) // validated at plan time
		}
		d.readThroughConnection(ctx, &m, nameRE, resp)
		return
	}
	host := d.clients.requireGitHost(m.GitProvider.ValueString(), &resp.Diagnostics)
	if host == nil {
		return
	}
	repo := m.Repository.ValueString()
	branches, err := host.ListBranches(ctx, repo)
	if err != nil {
		if httpx.IsNotFound(err) {
			resp.Diagnostics.AddAttributeError(path.Root("repository"), "Repository not found",
				fmt.Sprintf("Check the spelling of %q and the %s token's access to it.\n\n%s", repo, hostTitle(m.GitProvider.ValueString()), err))
			return
		}
		resp.Diagnostics.AddError("Could not list branches", err.Error())
		return
	}
	var nameRE *regexp.Regexp
	if m.NameRegex.ValueString() != "" {
		nameRE = regexp.MustCompile(m.NameRegex.ValueString()) // validated at plan time
	}
	sort.Slice(branches, func(i, j int) bool { return branches[i].Name < branches[j].Name })
	m.ID = types.StringValue(m.GitProvider.ValueString() + ":" + repo)
	m.DefaultBranch = types.StringNull() // an empty repository has none
	m.Branches = []branchModel{}
	m.Names = []string{}
	for _, b := range branches {
		if b.Default {
			m.DefaultBranch = types.StringValue(b.Name)
		}
		if (!m.Protected.IsNull() && b.Protected != m.Protected.ValueBool()) || (nameRE != nil && !nameRE.MatchString(b.Name)) {
			continue
		}
		m.Branches = append(m.Branches, branchModel{
			Name:      types.StringValue(b.Name),
			Protected: types.BoolValue(b.Protected),
			Default:   types.BoolValue(b.Default),
			CommitSHA: stringOrNull(b.CommitSHA),
		})
		m.Names = append(m.Names, b.Name)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
