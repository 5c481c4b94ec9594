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
		{platform.Netlify, githost.GitLab, StepPlan, 100, own + 2500*time.Millisecond, 1.3, false},
		{platform.Netlify, githost.GitHub, StepPlan, 200, own + 5*time.Second, 1.3, false},
		// 9 requests per chain: 45 ms per chain.
		{platform.Netlify, githost.GitLab, StepApply, 100, own + 4500*time.Millisecond, 1.3, false},
		// 10 requests per chain: 50 ms per chain.
		{platform.Netlify, githost.GitLab, StepDestroy, 200, own + 10*time.Second, 1.3, false},
		// 2 GitHub writes per chain, one second apart: (200 - 1) s + one round trip.
		{platform.Netlify, githost.GitHub, StepApply, 100, own + 199*time.Second + latency, 1.2, true},
		{platform.Netlify, githost.GitHub, StepDestroy, 200, own + 399*time.Second + latency, 1.2, true},
		{platform.Netlify, githost.GitHub, StepApply, 0, own, 1.3, false},
		// Dokploy: 6 reads per chain in a plan (30 ms), 15 requests in an apply (75 ms), 11 in a destroy (55 ms).
		{platform.Dokploy, githost.GitLab, StepPlan, 100, own + 3*time.Second, 1.3, false},
		{platform.Dokploy, githost.GitLab, StepApply, 100, own + 7500*time.Millisecond, 1.3, false},
		{platform.Dokploy, githost.GitLab, StepDestroy, 200, own + 11*time.Second, 1.3, false},
		// The same GitHub writes as on Netlify: pacing sets the floor.
		{platform.Dokploy, githost.GitHub, StepApply, 100, own + 199*time.Second + latency, 1.2, true},
		{platform.Dokploy, githost.GitHub, StepPlan, 100, own + 3*time.Second, 1.3, false},
	}
	for _, tt := range tests {
		f := floorOf(tt.kind, tt.host, tt.step, tt.n, own, latency, time.Second)
		if f.Total != tt.total || f.Target != tt.target || f.PacedBy() != tt.paced {
			t.Errorf("%s/%s %s N=%d: floor %+v, want total %v, target %.1f, paced %v", tt.kind, tt.host, tt.step, tt.n, f, tt.total, tt.target, tt.paced)
		}
	}
	// Without pacing, GitHub's apply has the latency floor and its target.
	if f := floorOf(platform.Netlify, githost.GitHub, StepApply, 100, own, latency, 0); f.PacedBy() || f.Total != own+4500*time.Millisecond || f.Target != 1.3 {
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
