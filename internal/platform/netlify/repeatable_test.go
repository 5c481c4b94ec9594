package netlify

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/httpx"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/platform"
)

// The PATCHes that set a whole object (site fields, the repo link, its clearing) are sent again after a
// 502; the POSTs that create are not: their callers look for what a lost answer may have created.
func TestWholeObjectPatchesAreRetriedCreatesAreNot(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name  string
		call  func(*Client) error
		tries int32
	}{
		{"update site", func(c *Client) error { _, err := c.UpdateSite(ctx, "s1", platform.SiteInput{Name: "n"}); return err }, 2},
		{"link repository", func(c *Client) error {
			_, err := c.SetRepo(ctx, "s1", platform.RepoSettings{Provider: "github", RepoPath: "a/b"})
			return err
		}, 2},
		{"unlink repository", func(c *Client) error { return c.ClearRepo(ctx, "s1") }, 2},
		{"create site", func(c *Client) error { _, err := c.CreateSite(ctx, platform.SiteInput{}); return err }, 1},
		{"create deploy key", func(c *Client) error { _, err := c.CreateDeployKey(ctx, platform.DeployKeyInput{}); return err }, 1},
		{"create build hook", func(c *Client) error { _, err := c.CreateBuildHook(ctx, "s1", "t", "main"); return err }, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var hits atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if hits.Add(1) == 1 {
					w.WriteHeader(http.StatusBadGateway)
					return
				}
				w.WriteHeader(http.StatusOK)
				_, _ = io.WriteString(w, `{"id":"s1"}`) // test server
			}))
			t.Cleanup(srv.Close)
			c, err := New(Config{APIURL: srv.URL + "/api/v1", Token: testToken, HTTPClient: httpx.NewClient(httpx.Options{
				Service: "Netlify", MaxRetries: 2, RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond,
			})})
			if err != nil {
				t.Fatal(err)
			}
			err = tc.call(c)
			if got := hits.Load(); got != tc.tries {
				t.Fatalf("%d requests, want %d (error %v)", got, tc.tries, err)
			}
			if tc.tries == 1 && !httpx.MayHaveBeenApplied(err) {
				t.Fatalf("a 502 on a create must say it may have been applied: %v", err)
			}
		})
	}
}
