package lifecyclebench

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/emulator"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/platform"
)

// PlotFile is the plot's file name in the output directory; the report links to it.
const PlotFile = "lifecycle.png"

// Markdown renders the results as the report: a table of every step with its floor and targets, the
// targets of issue 15, the requests per route beside their minimum, and how the floors are derived.
func Markdown(r *Results) string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }

	p("# Lifecycle benchmark\n\n")
	p("Apply, no-change plan and destroy of N chains (`gitdeploy_site`, `gitdeploy_deploy_key`, `gitdeploy_repo_link`, "+
		"`gitdeploy_webhook`) on each platform and git host against the emulator, measured %s with %s; %s per request, "+
		"Terraform parallelism %d, GitHub `write_interval` %s, Netlify's limit of %d requests a minute enforced; "+
		"%d CPUs, load average %s before and %s after. Run it with `make bench` (see bench/README.md).\n\n",
		r.Started.Format("2006-01-02 15:04 MST"), orDefault(r.TerraformVersion, "Terraform"), r.Latency, r.Parallelism,
		r.WriteInterval, r.NetlifyLimit, r.CPUs, orDefault(r.LoadBefore, "?"), orDefault(r.LoadAfter, "?"))
	if len(r.PlanOnlyCounts) > 0 {
		p("N = %s: the plan alone, on a state the bench built with applies it did not measure.\n\n", joinInts(r.PlanOnlyCounts))
	}
	for _, s := range r.Skipped {
		p("Not measured: %s.\n\n", s)
	}
	p("![time and requests per chain against N](%s)\n\n", PlotFile)

	writeSummaryTable(&b, r)
	writeTargets(&b, r)
	writeRoutes(&b, r)
	writeOffMinimum(&b, r)
	writeProblems(&b, r)
	writeMethod(&b)
	return b.String()
}

func joinInts(ns []int) string {
	var parts []string
	for _, n := range ns {
		parts = append(parts, fmt.Sprint(n))
	}
	return strings.Join(parts, ", ")
}

// measured are the steps with chains, in run order.
func (r *Results) measured() []StepResult {
	var out []StepResult
	for _, s := range r.Steps {
		if s.Chains > 0 {
			out = append(out, s)
		}
	}
	return out
}

func writeSummaryTable(b *strings.Builder, r *Results) {
	b.WriteString("Per chain: the requests, the minimum, and the per-object minimum (every object read on its own, " +
		"no listing). Own: Terraform's own time, the same step against answers that take no time.\n\n")
	b.WriteString("| platform | host | N | step | time | own | floor | ratio | target | requests | per chain | minimum per chain " +
		"| per-object minimum per chain | off minimum | rate limited | rate-limit waits | connections | CPU terraform | CPU provider " +
		"| provider peak RSS |\n")
	b.WriteString("|---|---|--:|---|--:|--:|--:|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, s := range r.measured() {
		floor := seconds(s.Floor.Total)
		if s.Floor.PacedBy != "" {
			floor += " (" + s.Floor.PacedBy + ")"
		}
		fmt.Fprintf(b, "| %s | %s | %d | %s | %s | %s | %s | %.2f× | ≤ %.2f× %s | %d | %s | %s | %s | %s | %d | %s | %d | %s | %s | %s |\n",
			s.Platform, s.Host, s.Chains, s.Step, seconds(s.Wall), seconds(s.Floor.Own), floor, s.Ratio(), s.Floor.Target,
			mark(s.Ratio() <= s.Floor.Target), total(s.Requests), perChain(total(s.Requests), s.Chains),
			perChain(total(s.Minimum), s.Chains), perChain(total(PerObjectMinimum(s.Platform, s.Host, s.Step, s.Chains)), s.Chains),
			offMinimum(s), s.RateLimited, waitsOf(s), s.Connections, seconds(s.CPU.Terraform), seconds(s.CPU.Provider), mib(s.PeakRSSKiB))
	}
	b.WriteString("\n")
}

// perChain is count ÷ chains with two decimals.
func perChain(count, chains int) string {
	if chains <= 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f", float64(count)/float64(chains))
}

