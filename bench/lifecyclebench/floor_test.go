package lifecyclebench

import (
	"testing"
	"time"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/platform"
)

func TestFloorOf(t *testing.T) {
	const latency = 50 * time.Millisecond
	own := time.Second
	tests := []struct {
		kind   string
		host   string
		step   Step
		n      int
		total  time.Duration
		target float64
		paced  bool
	}{
		// 5 reads per chain ÷ 10 × 50 ms = 25 ms per chain.
		// 3 site and 3 key reads, a page of each listing, and 3 git host reads per chain: 100 chains are
		// 308 requests ÷ 10 × 50 ms.
		{platform.Netlify, githost.GitLab, StepPlan, 100, own + 1540*time.Millisecond, 1.3, false},
		{platform.Netlify, githost.GitHub, StepPlan, 200, own + 3050*time.Millisecond, 1.3, false},
		// 10 requests per chain: 50 ms per chain.
		{platform.Netlify, githost.GitLab, StepApply, 100, own + 5000*time.Millisecond, 1.3, false},
		// The plan's 610 reads of 200 chains and 5 requests per chain: 1610 requests.
		{platform.Netlify, githost.GitLab, StepDestroy, 200, own + 8050*time.Millisecond, 1.3, false},
		// 2 GitHub writes per chain, one second apart: (200 - 1) s + one round trip.
		{platform.Netlify, githost.GitHub, StepApply, 100, own + 199*time.Second + latency, 1.2, true},
		{platform.Netlify, githost.GitHub, StepDestroy, 200, own + 399*time.Second + latency, 1.2, true},
		{platform.Netlify, githost.GitHub, StepApply, 0, own, 1.3, false},
		// Dokploy: a plan of 100 chains is 2 application reads and 3 git host reads per chain, 3 key reads
		// and one listing: 504 requests; an apply 16 requests per chain; a destroy of 200 chains the
		// plan's 1004 and 5 requests per chain.
		{platform.Dokploy, githost.GitLab, StepPlan, 100, own + 2520*time.Millisecond, 1.3, false},
		{platform.Dokploy, githost.GitLab, StepApply, 100, own + 8*time.Second, 1.3, false},
		{platform.Dokploy, githost.GitLab, StepDestroy, 200, own + 10020*time.Millisecond, 1.3, false},
		// The same GitHub writes as on Netlify: pacing sets the floor.
		{platform.Dokploy, githost.GitHub, StepApply, 100, own + 199*time.Second + latency, 1.2, true},
		{platform.Dokploy, githost.GitHub, StepPlan, 100, own + 2520*time.Millisecond, 1.3, false},
	}
	for _, tt := range tests {
		f := floorOf(tt.kind, tt.host, tt.step, tt.n, own, latency, time.Second)
		if f.Total != tt.total || f.Target != tt.target || f.PacedBy() != tt.paced {
			t.Errorf("%s/%s %s N=%d: floor %+v, want total %v, target %.1f, paced %v", tt.kind, tt.host, tt.step, tt.n, f, tt.total, tt.target, tt.paced)
		}
	}
	// Without pacing, GitHub's apply has the latency floor and its target.
	if f := floorOf(platform.Netlify, githost.GitHub, StepApply, 100, own, latency, 0); f.PacedBy() || f.Total != own+5000*time.Millisecond || f.Target != 1.3 {
		t.Errorf("unpaced GitHub apply: %+v", f)
	}
}

func TestRatio(t *testing.T) {
	s := StepResult{Wall: 3 * time.Second, Floor: Floor{Total: 2 * time.Second}}
	if got := s.Ratio(); got != 1.5 {
		t.Errorf("ratio %v, want 1.5", got)
	}
	if got := (StepResult{Wall: time.Second}).Ratio(); got != 0 {
		t.Errorf("ratio without a floor %v, want 0", got)
	}
}
