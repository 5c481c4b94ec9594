// Package provider is the Terraform glue: schemas, plan logic and the mapping of resources onto the
// platform.Platform and githost.GitHost interfaces. It never talks to a vendor API directly.
package provider

import (
	"context"
	"os"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost/bitbucket"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// Environment variables the provider reads when a setting is not in its configuration.
const (
	envNetlifyToken    = "NETLIFY_AUTH_TOKEN"
	envNetlifyAPIToken = "NETLIFY_API_TOKEN"
	envNetlifyAPIURL   = "NETLIFY_API_URL"
	envGitHubToken     = "GITHUB_TOKEN"
	envGitHubBaseURL   = "GITHUB_BASE_URL"
	envGitLabToken     = "GITLAB_TOKEN"
	envGitLabBaseURL   = "GITLAB_BASE_URL"
	envDokployURL      = "DOKPLOY_URL"
	envDokployAPIKey   = "DOKPLOY_API_KEY"
	envBitbucketEmail  = "BITBUCKET_EMAIL"
	envBitbucketToken  = "BITBUCKET_API_TOKEN"
	envBitbucketAccess = "BITBUCKET_ACCESS_TOKEN"
	envBitbucketURL    = "BITBUCKET_BASE_URL"
	envGiteaToken      = "GITEA_TOKEN"
	envGiteaBaseURL    = "GITEA_BASE_URL"
)

var _ provider.Provider = (*gitDeployProvider)(nil)

// New returns a constructor of the provider for providerserver.Serve and the acceptance tests.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &gitDeployProvider{version: version} }
}

type gitDeployProvider struct {
	version string
}

type providerModel struct {
	Netlify    *netlifyBlockModel   `tfsdk:"netlify"`
	Dokploy    *dokployBlockModel   `tfsdk:"dokploy"`
	GitHub     *gitHubBlockModel    `tfsdk:"github"`
	GitLab     *gitHostBlockModel   `tfsdk:"gitlab"`
	Bitbucket  *bitbucketBlockModel `tfsdk:"bitbucket"`
	Gitea      *gitHostBlockModel   `tfsdk:"gitea"`
	MaxRetries types.Int64          `tfsdk:"max_retries"`
	// RetryWaitMin and RetryWaitMax bound the backoff between retries (durations as text).
	RetryWaitMin types.String `tfsdk:"retry_wait_min"`
	RetryWaitMax types.String `tfsdk:"retry_wait_max"`
}

type netlifyBlockModel struct {
	Token  types.String `tfsdk:"token"`
	APIURL types.String `tfsdk:"api_url"`
}

type dokployBlockModel struct {
	URL    types.String `tfsdk:"url"`
	APIKey types.String `tfsdk:"api_key"`
}

type bitbucketBlockModel struct {
	Email       types.String `tfsdk:"email"`
	APIToken    types.String `tfsdk:"api_token"`
	AccessToken types.String `tfsdk:"access_token"`
	BaseURL     types.String `tfsdk:"base_url"`
}

type gitHostBlockModel struct {
	Token   types.String `tfsdk:"token"`
	BaseURL types.String `tfsdk:"base_url"`
}

type gitHubBlockModel struct {
	Token         types.String  `tfsdk:"token"`
	BaseURL       types.String  `tfsdk:"base_url"`
	WriteInterval types.String  `tfsdk:"write_interval"`
	AppAuth       *appAuthModel `tfsdk:"app_auth"` // github_app_auth.go
}

func (p *gitDeployProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "gitdeploy"
	resp.Version = p.version
}