// waitsOf is "0", or the number of waits and their total time.
func waitsOf(s StepResult) string {
	if s.Waits == 0 {
		return "0"
	}
	return fmt.Sprintf("%d (%s)", s.Waits, seconds(s.WaitTime))
}

// offMinimum is "0", or the requests above (+) and below (−) the minimum.
func offMinimum(s StepResult) string {
	above, below := 0, 0
	for _, d := range Deviations(s.Platform, s.Host, s.Step, s.Chains, s.Requests) {
		if d.Excess > 0 {
			above += d.Excess
		} else {
			below -= d.Excess
		}
	}
	var parts []string
	if above > 0 {
		parts = append(parts, fmt.Sprintf("+%d", above))
	}
	if below > 0 {
		parts = append(parts, fmt.Sprintf("−%d", below))
	}
	if len(parts) == 0 {
		return "0"
	}
	return "**" + strings.Join(parts, " ") + "**"
}

func writeTargets(b *strings.Builder, r *Results) {
	steps := r.measured()
	b.WriteString("## Targets (issue 15)\n\n")

	var slow []string
	for _, s := range steps {
		if s.Ratio() > s.Floor.Target {
			slow = append(slow, fmt.Sprintf("%s N=%d %s %.2f×", s.label(), s.Chains, s.Step, s.Ratio()))
		}
	}
	fmt.Fprintf(b, "- Every step ≤ %.2f× its floor: %s\n", targetRatio, verdict(slow, "every step"))

	var plans []string
	ok, found := true, false
	for _, pr := range r.pairsMeasured() {
		if pr.Platform != platform.Netlify {
			continue
		}
		s, measured := r.Find(pr.Platform, pr.Host, TargetPlanChains, StepPlan)
		if !measured {
			continue
		}
		found = true
		netlify := serviceRequests(s.Requests, emulator.ServiceNetlify, false)
		ok = ok && netlify <= TargetPlanNetlifyRequests && s.Waits == 0 && s.RateLimited == 0
		plans = append(plans, fmt.Sprintf("%s %d Netlify requests, %d rate-limit waits, %d refusals", pr, netlify, s.Waits, s.RateLimited))
	}
	if found {
		fmt.Fprintf(b, "- The plan of %d Netlify chains with ≤ %d Netlify requests and no rate-limit wait: %s %s\n", TargetPlanChains,
			TargetPlanNetlifyRequests, strings.Join(plans, "; "), mark(ok))
	} else {
		fmt.Fprintf(b, "- The plan of %d Netlify chains: not measured in this run\n", TargetPlanChains)
	}

	limited, waited := 0, 0
	var waitSteps []string
	for _, s := range steps {
		limited += s.RateLimited
		if s.Waits > 0 {
			waited += s.Waits
			waitSteps = append(waitSteps, fmt.Sprintf("%s N=%d %s %s", s.label(), s.Chains, s.Step, waitsOf(s)))
		}
	}
	fmt.Fprintf(b, "- Rate-limit refusals: %d %s\n", limited, mark(limited == 0))
	if waited == 0 {
		b.WriteString("- Rate-limit waits (the provider keeping inside an announced budget, or after a refusal): none\n")
	} else {
		fmt.Fprintf(b, "- Rate-limit waits (the provider keeping inside an announced budget, or after a refusal): %s\n",
			strings.Join(waitSteps, "; "))
	}

	var off []string
	for _, s := range steps {
		if o := offMinimum(s); o != "0" {
			off = append(off, fmt.Sprintf("%s N=%d %s %s", s.label(), s.Chains, s.Step, strings.Trim(o, "*")))
		}
	}
	fmt.Fprintf(b, "- Requests per step equal to the minimum: %s\n", verdict(off, "every step"))

	largest := slices.Max(append([]int{0}, r.allCounts()...))
	var rss []string
	ok = true
	for _, pr := range r.pairsMeasured() {
		if s, found := r.Find(pr.Platform, pr.Host, largest, StepPlan); found {
			rss = append(rss, fmt.Sprintf("%s %s", pr, mib(s.PeakRSSKiB)))
			ok = ok && s.PeakRSSKiB <= TargetPeakRSSMiB*1024
		}
	}
	if len(rss) > 0 {
		fmt.Fprintf(b, "- Provider peak RSS during the plan of %d chains ≤ %d MiB: %s %s\n", largest, TargetPeakRSSMiB,
			strings.Join(rss, ", "), mark(ok))
	}
	b.WriteString("\n")
}

