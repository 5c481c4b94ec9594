package netlify

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/platform"
)

// pages answers a list route from items, perPage at a time, with a Link header to the next page.
func (f *fakeNetlify) pages(route string, items []string) {
	f.routes[route] = func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		var page, perPage int
		if _, err := fmt.Sscan(q.Get("page"), &page); err != nil || page < 1 {
			f.t.Errorf("%s: page %q", route, q.Get("page"))
			page = 1
		}
		if _, err := fmt.Sscan(q.Get("per_page"), &perPage); err != nil || perPage < 1 {
			f.t.Errorf("%s: per_page %q", route, q.Get("per_page"))
			perPage = 100
		}
		perPage = min(perPage, 2) // a small page size, so that a few items make several pages
		start, end := min((page-1)*perPage, len(items)), min(page*perPage, len(items))
		if end < len(items) {
			next := *r.URL
			q.Set("page", fmt.Sprint(page+1))
			next.RawQuery = q.Encode()
			w.Header().Set("Link", `<http://elsewhere.example`+next.String()+`>; rel="next", <x>; rel="last"`)
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, "["+strings.Join(items[start:end], ",")+"]") // test server
	}
}

func TestListSitesFollowsEveryPageWithTheNameFilter(t *testing.T) {
	f, c := newFake(t)
	var items []string
	for i := range 5 {
		items = append(items, fmt.Sprintf(`{"id":"s%d","name":"web-%d","created_at":"2026-01-02T03:04:0%d.000Z"}`, i, i, i))
	}
	f.pages("GET /api/v1/sites", items)
	sites, err := c.ListSites(context.Background(), platform.SiteInput{Name: "web"})
	if err != nil {
		t.Fatal(err)
	}
	if len(sites) != 5 || sites[4].ID != "s4" || sites[4].Name != "web-4" {
		t.Fatalf("sites %+v", sites)
	}
	if want := time.Date(2026, 1, 2, 3, 4, 4, 0, time.UTC); !sites[4].CreatedAt.Equal(want) {
		t.Fatalf("created_at %v, want %v", sites[4].CreatedAt, want)
	}
	if len(f.requests) != 3 {
		t.Fatalf("%d requests, want 3 pages", len(f.requests))
	}
	for _, r := range f.requests {
		// Every page goes to our own API URL, whatever host the Link header names.
		if r.Auth != "Bearer "+testToken || r.Path != "/api/v1/sites" {
			t.Fatalf("request %+v", r)
		}
	}
}

func TestListSitesSendsFilters(t *testing.T) {
	var query url.Values
	f, c := newFake(t)
	f.routes["GET /api/v1/sites"] = func(w http.ResponseWriter, r *http.Request) {
		query = r.URL.Query()
		_, _ = io.WriteString(w, `[]`) // test server
	}
	if _, err := c.ListSites(context.Background(), platform.SiteInput{Name: "my site"}); err != nil {
		t.Fatal(err)
	}
	if query.Get("name") != "my site" || query.Get("filter") != "all" || query.Get("page") != "1" {
		t.Fatalf("query %v", query)
	}
}

func TestListDeployKeysAndBuildHooks(t *testing.T) {
	f, c := newFake(t)
	f.pages("GET /api/v1/deploy_keys", []string{
		`{"id":"k1","public_key":"ssh-ed25519 AAA1","created_at":"2026-01-02T03:04:05Z"}`,
		`{"id":"k2","public_key":"ssh-ed25519 AAA2","created_at":"2026-01-02T03:04:06Z"}`,
		`{"id":"k3","public_key":"ssh-ed25519 AAA3","created_at":"2026-01-02T03:04:07Z"}`,
	})
	f.pages("GET /api/v1/sites/site%2F1/build_hooks", []string{
		`{"id":"h1","title":"t","branch":"main","url":"https://api.netlify.com/build_hooks/h1","site_id":"site/1","created_at":"2026-01-02T03:04:05Z"}`,
	})
	keys, err := c.ListDeployKeys(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 3 || keys[2].ID != "k3" || keys[2].PublicKey != "ssh-ed25519 AAA3" || keys[2].CreatedAt.IsZero() {
		t.Fatalf("keys %+v", keys)
	}
	hooks, err := c.ListBuildHooks(context.Background(), "site/1")
	if err != nil {
		t.Fatal(err)
	}
	if len(hooks) != 1 || hooks[0].Title != "t" || hooks[0].Branch != "main" || hooks[0].CreatedAt.IsZero() {
		t.Fatalf("hooks %+v", hooks)
	}
}

func TestListErrorIsAnAPIError(t *testing.T) {
	f, c := newFake(t)
	f.on("GET /api/v1/deploy_keys", http.StatusUnauthorized, `{"code":401,"message":"Access Denied"}`)
	_, err := c.ListDeployKeys(context.Background())
	if err == nil || !strings.Contains(err.Error(), "list deploy keys") || !strings.Contains(err.Error(), "Access Denied") {
		t.Fatalf("error %v", err)
	}
}

func TestHasNextLink(t *testing.T) {
	cases := map[string]bool{
		``: false,
		`<https://api.netlify.com/api/v1/sites?page=2>; rel="next"`: true,
		`<a>; rel="prev", <b>; rel="last"`:                          false,
		`<a>; rel="prev next"`:                                      true,
		`<a>; REL=next`:                                             true,
		`<a?x=1;rel=next>; rel="last"`:                              false,
		`<https://x/?page=3>; rel="last", <https://x/?page=2>; rel="next", <https://x/?page=1>; rel=first`: true,
	}
	for link, want := range cases {
		if got := hasNextLink(link); got != want {
			t.Errorf("hasNextLink(%q) = %v, want %v", link, got, want)
		}
	}
}
