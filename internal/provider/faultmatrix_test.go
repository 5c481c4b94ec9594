package provider

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/emulator"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/platform"
)

// The fault matrix: for every API call that the full chain's create, update and destroy make (site, deploy
// key, repository link, a webhook to the platform's endpoint and one to a build hook, on GitHub and on
// GitLab), each transient fault is injected once into that call. The apply must succeed, or fail with an
// error and succeed when run again; afterwards the objects on every system must be exactly those in
// Terraform's state: no orphaned site, key, hook or build hook, nothing missing; and the next plan is
// empty, so that they are also as configured.
//
// The calls come from the emulator's request counts of a clean run of each phase, so a call added to a
// resource is covered without editing this test. Each (git host, fault) pair is one sequence of applies on
// its own emulator and provider server: create, update, destroy, create, ... with the next call of that
// phase faulted each time, until every call of every phase had its fault. Sequences run in parallel.

// matrixFault is one kind of transient fault. createsOnly faults are injected into the calls that create
// something (POST) only; listingLag, when set, hides new objects from listings for the whole sequence.
type matrixFault struct {
	name        string
	fault       emulator.Fault
	createsOnly bool
	listingLag  time.Duration
}

// matrixListingLag is shorter than the lookup window after a lost answer with the matrix's retry settings
// (relists after 5, 10, 20, 40 and 50 ms), as a real service's replication is shorter than the default
// window (20 s).
const matrixListingLag = 60 * time.Millisecond

var matrixFaults = []matrixFault{
	{name: "500", fault: emulator.Fault{Status: 500}},
	{name: "502", fault: emulator.Fault{Status: 502}},
	{name: "503", fault: emulator.Fault{Status: 503}},
	{name: "429 Retry-After", fault: emulator.Fault{Status: 429, RetryAfter: 1}},
	{name: "dropped connection", fault: emulator.Fault{Drop: true}},
	{name: "answer lost after apply", fault: emulator.Fault{AfterApply: true}},
	{name: "applied, then 502", fault: emulator.Fault{AfterApply: true, Status: 502}, createsOnly: true},
	{name: "applied, then 504, listing lags", fault: emulator.Fault{AfterApply: true, Status: 504}, createsOnly: true, listingLag: matrixListingLag},
	{name: "latency", fault: emulator.Fault{Latency: 300 * time.Millisecond}},
}

// The configurations a sequence moves between, and the phases between them.
const (
	matrixEmpty = iota // provider only: everything destroyed
	matrixA            // the full chain
	matrixB            // the full chain with changes made in place
)

var matrixPhases = []struct {
	name     string
	from, to int
}{
	{"create", matrixEmpty, matrixA},
	{"update", matrixA, matrixB},
	{"destroy", matrixB, matrixEmpty},
}

// matrixChain is one platform and one git host's repository the chain links.
type matrixChain struct{ platform, kind, repo string }

func (c matrixChain) String() string { return c.platform + "+" + c.kind }

// matrixChains are the pairs the matrix runs: each platform with each git host.
var matrixChains = []matrixChain{
	{platform.Netlify, githost.GitHub, "gitdeploy-demo/private-app"},
	{platform.Netlify, githost.GitLab, "gitdeploy-demo/frontend/app"},
	{platform.Dokploy, githost.GitHub, "gitdeploy-demo/private-app"},
	{platform.Dokploy, githost.GitLab, "gitdeploy-demo/frontend/app"},
	{platform.Netlify, githost.Bitbucket, "gitdeploy-demo/private-app"},
	{platform.Dokploy, githost.Gitea, "gitdeploy-demo/private-app"},
}

// matrixConcurrency is how many sequences run at once: each is mostly terraform processes waiting on
// the provider and the emulator, so a few per core keep the machine busy.
const matrixConcurrency = 6

