package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/httpx"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/platform"
)

// The data sources of Dokploy's git-provider connections: gitdeploy_git_connections lists them,
// gitdeploy_git_connection reads (and tests) one of any kind, GitHub's included.

var (
	_ datasource.DataSource              = (*gitConnectionsDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*gitConnectionsDataSource)(nil)
	_ datasource.DataSource              = (*gitConnectionDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*gitConnectionDataSource)(nil)
)

// configuredDescription says what Dokploy's isConfigured means per kind (gitProvider.getAll).
const configuredDescription = "Dokploy's own `isConfigured` flag, which means something else per kind: **GitHub**: the " +
	"app's id, private key and installation id are set; **GitLab**: a person authorised the OAuth application (Dokploy " +
	"holds its access and refresh token); **Gitea**: Dokploy holds an OAuth access and refresh token, so it is `false` for " +
	"a connection made with a personal access token (as `gitdeploy_git_connection` makes them), which works all the same; " +
	"**Bitbucket**: always `false`. Whether a connection works is what `test` of `gitdeploy_git_connection` tells."

// dataSourcePlatformAttribute is the platform attribute of the data sources that read a platform.
func dataSourcePlatformAttribute(what string) schema.StringAttribute {
	return schema.StringAttribute{
		Optional:            true,
		MarkdownDescription: "The platform " + what + ": `dokploy` (the default), the only one with git-provider connections.",
		Validators:          []validator.String{stringvalidator.OneOf(platform.Kinds...)},
	}
}

// listingGitProviderAttribute is git_provider of the listing data sources, which may list through a connection.
func listingGitProviderAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		Optional: true, Computed: true,
		MarkdownDescription: "`github`, `gitlab`, `bitbucket` or `gitea`. Required unless `connection_id` is set; with it, " +
			"the connection's kind (set it to check that the connection is of that kind).",
		Validators: []validator.String{stringvalidator.OneOf(githost.Kinds...)},
	}
}

// listingConnectionIDAttribute is connection_id of the listing data sources.
func listingConnectionIDAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		Optional: true,
		MarkdownDescription: "List through this Dokploy git-provider connection (its `id`, e.g. " +
			"`gitdeploy_git_connection.example.id`, or its `git_provider_id`) instead of the git host's API.",
		Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
	}
}

// dataSourceConnections returns the GitConnections of the data source's platform (Dokploy when unset:
// the only platform with connections), or adds an error on platform.
func (c *clients) dataSourceConnections(configured types.String, diags *diag.Diagnostics) platform.GitConnections {
	kind := firstNonEmpty(configured.ValueString(), platform.Dokploy)
	if kind != platform.Dokploy {
		requireConnectionsPlatform(c, kind, "This data source", diags)
		return nil
	}
	return c.connections(kind, diags)
}

// NewGitConnectionsDataSource is the constructor of gitdeploy_git_connections.
func NewGitConnectionsDataSource() datasource.DataSource { return &gitConnectionsDataSource{} }

type gitConnectionsDataSource struct {
	clients *clients
}

type gitConnectionsModel struct {
	ID          types.String            `tfsdk:"id"`
	Platform    types.String            `tfsdk:"platform"`
	Kind        types.String            `tfsdk:"kind"`
	NameRegex   types.String            `tfsdk:"name_regex"`
	Connections []listedConnectionModel `tfsdk:"connections"`
	IDs         []string                `tfsdk:"ids"`
}

type listedConnectionModel struct {
	ID            types.String `tfsdk:"id"`
	GitProviderID types.String `tfsdk:"git_provider_id"`
	Kind          types.String `tfsdk:"kind"`
	Name          types.String `tfsdk:"name"`
	URL           types.String `tfsdk:"url"`
	Configured    types.Bool   `tfsdk:"configured"`
	CreatedAt     types.String `tfsdk:"created_at"`
}

func (d *gitConnectionsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_git_connections"
}

