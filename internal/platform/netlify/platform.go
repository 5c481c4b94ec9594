package netlify

import (
	"context"
	"fmt"
	"net/http"
	"regexp"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/httpx"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/platform"
)

// Netlify's facts behind the platform interfaces.

// siteNamePattern: a site name is the first label of <name>.netlify.app, which Netlify stores in lower
// case; requiring lower case keeps the state equal to what Netlify reports.
var siteNamePattern = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

// Kind implements platform.Platform.
func (c *Client) Kind() string { return platform.Netlify }

// SupportsGitHost implements platform.Platform: Netlify links GitHub, GitLab and Bitbucket repositories
// (its repo object's providers), and has no way to build from Gitea or Forgejo.
func (c *Client) SupportsGitHost(kind string) error {
	switch kind {
	case "github", "gitlab", "bitbucket":
		return nil
	}
	return fmt.Errorf("%s cannot build from %s repositories: it links GitHub, GitLab and Bitbucket only. "+
		"Use platform = \"dokploy\", which builds from any git host over SSH, or mirror the repository to a host %s links",
		serviceName, kind, serviceName)
}

// ValidateSiteName implements platform.SiteManager.
func (c *Client) ValidateSiteName(name string) error {
	if !siteNamePattern.MatchString(name) {
		return fmt.Errorf("%q is not a Netlify site name: it must be 1 to 63 lower-case letters, digits and hyphens, "+
			"not starting or ending with a hyphen (it becomes <name>.netlify.app)", name)
	}
	return nil
}

// SiteNameRequired implements platform.SiteManager: left out, Netlify picks a name.
func (c *Client) SiteNameRequired() bool { return false }

// SiteNameTaken implements platform.SiteManager: Netlify refuses a taken name with 422.
func (c *Client) SiteNameTaken(err error) bool {
	return httpx.IsStatus(err, http.StatusUnprocessableEntity)
}

// MarksDeployKeys implements platform.DeployKeyManager: a Netlify deploy key is an id, a public key and a
// creation time, nothing a client can set.
func (c *Client) MarksDeployKeys() bool { return false }

// HookTargetNeedsSite implements platform.HookTargeter: one incoming endpoint per git host.
func (c *Client) HookTargetNeedsSite() bool { return false }

// HookTarget implements platform.HookTargeter: IncomingHookURL.
func (c *Client) HookTarget(_ context.Context, gitProvider, _ string) (string, error) {
	return c.IncomingHookURL(gitProvider), nil
}