// matrixConfig is configuration which of the sequence on one chain. Retries are fast (the provider's
// documented retry_wait_* settings) and GitHub writes unpaced, so that hundreds of applies fit the budget.
func matrixConfig(env *testEnv, c matrixChain, which int) string {
	platformBlock := fmt.Sprintf(`netlify {
    token   = %q
    api_url = "%s/netlify/api/v1"
  }`, testNetlifyToken, env.url)
	if c.platform == platform.Dokploy {
		platformBlock = fmt.Sprintf(`dokploy {
    url     = "%s/dokploy"
    api_key = %q
  }`, env.url, testDokployAPIKey)
	}
	cfg := fmt.Sprintf(`
provider "gitdeploy" {
  max_retries    = 4
  retry_wait_min = "5ms"
  retry_wait_max = "50ms"
  %[1]s
  github {
    token          = %[3]q
    base_url       = "%[2]s/github/"
    write_interval = "0s"
  }
  gitlab {
    token    = %[4]q
    base_url = "%[2]s/gitlab/api/v4"
  }
  bitbucket {
    email     = %[5]q
    api_token = %[6]q
    base_url  = "%[2]s/bitbucket/2.0"
  }
  gitea {
    token    = %[7]q
    base_url = "%[2]s/gitea"
  }
}
`, platformBlock, env.url, testGitHubToken, testGitLabToken, emulator.DefaultBitbucketEmail, emulator.DefaultBitbucketAPIToken,
		emulator.DefaultGiteaToken)
	if which == matrixEmpty {
		return cfg
	}
	if c.platform == platform.Dokploy {
		return cfg + dokployMatrixChain(c, which)
	}
	siteName, buildCommand, events, buildEvents := "", "npm run build", `["push", "pull_request"]`, `["push"]`
	if which == matrixB {
		siteName, buildCommand, events, buildEvents = `name = "fault-matrix-renamed"`, "npm run build:prod", `["push"]`, `["push", "tag"]`
		if host, _ := githost.Describe(c.kind); !slices.Contains(host.Webhooks.Events, githost.EventTag) {
			buildEvents = `["push", "pull_request"]` // Bitbucket has no tag event of its own
		}
	}
	return cfg + fmt.Sprintf(`
resource "gitdeploy_site" "chain" {
  %[3]s
}

resource "gitdeploy_deploy_key" "chain" {
  git_provider = %[1]q
  repository   = %[2]q
}

resource "gitdeploy_repo_link" "chain" {
  site_id       = gitdeploy_site.chain.id
  git_provider  = %[1]q
  repository    = %[2]q
  branch        = "main"
  deploy_key_id = gitdeploy_deploy_key.chain.id
  build_command = %[4]q
}

resource "gitdeploy_webhook" "platform" {
  git_provider = %[1]q
  repository   = %[2]q
  secret       = "fault-matrix-secret"
  events       = %[5]s
}

resource "gitdeploy_webhook" "build_hook" {
  git_provider = %[1]q
  repository   = %[2]q
  site_id      = gitdeploy_site.chain.id
  events       = %[6]s
  build_hook = {
    branch = "main"
  }
}
`, c.kind, c.repo, siteName, buildCommand, events, buildEvents)
}

// dokployMatrixChain is the chain on Dokploy: an application, its key, its link and its webhook; B renames
// the application and changes the build and the webhook's events.
func dokployMatrixChain(c matrixChain, which int) string {
	siteName, buildType, events := "fault-matrix", "nixpacks", `["push", "pull_request"]`
	if which == matrixB {
		siteName, buildType, events = "fault-matrix-renamed", "static", `["push"]`
	}
	return fmt.Sprintf(`
resource "gitdeploy_site" "chain" {
  name    = %[3]q
  dokploy = { environment_id = %[6]q }
}

resource "gitdeploy_deploy_key" "chain" {
  git_provider = %[1]q
  repository   = %[2]q
}

resource "gitdeploy_repo_link" "chain" {
  site_id       = gitdeploy_site.chain.id
  git_provider  = %[1]q
  repository    = %[2]q
  branch        = "main"
  deploy_key_id = gitdeploy_deploy_key.chain.id
  publish_dir   = "dist"
  dokploy       = { build_type = %[4]q }
}

resource "gitdeploy_webhook" "platform" {
  git_provider = %[1]q
  repository   = %[2]q
  site_id      = gitdeploy_site.chain.id
  secret       = "fault-matrix-secret"
  events       = %[5]s
}
`, c.kind, c.repo, siteName, buildType, events, emulator.DefaultDokployEnvironmentID)
}

