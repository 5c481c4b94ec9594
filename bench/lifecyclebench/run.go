package lifecyclebench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/platform"
)

// StepResult is one measured step of N chains on one platform and git host.
type StepResult struct {
	Platform    string         `json:"platform"` // "netlify" or "dokploy"
	Host        string         `json:"host"`
	Chains      int            `json:"chains"`
	Step        Step           `json:"step"`
	PlanOnly    bool           `json:"plan_only,omitempty"` // the state was built by applies the bench did not measure
	Wall        time.Duration  `json:"wall_ns"`
	Requests    map[string]int `json:"requests"` // per emulator route, e.g. "GET /netlify/api/v1/sites/{site_id}"
	Minimum     map[string]int `json:"minimum"`
	RateLimited int            `json:"rate_limited"` // answers that refused a request for a rate limit
	// Waits are the provider's waits for a rate limit: to stay inside a service's announced budget
	// (internal/httpx's budget) or after a refusal. GitHub's pacing of writes is not among them.
	Waits       int            `json:"rate_limit_waits"`
	WaitTime    time.Duration  `json:"rate_limit_wait_ns"`
	Connections int            `json:"connections"` // TCP connections the provider opened
	CPU         CPUTimes       `json:"cpu"`
	Failures    map[string]int `json:"failures,omitempty"` // answers >= 400: "403 POST github, e.g. /path" → count
	PeakRSSKiB  int64          `json:"peak_rss_kib"`       // the provider's VmHWM after the step
	MaxInFlight map[string]int `json:"max_in_flight"`      // per service
	Objects     Objects        `json:"objects_after"`
	Problems    []string       `json:"problems,omitempty"` // what the step left that it should not have
	Floor       Floor          `json:"floor"`
}

// CPUTimes is the CPU time (user and system) each process used during a step. The emulator runs in the
// bench's process, so its figure is the bench's.
type CPUTimes struct {
	Terraform time.Duration `json:"terraform_ns"`
	Provider  time.Duration `json:"provider_ns"`
	Emulator  time.Duration `json:"emulator_ns"`
}

// label names the step's platform and git host: "dokploy/github".
func (r StepResult) label() string { return pair{r.Platform, r.Host}.String() }

// Ratio is the wall time over the floor (0 without a floor).
func (r StepResult) Ratio() float64 {
	if r.Floor.Total <= 0 {
		return 0
	}
	return r.Wall.Seconds() / r.Floor.Total.Seconds()
}

// Results is a whole bench run.
type Results struct {
	Started          time.Time     `json:"started"`
	TerraformVersion string        `json:"terraform_version"`
	Latency          time.Duration `json:"latency_ns"`
	WriteInterval    time.Duration `json:"github_write_interval_ns"`
	NetlifyLimit     int           `json:"netlify_rate_limit_per_minute"`
	Parallelism      int           `json:"parallelism"`
	ChainCounts      []int         `json:"chain_counts"`
	PlanOnlyCounts   []int         `json:"plan_only_counts,omitempty"`
	Platforms        []string      `json:"platforms"`
	Hosts            []string      `json:"hosts"`
	Skipped          []string      `json:"skipped,omitempty"` // pairs not measured, and why
	CPUs             int           `json:"cpus"`
	LoadBefore       string        `json:"load_before"` // /proc/loadavg: other work on the machine skews the times
	LoadAfter        string        `json:"load_after"`
	Steps            []StepResult  `json:"steps"`
}

// Find returns the result of a step, if it was measured.
func (r *Results) Find(kind, host string, chains int, step Step) (StepResult, bool) {
	for _, s := range r.Steps {
		if s.Platform == kind && s.Host == host && s.Chains == chains && s.Step == step {
			return s, true
		}
	}
	return StepResult{}, false
}

// allCounts are the measured N, whole lifecycles and plan-only points, ascending.
func (r *Results) allCounts() []int {
	out := slices.Concat(r.ChainCounts, r.PlanOnlyCounts)
	slices.Sort(out)
	return slices.Compact(out)
}