func (p *gitDeployProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Links git repositories (GitHub, GitHub Enterprise Server, GitLab, Bitbucket Cloud, Gitea " +
			"and Forgejo) to deploy platforms " +
			"(Netlify, Dokploy) in one plan: platform deploy keys installed on the repository, sites, repository links " +
			"and webhooks. Every block is optional: configure the systems your resources use. With both platforms " +
			"configured, each resource names the one it uses in `platform`.",
		Attributes: map[string]schema.Attribute{
			"max_retries": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "How many times a request that failed transiently (429, 5xx, connection errors) " +
					"is retried before the error is reported. Default `4`; `0` turns retries off.",
			},
			"retry_wait_min": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The first wait before retrying a request that failed transiently; each further retry " +
					"waits about twice as long, up to `retry_wait_max`. Also paces the short re-reads of an object " +
					"that is not found just after it was created. Default `" + defaultRetryWaitMin.String() + "`. " +
					"Waits a service asks for (`Retry-After`, rate-limit resets) are not shortened by it.",
				Validators: []validator.String{durationValidator{}},
			},
			"retry_wait_max": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The longest wait between two retries of a request that failed transiently. Default `" +
					defaultRetryWaitMax.String() + "`; raised to `retry_wait_min` when smaller.",
				Validators: []validator.String{durationValidator{}},
			},
		},
		Blocks: map[string]schema.Block{
			"netlify": schema.SingleNestedBlock{
				MarkdownDescription: "Netlify's REST API.",
				Attributes: map[string]schema.Attribute{
					"token": schema.StringAttribute{
						Optional:  true,
						Sensitive: true,
						MarkdownDescription: "Personal access token. Defaults to the `" + envNetlifyToken +
							"` environment variable, then `" + envNetlifyAPIToken + "`.",
					},
					"api_url": schema.StringAttribute{
						Optional: true,
						MarkdownDescription: "Base URL of the API. Defaults to `" + envNetlifyAPIURL + "`, then `" +
							defaultNetlifyAPIURL + "`.",
						Validators: []validator.String{baseURLValidator{netlifyEndpoint}},
					},
				},
			},
			"dokploy": schema.SingleNestedBlock{
				MarkdownDescription: "A self-hosted Dokploy instance's API.",
				Attributes: map[string]schema.Attribute{
					"url": schema.StringAttribute{
						Optional: true,
						MarkdownDescription: "The instance's address, e.g. `https://dokploy.example.com` (the API is under " +
							"`/api`). Defaults to the `" + envDokployURL + "` environment variable.",
						Validators: []validator.String{baseURLValidator{dokployEndpoint}},
					},
					"api_key": schema.StringAttribute{
						Optional:  true,
						Sensitive: true,
						MarkdownDescription: "An API key made in Dokploy's dashboard (Settings → Profile → API/CLI), sent as " +
							"`x-api-key`. Defaults to `" + envDokployAPIKey + "`.",
					},
				},
			},
			"github": schema.SingleNestedBlock{
				MarkdownDescription: "GitHub or GitHub Enterprise Server.",
				Attributes: map[string]schema.Attribute{
					"token": schema.StringAttribute{
						Optional:  true,
						Sensitive: true,
						MarkdownDescription: "Token with access to the repositories. Defaults to `" + envGitHubToken + "`. " +
							"Exclusive with `app_auth`.",
					},
					"base_url": schema.StringAttribute{
						Optional: true,
						MarkdownDescription: "API base URL. Defaults to `" + envGitHubBaseURL + "`, then github.com. " +
							"For GitHub Enterprise Server give `https://HOST/`: `api/v3/` is added.",
						Validators: []validator.String{baseURLValidator{gitHubEndpoint}},
					},
					"write_interval": schema.StringAttribute{
						Optional: true,
						MarkdownDescription: "Least time between the starts of two requests that create, change or delete " +
							"something (GitHub's best practices ask for one second per token, to stay clear of its " +
							"secondary rate limits). Reads are never held up. Default `" + defaultGitHubWriteInterval.String() +
							"`; `0s` turns pacing off (e.g. for GitHub Enterprise Server without rate limits).",
						Validators: []validator.String{durationValidator{}},
					},
				},
				Blocks: map[string]schema.Block{"app_auth": appAuthBlock()},
			},
			"bitbucket": schema.SingleNestedBlock{
				MarkdownDescription: "Bitbucket Cloud. Either an Atlassian account's API token with the account's e-mail " +
					"(Basic auth, as Bitbucket requires for API tokens; app passwords are retired), or a workspace, project " +
					"or repository access token. Access tokens cannot manage deploy keys.",
				Attributes: map[string]schema.Attribute{
					"email": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "The Atlassian account's e-mail, with `api_token`. Defaults to `" + envBitbucketEmail + "`.",
					},
					"api_token": schema.StringAttribute{
						Optional:            true,
						Sensitive:           true,
						MarkdownDescription: "An Atlassian API token with Bitbucket scopes. Defaults to `" + envBitbucketToken + "`.",
						Validators:          []validator.String{stringvalidator.ConflictsWith(path.MatchRoot("bitbucket").AtName("access_token"))},
					},
					"access_token": schema.StringAttribute{
						Optional:            true,
						Sensitive:           true,
						MarkdownDescription: "A workspace, project or repository access token (Bearer). Defaults to `" + envBitbucketAccess + "`.",
					},
					"base_url": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "API base URL. Defaults to `" + envBitbucketURL + "`, then `" + bitbucket.DefaultBaseURL + "`.",
						Validators:          []validator.String{baseURLValidator{bitbucketEndpoint}},
					},
				},
			},
			"gitea": schema.SingleNestedBlock{
				MarkdownDescription: "A Gitea or Forgejo instance (Forgejo keeps Gitea's API).",
				Attributes: map[string]schema.Attribute{
					"token": schema.StringAttribute{
						Optional:            true,
						Sensitive:           true,
						MarkdownDescription: "An access token with repository read/write scope. Defaults to `" + envGiteaToken + "`.",
					},
					"base_url": schema.StringAttribute{
						Optional: true,
						MarkdownDescription: "The instance's root URL, e.g. `https://gitea.example.com/` (the API is under " +
							"`/api/v1`). Defaults to `" + envGiteaBaseURL + "`; required.",
						Validators: []validator.String{baseURLValidator{giteaEndpoint}},
					},
				},
			},
			"gitlab": schema.SingleNestedBlock{
				MarkdownDescription: "GitLab.com or a self-managed GitLab.",
				Attributes: map[string]schema.Attribute{
					"token": schema.StringAttribute{
						Optional:            true,
						Sensitive:           true,
						MarkdownDescription: "Personal, group or project access token. Defaults to `" + envGitLabToken + "`.",
					},
					"base_url": schema.StringAttribute{
						Optional: true,
						MarkdownDescription: "API base URL. Defaults to `" + envGitLabBaseURL + "`, then `" +
							defaultGitLabBaseURL + "`.",
						Validators: []validator.String{baseURLValidator{gitLabEndpoint}},
					},
				},
			},
		},
	}
}

func (p *gitDeployProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	tflog.Info(ctx, "configuring the gitdeploy provider", map[string]any{"version": p.version})
	var config providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	settings := resolveSettings(config, os.Getenv)
	data, diags := newClients(ctx, settings, p.version)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.ResourceData = data
	resp.DataSourceData = data
}

func (p *gitDeployProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewDeployKeyResource,
		NewSiteResource,
		NewRepoLinkResource,
		NewWebhookResource,
		NewGitConnectionResource,
	}
}

func (p *gitDeployProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewRepositoriesDataSource,
		NewBranchesDataSource,
		NewGitConnectionsDataSource,
		NewGitConnectionDataSource,
	}
}
