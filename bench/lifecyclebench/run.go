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
	Wall        time.Duration  `json:"wall_ns"`
	Requests    map[string]int `json:"requests"` // per emulator route, e.g. "GET /netlify/api/v1/sites/{site_id}"
	Minimum     map[string]int `json:"minimum"`
	RateLimited int            `json:"rate_limited"` // answers that refused a request for a rate limit
	Connections int            `json:"connections"`  // TCP connections the provider opened
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
	Parallelism      int           `json:"parallelism"`
	ChainCounts      []int         `json:"chain_counts"`
	Platforms        []string      `json:"platforms"`
	Hosts            []string      `json:"hosts"`
	CPUs             int           `json:"cpus"`
	LoadBefore       string        `json:"load_before"` // /proc/loadavg: other work on the machine skews the times
	LoadAfter        string        `json:"load_after"`
	Steps            []StepResult  `json:"steps"` // chains = 0 is the baseline: Terraform's own time
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

// Run measures apply, plan and destroy of every chain count on every pair of platform and git host,
// after a baseline with zero chains per pair (Terraform's own time). It returns what it measured even when it fails part
// way. Progress lines go to progress.
func Run(ctx context.Context, cfg Config, progress io.Writer) (*Results, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	results := &Results{Started: time.Now().UTC(), Latency: cfg.Latency, WriteInterval: cfg.GitHubWriteInterval,
		Parallelism: Parallelism, ChainCounts: slices.Clone(cfg.ChainCounts), Platforms: slices.Clone(cfg.Platforms),
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

	if r.emu, err = startEmulator(slices.Max(cfg.ChainCounts), cfg.Latency); err != nil {
		return nil, err
	}
	defer func() { _ = r.emu.close() }() // the results are complete; a slow shutdown changes nothing

	for _, kind := range cfg.Platforms {
		for _, host := range cfg.Hosts {
			for _, n := range append([]int{0}, cfg.ChainCounts...) {
				steps, err := r.chains(ctx, kind, host, n)
				results.Steps = append(results.Steps, steps...)
				setFloors(results, kind, host, cfg)
				if err != nil {
					return results, fmt.Errorf("%s on %s, %d chains: %w", kind, host, n, err)
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

// chains runs apply, plan and destroy of n chains of platform kind on host against a freshly reset
// emulator.
func (r *runner) chains(ctx context.Context, kind, host string, n int) ([]StepResult, error) {
	if err := r.emu.reset(); err != nil {
		return nil, err
	}
	dir := filepath.Join(r.workDir, fmt.Sprintf("%s-%s-%d", kind, host, n))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if err := writeChainConfig(dir, kind, host, n, r.cfg.GitHubWriteInterval); err != nil {
		return nil, err
	}
	var out []StepResult
	for _, step := range Steps {
		res, err := r.step(ctx, dir, kind, host, n, step)
		if err != nil {
			return out, err
		}
		r.say("%-7s %-6s N=%-4d %-7s %8.2fs  %5d requests (minimum %d)  %4d connections  rate limited %d  "+
			"provider peak RSS %.1f MiB  CPU: terraform %.2fs, provider %.2fs, emulator %.2fs",
			kind, host, n, step, res.Wall.Seconds(), total(res.Requests), total(res.Minimum), res.Connections, res.RateLimited,
			float64(res.PeakRSSKiB)/1024, res.CPU.Terraform.Seconds(), res.CPU.Provider.Seconds(), res.CPU.Emulator.Seconds())
		out = append(out, res)
	}
	return out, nil
}

// step runs one terraform command against a provider process of its own, so that the provider's memory
// high-water mark belongs to this step alone.
func (r *runner) step(ctx context.Context, dir, kind, host string, n int, step Step) (StepResult, error) {
	res := StepResult{Platform: kind, Host: host, Chains: n, Step: step, Minimum: Minimum(kind, host, step, n)}
	name := fmt.Sprintf("%s-%s-%d-%s", kind, host, n, step)
	// The provider's environment asks for no logs, as Terraform's does by default, so the provider turns its
	// loggers off (provider.QuietUnreadLogs); whatever it still writes stays in the temporary directory
	// unless the step fails.
	providerLog := filepath.Join(r.workDir, name+".provider.log")
	prov, err := startProvider(ctx, r.provider, baseEnv(r.emu.env(kind)...), providerLog)
	if err != nil {
		return res, errors.Join(err, keepLog(providerLog, r.logDir))
	}
	r.emu.startCounting()
	emuCPU := processCPU()
	run, runErr := runTerraform(ctx, r.terraform, dir, append(slices.Clone(r.tfEnv), "TF_REATTACH_PROVIDERS="+prov.reattach),
		step, filepath.Join(r.logDir, name+".log"))
	rss, rssErr := prov.peakRSSKiB()
	provCPU, cpuErr := prov.cpuTime()
	res.CPU = CPUTimes{Terraform: run.cpu, Provider: provCPU, Emulator: processCPU() - emuCPU}
	stopErr := prov.stop()
	res.Wall = run.wall
	res.PeakRSSKiB = rss
	res.Requests = r.emu.fake.RequestCounts()
	res.MaxInFlight = r.emu.fake.MaxInFlight()
	seen := r.emu.take()
	res.RateLimited, res.Failures, res.Connections = seen.rateLimited, seen.failures, seen.connections
	res.Objects = r.emu.objects(kind, host, n)
	res.Problems = objectProblems(step, n, res.Objects)
	if err := errors.Join(runErr, rssErr, cpuErr, stopErr); err != nil {
		return res, errors.Join(err, keepLog(providerLog, r.logDir))
	}
	return res, os.Remove(providerLog)
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

// setFloors fills in the floors of the results of a platform and git host once their baseline is known.
func setFloors(results *Results, kind, host string, cfg Config) {
	for i, s := range results.Steps {
		if s.Platform != kind || s.Host != host {
			continue
		}
		base, ok := results.Find(kind, host, 0, s.Step)
		if !ok {
			continue
		}
		results.Steps[i].Floor = floorOf(kind, host, s.Step, s.Chains, base.Wall, cfg.Latency, cfg.GitHubWriteInterval)
	}
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
