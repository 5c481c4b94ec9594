package netlify

import (
	"context"
	"testing"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/httpx"
)

func TestBuildHooks(t *testing.T) {
	f, c := newFake(t)
	ctx := context.Background()
	const answer = `{"id":"bh1","title":"ci","branch":"main","url":"https://api.netlify.com/build_hooks/bh1","site_id":"s","created_at":"2024-01-01T00:00:00Z"}`

	f.on("POST /api/v1/sites/s/build_hooks", 200, answer)
	hook, err := c.CreateBuildHook(ctx, "s", "ci", "main")
	if err != nil {
		t.Fatal(err)
	}
	if hook.ID != "bh1" || hook.Title != "ci" || hook.Branch != "main" || hook.SiteID != "s" ||
		hook.URL != "https://api.netlify.com/build_hooks/bh1" {
		t.Fatalf("hook %+v", hook)
	}
	if r := f.only(); r.Body["title"] != "ci" || r.Body["branch"] != "main" {
		t.Fatalf("request %+v", r)
	}

	f.on("GET /api/v1/sites/s/build_hooks/bh1", 200, answer)
	if hook, err := c.GetBuildHook(ctx, "s", "bh1"); err != nil || hook.ID != "bh1" {
		t.Fatalf("%+v %v", hook, err)
	}
	if _, err := c.GetBuildHook(ctx, "s", "nope"); !httpx.IsNotFound(err) {
		t.Fatalf("want 404, got %v", err)
	}

	f.on("DELETE /api/v1/sites/s/build_hooks/bh1", 204, "")
	if err := c.DeleteBuildHook(ctx, "s", "bh1"); err != nil {
		t.Fatal(err)
	}
}

func TestIncomingHookURL(t *testing.T) {
	cases := map[string]string{
		"":                                   "https://api.netlify.com/hooks/github",
		"https://api.netlify.com/api/v1/":    "https://api.netlify.com/hooks/github",
		"http://127.0.0.1:8080/api/v1":       "http://127.0.0.1:8080/hooks/github",
		"http://127.0.0.1:8080/netlify/":     "http://127.0.0.1:8080/netlify/hooks/github",
		"https://proxy.example.com":          "https://proxy.example.com/hooks/github",
		"https://proxy.example.com/x/api/v1": "https://proxy.example.com/x/hooks/github",
	}
	for apiURL, want := range cases {
		c, err := New(Config{APIURL: apiURL, Token: "t"})
		if err != nil {
			t.Fatal(err)
		}
		if got := c.IncomingHookURL("github"); got != want {
			t.Errorf("api_url %q: %q, want %q", apiURL, got, want)
		}
	}
}