func (d *gitConnectionsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	str := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists Dokploy's git-provider connections (`gitProvider.getAll`): every GitHub App, GitLab OAuth " +
			"application, Bitbucket and Gitea connection the API key's user may use, those made in the dashboard included. " +
			"Newest first, as Dokploy lists them.",
		Attributes: map[string]schema.Attribute{
			"id":       schema.StringAttribute{Computed: true, MarkdownDescription: "`dokploy:<kind or \"all\">`."},
			"platform": dataSourcePlatformAttribute("whose connections to list"),
			"kind": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Keep only connections of this kind: `github`, `gitlab`, `bitbucket` or `gitea`.",
				Validators:          []validator.String{stringvalidator.OneOf(githost.Kinds...)},
			},
			"name_regex": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Keep only connections whose name matches this RE2 regular expression.",
				Validators:          []validator.String{regexValidator{}},
			},
			"ids": schema.ListAttribute{
				Computed: true, ElementType: types.StringType, MarkdownDescription: "The `id` of every connection listed.",
			},
			"connections": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The connections.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id": str("The connection's id of its kind (Dokploy's `githubId`, `gitlabId`, `bitbucketId` or `giteaId`): " +
						"what `connection_id` takes."),
					"git_provider_id": str("Dokploy's `gitProviderId`."),
					"kind":            str("`github`, `gitlab`, `bitbucket` or `gitea`."),
					"name":            str("The connection's name."),
					"url":             str("The host's URL (GitHub, GitLab, Gitea); null for Bitbucket, whose URL is fixed."),
					"configured":      schema.BoolAttribute{Computed: true, MarkdownDescription: configuredDescription},
					"created_at":      str("When the connection was made, RFC 3339."),
				}},
			},
		},
	}
}

func (d *gitConnectionsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.clients = clientsFromProviderData(req.ProviderData, &resp.Diagnostics)
}

func (d *gitConnectionsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m gitConnectionsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	gc := d.clients.dataSourceConnections(m.Platform, &resp.Diagnostics)
	if gc == nil {
		return
	}
	conns, err := gc.ListGitConnections(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Could not list the git-provider connections", errorDetail(err))
		return
	}
	var nameRE *regexp.Regexp
	if m.NameRegex.ValueString() != "" {
		nameRE = regexp.MustCompile(m.NameRegex.ValueString()) // validated at plan time
	}
	kind := m.Kind.ValueString()
	m.ID = types.StringValue(platform.Dokploy + ":" + firstNonEmpty(kind, "all"))
	m.Connections = []listedConnectionModel{}
	m.IDs = []string{}
	for _, c := range conns {
		if (kind != "" && c.Kind != kind) || (nameRE != nil && !nameRE.MatchString(c.Name)) {
			continue
		}
		m.Connections = append(m.Connections, listedConnectionModel{ID: types.StringValue(c.ID), GitProviderID: types.StringValue(c.GitProviderID),
			Kind: types.StringValue(c.Kind), Name: types.StringValue(c.Name), URL: stringOrNull(c.URL),
			Configured: types.BoolValue(c.Configured), CreatedAt: stringOrNull(rfc3339(c.CreatedAt))})
		m.IDs = append(m.IDs, c.ID)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// NewGitConnectionDataSource is the constructor of gitdeploy_git_connection.
func NewGitConnectionDataSource() datasource.DataSource { return &gitConnectionDataSource{} }

type gitConnectionDataSource struct {
	clients *clients
}

type gitConnectionDataModel struct {
	ID              types.String `tfsdk:"id"`
	Platform        types.String `tfsdk:"platform"`
	Test            types.Bool   `tfsdk:"test"`
	RepositoryCount types.Int64  `tfsdk:"repository_count"`
	GitProviderID   types.String `tfsdk:"git_provider_id"`
	Kind            types.String `tfsdk:"kind"`
	Name            types.String `tfsdk:"name"`
	URL             types.String `tfsdk:"url"`
	InternalURL     types.String `tfsdk:"internal_url"`
	Configured      types.Bool   `tfsdk:"configured"`
	CreatedAt       types.String `tfsdk:"created_at"`
	ApplicationID   types.String `tfsdk:"application_id"`
	GroupName       types.String `tfsdk:"group_name"`
	RedirectURI     types.String `tfsdk:"redirect_uri"`
	AuthorizeURL    types.String `tfsdk:"authorize_url"`
	Email           types.String `tfsdk:"email"`
	Username        types.String `tfsdk:"username"`
	Workspace       types.String `tfsdk:"workspace"`
	AppName         types.String `tfsdk:"app_name"`
	AppID           types.Int64  `tfsdk:"app_id"`
	InstallationID  types.String `tfsdk:"installation_id"`
}

func (d *gitConnectionDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_git_connection"
}

func (d *gitConnectionDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	str := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one Dokploy git-provider connection of any kind, a GitHub App made in Dokploy's dashboard " +
			"included (the kind is found with `gitProvider.getAll`), and by default tests it (`testConnection`): a " +
			"connection that does not work fails the plan with Dokploy's answer, before anything is linked through it. " +
			"Credentials are never read into the state.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "The connection's id of its kind (`githubId`, `gitlabId`, `bitbucketId`, `giteaId`), or its " +
					"`gitProviderId`; the result's `id` is always the first.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"platform": dataSourcePlatformAttribute("the connection belongs to"),
			"test": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Test the connection (Dokploy's `testConnection`: GitLab's counts the projects of " +
					"`group_name`, Bitbucket's the first page of `workspace`, else `username`). Default `true`; a failed test " +
					"is an error. A GitLab connection nobody authorised yet fails it.",
			},
			"repository_count": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "How many repositories the test saw (Bitbucket: of the first page, at most 10); null without `test`.",
			},
			"git_provider_id": str("Dokploy's `gitProviderId`."),
			"kind":            str("`github`, `gitlab`, `bitbucket` or `gitea`."),
			"name":            str("The connection's name."),
			"url":             str("GitHub, GitLab, Gitea: the host's URL."),
			"internal_url":    str("GitLab, Gitea: the URL Dokploy's server uses, when set."),
			"configured":      schema.BoolAttribute{Computed: true, MarkdownDescription: configuredDescription},
			"created_at":      str("When the connection was made, RFC 3339."),
			"application_id":  str("GitLab: the OAuth application's id."),
			"group_name":      str("GitLab: the groups whose projects Dokploy lists."),
			"redirect_uri":    str("GitLab: the callback URL the OAuth application must allow."),
			"authorize_url":   str("GitLab: where a person authorises the connection."),
			"email":           str("Bitbucket: the Atlassian account's e-mail."),
			"username":        str("Bitbucket: the account's username."),
			"workspace":       str("Bitbucket: the workspace Dokploy lists."),
			"app_name":        str("GitHub: the GitHub App's name."),
			"app_id":          schema.Int64Attribute{Computed: true, MarkdownDescription: "GitHub: the GitHub App's id."},
			"installation_id": str("GitHub: the app's installation id."),
		},
	}
}