// matrixTally adds up the outcomes of the cases.
type matrixTally struct {
	mu sync.Mutex
	// imported counts the cases whose first apply failed naming objects it could not tell from others'
	// (a time-only identity after a lost answer) and the import command, and that succeeded once the
	// harness ran that command, as a user would.
	run, firstTime, imported, onRerun, failed, notHit, orph, dup int
	failures                                                     []string
}

func (m *matrixTally) add(f func(*matrixTally)) {
	m.mu.Lock()
	defer m.mu.Unlock()
	f(m)
}

func TestAccFaultMatrix(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	if testing.Short() {
		t.Skip("the fault matrix runs hundreds of applies")
	}
	start := time.Now()
	tally := &matrixTally{}

	// A clean run of each phase on each host names the calls to fault.
	routes := map[matrixChain][][]string{}
	for _, c := range matrixChains {
		routes[c] = cleanRunRoutes(t, c)
	}
	if t.Failed() {
		return
	}

	sem := make(chan struct{}, matrixConcurrency)
	var wg sync.WaitGroup
	for _, c := range matrixChains {
		for _, f := range matrixFaults {
			wg.Add(1)
			go func() {
				defer wg.Done()
				sem <- struct{}{}
				defer func() { <-sem }()
				// Run may be called from several goroutines at once; each sequence is a subtest.
				t.Run(c.String()+"/"+f.name, func(t *testing.T) {
					runFaultSequence(t, c, f, routes[c], tally)
				})
			}()
		}
	}
	wg.Wait()

	t.Logf("fault matrix: %d cases run, %d survived first time, %d survived after the import the error named, %d survived on re-run, "+
		"%d failed, %d duplicates, %d orphans (%d faults not hit) in %s",
		tally.run, tally.firstTime, tally.imported, tally.onRerun, tally.failed, tally.dup, tally.orph, tally.notHit,
		time.Since(start).Round(time.Second))
	for _, f := range tally.failures {
		t.Log(f)
	}
}

// cleanRunRoutes applies the three phases without faults and returns, per phase, the routes
// ("METHOD /pattern") it called. It checks the remote objects against the state after each phase too.
func cleanRunRoutes(t *testing.T, c matrixChain) [][]string {
	t.Helper()
	var out [][]string
	t.Run(c.String()+"/clean run", func(t *testing.T) {
		env := newTestEnv(t)
		d := newTFDriver(t)
		for _, p := range matrixPhases {
			env.emu.ResetRequestCounts()
			if err := d.apply(matrixConfig(env, c, p.to)); err != nil {
				t.Fatalf("%s: %v", p.name, err)
			}
			var keys []string
			for key, n := range env.emu.RequestCounts() {
				if n > 0 && !strings.Contains(key, "(unknown route)") {
					keys = append(keys, key)
				}
			}
			slices.Sort(keys)
			if len(keys) == 0 {
				t.Fatalf("%s made no API calls", p.name)
			}
			if orphans, problems := env.compareRemoteToState(c, d.state()); len(orphans)+len(problems) > 0 {
				t.Fatalf("%s: orphans %v, problems %v", p.name, orphans, problems)
			}
			out = append(out, keys)
		}
		t.Logf("calls per phase: create %d, update %d, destroy %d", len(out[0]), len(out[1]), len(out[2]))
	})
	return out
}

