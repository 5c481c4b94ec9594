package netlify

import (
	"context"
	"reflect"
	"testing"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/httpx"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/platform"
)

const siteAnswer = `{
  "id": "site-1", "name": "my-site", "custom_domain": "www.example.com",
  "url": "http://www.example.com", "ssl_url": "https://www.example.com",
  "admin_url": "https://app.netlify.com/sites/my-site", "account_slug": "team-a",
  "build_settings": {
    "provider": "github", "repo_path": "octo/web", "repo_branch": "main", "repo_url": "https://github.com/octo/web",
    "id": 123456, "deploy_key_id": "dk1", "installation_id": 42, "cmd": "npm run build", "dir": "dist",
    "base": "web", "functions_dir": "netlify/functions", "allowed_branches": ["main", "prod"]
  }
}`

func TestCreateSite(t *testing.T) {
	t.Run("default team", func(t *testing.T) {
		f, c := newFake(t)
		f.on("POST /api/v1/sites", 201, siteAnswer)
		site, err := c.CreateSite(context.Background(), platform.SiteInput{Name: "my-site", CustomDomain: "www.example.com"})
		if err != nil {
			t.Fatal(err)
		}
		r := f.only()
		if r.Body["name"] != "my-site" || r.Body["custom_domain"] != "www.example.com" || r.ContentType != "application/json" {
			t.Fatalf("request %+v", r)
		}
		want := &platform.Site{
			ID: "site-1", Name: "my-site", CustomDomain: "www.example.com", URL: "http://www.example.com",
			SSLURL: "https://www.example.com", AdminURL: "https://app.netlify.com/sites/my-site", AccountSlug: "team-a",
			Repo: &platform.RepoSettings{
				Provider: "github", RepoPath: "octo/web", RepoBranch: "main", RepoURL: "https://github.com/octo/web",
				RepoID: "123456", DeployKeyID: "dk1", InstallationID: 42, Cmd: "npm run build", Dir: "dist",
				Base: "web", FunctionsDir: "netlify/functions", AllowedBranches: []string{"main", "prod"},
			},
		}
		if !reflect.DeepEqual(site, want) {
			t.Fatalf("site\n got %+v\nwant %+v", site, want)
		}
	})
	t.Run("team slug", func(t *testing.T) {
		f, c := newFake(t)
		f.on("POST /api/v1/team%20b/sites", 201, `{"id":"s2","name":"x"}`)
		site, err := c.CreateSite(context.Background(), platform.SiteInput{TeamSlug: "team b"})
		if err != nil {
			t.Fatal(err)
		}
		if site.ID != "s2" || site.Repo != nil {
			t.Fatalf("site %+v", site)
		}
		if _, sent := f.only().Body["name"]; sent {
			t.Fatal("an empty name was sent: Netlify would reject it instead of choosing one")
		}
	})
	t.Run("name taken", func(t *testing.T) {
		f, c := newFake(t)
		f.on("POST /api/v1/sites", 422, `{"code":422,"message":"Validation failed: subdomain must be unique"}`)
		_, err := c.CreateSite(context.Background(), platform.SiteInput{Name: "taken"})
		if !httpx.IsStatus(err, 422) || err.Error() != "Netlify: create site (POST /api/v1/sites) answered 422: Validation failed: subdomain must be unique" {
			t.Fatalf("error %v", err)
		}
	})
}

func TestGetUpdateDeleteSite(t *testing.T) {
	f, c := newFake(t)
	ctx := context.Background()

	f.on("GET /api/v1/sites/site-1", 200, `{"id":"site-1","name":"my-site","build_settings":{"repo_path":"","provider":""}}`)
	site, err := c.GetSite(ctx, "site-1")
	if err != nil {
		t.Fatal(err)
	}
	if site.Name != "my-site" || site.Repo != nil {
		t.Fatalf("site %+v (an empty build_settings must map to a nil Repo)", site)
	}

	f.requests = nil
	f.on("PATCH /api/v1/sites/site-1", 200, `{"id":"site-1","name":"renamed","custom_domain":""}`)
	site, err = c.UpdateSite(ctx, "site-1", platform.SiteInput{Name: "renamed"})
	if err != nil || site.Name != "renamed" {
		t.Fatalf("%+v %v", site, err)
	}
	r := f.only()
	if r.Method != "PATCH" || r.Body["name"] != "renamed" {
		t.Fatalf("request %+v", r)
	}
	if v, sent := r.Body["custom_domain"]; !sent || v != "" {
		t.Fatalf("custom_domain must be sent empty to clear it: %+v", r.Body)
	}

	for _, code := range []int{204, 200} {
		f.on("DELETE /api/v1/sites/site-1", code, "")
		if err := c.DeleteSite(ctx, "site-1"); err != nil {
			t.Fatalf("delete answered %d: %v", code, err)
		}
	}
	if err := c.DeleteSite(ctx, "other"); !httpx.IsNotFound(err) {
		t.Fatalf("want 404, got %v", err)
	}
}
