package lifecyclebench

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/emulator"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/platform"
)

// The per-chain totals follow from the derivation in minimum.go; a change to Needs must change them
// on purpose.
func TestNeedsPerChain(t *testing.T) {
	type totals struct{ requests, githubWrites int }
	want := map[string]map[Step]totals{
		platform.Netlify: {
			StepApply:   {9, 2},  // site, key ×2, four pre-flight reads, link, hook; GitHub: key and hook
			StepPlan:    {5, 0},  // site (the link uses its read), key ×2, hook, the link's branch
			StepDestroy: {10, 2}, // the plan's five reads, link, site, key ×2, hook
		},
		platform.Dokploy: {
			// application create + one, key generate + create + all + install, four pre-flight reads,
			// saveBuildType + update + saveGitProvider, the deploy URL's application.one, hook
			StepApply:   {15, 2},
			StepPlan:    {6, 0},  // application (the link uses it), key ×2, deploy URL, hook, the link's branch
			StepDestroy: {11, 2}, // the plan's six reads, disconnect, application, key ×2, hook
		},
	}
	for _, kind := range platform.Kinds {
		for _, host := range BenchHosts {
			for step, w := range want[kind] {
				minimum := Minimum(kind, host, step, 1)
				if got := total(minimum); got != w.requests {
					t.Errorf("%s/%s %s: %d requests per chain, want %d", kind, host, step, got, w.requests)
				}
				wantWrites := w.githubWrites
				if host != githost.GitHub {
					wantWrites = 0
				}
				if got := githubWrites(minimum); got != wantWrites {
					t.Errorf("%s/%s %s: %d GitHub writes per chain, want %d", kind, host, step, got, wantWrites)
				}
				if got := total(Minimum(kind, host, step, 7)); got != 7*w.requests {
					t.Errorf("%s/%s %s: %d requests for 7 chains, want %d", kind, host, step, got, 7*w.requests)
				}
				for route := range minimum {
					if svc := serviceOfRoute(route); svc != kind && svc != host {
						t.Errorf("%s/%s %s: route %s belongs to %q", kind, host, step, route, svc)
					}
				}
			}
			if got := Minimum(kind, host, StepPlan, 0); len(got) != 0 {
				t.Errorf("%s/%s: zero chains need %v, want nothing", kind, host, got)
			}
		}
	}
}

// Every route of the minimum is a route the emulator counts under exactly that key, so that a count of
// zero cannot come from a misspelt route.
func TestNeedsRoutesAreEmulatorRoutes(t *testing.T) {
	emu := emulator.New(nil)
	srv := httptest.NewServer(emu)
	defer srv.Close()
	fill := strings.NewReplacer("{owner}", "o", "{repo}", "r", "{branch...}", "main", "{id}", "1",
		"{key_id}", "2", "{hook_id}", "3", "{site_id}", "s")
	for _, kind := range platform.Kinds {
		for _, host := range BenchHosts {
			for _, step := range Steps {
				for _, need := range Needs(kind, host, step) {
					method, pattern, _ := strings.Cut(need.Route, " ")
					req, err := http.NewRequest(method, srv.URL+fill.Replace(pattern), nil)
					if err != nil {
						t.Fatal(err)
					}
					emu.ResetRequestCounts()
					resp, err := srv.Client().Do(req)
					if err != nil {
						t.Fatal(err)
					}
					_ = resp.Body.Close() // only the count matters
					if got := emu.RequestCounts(); got[need.Route] != 1 {
						t.Errorf("%s/%s %s: the emulator counted %v for %s, want it under %q", kind, host, step, got, req.URL.Path, need.Route)
					}
				}
			}
		}
	}
}

func TestDeviations(t *testing.T) {
	counts := Minimum(platform.Netlify, githost.GitLab, StepPlan, 3)
	hook := "GET " + emulator.GitLabPrefix + "/projects/{id}/hooks/{hook_id}"
	site := "GET " + emulator.NetlifyPrefix + "/sites/{site_id}"
	extra := "GET " + emulator.GitLabPrefix + "/projects/{id}"
	counts[hook] = 5 // 2 above
	counts[site] = 1 // 2 below
	counts[extra] = 3

	got := Deviations(platform.Netlify, githost.GitLab, StepPlan, 3, counts)
	want := map[string]Deviation{
		hook:  {Route: hook, Count: 5, Minimum: 3, Excess: 2, Expected: true},
		site:  {Route: site, Count: 1, Minimum: 3, Excess: -2, Expected: true},
		extra: {Route: extra, Count: 3, Minimum: 0, Excess: 3, Expected: false},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d deviations %+v, want %d", len(got), got, len(want))
	}
	for _, d := range got {
		w, ok := want[d.Route]
		if !ok {
			t.Errorf("unexpected deviation %+v", d)
			continue
		}
		if d.Count != w.Count || d.Minimum != w.Minimum || d.Excess != w.Excess || d.Expected != w.Expected {
			t.Errorf("deviation %+v, want %+v", d, w)
		}
		if d.Expected && d.Why == "" {
			t.Errorf("deviation of %s has no reason", d.Route)
		}
	}
	for _, kind := range platform.Kinds {
		if d := Deviations(kind, githost.GitLab, StepPlan, 3, Minimum(kind, githost.GitLab, StepPlan, 3)); len(d) != 0 {
			t.Errorf("%s: the minimum itself deviates: %+v", kind, d)
		}
	}
	// A route that is needed but never requested is below the minimum.
	if d := Deviations(platform.Netlify, githost.GitHub, StepApply, 1, map[string]int{}); len(d) != 9 || d[0].Excess != -1 {
		t.Errorf("no requests at all: %+v, want 9 routes each one below", d)
	}
	// The minimum of one platform is off the minimum of the other.
	if d := Deviations(platform.Dokploy, githost.GitHub, StepPlan, 1, Minimum(platform.Netlify, githost.GitHub, StepPlan, 1)); len(d) != 4 {
		t.Errorf("Netlify's plan measured against Dokploy's: %+v, want 4 deviations (two Netlify routes above, two Dokploy routes below)", d)
	}
}

func TestShortRoute(t *testing.T) {
	for in, want := range map[string]string{
		"GET " + emulator.NetlifyPrefix + "/sites/{site_id}":                 "netlify GET /sites/{site_id}",
		"POST " + emulator.GitHubPrefix + "/repos/{owner}/{repo}/keys":       "github POST /repos/{owner}/{repo}/keys",
		"DELETE " + emulator.GitLabPrefix + "/projects/{id}/hooks/{hook_id}": "gitlab DELETE /projects/{id}/hooks/{hook_id}",
		"GET " + emulator.DokployPrefix + "/application.one":                 "dokploy GET /application.one",
		"GET (unknown route)": "GET (unknown route)",
	} {
		if got := shortRoute(in); got != want {
			t.Errorf("shortRoute(%q) = %q, want %q", in, got, want)
		}
	}
}