// runFaultSequence moves one emulator through create, update and destroy again and again, each phase with
// its next call faulted, until every call of every phase had the fault once.
func runFaultSequence(t *testing.T, c matrixChain, f matrixFault, routes [][]string, tally *matrixTally) {
	env := newTestEnv(t)
	env.emu.SetListingLag(f.listingLag)
	d := newTFDriver(t)
	queues := make([][]string, len(routes))
	for i := range routes {
		for _, r := range routes[i] {
			if !f.createsOnly || strings.HasPrefix(r, "POST ") {
				queues[i] = append(queues[i], r)
			}
		}
	}
	pending := func() bool {
		return slices.ContainsFunc(queues, func(q []string) bool { return len(q) > 0 })
	}
	for pending() {
		for i, p := range matrixPhases {
			var route string
			if len(queues[i]) > 0 {
				route, queues[i] = queues[i][0], queues[i][1:]
			}
			if !runFaultCase(t, env, d, c, f, p.name, p.to, route, tally) {
				return // the state is unknown now: the rest of this sequence cannot say anything
			}
		}
	}
}

// runFaultCase applies configuration to with the fault on route ("" no fault), runs it again if it failed,
// and compares the remote objects with the state. It returns false when the sequence cannot go on.
func runFaultCase(t *testing.T, env *testEnv, d *tfDriver, c matrixChain, f matrixFault, phase string, to int, route string, tally *matrixTally) bool {
	cfg := matrixConfig(env, c, to)
	name := fmt.Sprintf("%s %s: %s on %s", c, phase, f.name, route)
	env.emu.ResetRequestCounts()
	if route != "" {
		fault := f.fault
		fault.Route = route
		if err := env.emu.AddFault(fault); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	firstErr := d.apply(cfg)
	hit := route == "" || env.emu.RequestCounts()[route] > 0
	env.emu.ClearFaults()
	var rerunErr error
	imported := false
	if firstErr != nil {
		if addr, id, ok := importCommandIn(firstErr); ok {
			// Follow the error's advice, as a user would: import what the lost create made.
			if out, err := d.run("import", "-input=false", "-no-color", "-lock=false", addr, id); err != nil {
				t.Errorf("%s: the import the error named failed: %v\n%s", name, err, out)
			}
			imported = true
		}
		rerunErr = d.apply(cfg)
	}
	orphans, problems := env.compareRemoteToState(c, d.state())
	duplicates := 0
	for _, o := range orphans {
		if strings.HasPrefix(o, "duplicate ") {
			duplicates++
		}
	}
	if rerunErr == nil {
		// The objects exist; the plan says whether they are also as configured.
		switch empty, out, err := d.planIsEmpty(); {
		case err != nil:
			problems = append(problems, "plan failed: "+err.Error())
		case !empty:
			problems = append(problems, "the next plan is not empty:\n"+out)
		}
	}

	if route == "" {
		if firstErr != nil || rerunErr != nil || len(orphans)+len(problems) > 0 {
			t.Errorf("%s phase without a fault: first %v, re-run %v, orphans %v, problems %v", phase, firstErr, rerunErr, orphans, problems)
			return false
		}
		return true
	}
	tally.add(func(m *matrixTally) {
		m.run++
		m.dup += duplicates
		m.orph += len(orphans) - duplicates
		switch {
		case firstErr == nil:
			m.firstTime++
		case rerunErr == nil && imported:
			m.imported++
		case rerunErr == nil:
			m.onRerun++
			m.failures = append(m.failures, fmt.Sprintf("survived on re-run: %s: %s", name, firstError(firstErr)))
		default:
			m.failed++
		}
		if !hit {
			m.notHit++
		}
	})
	switch {
	case rerunErr != nil:
		t.Errorf("%s: the apply failed and failed again:\nfirst: %v\nre-run: %v", name, firstErr, rerunErr)
		return false
	case len(orphans)+len(problems) > 0:
		t.Errorf("%s: remote objects differ from the state: orphans %v, problems %v", name, orphans, problems)
		return false
	case !hit:
		t.Errorf("%s: the faulted call was not made: the phase no longer makes it", name)
	}
	return true
}

// importCommandIn finds, in a failed apply's output, the one import command a lost create's error names
// and the address of the resource it is for (Terraform's "with <address>," line).
func importCommandIn(err error) (addr, id string, ok bool) {
	text := err.Error()
	ids := regexp.MustCompile(`terraform import <address of this\s+resource>\s+'([^']+)'`).FindAllStringSubmatch(text, -1)
	addrs := regexp.MustCompile(`with (gitdeploy_[a-z_]+\.[a-z_]+),`).FindAllStringSubmatch(text, -1)
	if len(ids) != 1 || len(addrs) != 1 {
		return "", "", false
	}
	return addrs[0][1], ids[0][1], true
}

// firstError is the first "Error:" line of Terraform's output in err, for the summary.
func firstError(err error) string {
	for _, line := range strings.Split(err.Error(), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "Error:") {
			return strings.TrimSpace(line)
		}
	}
	return strings.SplitN(err.Error(), "\n", 2)[0]
}

