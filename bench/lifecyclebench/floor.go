package lifecyclebench

import (
	"time"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/emulator"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
)

// Floor is the least time a step can take, and the ratio to it the issue allows (issue 15):
//
//   - Own is Terraform's own time at the same N: the same step run in the same bench against answers
//     that take no time, without rate limits or pacing. It holds Terraform's and the provider's work per
//     resource, which grows with N (Terraform's local state is written again after each resource).
//   - Latency is the step's minimum requests ÷ Terraform's parallelism × the latency per request: the
//     time the round trips take when every slot is busy all the time.
//   - Pacing is the time the services' pacing needs where it rules: GitHub asks for one second (the write
//     interval) between the starts of two mutative requests of a token, so w writes take (w-1) intervals
//     plus the round trip of the last one; Netlify allows L = 500 requests a minute, so r requests beyond
//     one window wait for the next ones: (ceil(r/L)-1) minutes plus the round trip of the last one.
//
// Total is Own plus the larger of Latency and Pacing. Own and the rest may overlap in a real run (Terraform
// works while requests are in flight), so the floor is generous to nobody: a step at it wastes nothing.
type Floor struct {
	Own     time.Duration `json:"own_ns"`
	Latency time.Duration `json:"latency_ns"`
	Pacing  time.Duration `json:"pacing_ns"`
	PacedBy string        `json:"paced_by,omitempty"` // "github writes" or "netlify rate limit" when Pacing > Latency
	Total   time.Duration `json:"total_ns"`
	Target  float64       `json:"target_ratio"` // the wall time may be at most Target × Total
}

// Targets of issue 15.
const (
	targetRatio = 1.15 // every step, against its floor
	// TargetPeakRSSMiB bounds the provider's peak resident memory during the plan of the most chains.
	TargetPeakRSSMiB = 64
	// TargetPlanNetlifyRequests bounds the Netlify requests of the plan of TargetPlanChains chains.
	TargetPlanNetlifyRequests = 30
	TargetPlanChains          = 1000
)

// Pacing rules named in Floor.PacedBy.
const (
	pacedByGitHubWrites = "github writes"
	pacedByNetlifyLimit = "netlify rate limit"
)

// floorOf is the floor of a step of n chains of platform kind on host, given Terraform's own time for the
// step at n.
// netlifyLimit is Netlify's limit in requests a minute (0: none).
func floorOf(kind, host string, step Step, n int, own, latency, writeInterval time.Duration, netlifyLimit int) Floor {
	minimum := Minimum(kind, host, step, n)
	f := Floor{
		Own:     own,
		Latency: time.Duration(float64(total(minimum)) / Parallelism * float64(latency)),
		Target:  targetRatio,
	}
	if host == githost.GitHub && writeInterval > 0 {
		if w := serviceRequests(minimum, emulator.ServiceGitHub, true); w > 0 {
			f.Pacing, f.PacedBy = time.Duration(w-1)*writeInterval+latency, pacedByGitHubWrites
		}
	}
	if r := serviceRequests(minimum, emulator.ServiceNetlify, false); netlifyLimit > 0 && r > netlifyLimit {
		windows := (r + netlifyLimit - 1) / netlifyLimit
		if p := time.Duration(windows-1)*netlifyWindow + latency; p > f.Pacing {
			f.Pacing, f.PacedBy = p, pacedByNetlifyLimit
		}
	}
	if f.Pacing <= f.Latency {
		f.PacedBy = ""
	}
	f.Total = own + max(f.Latency, f.Pacing)
	return f
}
