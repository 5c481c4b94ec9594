package netlify

import (
	"context"
	"reflect"
	"testing"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/platform"
)

func TestSetRepo(t *testing.T) {
	t.Run("numeric repo id is sent as id and repo_id", func(t *testing.T) {
		f, c := newFake(t)
		f.on("PATCH /api/v1/sites/site-1", 200, siteAnswer)
		site, err := c.SetRepo(context.Background(), "site-1", platform.RepoSettings{
			Provider: "github", RepoPath: "octo/web", RepoBranch: "main", WebURL: "https://github.com/octo/web",
			RepoID: "123456", DeployKeyID: "dk1", InstallationID: 42, Cmd: "npm run build", Dir: "dist",
			Base: "web", FunctionsDir: "netlify/functions", AllowedBranches: []string{"main", "prod"},
		})
		if err != nil {
			t.Fatal(err)
		}
		repo, ok := f.only().Body["repo"].(map[string]any)
		if !ok {
			t.Fatalf("no repo object: %+v", f.requests[0].Body)
		}
		want := map[string]any{
			"provider": "github", "repo_path": "octo/web", "repo_branch": "main", "repo_url": "https://github.com/octo/web",
			"id": float64(123456), "repo_id": "123456", "repo_type": "git", "deploy_key_id": "dk1",
			"installation_id": float64(42), "cmd": "npm run build", "dir": "dist", "base": "web",
			"functions_dir": "netlify/functions", "allowed_branches": []any{"main", "prod"},
		}
		if !reflect.DeepEqual(repo, want) {
			t.Fatalf("repo object\n got %v\nwant %v", repo, want)
		}
		if site.Repo == nil || site.Repo.RepoID != "123456" || site.Repo.DeployKeyID != "dk1" {
			t.Fatalf("build_settings not read back: %+v", site.Repo)
		}
	})
	t.Run("Bitbucket id, no installation", func(t *testing.T) {
		f, c := newFake(t)
		f.on("PATCH /api/v1/sites/s", 200, `{"id":"s","build_settings":{"provider":"bitbucket","repo_path":"ws/app","repo_id":"ws/app","installation_id":null,"allowed_branches":null}}`)
		site, err := c.SetRepo(context.Background(), "s", platform.RepoSettings{Provider: "bitbucket", RepoPath: "ws/app", RepoID: "ws/app"})
		if err != nil {
			t.Fatal(err)
		}
		repo, ok := f.only().Body["repo"].(map[string]any)
		if !ok {
			t.Fatal("no repo object")
		}
		if _, sent := repo["id"]; sent {
			t.Fatalf("a non-numeric id must not be sent as id: %v", repo)
		}
		if v, sent := repo["installation_id"]; !sent || v != nil {
			t.Fatalf("without an installation, installation_id must be sent as null, so one set before is removed in the same write: %v", repo)
		}
		if repo["repo_id"] != "ws/app" || !reflect.DeepEqual(repo["allowed_branches"], []any{}) {
			t.Fatalf("repo %v", repo)
		}
		if site.Repo == nil || site.Repo.RepoID != "ws/app" || site.Repo.InstallationID != 0 {
			t.Fatalf("read back %+v", site.Repo)
		}
	})
	t.Run("quoted installation id is read", func(t *testing.T) {
		f, c := newFake(t)
		f.on("PATCH /api/v1/sites/s", 200, `{"id":"s","build_settings":{"provider":"github","repo_path":"o/r","id":"77","installation_id":"9"}}`)
		site, err := c.SetRepo(context.Background(), "s", platform.RepoSettings{Provider: "github", RepoPath: "o/r", RepoID: "77"})
		if err != nil {
			t.Fatal(err)
		}
		if site.Repo.RepoID != "77" || site.Repo.InstallationID != 9 {
			t.Fatalf("read back %+v", site.Repo)
		}
	})
}

func TestClearRepoEmptiesFieldsWithoutUnlink(t *testing.T) {
	f, c := newFake(t)
	f.on("PATCH /api/v1/sites/s", 200, `{"id":"s","build_settings":{}}`)
	if err := c.ClearRepo(context.Background(), "s"); err != nil {
		t.Fatal(err)
	}
	r := f.only()
	if r.Method != "PATCH" || r.Path != "/api/v1/sites/s" {
		t.Fatalf("request %s %s: ClearRepo must not call unlink_repo, which deletes deploy keys", r.Method, r.Path)
	}
	repo, ok := r.Body["repo"].(map[string]any)
	if !ok {
		t.Fatal("no repo object")
	}
	for _, field := range []string{"provider", "repo_path", "repo_branch", "repo_url", "deploy_key_id", "cmd", "dir", "base", "functions_dir"} {
		if v, sent := repo[field]; !sent || v != "" {
			t.Errorf("%s: sent %v, want \"\"", field, v)
		}
	}
	for _, field := range []string{"id", "repo_id", "installation_id"} {
		if v, sent := repo[field]; !sent || v != nil {
			t.Errorf("%s: sent %v, want null", field, v)
		}
	}
	if !reflect.DeepEqual(repo["allowed_branches"], []any{}) {
		t.Errorf("allowed_branches %v", repo["allowed_branches"])
	}
}

func TestUnlinkRepo(t *testing.T) {
	f, c := newFake(t)
	f.on("PUT /api/v1/sites/s/unlink_repo", 200, `{"id":"s","build_settings":{}}`)
	site, err := c.UnlinkRepo(context.Background(), "s")
	if err != nil || site.ID != "s" || site.Repo != nil {
		t.Fatalf("%+v %v", site, err)
	}
	if r := f.only(); r.Method != "PUT" {
		t.Fatalf("request %+v", r)
	}
}
