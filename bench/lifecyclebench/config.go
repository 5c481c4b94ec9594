// Package lifecyclebench measures terraform apply, a no-change plan and destroy of N full chains
// (gitdeploy_site, gitdeploy_deploy_key, gitdeploy_repo_link, gitdeploy_webhook) on each platform and git
// host against the emulator with a fixed latency per request. For every step it records the wall time, the
// requests the emulator counted per route beside the minimum the step needs, rate-limit refusals and the
// provider's rate-limit waits, and the provider's peak resident memory, and compares the time with a floor:
// Terraform's own time at the same N (the same step against answers that take no time, measured in the same
// run) plus the time the minimum requests need at the latency, or the time the services' pacing needs.
//
// The provider runs as its own process in debug mode and Terraform attaches to it through
// TF_REATTACH_PROVIDERS, so that its memory can be read from /proc; Terraform reads no CLI
// configuration of the user (TF_CLI_CONFIG_FILE points at an empty file in a temporary directory).
package lifecyclebench

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/platform"
)

// Step is one terraform command of the lifecycle.
type Step string

// The steps, in the order they run.
const (
	StepApply   Step = "apply"
	StepPlan    Step = "plan"
	StepDestroy Step = "destroy"
)

// Steps lists the steps in the order they run.
var Steps = []Step{StepApply, StepPlan, StepDestroy}

// Defaults of the command line.
const (
	DefaultLatency = 50 * time.Millisecond
	// DefaultGitHubWriteInterval is GitHub's documented pacing of mutative requests (one second between
	// them per token), which is also the provider's default write_interval.
	DefaultGitHubWriteInterval = time.Second
	// Parallelism is Terraform's default -parallelism. The bench passes it explicitly so that the floors
	// and the runs agree even if Terraform's default changes.
	Parallelism = 10
)

// BenchHosts are the git hosts the bench seeds repositories on and measures.
var BenchHosts = []string{githost.GitHub, githost.GitLab, githost.Bitbucket, githost.Gitea}

// DefaultChainCounts are the N whose whole lifecycle is measured (issue 7).
var DefaultChainCounts = []int{10, 50, 100, 200}

// DefaultPlanOnlyCounts are the N whose plan alone is measured (issue 15): an apply and a destroy of a
// thousand chains would not fit in the run.
var DefaultPlanOnlyCounts = []int{1000}

// Supported reports whether a platform can build from a git host, and why not. Netlify links GitHub,
// GitLab and Bitbucket repositories only (internal/platform/netlify's SupportsGitHost: the provider fails
// the plan of a Netlify link to Gitea), so the bench skips that pair.
func Supported(kind, host string) (bool, string) {
	if kind == platform.Netlify && host == githost.Gitea {
		return false, "Netlify cannot build from Gitea (it links GitHub, GitLab and Bitbucket only): the provider fails that plan, so the pair is not measured"
	}
	return true, ""
}

// Config says what to measure.
type Config struct {
	ChainCounts         []int         // N values whose apply, plan and destroy are measured, each > 0
	PlanOnlyCounts      []int         // N values whose plan alone is measured, on a state built unmeasured
	Platforms           []string      // platforms: "netlify", "dokploy"; each run configures only its platform
	Hosts               []string      // git hosts; every supported (platform, host) pair is measured
	Latency             time.Duration // added by the emulator to every API request
	GitHubWriteInterval time.Duration // the provider's github write_interval, and the pacing floor's interval
	NetlifyLimit        int           // Netlify's rate limit in the measured steps, requests a minute (0: none)
	OutDir              string        // where REPORT.md, lifecycle.png, results.json and logs/ go
	TerraformPath       string        // "" means "terraform" on PATH
	ProviderPath        string        // a built provider binary; "" means build one with go build
	// SetupChunk is how many chains each of the applies that build a plan-only state holds (0: 100).
	SetupChunk int
}

// DefaultConfig is the configuration of `make bench`.
func DefaultConfig() Config {
	return Config{
		ChainCounts:         slices.Clone(DefaultChainCounts),
		PlanOnlyCounts:      slices.Clone(DefaultPlanOnlyCounts),
		Platforms:           slices.Clone(platform.Kinds),
		Hosts:               slices.Clone(BenchHosts),
		Latency:             DefaultLatency,
		GitHubWriteInterval: DefaultGitHubWriteInterval,
		NetlifyLimit:        NetlifyLimit,
		OutDir:              ".", // the bench runs in bench/ (its module)
	}
}

// Validate reports a configuration the bench cannot run.
func (c Config) Validate() error {
	var errs []error
	if len(c.ChainCounts) == 0 && len(c.PlanOnlyCounts) == 0 {
		errs = append(errs, errors.New("no chain counts given"))
	}
	for _, n := range c.ChainCounts {
		if n <= 0 || n > maxChains {
			errs = append(errs, fmt.Errorf("chain count %d must be between 1 and %d", n, maxChains))
		}
	}
	for _, n := range c.PlanOnlyCounts {
		switch {
		case n <= 0 || n > maxChains:
			errs = append(errs, fmt.Errorf("plan-only chain count %d must be between 1 and %d", n, maxChains))
		case slices.Contains(c.ChainCounts, n):
			errs = append(errs, fmt.Errorf("chain count %d is both measured whole and plan-only", n))
		}
	}
	if c.NetlifyLimit < 0 {
		errs = append(errs, fmt.Errorf("the Netlify rate limit (-netlify-rate-limit) is %d; want 0 (none) or more", c.NetlifyLimit))
	}
	if c.SetupChunk < 0 {
		errs = append(errs, fmt.Errorf("setup chunk %d is negative", c.SetupChunk))
	}
	if len(c.Platforms) == 0 {
		errs = append(errs, errors.New("no platforms given"))
	}
	for _, p := range c.Platforms {
		if !slices.Contains(platform.Kinds, p) {
			errs = append(errs, fmt.Errorf("platform %q is not one of %v", p, platform.Kinds))
		}
	}
	if len(c.Hosts) == 0 {
		errs = append(errs, errors.New("no git hosts given"))
	}
	for _, h := range c.Hosts {
		if !slices.Contains(BenchHosts, h) {
			errs = append(errs, fmt.Errorf("git host %q is not one of %v", h, BenchHosts))
		}
	}
	if c.Latency < 0 {
		errs = append(errs, fmt.Errorf("latency %v is negative", c.Latency))
	}
	if c.GitHubWriteInterval < 0 {
		errs = append(errs, fmt.Errorf("GitHub write interval %v is negative", c.GitHubWriteInterval))
	}
	if c.OutDir == "" {
		errs = append(errs, errors.New("no output directory given"))
	}
	return errors.Join(errs...)
}

// maxChains bounds N: the emulator is seeded with one repository per chain.
const maxChains = 5000

// ParseChainCounts reads a comma-separated list such as "10,50,100,200" ("" is none).
func ParseChainCounts(s string) ([]int, error) {
	var out []int
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		n, err := strconv.Atoi(part)
		if err != nil {
			return nil, fmt.Errorf("chain count %q is not a whole number", part)
		}
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out, nil
}

// ParseHosts reads a comma-separated list such as "github,gitlab".
func ParseHosts(s string) []string { return parseNames(s) }

// ParsePlatforms reads a comma-separated list such as "netlify,dokploy".
func ParsePlatforms(s string) []string { return parseNames(s) }

// parseNames reads a comma-separated list of names, lower-cased, without duplicates, in the given order.
func parseNames(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		part = strings.ToLower(strings.TrimSpace(part))
		if part != "" && !slices.Contains(out, part) {
			out = append(out, part)
		}
	}
	return out
}
