package lifecyclebench

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/emulator"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
)

// syntheticResults are results of both hosts at N = 10 and 20 that meet every target, except for one
// extra request in GitLab's plan of 20 chains and a slow GitHub apply of 20 chains.
func syntheticResults() *Results {
	r := &Results{Started: time.Date(2026, 1, 2, 3, 4, 0, 0, time.UTC), TerraformVersion: "Terraform v1.11.4",
		Latency: 50 * time.Millisecond, WriteInterval: time.Second, Parallelism: Parallelism,
		ChainCounts: []int{10, 20}, Hosts: []string{githost.GitHub, githost.GitLab}, CPUs: 2}
	for _, host := range r.Hosts {
		for _, n := range []int{0, 10, 20} {
			for _, step := range Steps {
				s := StepResult{Host: host, Chains: n, Step: step, Requests: Minimum(host, step, n),
					Minimum: Minimum(host, step, n), PeakRSSKiB: int64(30*1024 + n*100)}
				s.Floor = floorOf(host, step, n, 200*time.Millisecond, r.Latency, r.WriteInterval)
				s.Wall = s.Floor.Total * 11 / 10
				if n == 0 {
					s.Wall = 200 * time.Millisecond
				}
				r.Steps = append(r.Steps, s)
			}
		}
	}
	for i, s := range r.Steps {
		switch {
		case s.Host == githost.GitLab && s.Chains == 20 && s.Step == StepPlan:
			r.Steps[i].Requests = Minimum(s.Host, s.Step, s.Chains)
			r.Steps[i].Requests["GET "+emulator.GitLabPrefix+"/projects/{id}"] = 1
		case s.Host == githost.GitHub && s.Chains == 20 && s.Step == StepApply:
			r.Steps[i].Wall = s.Floor.Total * 2
		case s.Host == githost.GitHub && s.Chains == 10 && s.Step == StepDestroy:
			r.Steps[i].RateLimited = 2
		}
	}
	return r
}

func TestMarkdown(t *testing.T) {
	md := Markdown(syntheticResults())
	for _, want := range []string{
		"# Lifecycle benchmark",
		"](" + PlotFile + ")",
		"| github | 10 | apply | ",
		"| gitlab | 20 | destroy | ",
		"(pacing)",
		"✗ github N=20 apply 2.00× (≤ 1.2×)",
		"Rate-limit refusals: 2 ✗",
		"- github N=10 destroy: 2 requests were refused for a rate limit and sent again",
		"✗ gitlab N=20 plan +1",
		"Provider peak RSS during the plan of 20 chains ≤ 64 MiB: github 32.0 MiB, gitlab 32.0 MiB ✓",
		"### gitlab plan",
		"| `gitlab GET /projects/{id}` | 0 | not needed by this step | 0 | **1** (min 0) |",
		"- gitlab N=20 plan: `gitlab GET /projects/{id}` 1, not needed by this step",
		"## How it is measured",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	// The zero-chain baseline is Terraform's own time, not a row of the table.
	if strings.Contains(md, "| github | 0 |") {
		t.Error("the baseline appears as a row")
	}
	if !strings.Contains(md, "github: apply 0.20 s, plan 0.20 s, destroy 0.20 s") {
		t.Error("report lacks Terraform's own time")
	}
}

func TestMarkdownAllAtMinimum(t *testing.T) {
	r := syntheticResults()
	for i, s := range r.Steps {
		r.Steps[i].Requests = Minimum(s.Host, s.Step, s.Chains)
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
