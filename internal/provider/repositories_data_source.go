package provider

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/httpx"
)

var (
	_ datasource.DataSource                   = (*repositoriesDataSource)(nil)
	_ datasource.DataSourceWithConfigure      = (*repositoriesDataSource)(nil)
	_ datasource.DataSourceWithValidateConfig = (*repositoriesDataSource)(nil)
)

// NewRepositoriesDataSource is the constructor of gitdeploy_repositories.
func NewRepositoriesDataSource() datasource.DataSource { return &repositoriesDataSource{} }

type repositoriesDataSource struct {
	clients *clients
}

type repositoriesModel struct {
	ID               types.String      `tfsdk:"id"`
	GitProvider      types.String      `tfsdk:"git_provider"`
	ConnectionID     types.String      `tfsdk:"connection_id"`
	Platform         types.String      `tfsdk:"platform"`
	Owner            types.String      `tfsdk:"owner"`
	IncludeSubgroups types.Bool        `tfsdk:"include_subgroups"`
	Visibility       types.String      `tfsdk:"visibility"`
	IncludeArchived  types.Bool        `tfsdk:"include_archived"`
	IncludeForks     types.Bool        `tfsdk:"include_forks"`
	NameRegex        types.String      `tfsdk:"name_regex"`
	MaxItems         types.Int64       `tfsdk:"max_items"`
	Truncated        types.Bool        `tfsdk:"truncated"`
	Repositories     []repositoryModel `tfsdk:"repositories"`
	FullNames        []string          `tfsdk:"full_names"`
}

type repositoryModel struct {
	ID            types.String `tfsdk:"id"`
	Name          types.String `tfsdk:"name"`
	FullName      types.String `tfsdk:"full_name"`
	DefaultBranch types.String `tfsdk:"default_branch"`
	Visibility    types.String `tfsdk:"visibility"`
	Private       types.Bool   `tfsdk:"private"`
	Archived      types.Bool   `tfsdk:"archived"`
	Fork          types.Bool   `tfsdk:"fork"`
	Description   types.String `tfsdk:"description"`
	HTMLURL       types.String `tfsdk:"html_url"`
	CloneURL      types.String `tfsdk:"clone_url"`
	SSHURL        types.String `tfsdk:"ssh_url"`
	Topics        []string     `tfsdk:"topics"`
	PushedAt      types.String `tfsdk:"pushed_at"`
}

var visibilities = []string{"all", "public", "private", "internal"}

func (d *repositoriesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_repositories"
}

func (d *repositoriesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	str := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
	}
	boolean := func(desc string) schema.BoolAttribute {
		return schema.BoolAttribute{Computed: true, MarkdownDescription: desc}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the repositories of an owner on a git host, every page, through the owner's " +
			"listing endpoints (never the search API, which stops at 1,000). Sorted by `full_name` so plans stay stable.\n\n" +
			"With `connection_id` it lists instead what Dokploy sees through one of its git-provider connections (Dokploy's " +
			"`get<Kind>Repositories`, which follows every page itself), with the connection's credentials: no git host needs " +
			"to be configured in the provider. " + connectionListingNote,
		Attributes: map[string]schema.Attribute{
			"id":            schema.StringAttribute{Computed: true, MarkdownDescription: "`<git_provider>:<owner>`, or `dokploy:<connection_id>:<owner>`."},
			"git_provider":  listingGitProviderAttribute(),
			"connection_id": listingConnectionIDAttribute(),
			"platform":      dataSourcePlatformAttribute("of `connection_id`"),
			"owner": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "GitHub organisation or user; GitLab group (full path or numeric id) or, if no such " +
					"group, user. Empty: the token's own user (GitHub: repositories it owns; GitLab: projects it is a member of). " +
					"With `connection_id`: keep only the repositories whose full name starts with `<owner>/` (GitLab: directly " +
					"in that group, or in its subgroups too with `include_subgroups`); empty keeps all the connection sees.",
			},
			"include_subgroups": schema.BoolAttribute{
				Optional:            true,
				MarkdownDescription: "GitLab only: include the projects of the group's subgroups. Default `false`.",
			},
			"visibility": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "`all` (default), `public`, `private` or `internal` (GitLab, GitHub Enterprise).",
				Validators:          []validator.String{stringvalidator.OneOf(visibilities...)},
			},
			"include_archived": schema.BoolAttribute{
				Optional:            true,
				MarkdownDescription: "Include archived repositories. Default `false`.",
			},
			"include_forks": schema.BoolAttribute{
				Optional:            true,
				MarkdownDescription: "Include forks. Default `true`.",
			},
			"name_regex": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Keep only repositories whose name (not full name) matches this RE2 regular expression.",
				Validators:          []validator.String{regexValidator{}},
			},
			"max_items": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "Stop fetching once this many repositories match; `truncated` then says whether " +
					"any were left out. Default: all.",
				Validators: []validator.Int64{int64validator.AtLeast(1)},
			},
			"truncated": boolean("Whether `max_items` cut the list."),
			"full_names": schema.ListAttribute{
				Computed:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "The `full_name` of every repository listed, sorted.",
			},
			"repositories": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The repositories, sorted by `full_name`.",
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"id":             str("The host's numeric id, in decimal (through a Bitbucket connection: null)."),
						"name":           str("The repository's name."),
						"full_name":      str("`owner/name`, or `group/subgroup/name` on GitLab."),
						"default_branch": str("The default branch; null for an empty repository."),
						"visibility":     str("`public`, `private` or `internal`."),
						"private":        boolean("Whether the repository is not public."),
						"archived":       boolean("Whether the repository is archived."),
						"fork":           boolean("Whether the repository is a fork."),
						"description":    str("The description; null when the repository has none."),
						"html_url":       str("The web page."),
						"clone_url":      str("HTTPS clone URL."),
						"ssh_url":        str("SSH clone URL."),
						"topics": schema.ListAttribute{
							Computed: true, ElementType: types.StringType, MarkdownDescription: "Topics.",
						},
						"pushed_at": str("The last push (GitLab: last activity), RFC 3339; null when unknown."),
					},
				},
			},
		},
	}
}

