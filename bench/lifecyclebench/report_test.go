package lifecyclebench

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/emulator"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/platform"
)

// syntheticResults are results of both platforms on GitHub, GitLab and Gitea (Netlify × Gitea skipped) at
// N = 10 and 20, and the plan alone at N = 1000, that meet every target, except for one extra request in
// Netlify's GitLab plan of 20 chains, a slow Netlify GitHub apply of 20 chains, rate-limit refusals in
// Netlify's GitHub destroy of 10 chains, one application.one below the minimum in Dokploy's GitLab destroy
// of 10 chains, and rate-limit waits and 40 MiB too many in Netlify's GitHub plan of 1000 chains.
func syntheticResults() *Results {
	r := &Results{Started: time.Date(2026, 1, 2, 3, 4, 0, 0, time.UTC), TerraformVersion: "Terraform v1.11.4",
		Latency: 50 * time.Millisecond, WriteInterval: time.Second, NetlifyLimit: NetlifyLimit, Parallelism: Parallelism,
		ChainCounts: []int{10, 20}, PlanOnlyCounts: []int{1000},
		Platforms: []string{platform.Netlify, platform.Dokploy}, Hosts: []string{githost.GitHub, githost.GitLab, githost.Gitea}, CPUs: 2}
	for _, kind := range r.Platforms {
		for _, host := range r.Hosts {
			if ok, why := Supported(kind, host); !ok {
				r.Skipped = append(r.Skipped, pair{kind, host}.String()+": "+why)
				continue
			}
			for _, n := range []int{10, 20, 1000} {
				for _, step := range Steps {
					if n == 1000 && step != StepPlan {
						continue
					}
					s := StepResult{Platform: kind, Host: host, Chains: n, Step: step, Requests: Minimum(kind, host, step, n),
						Minimum: Minimum(kind, host, step, n), PeakRSSKiB: int64(30*1024 + n*10), PlanOnly: n == 1000}
					s.Floor = floorOf(kind, host, step, n, time.Duration(n)*20*time.Millisecond, r.Latency, r.WriteInterval, r.NetlifyLimit)
					s.Wall = s.Floor.Total * 11 / 10
					r.Steps = append(r.Steps, s)
				}
			}
		}
	}
	for i, s := range r.Steps {
		netlify := s.Platform == platform.Netlify
		switch {
		case netlify && s.Host == githost.GitLab && s.Chains == 20 && s.Step == StepPlan:
			r.Steps[i].Requests["GET "+emulator.GitLabPrefix+"/projects/{id}"] = 1
		case netlify && s.Host == githost.GitHub && s.Chains == 20 && s.Step == StepApply:
			r.Steps[i].Wall = s.Floor.Total * 2
		case netlify && s.Host == githost.GitHub && s.Chains == 10 && s.Step == StepDestroy:
			r.Steps[i].RateLimited = 2
		case !netlify && s.Host == githost.GitLab && s.Chains == 10 && s.Step == StepDestroy:
			r.Steps[i].Requests[dkAppOne]--
		case netlify && s.Host == githost.GitHub && s.Chains == 1000:
			r.Steps[i].Waits, r.Steps[i].WaitTime = 3, 1500*time.Millisecond
			r.Steps[i].PeakRSSKiB = 104 * 1024
		}
	}
	return r
}

