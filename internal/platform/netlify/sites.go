package netlify

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/httpx"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/platform"
)

// siteJSON is the part of Netlify's site definition the provider reads.
type siteJSON struct {
	ID            string             `json:"id"`
	Name          string             `json:"name"`
	CustomDomain  string             `json:"custom_domain"`
	URL           string             `json:"url"`
	SSLURL        string             `json:"ssl_url"`
	AdminURL      string             `json:"admin_url"`
	AccountSlug   string             `json:"account_slug"`
	BuildSettings *buildSettingsJSON `json:"build_settings"`
	CreatedAt     time.Time          `json:"created_at"`
}

func (s siteJSON) toPlatform() *platform.Site {
	return &platform.Site{
		ID:           s.ID,
		Name:         s.Name,
		CustomDomain: s.CustomDomain,
		URL:          s.URL,
		SSLURL:       s.SSLURL,
		AdminURL:     s.AdminURL,
		AccountSlug:  s.AccountSlug,
		Repo:         s.BuildSettings.toPlatform(),
		CreatedAt:    s.CreatedAt,
	}
}

// siteSetupJSON is the body of POST /sites and PATCH /sites/{id} for the site's own fields.
// custom_domain is always sent so that an update can clear it.
type siteSetupJSON struct {
	Name         string `json:"name,omitempty"`
	CustomDomain string `json:"custom_domain"`
}

// CreateSite implements platform.Platform: POST /sites, or POST /{team_slug}/sites to create the
// site in a team other than the token owner's default one → 201. A taken name is a 422.
func (c *Client) CreateSite(ctx context.Context, in platform.SiteInput) (*platform.Site, error) {
	p := path{"sites"}
	if in.TeamSlug != "" {
		p = path{in.TeamSlug, "sites"}
	}
	var site siteJSON
	body := siteSetupJSON{Name: in.Name, CustomDomain: in.CustomDomain}
	if err := c.do(ctx, "create site", http.MethodPost, p, body, &site,
		http.StatusCreated, http.StatusOK); err != nil {
		return nil, err
	}
	return site.toPlatform(), nil
}

// GetSite implements platform.Platform: GET /sites/{id}.
func (c *Client) GetSite(ctx context.Context, id string) (*platform.Site, error) {
	var site siteJSON
	if err := c.do(ctx, "read site", http.MethodGet, path{"sites", id}, nil, &site,
		http.StatusOK); err != nil {
		return nil, err
	}
	return site.toPlatform(), nil
}

// ListSites implements platform.SiteManager: GET /sites?name=…&filter=all, every page, with in.Name as
// the name filter. Netlify's name filter matches parts of names: callers compare the names themselves.
func (c *Client) ListSites(ctx context.Context, in platform.SiteInput) ([]platform.Site, error) {
	query := url.Values{"filter": {"all"}}
	if in.Name != "" {
		query.Set("name", in.Name)
	}
	sites, err := listAll[siteJSON](ctx, c, "list sites", path{"sites"}, query)
	if err != nil {
		return nil, err
	}
	out := make([]platform.Site, 0, len(sites))
	for _, s := range sites {
		out = append(out, *s.toPlatform())
	}
	return out, nil
}

// SitesPage implements platform.SitePager: one page of GET /sites?filter=all, whose site objects hold
// their build settings as GET /sites/{id} does.
func (c *Client) SitesPage(ctx context.Context, page int) ([]platform.Site, bool, error) {
	sites, more, err := listPage[siteJSON](ctx, c, "list sites", path{"sites"}, url.Values{"filter": {"all"}}, page)
	if err != nil {
		return nil, false, err
	}
	out := make([]platform.Site, 0, len(sites))
	for _, s := range sites {
		out = append(out, *s.toPlatform())
	}
	return out, more, nil
}

// UpdateSite implements platform.Platform: PATCH /sites/{id} with name and custom_domain.
// TeamSlug is ignored: moving a site between teams is not an update. The PATCH sets both fields,
// so it may be sent again after a lost answer.
func (c *Client) UpdateSite(ctx context.Context, id string, in platform.SiteInput) (*platform.Site, error) {
	var site siteJSON
	body := siteSetupJSON{Name: in.Name, CustomDomain: in.CustomDomain}
	if err := c.do(httpx.Repeatable(ctx), "update site", http.MethodPatch, path{"sites", id}, body, &site,
		http.StatusOK); err != nil {
		return nil, err
	}
	return site.toPlatform(), nil
}

// DeleteSite implements platform.Platform: DELETE /sites/{id} → 204 (the docs also say 200).
func (c *Client) DeleteSite(ctx context.Context, id string) error {
	return c.do(ctx, "delete site", http.MethodDelete, path{"sites", id}, nil, nil,
		http.StatusNoContent, http.StatusOK)
}
