package lifecyclebench

import (
	"testing"
	"time"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
)

func TestFloorOf(t *testing.T) {
	const latency = 50 * time.Millisecond
	own := time.Second
	tests := []struct {
		host   string
		step   Step
		n      int
		total  time.Duration
		target float64
		paced  bool
	}{
		// 5 reads per chain ÷ 10 × 50 ms = 25 ms per chain.
		{githost.GitLab, StepPlan, 100, own + 2500*time.Millisecond, 1.3, false},
		{githost.GitHub, StepPlan, 200, own + 5*time.Second, 1.3, false},
		// 10 requests per chain: 50 ms per chain.
		{githost.GitLab, StepApply, 100, own + 5000*time.Millisecond, 1.3, false},
		// 10 requests per chain: 50 ms per chain.
		{githost.GitLab, StepDestroy, 200, own + 10*time.Second, 1.3, false},
		// 2 GitHub writes per chain, one second apart: (200 - 1) s + one round trip.
		{githost.GitHub, StepApply, 100, own + 199*time.Second + latency, 1.2, true},
		{githost.GitHub, StepDestroy, 200, own + 399*time.Second + latency, 1.2, true},
		{githost.GitHub, StepApply, 0, own, 1.3, false},
	}
	for _, tt := range tests {
		f := floorOf(tt.host, tt.step, tt.n, own, latency, time.Second)
		if f.Total != tt.total || f.Target != tt.target || f.PacedBy() != tt.paced {
			t.Errorf("%s %s N=%d: floor %+v, want total %v, target %.1f, paced %v", tt.host, tt.step, tt.n, f, tt.total, tt.target, tt.paced)
		}
	}
	// Without pacing, GitHub's apply has the latency floor and its target.
	if f := floorOf(githost.GitHub, StepApply, 100, own, latency, 0); f.PacedBy() || f.Total != own+5000*time.Millisecond || f.Target != 1.3 {
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