func (d *repositoriesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.clients = clientsFromProviderData(req.ProviderData, &resp.Diagnostics)
}

func (d *repositoriesDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	var c repositoriesModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &c)...)
	if resp.Diagnostics.HasError() {
		return
	}
	checkConnectionListing(c.GitProvider, c.ConnectionID, c.Platform, &resp.Diagnostics)
	if host, ok := githost.Describe(c.GitProvider.ValueString()); ok && !host.Subgroups && c.IncludeSubgroups.ValueBool() {
		resp.Diagnostics.AddAttributeError(path.Root("include_subgroups"), "Setting not available on "+host.Title,
			host.Title+" owners have no subgroups: remove include_subgroups.")
	}
}

func (d *repositoriesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m repositoriesModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var nameRE *regexp.Regexp
	if m.NameRegex.ValueString() != "" {
		nameRE = regexp.MustCompile(m.NameRegex.ValueString()) // validated at plan time
	}
	if !m.ConnectionID.IsNull() {
		d.readThroughConnection(ctx, &m, nameRE, resp)
		return
	}
	host := d.clients.requireGitHost(m.GitProvider.ValueString(), &resp.Diagnostics)
	if host == nil {
		return
	}
	visibility := m.Visibility.ValueString()
	includeArchived := m.IncludeArchived.ValueBool()
	includeForks := m.IncludeForks.IsNull() || m.IncludeForks.ValueBool()
	keep := func(r *githost.Repository) bool {
		return (includeArchived || !r.Archived) &&
			(includeForks || !r.Fork) &&
			(visibility == "" || visibility == "all" || r.Visibility == visibility) &&
			(nameRE == nil || nameRE.MatchString(r.Name))
	}
	owner := m.Owner.ValueString()
	repos, truncated, err := host.ListRepositories(ctx, githost.ListRepositoriesInput{
		Owner:            owner,
		IncludeSubgroups: m.IncludeSubgroups.ValueBool(),
		Visibility:       visibility,
		Keep:             keep,
		MaxItems:         int(m.MaxItems.ValueInt64()),
	})
	if err != nil {
		summary := "Could not list repositories"
		if httpx.IsNotFound(err) && owner != "" {
			summary = fmt.Sprintf("Owner %q not found on %s", owner, hostTitle(m.GitProvider.ValueString()))
			resp.Diagnostics.AddAttributeError(path.Root("owner"), summary,
				fmt.Sprintf("No organisation, group or user %q is visible to the token: check the name and the token's access.\n\n%s", owner, err))
			return
		}
		resp.Diagnostics.AddError(summary, err.Error())
		return
	}
	sort.Slice(repos, func(i, j int) bool { return repos[i].FullName < repos[j].FullName })

	m.ID = types.StringValue(m.GitProvider.ValueString() + ":" + owner)
	m.Truncated = types.BoolValue(truncated)
	m.Repositories = make([]repositoryModel, 0, len(repos))
	m.FullNames = make([]string, 0, len(repos))
	for _, r := range repos {
		pushedAt := ""
		if !r.PushedAt.IsZero() {
			pushedAt = r.PushedAt.UTC().Format(time.RFC3339)
		}
		topics := r.Topics
		if topics == nil {
			topics = []string{}
		}
		m.Repositories = append(m.Repositories, repositoryModel{
			ID:            types.StringValue(r.ID),
			Name:          types.StringValue(r.Name),
			FullName:      types.StringValue(r.FullName),
			DefaultBranch: stringOrNull(r.DefaultBranch),
			Visibility:    stringOrNull(r.Visibility),
			Private:       types.BoolValue(r.Private),
			Archived:      types.BoolValue(r.Archived),
			Fork:          types.BoolValue(r.Fork),
			Description:   stringOrNull(r.Description),
			HTMLURL:       stringOrNull(r.HTMLURL),
			CloneURL:      stringOrNull(r.CloneURL),
			SSHURL:        stringOrNull(r.SSHURL),
			Topics:        topics,
			PushedAt:      stringOrNull(pushedAt),
		})
		m.FullNames = append(m.FullNames, r.FullName)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// regexValidator fails at plan time on a regular expression Go's RE2 cannot compile.
type regexValidator struct{}

func (regexValidator) Description(context.Context) string {
	return "must be a valid RE2 regular expression"
}
func (v regexValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }
func (regexValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := regexp.Compile(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid regular expression",
			fmt.Sprintf("%q is not a valid RE2 regular expression: %s.", req.ConfigValue.ValueString(), err))
	}
}
