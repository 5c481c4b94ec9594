package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
)

var (
	_ provider.ProviderWithFunctions = (*gitDeployProvider)(nil)
	_ function.Function              = parseRepositoryURLFunction{}
)

// Functions lists the provider-defined functions (Terraform 1.8 and later).
func (p *gitDeployProvider) Functions(_ context.Context) []func() function.Function {
	return []func() function.Function{NewParseRepositoryURLFunction}
}

// NewParseRepositoryURLFunction returns provider::gitdeploy::parse_repository_url.
func NewParseRepositoryURLFunction() function.Function { return parseRepositoryURLFunction{} }

type parseRepositoryURLFunction struct{}

var repositoryURLAttrTypes = map[string]attr.Type{
	"git_provider": types.StringType,
	"host":         types.StringType,
	"owner":        types.StringType,
	"name":         types.StringType,
	"repository":   types.StringType,
}

func (parseRepositoryURLFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "parse_repository_url"
}

func (parseRepositoryURLFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Parses a git clone URL into its host, owner and repository",
		MarkdownDescription: "Reads a clone URL in any of git's forms — `https://host/owner/name.git` (with or without " +
			"`.git`, user info or port), `ssh://git@host[:port]/owner/name.git`, scp-like `git@host:owner/name.git`, " +
			"`git://` — and returns an object with:\n\n" +
			"- `git_provider`: `github` for github.com, `gitlab` for gitlab.com, `bitbucket` for bitbucket.org; `null` " +
			"when the host alone cannot tell (GitHub Enterprise Server, self-managed GitLab, Gitea, Forgejo);\n" +
			"- `host`: the lower-case host name, with the port of an http(s) URL that names a non-default one " +
			"(an SSH port says nothing about where the web and API are);\n" +
			"- `owner`: the user, organisation or Bitbucket workspace, or the GitLab group path (`group/subgroup`);\n" +
			"- `name`: the repository's name without `.git`;\n" +
			"- `repository`: `owner/name` (`group/subgroup/name` on GitLab), the form the resources take in `repository`.\n\n" +
			"On github.com and bitbucket.org, whose repositories are always `owner/name`, further path segments are a " +
			"web page of the repository (`/tree/main`) and are ignored; on any host, so is a GitLab web path from `/-/` " +
			"on. A URL that cannot be read is an error that says why (a password in it is never repeated).",
		Parameters: []function.Parameter{
			function.StringParameter{
				Name:                "url",
				MarkdownDescription: "The clone URL, e.g. `git@github.com:octocat/hello-world.git`.",
			},
		},
		Return: function.ObjectReturn{AttributeTypes: repositoryURLAttrTypes},
	}
}

func (parseRepositoryURLFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var raw string
	resp.Error = function.ConcatFuncErrors(resp.Error, req.Arguments.Get(ctx, &raw))
	if resp.Error != nil {
		return
	}
	parsed, err := githost.ParseRepositoryURL(raw)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, "Cannot parse the repository URL: "+err.Error())
		return
	}
	gitProvider := types.StringNull()
	if parsed.GitProvider != "" {
		gitProvider = types.StringValue(parsed.GitProvider)
	}
	result, diags := types.ObjectValue(repositoryURLAttrTypes, map[string]attr.Value{
		"git_provider": gitProvider,
		"host":         types.StringValue(parsed.Host),
		"owner":        types.StringValue(parsed.Owner),
		"name":         types.StringValue(parsed.Name),
		"repository":   types.StringValue(parsed.Repository),
	})
	resp.Error = function.ConcatFuncErrors(resp.Error, function.FuncErrorFromDiags(ctx, diags))
	if resp.Error != nil {
		return
	}
	resp.Error = function.ConcatFuncErrors(resp.Error, resp.Result.Set(ctx, result))
}