func TestMarkdown(t *testing.T) {
	md := Markdown(syntheticResults())
	for _, want := range []string{
		"# Lifecycle benchmark",
		"](" + PlotFile + ")",
		"Netlify's limit of 500 requests a minute enforced",
		"N = 1000: the plan alone, on a state the bench built with applies it did not measure.",
		"Not measured: netlify/gitea: Netlify cannot build from Gitea",
		// own time, floor, ratio; requests per chain beside the minimum and the per-object minimum
		"| netlify | github | 10 | apply | 21.18 s | 0.20 s | 19.25 s (github writes) | 1.10× | ≤ 1.15× ✓ | 100 | 10.00 | 10.00 | 10.00 | 0 | 0 | 0 |",
		"| netlify | gitlab | 1000 | plan | 38.59 s | 20.00 s | 35.09 s | 1.10× | ≤ 1.15× ✓ | 3017 | 3.02 | 3.02 | 5.00 | 0 | 0 | 0 |",
		"| dokploy | gitea | 20 | plan | ",
		"| netlify | github | 1000 | plan | 38.59 s | 20.00 s | 35.09 s | 1.10× | ≤ 1.15× ✓ | 3017 | 3.02 | 3.02 | 5.00 | 0 | 0 | 3 (1.50 s) |",
		"- Every step ≤ 1.15× its floor: ✗ netlify/github N=20 apply 2.00×",
		"- The plan of 1000 Netlify chains with ≤ 30 Netlify requests and no rate-limit wait: netlify/github 17 Netlify requests, " +
			"3 rate-limit waits, 0 refusals; netlify/gitlab 17 Netlify requests, 0 rate-limit waits, 0 refusals ✗",
		"Rate-limit refusals: 2 ✗",
		"- Rate-limit waits (the provider keeping inside an announced budget, or after a refusal): netlify/github N=1000 plan 3 (1.50 s)",
		"- netlify/github N=10 destroy: 2 requests were refused for a rate limit and sent again",
		"✗ netlify/gitlab N=20 plan +1; dokploy/gitlab N=10 destroy −1",
		"Provider peak RSS during the plan of 1000 chains ≤ 64 MiB: netlify/github 104.0 MiB, netlify/gitlab 39.8 MiB, " +
			"dokploy/github 39.8 MiB, dokploy/gitlab 39.8 MiB, dokploy/gitea 39.8 MiB ✗",
		"### netlify on gitlab: plan",
		"| `gitlab GET /projects/{id}` | 0 | not needed by this step | 0 | **1** (min 0) | 0 |",
		"| `netlify GET /sites` | 1 per 100 beyond 3 | ",
		"- netlify/gitlab N=20 plan: `gitlab GET /projects/{id}` 1, not needed by this step",
		"### dokploy on github: apply",
		"### dokploy on gitea: destroy",
		"| `dokploy GET /sshKey.all` | 1 | gitdeploy_deploy_key: find the new key's id",
		"| `dokploy GET /application.one` | 2 | ",
		"| **19** (min 20) |",
		"- dokploy/gitlab N=10 destroy: `dokploy GET /application.one` 19, 1 below the minimum 20",
		"## How it is measured",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if t.Failed() {
		t.Log(md)
	}
}

func TestMarkdownAllAtMinimum(t *testing.T) {
	r := syntheticResults()
	for i, s := range r.Steps {
		r.Steps[i].Requests = Minimum(s.Platform, s.Host, s.Step, s.Chains)
		r.Steps[i].RateLimited = 0
	}
	if md := Markdown(r); !strings.Contains(md, "None: every step made exactly the requests it needs.") ||
		!strings.Contains(md, "Requests per step equal to the minimum: every step ✓") {
		t.Errorf("report of requests at the minimum:\n%s", md)
	}
}

func TestWriteOutputs(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	r := syntheticResults()
	report, err := WriteOutputs(dir, r)
	if err != nil {
		t.Fatal(err)
	}
	onDisk, err := os.ReadFile(filepath.Join(dir, ReportFile))
	if err != nil || string(onDisk) != report {
		t.Errorf("%s differs from the returned report (%v)", ReportFile, err)
	}
	back, err := ReadResults(filepath.Join(dir, ResultsFile))
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Steps) != len(r.Steps) || back.Steps[3].Wall != r.Steps[3].Wall || Markdown(back) != report {
		t.Errorf("%s does not hold the results: the report rendered from it differs", ResultsFile)
	}
	// Results written before the bench measured Dokploy hold no platform: they read as Netlify's.
	legacy := filepath.Join(dir, "legacy.json")
	if err := os.WriteFile(legacy, []byte(`{"chain_counts": [10], "hosts": ["gitlab"], "steps": [{"host": "gitlab", "chains": 10, "step": "plan"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if old, err := ReadResults(legacy); err != nil || old.Steps[0].Platform != platform.Netlify || !slices.Equal(old.Platforms, []string{platform.Netlify}) {
		t.Errorf("legacy results: %+v, %v; want Netlify's", old, err)
	}
	empty := filepath.Join(dir, "empty.json")
	if err := os.WriteFile(empty, []byte(`{"steps": []}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadResults(empty); err == nil {
		t.Error("results without steps: want an error")
	}
	img, err := os.ReadFile(filepath.Join(dir, PlotFile))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(img))
	if err != nil || cfg.Width < 800 || cfg.Height < 800 {
		t.Errorf("plot: %+v, %v; want a PNG of at least 800×800", cfg, err)
	}
}

func TestWritePlotNeedsResults(t *testing.T) {
	if err := WritePlot(&bytes.Buffer{}, &Results{ChainCounts: []int{10}}); err == nil {
		t.Error("no results: want an error")
	}
}

// A run of the plan-only point alone (make bench's -n ” -plan-n 1000) has one N and no apply or destroy.
func TestWritePlotPlanOnly(t *testing.T) {
	r := syntheticResults()
	r.ChainCounts = nil
	var planOnly []StepResult
	for _, s := range r.Steps {
		if s.PlanOnly {
			planOnly = append(planOnly, s)
		}
	}
	r.Steps = planOnly
	var buf bytes.Buffer
	if err := WritePlot(&buf, r); err != nil {
		t.Fatal(err)
	}
	if _, err := png.DecodeConfig(&buf); err != nil {
		t.Errorf("plot: %v; want a PNG", err)
	}
}

func TestLogTicks125(t *testing.T) {
	var labels []string
	for _, tick := range logTicks125(0.4, 60) {
		if tick.Label != "" {
			labels = append(labels, tick.Label)
		}
		if tick.Value < 0.4 || tick.Value > 60 {
			t.Errorf("tick %v outside [0.4, 60]", tick.Value)
		}
	}
	if got := strings.Join(labels, " "); got != "0.5 1 2 5 10 20 50" {
		t.Errorf("labels %q", got)
	}
}