func verdict(misses []string, what string) string {
	if len(misses) == 0 {
		return what + " " + mark(true)
	}
	return mark(false) + " " + strings.Join(misses, "; ")
}

func writeRoutes(b *strings.Builder, r *Results) {
	b.WriteString("## Requests per route\n\n")
	b.WriteString("Counted by the emulator per route, beside the minimum (per chain × N, or as the column says for reads a listing answers). A count off the minimum is in bold.\n\n")
	for _, pr := range r.pairsMeasured() {
		for _, step := range Steps {
			var row []StepResult
			for _, n := range r.allCounts() {
				if s, ok := r.Find(pr.Platform, pr.Host, n, step); ok {
					row = append(row, s)
				}
			}
			if len(row) == 0 {
				continue
			}
			fmt.Fprintf(b, "### %s on %s: %s\n\n| route | minimum per chain | why |", pr.Platform, pr.Host, step)
			for _, s := range row {
				fmt.Fprintf(b, " N=%d |", s.Chains)
			}
			b.WriteString("\n|---|--:|---|" + strings.Repeat("--:|", len(row)) + "\n")
			for _, route := range stepRoutes(pr.Platform, pr.Host, step, row) {
				need := Need{Route: route, Why: "not needed by this step"}
				for _, n := range Needs(pr.Platform, pr.Host, step) {
					if n.Route == route {
						need = n
					}
				}
				fmt.Fprintf(b, "| `%s` | %s | %s |", shortRoute(route), need.Per(), need.Why)
				for _, s := range row {
					count, want := s.Requests[route], need.For(s.Chains)
					if count == want {
						fmt.Fprintf(b, " %d |", count)
					} else {
						fmt.Fprintf(b, " **%d** (min %d) |", count, want)
					}
				}
				b.WriteString("\n")
			}
			b.WriteString("\n")
		}
	}
}

// stepRoutes are the routes the step needs, in the order of Needs, then any other route the results hold.
func stepRoutes(kind, host string, step Step, row []StepResult) []string {
	var out []string
	for _, need := range Needs(kind, host, step) {
		if !slices.Contains(out, need.Route) {
			out = append(out, need.Route)
		}
	}
	extra := map[string]bool{}
	for _, s := range row {
		for route := range s.Requests {
			if !slices.Contains(out, route) {
				extra[route] = true
			}
		}
	}
	return append(out, slices.Sorted(maps.Keys(extra))...)
}

func writeOffMinimum(b *strings.Builder, r *Results) {
	b.WriteString("## Requests off the minimum\n\n")
	listed := false
	for _, s := range r.measured() {
		if s.RateLimited > 0 {
			listed = true
			fmt.Fprintf(b, "- %s N=%d %s: %d requests were refused for a rate limit and sent again\n", s.label(), s.Chains, s.Step, s.RateLimited)
		}
		for _, d := range Deviations(s.Platform, s.Host, s.Step, s.Chains, s.Requests) {
			listed = true
			switch {
			case !d.Expected:
				fmt.Fprintf(b, "- %s N=%d %s: `%s` %d, not needed by this step\n", s.label(), s.Chains, s.Step, shortRoute(d.Route), d.Count)
			case d.Excess > 0:
				fmt.Fprintf(b, "- %s N=%d %s: `%s` %d, %d above the minimum %d (%s)\n", s.label(), s.Chains, s.Step,
					shortRoute(d.Route), d.Count, d.Excess, d.Minimum, d.Why)
			default:
				fmt.Fprintf(b, "- %s N=%d %s: `%s` %d, %d below the minimum %d (%s): a check skipped?\n", s.label(), s.Chains, s.Step,
					shortRoute(d.Route), d.Count, -d.Excess, d.Minimum, d.Why)
			}
		}
	}
	if !listed {
		b.WriteString("None: every step made exactly the requests it needs.\n")
	}
	b.WriteString("\n")
}

