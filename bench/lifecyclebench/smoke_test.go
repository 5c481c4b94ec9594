package lifecyclebench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/platform"
)

// knownSurplus lists requests the provider sends that no step needs, per chain, as reported to the lead,
// who decides on the provider's side. The smoke test fails on any other deviation from the minimum, and
// also when a listed surplus is no longer sent: then its entry goes.
// None is left: the application reads after SetRepo's writes and after disconnectGitProvider were dropped.
var knownSurplus = map[string]map[Step]map[string]int{}

// TestLifecycleSmoke runs the whole bench with two chains on each supported platform and git host, and the
// plan alone of five chains (its state built by applies of two chains each), with the real terraform binary
// and a freshly built provider, so that `make bench` cannot rot. It checks that the report and the plot are
// written and that every step made exactly its minimum requests, was never refused for a rate limit nor
// waited for one, left the services as it should and has a floor with Terraform's own time; it asserts
// nothing about time.
func TestLifecycleSmoke(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1 to run the lifecycle smoke test (it runs terraform)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	out := t.TempDir()
	cfg := Config{
		ChainCounts:         []int{2},
		PlanOnlyCounts:      []int{5},
		SetupChunk:          2,
		Platforms:           platform.Kinds,
		Hosts:               BenchHosts,
		Latency:             5 * time.Millisecond,
		GitHubWriteInterval: DefaultGitHubWriteInterval,
		NetlifyLimit:        NetlifyLimit,
		OutDir:              out,
	}
	results, err := Run(ctx, cfg, testLog{t})
	if err != nil {
		t.Fatal(err)
	}

	for _, kind := range platform.Kinds {
		for _, host := range BenchHosts {
			if ok, _ := Supported(kind, host); !ok {
				if _, measured := results.Find(kind, host, 2, StepApply); measured {
					t.Errorf("%s/%s is not supported but was measured", kind, host)
				}
				continue
			}
			for _, n := range []int{2, 5} {
				for _, step := range Steps {
					at := fmt.Sprintf("%s/%s N=%d %s", kind, host, n, step)
					s, ok := results.Find(kind, host, n, step)
					if n == 5 && step != StepPlan {
						if ok {
							t.Errorf("%s: measured, want the plan alone", at)
						}
						continue
					}
					if !ok {
						t.Errorf("%s: not measured", at)
						continue
					}
					surplus := knownSurplus[kind][step]
					for _, d := range Deviations(kind, host, step, n, s.Requests) {
						if d.Excess != surplus[d.Route]*n {
							t.Errorf("%s: %s counted %d, minimum %d (%s), known surplus %d per chain", at, d.Route, d.Count,
								d.Minimum, d.Why, surplus[d.Route])
						}
					}
					for route, perChain := range surplus {
						if s.Requests[route]-s.Minimum[route] != perChain*n {
							t.Errorf("%s: %s counted %d, minimum %d: not the known surplus of %d per chain (gone? update knownSurplus)",
								at, route, s.Requests[route], s.Minimum[route], perChain)
						}
					}
					if s.RateLimited != 0 || len(s.Failures) != 0 || s.Waits != 0 {
						t.Errorf("%s: %d rate-limit refusals, %d waits, failed answers %v", at, s.RateLimited, s.Waits, s.Failures)
					}
					for _, p := range s.Problems {
						t.Errorf("%s: %s", at, p)
					}
					if s.Wall <= 0 || (hasProc && s.PeakRSSKiB <= 0) || s.Floor.Own <= 0 || s.Floor.Total <= s.Floor.Own {
						t.Errorf("%s: wall %v, peak RSS %d KiB, floor %+v: want all measured", at, s.Wall, s.PeakRSSKiB, s.Floor)
					}
					if s.PlanOnly != (n == 5) {
						t.Errorf("%s: plan only %v", at, s.PlanOnly)
					}
				}
			}
		}
	}

	report, err := WriteOutputs(out, results)
	if err != nil {
		t.Fatal(err)
	}
	wants := []string{"| netlify | github | 2 | apply |", "| netlify | github | 2 | plan |", "| netlify | gitlab | 2 | destroy |",
		"| netlify | bitbucket | 2 | apply |", "| netlify | bitbucket | 5 | plan |",
		"| dokploy | github | 2 | apply |", "| dokploy | gitlab | 2 | plan |", "| dokploy | gitlab | 2 | destroy |",
		"| dokploy | gitea | 2 | destroy |", "| dokploy | gitea | 5 | plan |",
		"Not measured: netlify/gitea: Netlify cannot build from Gitea"}
	if len(knownSurplus) == 0 {
		wants = append(wants, "None: every step made exactly the requests it needs.")
	}
	// The report lists every request above the minimum, the known surplus too.
	for kind, steps := range knownSurplus {
		for step, routes := range steps {
			for route, perChain := range routes {
				wants = append(wants, fmt.Sprintf("- %s/%s N=2 %s: `%s` %d, %d above the minimum", kind, githost.GitLab, step,
					shortRoute(route), Minimum(kind, githost.GitLab, step, 2)[route]+2*perChain, 2*perChain))
			}
		}
	}
	for _, want := range wants {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q:\n%s", want, report)
		}
	}
	for _, name := range []string{ReportFile, PlotFile, ResultsFile, filepath.Join("logs", "netlify-gitlab-2-plan.log"),
		filepath.Join("logs", "netlify-gitlab-2-plan-own.log"), filepath.Join("logs", "dokploy-github-2-apply.log"),
		filepath.Join("logs", "dokploy-gitea-5-setup-0004.log"), filepath.Join("logs", "dokploy-gitea-5-plan.log")} {
		if info, err := os.Stat(filepath.Join(out, name)); err != nil || info.Size() == 0 {
			t.Errorf("%s: %v (want a non-empty file)", name, err)
		}
	}
}

// testLog sends the bench's progress lines to the test log.
type testLog struct{ t *testing.T }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
