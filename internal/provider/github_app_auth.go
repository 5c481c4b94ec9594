package provider

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost/github"
)

// GitHub App authentication in the github block, as integrations/github's users know it: an app_auth
// block with id, installation_id and pem_file (the key's content), each defaulting to the same
// environment variables.
const (
	envGitHubAppID             = "GITHUB_APP_ID"
	envGitHubAppInstallationID = "GITHUB_APP_INSTALLATION_ID"
	envGitHubAppPEMFile        = "GITHUB_APP_PEM_FILE"
)

var _ provider.ProviderWithValidateConfig = (*gitDeployProvider)(nil)

type appAuthModel struct {
	ID             types.String `tfsdk:"id"`
	InstallationID types.String `tfsdk:"installation_id"`
	PEMFile        types.String `tfsdk:"pem_file"`
}

// appAuthSettings is app_auth resolved with the environment; enabled is false without the block.
type appAuthSettings struct {
	enabled        bool
	unknown        bool // a value is not known until apply
	id             string
	installationID string
	pem            string
}

func appAuthBlock() schema.SingleNestedBlock {
	return schema.SingleNestedBlock{
		MarkdownDescription: "Authenticate as a GitHub App installation instead of with `token`: the provider signs a " +
			"JSON Web Token with the app's private key, exchanges it for an installation access token and renews " +
			"that token a few minutes before it expires (GitHub's last an hour), so applies of any length work. " +
			"Neither token nor key is ever logged. Exclusive with `token` (`" + envGitHubToken + "` is ignored when " +
			"this block is present). An empty `app_auth {}` block takes every value from the environment. The app " +
			"needs the repository permissions *Administration* (write, for deploy keys), *Webhooks* (write) and " +
			"*Metadata* (read), and must be installed on the repositories' owner. An installation is no user: " +
			"`gitdeploy_repositories` needs an `owner` with it (GitHub answers 403 to the authenticated user's listing).",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "The app's ID (or its client ID). Defaults to `" + envGitHubAppID + "`.",
			},
			"installation_id": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "The ID of the app's installation on the account that owns the repositories. Defaults to `" + envGitHubAppInstallationID + "`.",
				Validators: []validator.String{stringvalidator.RegexMatches(regexp.MustCompile(`^[1-9][0-9]*$`),
					"must be the installation's numeric ID")},
			},
			"pem_file": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "The **content** of the app's private key file (PEM), as in integrations/github: " +
					"`pem_file = file(\"app.private-key.pem\")`, not the path. Literal `\\n` sequences are read as line " +
					"breaks, for keys kept in one-line variables. Defaults to `" + envGitHubAppPEMFile + "`.",
			},
		},
	}
}

// resolveAppAuth merges app_auth with the environment: configuration wins.
func resolveAppAuth(block *appAuthModel, getenv func(string) string) appAuthSettings {
	if block == nil {
		return appAuthSettings{}
	}
	s := appAuthSettings{enabled: true}
	pick := func(v types.String, env string) string {
		switch {
		case v.IsUnknown():
			s.unknown = true
			return ""
		case v.ValueString() != "":
			return v.ValueString()
		}
		return getenv(env)
	}
	s.id = strings.TrimSpace(pick(block.ID, envGitHubAppID))
	s.installationID = strings.TrimSpace(pick(block.InstallationID, envGitHubAppInstallationID))
	s.pem = pick(block.PEMFile, envGitHubAppPEMFile)
	return s
}

// missing says what the app credentials lack, or "" when they are complete.
func (s appAuthSettings) missing() string {
	if s.unknown {
		return "its app_auth values are not known until apply; the provider configuration must be known when this resource is read or written"
	}
	var lack []string
	for _, v := range []struct{ value, attr, env string }{
		{s.id, "id", envGitHubAppID}, {s.installationID, "installation_id", envGitHubAppInstallationID}, {s.pem, "pem_file", envGitHubAppPEMFile},
	} {
		if v.value == "" {
			lack = append(lack, fmt.Sprintf("app_auth.%s (or %s)", v.attr, v.env))
		}
	}
	if len(lack) == 0 {
		return ""
	}
	return "set " + strings.Join(lack, ", ") + " in the provider's github block"
}

// gitHubAuthMissing returns how to supply GitHub's credentials when there are none, for token or app.
func gitHubAuthMissing(s settings) (string, bool) {
	if s.githubApp.enabled {
		hint := s.githubApp.missing()
		return hint, hint != ""
	}
	return missingHint(s.github)
}

// gitHubConfigAuth fills cfg's credentials: the token, or the app's (checked here, so that a bad key or
// installation id is a diagnostic on its attribute).
func gitHubConfigAuth(s settings, cfg *github.Config, diags *diag.Diagnostics) bool {
	if !s.githubApp.enabled {
		cfg.Token = s.github.token
		return true
	}
	app := s.githubApp
	appPath := path.Root("github").AtName("app_auth")
	installationID, err := strconv.ParseInt(app.installationID, 10, 64)
	if err != nil || installationID <= 0 {
		diags.AddAttributeError(appPath.AtName("installation_id"), "Invalid GitHub App installation ID",
			fmt.Sprintf("The installation ID %q is not a positive number.", app.installationID))
		return false
	}
	if _, err := github.ParseAppPrivateKey(app.pem); err != nil {
		diags.AddAttributeError(appPath.AtName("pem_file"), "Invalid GitHub App private key", err.Error()+".")
		return false
	}
	cfg.App = &github.AppAuth{AppID: app.id, InstallationID: installationID, PrivateKeyPEM: app.pem}
	return true
}

// ValidateConfig reports at plan time what cannot work: token together with app_auth, or an app private
// key in the configuration that cannot be read.
func (p *gitDeployProvider) ValidateConfig(ctx context.Context, req provider.ValidateConfigRequest, resp *provider.ValidateConfigResponse) {
	var config providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() || config.GitHub == nil || config.GitHub.AppAuth == nil {
		return
	}
	gh := config.GitHub
	if !gh.Token.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("github").AtName("token"), "Conflicting GitHub credentials",
			"github.token and github.app_auth are exclusive: authenticate either with a token or as a GitHub App installation.")
	}
	if pem := gh.AppAuth.PEMFile; !pem.IsNull() && !pem.IsUnknown() {
		if _, err := github.ParseAppPrivateKey(pem.ValueString()); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("github").AtName("app_auth").AtName("pem_file"),
				"Invalid GitHub App private key", err.Error()+".")
		}
	}
}