// runner holds what every step needs.
type runner struct {
	cfg       Config
	emu       *benchEmulator
	provider  string // binary
	terraform string // binary
	tfEnv     []string
	workDir   string
	logDir    string
	progress  io.Writer
}

// pace is how a step runs: the emulator's latency, whether the services' rate limits are enforced, and the
// provider's GitHub write_interval.
type pace struct {
	latency       time.Duration
	limits        bool
	writeInterval time.Duration
}

// own is the pace of Terraform's own time: answers that take no time, no rate limits, no pacing of writes.
var own = pace{}

// measured is the pace of the steps the report shows.
func (r *runner) measured() pace {
	return pace{latency: r.cfg.Latency, limits: true, writeInterval: r.cfg.GitHubWriteInterval}
}

// Run measures apply, plan and destroy of every chain count, and the plan of every plan-only chain count,
// on every supported pair of platform and git host. Each step runs twice: at the configured latency
// under the services' rate limits (the measurement), and against answers that take no time without rate
// limits or pacing (Terraform's own time at that N, part of the step's floor). It returns what it measured
// even when it fails part way. Progress lines go to progress.
func Run(ctx context.Context, cfg Config, progress io.Writer) (*Results, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	results := &Results{Started: time.Now().UTC(), Latency: cfg.Latency, WriteInterval: cfg.GitHubWriteInterval,
		NetlifyLimit: cfg.NetlifyLimit, Parallelism: Parallelism, ChainCounts: slices.Clone(cfg.ChainCounts),
		PlanOnlyCounts: slices.Clone(cfg.PlanOnlyCounts), Platforms: slices.Clone(cfg.Platforms),
		Hosts: slices.Clone(cfg.Hosts), CPUs: runtime.NumCPU(), LoadBefore: loadAverage()}
	defer func() { results.LoadAfter = loadAverage() }()
	r := &runner{cfg: cfg, progress: progress, logDir: filepath.Join(cfg.OutDir, "logs")}
	if err := os.MkdirAll(r.logDir, 0o755); err != nil {
		return nil, err
	}
	var err error
	if r.workDir, err = os.MkdirTemp("", "gitdeploy-bench-"); err != nil {
		return nil, err
	}
	defer func() { _ = os.RemoveAll(r.workDir) }() // a leftover temporary directory is harmless

	if r.terraform, err = exec.LookPath(orDefault(cfg.TerraformPath, "terraform")); err != nil {
		return nil, fmt.Errorf("terraform: %w", err)
	}
	r.provider = cfg.ProviderPath
	if r.provider == "" {
		r.say("building the provider")
		if r.provider, err = buildProvider(ctx, r.workDir); err != nil {
			return nil, err
		}
	}
	// Terraform reads no CLI configuration of the user: an empty file in the temporary directory.
	cliConfig := filepath.Join(r.workDir, "terraform.rc")
	if err := os.WriteFile(cliConfig, nil, 0o600); err != nil {
		return nil, err
	}
	r.tfEnv = baseEnv("TF_CLI_CONFIG_FILE="+cliConfig, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")
	if results.TerraformVersion, err = terraformVersion(ctx, r.terraform, r.tfEnv); err != nil {
		return nil, err
	}

	if r.emu, err = startEmulator(slices.Max(results.allCounts()), cfg.Latency, cfg.NetlifyLimit); err != nil {
		return nil, err
	}
	defer func() { _ = r.emu.close() }() // the results are complete; a slow shutdown changes nothing

	for _, kind := range cfg.Platforms {
		for _, host := range cfg.Hosts {
			if ok, why := Supported(kind, host); !ok {
				results.Skipped = append(results.Skipped, pair{kind, host}.String()+": "+why)
				r.say("skipping %s/%s: %s", kind, host, why)
				continue
			}
			for _, n := range cfg.ChainCounts {
				steps, err := r.lifecycle(ctx, kind, host, n)
				results.Steps = append(results.Steps, steps...)
				if err != nil {
					return results, fmt.Errorf("%s on %s, %d chains: %w", kind, host, n, err)
				}
			}
			for _, n := range cfg.PlanOnlyCounts {
				step, err := r.planOnly(ctx, kind, host, n)
				if step != nil {
					results.Steps = append(results.Steps, *step)
				}
				if err != nil {
					return results, fmt.Errorf("%s on %s, plan of %d chains: %w", kind, host, n, err)
				}
			}
		}
	}
	return results, nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func (r *runner) say(format string, args ...any) {
	if r.progress != nil {
		_, _ = fmt.Fprintf(r.progress, format+"\n", args...) // progress is informational
	}
}

// lifecycle runs apply, plan and destroy of n chains of platform kind on host twice against a freshly
// reset emulator: first at Terraform's own pace, then measured; each measured step's floor counts the
// first run's time of the same step.
func (r *runner) lifecycle(ctx context.Context, kind, host string, n int) ([]StepResult, error) {
	owns := map[Step]StepResult{}
	ownDir, err := r.chainDir(kind, host, n, "own", own.writeInterval)
	if err != nil {
		return nil, err
	}
	r.emu.reset(0)
	for _, step := range Steps {
		res, err := r.step(ctx, ownDir, kind, host, n, step, own, "own")
		if err != nil {
			return nil, fmt.Errorf("at Terraform's own pace: %w", err)
		}
		owns[step] = res
	}

	p := r.measured()
	dir, err := r.chainDir(kind, host, n, "", p.writeInterval)
	if err != nil {
		return nil, err
	}
	r.emu.reset(p.latency)
	var out []StepResult
	for _, step := range Steps {
		res, err := r.step(ctx, dir, kind, host, n, step, p, "")
		res = withOwn(res, owns[step], r.cfg)
		out = append(out, res)
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

// planOnly measures the plan of n chains of platform kind on host whose state the bench built with
// applies of SetupChunk chains each at Terraform's own pace, not measured (joinStates): first at
// Terraform's own pace, then measured.
func (r *runner) planOnly(ctx context.Context, kind, host string, n int) (*StepResult, error) {
	r.emu.reset(0) // no rate limits either
	dir, err := r.chainDir(kind, host, n, "", own.writeInterval)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	chunk := r.cfg.SetupChunk
	if chunk <= 0 {
		chunk = defaultSetupChunk
	}
	var chunks []chunkState
	for offset := 0; offset < n; offset += chunk {
		size := min(chunk, n-offset)
		chunkDir := filepath.Join(dir, fmt.Sprintf("setup-%04d", offset))
		if err := os.MkdirAll(chunkDir, 0o755); err != nil {
			return nil, err
		}
		if err := writeChainConfig(chunkDir, kind, host, offset, size, own.writeInterval); err != nil {
			return nil, err
		}
		name := fmt.Sprintf("%s-%s-%d-setup-%04d", kind, host, n, offset)
		if _, err := r.terraformStep(ctx, chunkDir, kind, StepApply, name); err != nil {
			return nil, fmt.Errorf("building the state of %d chains: %w", n, err)
		}
		chunks = append(chunks, chunkState{path: filepath.Join(chunkDir, "terraform.tfstate"), offset: offset})
	}
	if err := joinStates(chunks, filepath.Join(dir, "terraform.tfstate")); err != nil {
		return nil, fmt.Errorf("joining the states of %d chains: %w", n, err)
	}
	r.say("%-7s %-9s N=%-4d state built in %d applies of up to %d chains, unmeasured: %.1fs", kind, host, n, len(chunks), chunk,
		time.Since(start).Seconds())

	ownRes, err := r.step(ctx, dir, kind, host, n, StepPlan, own, "own")
	if err != nil {
		return nil, fmt.Errorf("at Terraform's own pace: %w", err)
	}
	p := r.measured()
	if err := writeChainConfig(dir, kind, host, 0, n, p.writeInterval); err != nil {
		return nil, err
	}
	res, err := r.step(ctx, dir, kind, host, n, StepPlan, p, "")
	res.PlanOnly = true
	res = withOwn(res, ownRes, r.cfg)
	return &res, err
}

// defaultSetupChunk is how many chains each apply that builds a plan-only state holds: small enough that
// Terraform's state writes stay cheap, large enough that few processes start.
const defaultSetupChunk = 100

// chainDir makes the working directory of n chains (with a suffix for a second run of the same N) and
// writes its configuration.
func (r *runner) chainDir(kind, host string, n int, suffix string, writeInterval time.Duration) (string, error) {
	name := fmt.Sprintf("%s-%s-%d", kind, host, n)
	if suffix != "" {
		name += "-" + suffix
	}
	dir := filepath.Join(r.workDir, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	return dir, writeChainConfig(dir, kind, host, 0, n, writeInterval)
}

// withOwn sets the floor of a measured step from the same step at Terraform's own pace, and notes what
// that run left wrong.
func withOwn(res, ownRes StepResult, cfg Config) StepResult {
	res.Floor = floorOf(res.Platform, res.Host, res.Step, res.Chains, ownRes.Wall, cfg.Latency, cfg.GitHubWriteInterval, cfg.NetlifyLimit)
	for _, p := range ownRes.Problems {
		res.Problems = append(res.Problems, "at Terraform's own pace: "+p)
	}
	for f, c := range ownRes.Failures {
		res.Problems = append(res.Problems, fmt.Sprintf("at Terraform's own pace: %d answers %s", c, f))
	}
	return res
}

// step runs one terraform command against a provider process of its own, so that the provider's memory
// high-water mark belongs to this step alone. The services' rate limits, when the pace has them, start a
// fresh window with the step.
func (r *runner) step(ctx context.Context, dir, kind, host string, n int, step Step, p pace, suffix string) (StepResult, error) {
	res := StepResult{Platform: kind, Host: host, Chains: n, Step: step, Minimum: Minimum(kind, host, step, n)}
	if err := r.emu.setPace(p.latency, p.limits); err != nil {
		return res, err
	}
	name := fmt.Sprintf("%s-%s-%d-%s", kind, host, n, step)
	if suffix != "" {
		name += "-" + suffix
	}
	r.emu.startCounting()
	emuCPU := processCPU()
	run, err := r.terraformStep(ctx, dir, kind, step, name)
	res.Wall = run.wall
	res.CPU = CPUTimes{Terraform: run.cpu, Provider: run.providerCPU, Emulator: processCPU() - emuCPU}
	res.PeakRSSKiB = run.peakRSSKiB
	res.Waits, res.WaitTime = run.waits.count, run.waits.total
	res.Requests = r.emu.fake.RequestCounts()
	res.MaxInFlight = r.emu.fake.MaxInFlight()
	seen := r.emu.take()
	res.RateLimited, res.Failures, res.Connections = seen.rateLimited, seen.failures, seen.connections
	res.Objects = r.emu.objects(kind, host, n)
	res.Problems = objectProblems(step, n, res.Objects)
	if err == nil {
		pace := "measured"
		if p == own {
			pace = "own pace"
		}
		r.say("%-7s %-9s N=%-4d %-7s %-8s %8.2fs  %5d requests (minimum %d)  %4d connections  rate limited %d, waits %d (%.1fs)  "+
			"provider peak RSS %.1f MiB  CPU: terraform %.2fs, provider %.2fs, emulator %.2fs",
			kind, host, n, step, pace, res.Wall.Seconds(), total(res.Requests), total(res.Minimum), res.Connections, res.RateLimited,
			res.Waits, res.WaitTime.Seconds(), float64(res.PeakRSSKiB)/1024, res.CPU.Terraform.Seconds(), res.CPU.Provider.Seconds(),
			res.CPU.Emulator.Seconds())
	}
	return res, err
}

// providerRun is what one terraform command with its own provider process measured.
type providerRun struct {
	terraformRun
	providerCPU time.Duration
	peakRSSKiB  int64
	waits       waits
}

// providerLogEnv asks the provider for its own debug log, where it notes each wait for a rate limit, and
// for nothing of the SDK's (terraform-plugin-go and the framework trace every request otherwise, which costs
// a third of the provider's CPU: internal/provider.QuietUnreadLogs).
var providerLogEnv = []string{"TF_LOG_PROVIDER_GITDEPLOY=DEBUG", "TF_LOG_SDK=off", "TF_LOG_SDK_PROTO=off", "TF_LOG_SDK_FRAMEWORK=off"}

// terraformStep runs one terraform command in dir with a provider process of its own. Terraform's output
// goes to logs/<name>.log; the provider's log stays in the temporary directory unless the step fails.
func (r *runner) terraformStep(ctx context.Context, dir, kind string, step Step, name string) (providerRun, error) {
	var out providerRun
	providerLog := filepath.Join(r.workDir, name+".provider.log")
	prov, err := startProvider(ctx, r.provider, baseEnv(append(r.emu.env(kind), providerLogEnv...)...), providerLog)
	if err != nil {
		return out, errors.Join(err, keepLog(providerLog, r.logDir))
	}
	run, runErr := runTerraform(ctx, r.terraform, dir, append(slices.Clone(r.tfEnv), "TF_REATTACH_PROVIDERS="+prov.reattach),
		step, filepath.Join(r.logDir, name+".log"))
	out.terraformRun = run
	var rssErr, cpuErr error
	out.peakRSSKiB, rssErr = prov.peakRSSKiB()
	out.providerCPU, cpuErr = prov.cpuTime()
	stopErr := prov.stop()
	var waitErr error
	out.waits, waitErr = readWaits(providerLog)
	if err := errors.Join(runErr, rssErr, cpuErr, stopErr, waitErr); err != nil {
		return out, errors.Join(err, keepLog(providerLog, r.logDir))
	}
	return out, os.Remove(providerLog)
}

// processCPU is the CPU time this process used so far (0 where /proc cannot say).
func processCPU() time.Duration {
	data, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return 0
	}
	d, err := parseStatCPU(string(data))
	if err != nil {
		return 0
	}
	return d
}

// loadAverage is the first three fields of /proc/loadavg ("" if unreadable).
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	fields := strings.Fields(string(data))
	return strings.Join(fields[:min(3, len(fields))], " ")
}

// keepLog copies a log into dir, for reading after a failure.
func keepLog(path, dir string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, filepath.Base(path)), data, 0o644)
}

// objectProblems says what an apply failed to create or a destroy left behind.
func objectProblems(step Step, n int, o Objects) []string {
	want := Objects{}
	switch step {
	case StepApply, StepPlan:
		want = Objects{Sites: n, LinkedSites: n, PlatformKeys: n, GitKeys: n, Hooks: n}
	}
	if o == want {
		return nil
	}
	return []string{fmt.Sprintf("after %s of %d chains the services hold %+v, want %+v", step, n, o, want)}
}

// pair is a platform and a git host: what one run of the chains measures.
type pair struct{ Platform, Host string }

func (p pair) String() string { return p.Platform + "/" + p.Host }

// pairsMeasured lists the pairs of platform and git host with results, in the configured order.
func (r *Results) pairsMeasured() []pair {
	var out []pair
	for _, kind := range append(slices.Clone(r.Platforms), platform.Kinds...) {
		for _, h := range append(slices.Clone(r.Hosts), BenchHosts...) {
			p := pair{kind, h}
			if slices.Contains(out, p) {
				continue
			}
			for _, s := range r.Steps {
				if s.Platform == kind && s.Host == h {
					out = append(out, p)
					break
				}
			}
		}
	}
	return out
}
