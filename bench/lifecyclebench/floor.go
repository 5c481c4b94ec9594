package lifecyclebench

import (
	"time"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
)

// Floor is the least time a step can take, and the ratio to it the issue allows:
//
//   - Own is Terraform's own time: the same step with zero chains.
//   - Latency is the step's minimum requests ÷ Terraform's parallelism × the latency per request: the
//     time the round trips take when every slot is busy all the time.
//   - Pacing (GitHub apply and destroy) is set by the step's minimum mutative GitHub requests: GitHub asks
//     for one second (the write interval) between the starts of two mutative requests of a token, so w
//     writes take (w-1) intervals, plus the round trip of the last one.
//
// The rules are the same on every platform, which only changes the minimum requests: the emulator
// enforces no platform rate limit in the bench (Dokploy documents none), and no platform asks for
// pacing of writes.
//
// Total is Own plus the larger of Latency and Pacing.
type Floor struct {
	Own     time.Duration `json:"own_ns"`
	Latency time.Duration `json:"latency_ns"`
	Pacing  time.Duration `json:"pacing_ns"`
	Total   time.Duration `json:"total_ns"`
	Target  float64       `json:"target_ratio"` // the wall time may be at most Target × Total
}

// Targets of issue 7.
const (
	targetLatency = 1.3 // plan, and GitLab apply and destroy
	targetPacing  = 1.2 // GitHub apply and destroy, against the pacing floor
	// TargetPeakRSSMiB bounds the provider's peak resident memory during the plan of the most chains.
	TargetPeakRSSMiB = 64
)

// PacedBy reports whether GitHub's pacing sets the floor.
func (f Floor) PacedBy() bool { return f.Pacing > f.Latency }

// floorOf is the floor of a step of n chains of platform kind on host, given Terraform's own time for the
// step.
func floorOf(kind, host string, step Step, n int, own, latency, writeInterval time.Duration) Floor {
	minimum := Minimum(kind, host, step, n)
	f := Floor{
		Own:     own,
		Latency: time.Duration(float64(total(minimum)) / Parallelism * float64(latency)),
		Target:  targetLatency,
	}
	if host == githost.GitHub && step != StepPlan {
		if w := githubWrites(minimum); w > 0 {
			f.Pacing = time.Duration(w-1)*writeInterval + latency
		}
	}
	f.Total = own + max(f.Latency, f.Pacing)
	if f.PacedBy() {
		f.Target = targetPacing
	}
	return f
}
