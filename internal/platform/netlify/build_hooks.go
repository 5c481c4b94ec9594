package netlify

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/platform"
)

// buildHookJSON is Netlify's buildHook definition.
type buildHookJSON struct {
	ID        string    `json:"id"`
	Title     string    `json:"title"`
	Branch    string    `json:"branch"`
	URL       string    `json:"url"`
	SiteID    string    `json:"site_id"`
	CreatedAt time.Time `json:"created_at"`
}

func (h buildHookJSON) toPlatform() *platform.BuildHook {
	return &platform.BuildHook{ID: h.ID, Title: h.Title, Branch: h.Branch, URL: h.URL, SiteID: h.SiteID, CreatedAt: h.CreatedAt}
}

// CreateBuildHook implements platform.Platform: POST /sites/{site_id}/build_hooks {title, branch}.
func (c *Client) CreateBuildHook(ctx context.Context, siteID, title, branch string) (*platform.BuildHook, error) {
	body := struct {
		Title  string `json:"title"`
		Branch string `json:"branch,omitempty"`
	}{Title: title, Branch: branch}
	var hook buildHookJSON
	if err := c.do(ctx, "create build hook", http.MethodPost, path{"sites", siteID, "build_hooks"}, body, &hook,
		http.StatusCreated, http.StatusOK); err != nil {
		return nil, err
	}
	return hook.toPlatform(), nil
}

// GetBuildHook implements platform.Platform: GET /sites/{site_id}/build_hooks/{id}.
func (c *Client) GetBuildHook(ctx context.Context, siteID, id string) (*platform.BuildHook, error) {
	var hook buildHookJSON
	if err := c.do(ctx, "read build hook", http.MethodGet, path{"sites", siteID, "build_hooks", id}, nil, &hook,
		http.StatusOK); err != nil {
		return nil, err
	}
	return hook.toPlatform(), nil
}

// ListBuildHooks implements platform.Platform: GET /sites/{site_id}/build_hooks.
func (c *Client) ListBuildHooks(ctx context.Context, siteID string) ([]platform.BuildHook, error) {
	hooks, err := listAll[buildHookJSON](ctx, c, "list build hooks", path{"sites", siteID, "build_hooks"}, nil)
	if err != nil {
		return nil, err
	}
	out := make([]platform.BuildHook, 0, len(hooks))
	for _, h := range hooks {
		out = append(out, *h.toPlatform())
	}
	return out, nil
}

// DeleteBuildHook implements platform.Platform: DELETE /sites/{site_id}/build_hooks/{id} → 204.
func (c *Client) DeleteBuildHook(ctx context.Context, siteID, id string) error {
	return c.do(ctx, "delete build hook", http.MethodDelete, path{"sites", siteID, "build_hooks", id}, nil, nil,
		http.StatusNoContent, http.StatusOK)
}

// IncomingHookURL implements platform.Platform: the endpoint git hosts post events to, derived
// from the API URL (https://api.netlify.com/api/v1 → https://api.netlify.com/hooks/github), so
// that an emulator or a proxy in api_url gets the hooks too.
func (c *Client) IncomingHookURL(gitProvider string) string {
	path := strings.TrimSuffix(strings.TrimRight(c.apiURL.Path, "/"), "/api/v1")
	u := url.URL{Scheme: c.apiURL.Scheme, Host: c.apiURL.Host, Path: path + "/hooks/" + gitProvider}
	return u.String()
}