// compareRemoteToState returns the remote objects that no state instance holds (orphans), and the state
// instances whose objects are missing or not as the state says (problems).
func (e *testEnv) compareRemoteToState(c matrixChain, st map[string][]tfInstance) (orphans, problems []string) {
	kind, repo := c.kind, c.repo
	type objects map[string]bool
	want := map[string]objects{"site": {}, "platform key": {}, "git key": {}, "hook": {}, "build hook": {}, "link": {}}
	for _, i := range st["gitdeploy_site"] {
		want["site"][i.str("id")] = true
	}
	for _, i := range st["gitdeploy_deploy_key"] {
		want["platform key"][i.str("id")] = true
		if id := i.str("git_key_id"); id != "" {
			want["git key"][id] = true
		}
	}
	for _, i := range st["gitdeploy_webhook"] {
		want["hook"][i.str("id")] = true
		if id := i.str("build_hook_id"); id != "" {
			want["build hook"][id] = true
		}
	}
	for _, i := range st["gitdeploy_repo_link"] {
		want["link"][i.str("site_id")] = true
	}

	have := map[string]objects{"site": {}, "platform key": {}, "git key": {}, "hook": {}, "build hook": {}, "link": {}}
	for _, s := range e.emu.NetlifySites() {
		have["site"][s.ID] = true
		if s.BuildSettings.RepoPath != "" {
			have["link"][s.ID] = true
		}
		for _, h := range e.emu.NetlifyBuildHooks(s.ID) {
			have["build hook"][h.ID] = true
		}
	}
	for _, k := range e.emu.NetlifyDeployKeys() {
		have["platform key"][k.ID] = true
	}
	for _, a := range e.emu.DokployApplications() {
		have["site"][a.ID] = true
		if a.SourceType == "git" && a.CustomGitURL != "" {
			have["link"][a.ID] = true
		}
	}
	for _, k := range e.emu.DokploySSHKeys() {
		have["platform key"][k.ID] = true
	}
	for _, k := range e.gitKeys(kind, repo) {
		have["git key"][k.ID] = true
	}
	for _, h := range e.hooks(kind, repo) {
		have["hook"][h.ID] = true
	}

	for what, ids := range have {
		for id := range ids {
			switch {
			case want[what][id]:
			case len(want[what]) > 0:
				orphans = append(orphans, "duplicate "+what+" "+id) // beside the one in state
			default:
				orphans = append(orphans, what+" "+id)
			}
		}
	}
	for what, ids := range want {
		for id := range ids {
			if !have[what][id] {
				problems = append(problems, "missing "+what+" "+id)
			}
		}
	}
	slices.Sort(orphans)
	slices.Sort(problems)
	return orphans, problems
}