func writeProblems(b *strings.Builder, r *Results) {
	var lines []string
	for _, s := range r.Steps {
		lines = append(lines, s.Problems...)
		for f, c := range s.Failures {
			lines = append(lines, fmt.Sprintf("%s N=%d %s: %d answers %s", s.label(), s.Chains, s.Step, c, f))
		}
	}
	if len(lines) == 0 {
		return
	}
	slices.Sort(lines)
	b.WriteString("## Problems\n\n")
	for _, l := range lines {
		b.WriteString("- " + l + "\n")
	}
	b.WriteString("\n")
}

func writeMethod(b *strings.Builder) {
	b.WriteString(`## How it is measured

- Each step is one terraform command (` + "`apply -auto-approve`, `plan -detailed-exitcode`, `destroy -auto-approve`" + `)
  at -parallelism=10, Terraform's default. The provider runs as its own process in debug mode for each step;
  Terraform attaches to it with TF_REATTACH_PROVIDERS, and its peak resident memory is VmHWM of /proc/<pid>/status
  after the step. The provider writes its own debug log (nothing of the SDK's), where it notes every wait for a
  rate limit: those are the rate-limit waits.
- Every step runs twice for each N: first against answers that take no time, without rate limits and with
  GitHub's write_interval 0 (Terraform's own time at that N, the "own" column), then at the latency with the
  services' rate limits (the measurement). Both runs start from an emulator reset to its seed.
- The emulator runs in the bench's process, seeded with one private repository per chain (with a main branch) on
  each git host. In the measured runs every step starts with fresh rate-limit windows of GitHub (5,000 requests
  an hour; 100 concurrent and 80 content-creating requests a minute, answered 403 with retry-after) and Netlify
  (500 requests a minute, answered 429, announced in X-RateLimit-* headers); refused requests are counted as
  rate-limit refusals. Bitbucket's, GitLab's, Gitea's and Dokploy's limits are not enforced.
- Plan-only N: the state of N chains is built at Terraform's own pace by applies of a hundred chains each, whose
  states are joined (Terraform's local backend rewrites the whole state after each resource, so one apply of a
  thousand chains would take most of the run); the plan measured on it is a real terraform plan.
- Each run configures one platform (Netlify, or Dokploy with the emulator's seeded environment), so the resources
  need no platform attribute. Netlify cannot build from Gitea: that pair is not measured.
- Minimum requests per chain: apply creates each object once and keeps the create's answer (no GET after a POST);
  the repo link's pre-flight reads the repository, the branch and the repository's deploy keys (the key's public
  key is known from its create in the same apply), then writes; the repository and the branch are also read at
  plan, so that a wrong one fails the plan before anything is created. A no-change plan reads each remote object
  once (the repo link uses gitdeploy_site's read of the site, and reads its branch), or, where the platform lists
  them (Netlify's sites, 100 a page; Netlify's deploy keys and Dokploy's SSH keys, in one answer), the first three on their own and the
  rest from the listing; the per-object minimum reads every object on its own. Destroy is that refresh, then one
  request per object removed. Dokploy needs more where its answers say less: application.create leaves out the
  project (one application.one), sshKey.create answers no id (sshKey.generate, sshKey.create, sshKey.all), the
  link is three writes (saveBuildType, update for autoDeploy, saveGitProvider), and the webhook reads the
  application's deploy URL on create and on every refresh. bench/lifecyclebench/minimum.go derives each count.
- Floor = own time + the larger of: minimum requests ÷ parallelism × latency; (GitHub) (minimum mutative GitHub
  requests − 1) × write_interval + latency, the pacing GitHub documents for mutative requests; (Netlify) (⌈minimum
  Netlify requests ÷ 500⌉ − 1) minutes + latency, the time Netlify's limit needs. Requests that one resource makes
  at the same time count one slot each, so the latency part is generous to the provider, never below what the
  round trips need. Target: every step ≤ 1.15× its floor (issue 15).
- Connections counts the TCP connections the provider opened to the emulator. A client that reuses its
  connections opens about as many as it has requests in flight at once; against the real services every new
  one costs a TLS handshake.
`)
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }

// mib formats KiB as MiB; 0 means not measured (no /proc).
func mib(kib int64) string {
	if kib <= 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.1f MiB", float64(kib)/1024)
}

func mark(ok bool) string {
	if ok {
		return "✓"
	}
	return "✗"
}