func (d *gitConnectionDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.clients = clientsFromProviderData(req.ProviderData, &resp.Diagnostics)
}

func (d *gitConnectionDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m gitConnectionDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	gc := d.clients.dataSourceConnections(m.Platform, &resp.Diagnostics)
	if gc == nil {
		return
	}
	id := m.ID.ValueString()
	conn, err := gc.GetGitConnection(ctx, "", id)
	if httpx.IsNotFound(err) {
		resp.Diagnostics.AddAttributeError(path.Root("id"), "Connection not found",
			fmt.Sprintf("Dokploy lists no git-provider connection %q that this API key's user may use (gitdeploy_git_connections "+
				"lists those it may).\n\n%s", id, err))
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Could not read the connection", errorDetail(err))
		return
	}
	str := stringOrNull // a setting the kind does not have is null
	m.ID, m.GitProviderID, m.Kind, m.Name = types.StringValue(conn.ID), str(conn.GitProviderID), str(conn.Kind), str(conn.Name)
	m.URL, m.InternalURL, m.Configured, m.CreatedAt = str(conn.URL), str(conn.InternalURL), types.BoolValue(conn.Configured),
		str(rfc3339(conn.CreatedAt))
	m.ApplicationID, m.GroupName, m.RedirectURI, m.AuthorizeURL = str(conn.ApplicationID), str(conn.GroupName), str(conn.RedirectURI),
		str(conn.AuthorizeURL)
	m.Email, m.Username, m.Workspace = str(conn.Email), str(conn.Username), str(conn.Workspace)
	m.AppName, m.InstallationID = str(conn.AppName), str(conn.InstallationID)
	m.AppID = types.Int64Null()
	if conn.AppID != 0 {
		m.AppID = types.Int64Value(conn.AppID)
	}
	m.RepositoryCount = types.Int64Null()
	if m.Test.IsNull() || m.Test.ValueBool() {
		n, err := gc.TestGitConnection(ctx, conn)
		if err != nil {
			answer := err.Error()
			var apiErr *httpx.APIError
			if errors.As(err, &apiErr) && apiErr.Message != "" {
				answer = apiErr.Message
			}
			hint := ""
			if conn.Kind == githost.GitLab && !conn.Configured {
				hint = fmt.Sprintf("\n\nNobody authorised this GitLab connection yet: open %s signed in to GitLab (or click Authorize "+
					"beside it in Dokploy's dashboard, Settings → Git).", conn.AuthorizeURL)
			}
			resp.Diagnostics.AddAttributeError(path.Root("test"), "The "+hostTitle(conn.Kind)+" connection failed its test",
				fmt.Sprintf("Dokploy's testConnection of %q (%s) answered: %s%s\n\nSet test = false to read the connection without "+
					"testing it.\n\n%s", conn.Name, conn.ID, answer, hint, errorDetail(err)))
			return
		}
		m.RepositoryCount = types.Int64Value(int64(n))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
