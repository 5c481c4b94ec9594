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

// The totals follow from the derivation in minimum.go; a change to Needs must change them on purpose.
// With one chain every read is a read of its own; with a hundred, a listing answers all but three of the
// platform's sites and keys.
func TestNeedsTotals(t *testing.T) {
	type totals struct{ one, hundred, hostWrites int }
	want := map[string]map[Step]totals{
		platform.Netlify: {
			// site, key ×2, five pre-flight reads (repository and branch at plan too), link, hook; writes on the
			// git host: key and hook
			StepApply: {10, 1000, 2},
			// site (the link uses its read), key ×2, hook, the link's branch; with 100 chains 3 reads and a
			// page of each listing for the sites and the platform keys
			StepPlan:    {5, 308, 0},
			StepDestroy: {10, 808, 2}, // the plan's reads, link, site, key ×2, hook
		},
		platform.Dokploy: {
			// application create + one, key generate + create + all + install, five pre-flight reads,
			// saveBuildType + update + saveGitProvider, the deploy URL's application.one, hook
			StepApply: {16, 1600, 2},
			// application ×2 (gitdeploy_site, which the link uses; the webhook's deploy URL), key ×2, hook,
			// the link's branch; with 100 chains 3 sshKey.one and one sshKey.all
			StepPlan:    {6, 504, 0},
			StepDestroy: {11, 1004, 2}, // the plan's reads, disconnect, application, key ×2, hook
		},
	}
	for _, kind := range platform.Kinds {
		for _, host := range BenchHosts {
			if ok, _ := Supported(kind, host); !ok {
				continue
			}
			for step, w := range want[kind] {
				minimum := Minimum(kind, host, step, 1)
				if got := total(minimum); got != w.one {
					t.Errorf("%s/%s %s: %d requests for one chain, want %d", kind, host, step, got, w.one)
				}
				if got := total(Minimum(kind, host, step, 100)); got != w.hundred {
					t.Errorf("%s/%s %s: %d requests for 100 chains, want %d", kind, host, step, got, w.hundred)
				}
				if got := serviceRequests(Minimum(kind, host, step, 7), host, true); got != 7*w.hostWrites {
					t.Errorf("%s/%s %s: %d %s writes for 7 chains, want %d", kind, host, step, got, host, 7*w.hostWrites)
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

// A refresh reads the first three objects of a kind on their own and lists the rest, a page per
// pageSize objects (Netlify), or all in one answer (Dokploy's sshKey.all).
func TestCoalescedReads(t *testing.T) {
	for _, tt := range []struct {
		pageSize, n, reads, pages int
	}{
		{100, 1, 1, 0}, {100, 3, 3, 0}, {100, 4, 3, 1}, {100, 100, 3, 1}, {100, 101, 3, 2}, {100, 200, 3, 2},
		{0, 2, 2, 0}, {0, 4, 3, 1}, {0, 200, 3, 1},
	} {
		needs := coalescedReads("GET /one", "GET /all", "why", tt.pageSize)
		if got := []int{needs[0].For(tt.n), needs[1].For(tt.n)}; got[0] != tt.reads || got[1] != tt.pages {
			t.Errorf("page size %d, %d objects: %d reads and %d pages, want %d and %d", tt.pageSize, tt.n, got[0], got[1], tt.reads, tt.pages)
		}
		if needs[0].For(0) != 0 || needs[1].For(0) != 0 {
			t.Errorf("page size %d: zero objects need requests", tt.pageSize)
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
		"{key_id}", "2", "{hook_id}", "3", "{site_id}", "s", "{workspace}", "w", "{repo_slug}", "r", "{name...}", "main",
		"{uid}", "{u}")
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
	none := Deviations(platform.Netlify, githost.GitHub, StepApply, 1, map[string]int{})
	if len(none) != len(Needs(platform.Netlify, githost.GitHub, StepApply)) {
		t.Errorf("no requests at all: %+v, want every needed route", none)
	}
	for _, d := range none {
		if d.Excess != -d.Minimum || d.Minimum == 0 {
			t.Errorf("no requests at all: %+v, want it below by its minimum", d)
		}
	}
	// The minimum of one platform is off the minimum of the other.
	if d := Deviations(platform.Dokploy, githost.GitHub, StepPlan, 1, Minimum(platform.Netlify, githost.GitHub, StepPlan, 1)); len(d) != 4 {
		t.Errorf("Netlify's plan measured against Dokploy's: %+v, want 4 deviations (two Netlify routes above, two Dokploy routes below)", d)
	}
}

func TestShortRoute(t *testing.T) {
	for in, want := range map[string]string{
		"GET " + emulator.NetlifyPrefix + "/sites/{site_id}":                                    "netlify GET /sites/{site_id}",
		"POST " + emulator.GitHubPrefix + "/repos/{owner}/{repo}/keys":                          "github POST /repos/{owner}/{repo}/keys",
		"DELETE " + emulator.GitLabPrefix + "/projects/{id}/hooks/{hook_id}":                    "gitlab DELETE /projects/{id}/hooks/{hook_id}",
		"GET " + emulator.DokployPrefix + "/application.one":                                    "dokploy GET /application.one",
		"GET " + emulator.BitbucketPrefix + "/repositories/{workspace}/{repo_slug}/hooks/{uid}": "bitbucket GET /repositories/{workspace}/{repo_slug}/hooks/{uid}",
		"POST " + emulator.GiteaPrefix + "/repos/{owner}/{repo}/keys":                           "gitea POST /repos/{owner}/{repo}/keys",
		"GET (unknown route)": "GET (unknown route)",
	} {
		if got := shortRoute(in); got != want {
			t.Errorf("shortRoute(%q) = %q, want %q", in, got, want)
		}
	}
}

// Without listings every object is read on its own: the per-object minimum of a plan is one read per
// object, and it equals the minimum where no listing answers (apply) or with three chains or fewer.
func TestPerObjectMinimum(t *testing.T) {
	for _, tt := range []struct {
		kind      string
		step      Step
		n, per    int // per-object minimum
		minimum   int
		listRoute string
	}{
		// site, platform key, git key, hook, branch
		{platform.Netlify, StepPlan, 1000, 5000, 3017, nlListSites},
		{platform.Netlify, StepDestroy, 100, 1000, 808, nlListKeys},
		// application ×2, SSH key, git key, hook, branch
		{platform.Dokploy, StepPlan, 100, 600, 504, dkKeyAll},
		{platform.Netlify, StepApply, 100, 1000, 1000, ""},
		{platform.Netlify, StepPlan, 3, 15, 15, ""},
	} {
		per := PerObjectMinimum(tt.kind, githost.Gitea, tt.step, tt.n)
		if got := total(per); got != tt.per {
			t.Errorf("%s %s N=%d: per-object minimum %d, want %d", tt.kind, tt.step, tt.n, got, tt.per)
		}
		if got := total(Minimum(tt.kind, githost.Gitea, tt.step, tt.n)); got != tt.minimum {
			t.Errorf("%s %s N=%d: minimum %d, want %d", tt.kind, tt.step, tt.n, got, tt.minimum)
		}
		if tt.listRoute != "" && per[tt.listRoute] != 0 {
			t.Errorf("%s %s N=%d: the per-object minimum lists (%s %d)", tt.kind, tt.step, tt.n, tt.listRoute, per[tt.listRoute])
		}
	}
}
