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
	const github, netlify = pacedByGitHubWrites, pacedByNetlifyLimit
	tests := []struct {
		kind    string
		host    string
		step    Step
		n       int
		total   time.Duration
		pacedBy string
	}{
		// 3 site and 3 key reads, a page of each listing, and 3 git host reads per chain: 100 chains are
		// 308 requests ÷ 10 × 50 ms.
		{platform.Netlify, githost.GitLab, StepPlan, 100, own + 1540*time.Millisecond, ""},
		// A thousand chains: 3 reads of each kind, 10 pages of sites and the one answer listing every key, 17
		// Netlify requests, far below the limit.
		{platform.Netlify, githost.GitLab, StepPlan, 1000, own + 15085*time.Millisecond, ""},
		// 10 requests per chain: 50 ms per chain; 3 of them Netlify's, 300 in all.
		{platform.Netlify, githost.GitLab, StepApply, 100, own + 5000*time.Millisecond, ""},
		{platform.Netlify, githost.Bitbucket, StepApply, 100, own + 5000*time.Millisecond, ""},
		// 200 chains need 600 Netlify requests: the last 100 wait for the second minute.
		{platform.Netlify, githost.GitLab, StepApply, 200, own + time.Minute + latency, netlify},
		// The refresh's 10 Netlify requests, and 3 per chain: 610.
		{platform.Netlify, githost.GitLab, StepDestroy, 200, own + time.Minute + latency, netlify},
		// 2 GitHub writes per chain, one second apart: (200 - 1) s + one round trip; with 200 chains
		// GitHub's pacing (399 s) rules over Netlify's limit (1 minute).
		{platform.Netlify, githost.GitHub, StepApply, 100, own + 199*time.Second + latency, github},
		{platform.Netlify, githost.GitHub, StepApply, 200, own + 399*time.Second + latency, github},
		{platform.Netlify, githost.GitHub, StepDestroy, 200, own + 399*time.Second + latency, github},
		{platform.Netlify, githost.GitHub, StepPlan, 100, own + 1540*time.Millisecond, ""},
		{platform.Netlify, githost.GitHub, StepApply, 0, own, ""},
		// Dokploy: a plan of 100 chains is 2 application reads and 3 git host reads per chain, 3 key reads
		// and one listing: 504 requests; an apply 16 requests per chain; a destroy of 200 chains the
		// plan's 1004 and 5 requests per chain. Dokploy has no rate limit.
		{platform.Dokploy, githost.GitLab, StepPlan, 100, own + 2520*time.Millisecond, ""},
		{platform.Dokploy, githost.Gitea, StepApply, 100, own + 8*time.Second, ""},
		{platform.Dokploy, githost.GitLab, StepDestroy, 200, own + 10020*time.Millisecond, ""},
		// The same GitHub writes as on Netlify: pacing sets the floor.
		{platform.Dokploy, githost.GitHub, StepApply, 100, own + 199*time.Second + latency, github},
	}
	for _, tt := range tests {
		f := floorOf(tt.kind, tt.host, tt.step, tt.n, own, latency, time.Second, NetlifyLimit)
		if f.Total != tt.total || f.Target != 1.15 || f.PacedBy != tt.pacedBy || f.Own != own {
			t.Errorf("%s/%s %s N=%d: floor %+v, want total %v, target 1.15, paced by %q", tt.kind, tt.host, tt.step, tt.n, f,
				tt.total, tt.pacedBy)
		}
	}
	// Without pacing, GitHub's apply has the latency floor.
	if f := floorOf(platform.Netlify, githost.GitHub, StepApply, 100, own, latency, 0, NetlifyLimit); f.PacedBy != "" || f.Total != own+5000*time.Millisecond {
		t.Errorf("unpaced GitHub apply: %+v", f)
	}
	// Without Netlify's limit, 600 Netlify requests need no second minute.
	if f := floorOf(platform.Netlify, githost.GitLab, StepApply, 200, own, latency, time.Second, 0); f.PacedBy != "" || f.Total != own+10*time.Second {
		t.Errorf("Netlify apply without a limit: %+v", f)
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
