package lifecyclebench

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/emulator"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
)

// The per-chain totals follow from the derivation in minimum.go; a change to Needs must change them
// on purpose.
func TestNeedsPerChain(t *testing.T) {
	want := map[Step]struct{ requests, githubWrites int }{
		StepApply:   {10, 2}, // site, key ×2, five pre-flight reads (repository and branch at plan too), link, hook; GitHub: key and hook
		StepPlan:    {5, 0},  // site (the link uses its read), key ×2, hook, the link's branch
		StepDestroy: {10, 2}, // the plan's five reads, link, site, key ×2, hook
	}
	for _, host := range githost.Kinds {
		for step, w := range want {
			minimum := Minimum(host, step, 1)
			if got := total(minimum); got != w.requests {
				t.Errorf("%s %s: %d requests per chain, want %d", host, step, got, w.requests)
			}
			wantWrites := w.githubWrites
			if host != githost.GitHub {
				wantWrites = 0
			}
			if got := githubWrites(minimum); got != wantWrites {
				t.Errorf("%s %s: %d GitHub writes per chain, want %d", host, step, got, wantWrites)
			}
			if got := total(Minimum(host, step, 7)); got != 7*w.requests {
				t.Errorf("%s %s: %d requests for 7 chains, want %d", host, step, got, 7*w.requests)
			}
		}
		if got := Minimum(host, StepPlan, 0); len(got) != 0 {
			t.Errorf("%s: zero chains need %v, want nothing", host, got)
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
	for _, host := range githost.Kinds {
		for _, step := range Steps {
			for _, need := range Needs(host, step) {
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
					t.Errorf("%s %s: the emulator counted %v for %s, want it under %q", host, step, got, req.URL.Path, need.Route)
				}
			}
		}
	}
}

func TestDeviations(t *testing.T) {
	counts := Minimum(githost.GitLab, StepPlan, 3)
	hook := "GET " + emulator.GitLabPrefix + "/projects/{id}/hooks/{hook_id}"
	site := "GET " + emulator.NetlifyPrefix + "/sites/{site_id}"
	extra := "GET " + emulator.GitLabPrefix + "/projects/{id}"
	counts[hook] = 5 // 2 above
	counts[site] = 1 // 2 below
	counts[extra] = 3

	got := Deviations(githost.GitLab, StepPlan, 3, counts)
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
	if d := Deviations(githost.GitLab, StepPlan, 3, Minimum(githost.GitLab, StepPlan, 3)); len(d) != 0 {
		t.Errorf("the minimum itself deviates: %+v", d)
	}
	// A route that is needed but never requested is below the minimum.
	none := Deviations(githost.GitHub, StepApply, 1, map[string]int{})
	if len(none) != len(Needs(githost.GitHub, StepApply)) {
		t.Errorf("no requests at all: %+v, want every needed route", none)
	}
	for _, d := range none {
		if d.Excess != -d.Minimum || d.Minimum == 0 {
			t.Errorf("no requests at all: %+v, want it below by its minimum", d)
		}
	}
}

func TestShortRoute(t *testing.T) {
	for in, want := range map[string]string{
		"GET " + emulator.NetlifyPrefix + "/sites/{site_id}":                 "netlify GET /sites/{site_id}",
		"POST " + emulator.GitHubPrefix + "/repos/{owner}/{repo}/keys":       "github POST /repos/{owner}/{repo}/keys",
		"DELETE " + emulator.GitLabPrefix + "/projects/{id}/hooks/{hook_id}": "gitlab DELETE /projects/{id}/hooks/{hook_id}",
		"GET (unknown route)": "GET (unknown route)",
	} {
		if got := shortRoute(in); got != want {
			t.Errorf("shortRoute(%q) = %q, want %q", in, got, want)
		}
	}
}
