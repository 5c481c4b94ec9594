package lifecyclebench

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// PlotFile is the plot's file name in the output directory; the report links to it.
const PlotFile = "lifecycle.png"

// Markdown renders the results as the report: a table of every step with its floor and targets, the
// targets of issue 7, the requests per route beside their minimum, and how the floors are derived.
func Markdown(r *Results) string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }

	p("# Lifecycle benchmark\n\n")
	p("Apply, no-change plan and destroy of N chains (`gitdeploy_site`, `gitdeploy_deploy_key`, `gitdeploy_repo_link`, "+
		"`gitdeploy_webhook`) on each platform and git host against the emulator, measured %s with %s; %s per request, "+
		"Terraform parallelism %d, "+
		"GitHub `write_interval` %s; %d CPUs, load average %s before and %s after. Run it with `make bench` "+
		"(see bench/README.md).\n\n",
		r.Started.Format("2006-01-02 15:04 MST"), orDefault(r.TerraformVersion, "Terraform"), r.Latency, r.Parallelism,
		r.WriteInterval, r.CPUs, orDefault(r.LoadBefore, "?"), orDefault(r.LoadAfter, "?"))
	p("![time and requests against N](%s)\n\n", PlotFile)

	writeOwnTime(&b, r)
	writeSummaryTable(&b, r)
	writeTargets(&b, r)
	writeRoutes(&b, r)
	writeOffMinimum(&b, r)
	writeProblems(&b, r)
	writeMethod(&b)
	return b.String()
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

func writeOwnTime(b *strings.Builder, r *Results) {
	var parts []string
	for _, pr := range r.pairsMeasured() {
		var steps []string
		for _, step := range Steps {
			if s, ok := r.Find(pr.Platform, pr.Host, 0, step); ok {
				steps = append(steps, fmt.Sprintf("%s %s", step, seconds(s.Wall)))
			}
		}
		parts = append(parts, pr.Platform+" on "+pr.Host+": "+strings.Join(steps, ", "))
	}
	fmt.Fprintf(b, "Terraform's own time (the same steps with zero chains), part of every floor: %s.\n\n", strings.Join(parts, "; "))
}

func writeSummaryTable(b *strings.Builder, r *Results) {
	b.WriteString("| platform | host | N | step | time | floor | ratio | target | requests | minimum | off minimum | rate limited " +
		"| connections | CPU terraform | CPU provider | provider peak RSS |\n")
	b.WriteString("|---|---|--:|---|--:|--:|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, s := range r.measured() {
		floor := seconds(s.Floor.Total)
		if s.Floor.PacedBy() {
			floor += " (pacing)"
		}
		fmt.Fprintf(b, "| %s | %s | %d | %s | %s | %s | %.2f× | ≤ %.1f× %s | %d | %d | %s | %d | %d | %s | %s | %s |\n",
			s.Platform, s.Host, s.Chains, s.Step, seconds(s.Wall), floor, s.Ratio(), s.Floor.Target, mark(s.Ratio() <= s.Floor.Target),
			total(s.Requests), total(s.Minimum), offMinimum(s), s.RateLimited, s.Connections,
			seconds(s.CPU.Terraform), seconds(s.CPU.Provider), mib(s.PeakRSSKiB))
	}
	b.WriteString("\n")
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
	b.WriteString("## Targets (issue 7)\n\n")

	var slow []string
	for _, s := range steps {
		if s.Ratio() > s.Floor.Target {
			slow = append(slow, fmt.Sprintf("%s N=%d %s %.2f× (≤ %.1f×)", s.label(), s.Chains, s.Step, s.Ratio(), s.Floor.Target))
		}
	}
	fmt.Fprintf(b, "- Time: plan ≤ 1.3× its floor, GitLab apply and destroy ≤ 1.3×, GitHub apply and destroy ≤ 1.2× of "+
		"the pacing floor: %s\n", verdict(slow, "every step"))

	limited := 0
	for _, s := range steps {
		limited += s.RateLimited
	}
	fmt.Fprintf(b, "- Rate-limit refusals: %d %s\n", limited, mark(limited == 0))

	var off []string
	for _, s := range steps {
		if o := offMinimum(s); o != "0" {
			off = append(off, fmt.Sprintf("%s N=%d %s %s", s.label(), s.Chains, s.Step, strings.Trim(o, "*")))
		}
	}
	fmt.Fprintf(b, "- Requests per step equal to the minimum: %s\n", verdict(off, "every step"))

	largest := slices.Max(append([]int{0}, r.ChainCounts...))
	var rss []string
	ok := true
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
			for _, n := range r.ChainCounts {
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
  after the step.
- The emulator runs in the bench's process, seeded with one private repository per chain (with a main branch) on
  each git host, and reset before every N. It answers GitHub's documented rate limits (5,000 requests an hour; 100
  concurrent and 80 content-creating requests a minute) with 403 and retry-after, counted as rate-limit refusals.
- Each run configures one platform (Netlify, or Dokploy with the emulator's seeded environment), so the resources
  need no platform attribute.
- Minimum requests per chain: apply creates each object once and keeps the create's answer (no GET after a POST);
  the repo link's pre-flight reads the repository, the branch and the repository's deploy keys (the key's public
  key is known from its create in the same apply), then writes; the repository and the branch are also read at
  plan, so that a wrong one fails the plan before anything is created. A no-change plan reads each remote object
  once (the repo link uses gitdeploy_site's read of the site, and reads its branch), or, where the platform lists
  them (Netlify's sites and deploy keys, Dokploy's SSH keys), the first three on their own and the rest from the
  listing. Destroy is that refresh, then one request per object removed. Dokploy needs more where its answers say
  less: application.create leaves out the project (one application.one), sshKey.create answers no id
  (sshKey.generate, sshKey.create, sshKey.all), the link is three writes (saveBuildType, update for autoDeploy,
  saveGitProvider), and the webhook reads the application's deploy URL on create and on every refresh.
  bench/lifecyclebench/minimum.go derives each count.
- Floor = Terraform's own time (the step with zero chains) + the larger of: minimum requests ÷ parallelism ×
  latency, and (GitHub apply and destroy) (minimum mutative GitHub requests − 1) × write_interval + latency, the
  pacing GitHub documents for mutative requests (one second between them). Requests that one resource makes at the
  same time count one slot each, so the latency part is generous to the provider, never below what the round
  trips need.
- The floor leaves out the CPU that Terraform and the provider spend per resource, which grows with N (faster
  than linearly for Terraform): the CPU columns show it. On a machine with C CPUs, (CPU terraform + CPU provider)
  ÷ C is another lower bound of the wall time; where it comes near the time, the step is bound by computation,
  not by round trips.
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
