package lifecyclebench

import (
	"maps"
	"slices"
	"strings"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/emulator"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
)

// The minimum requests of each step, derived from what each resource must learn or change, per chain:
//
//   - apply (from an empty state): every object is created once and the create's answer is used as the
//     state, so there is no GET of what a POST returned. The deploy key is created on the platform, then
//     installed on the repository (the second call needs the first one's public key). The repo link's
//     pre-flight reads what it must check before writing: the repository (its id and URL go into the
//     site's repo object, its visibility decides whether a key is needed), the branch (that it exists)
//     and the repository's deploy keys (one page: that the key's public key is installed; the key was made
//     by the same apply, so its public key is known without reading it). Then one PATCH writes the repo object. Terraform does not refresh resources it is about
//     to create. The repository and the branch are read twice: in the plan, so that a wrong one fails
//     before anything is created, and in the final plan Terraform makes during apply, once the key's id
//     is known (another process: the plan's answers cannot be kept). The final plan's checks stand for
//     the create's, and a site this apply created is not read again.
//   - plan (no change): one read per remote object. The deploy key reads its two halves (platform and git
//     host) at the same time. The repo link's object is the site's build settings, which Netlify only
//     returns with the site: its refresh uses the site that gitdeploy_site's refresh has just read.
//   - destroy: the refresh of the plan (Terraform refreshes before it destroys), then one request per
//     object removed: the repo link clears the site's repo settings (PATCH: Netlify's unlink_repo would
//     also delete the deploy key, which other sites may share), the site, the two halves of the deploy
//     key and the webhook are deleted.
//
// Requests that the provider makes to the same route beyond these counts are listed as above the
// minimum; fewer means the provider skipped a check and is reported as below it.

// Need is one route's minimum count per chain in one step, and why the step needs it.
type Need struct {
	Route    string // a key of emulator.RequestCounts, e.g. "GET /netlify/api/v1/sites/{site_id}"
	PerChain int
	Why      string
}

// Emulator routes the chain uses.
var (
	nlCreateSite = "POST " + emulator.NetlifyPrefix + "/sites"
	nlSite       = emulator.NetlifyPrefix + "/sites/{site_id}"
	nlCreateKey  = "POST " + emulator.NetlifyPrefix + "/deploy_keys"
	nlKey        = emulator.NetlifyPrefix + "/deploy_keys/{key_id}"
)

// hostRoutes are a git host's routes for the chain.
type hostRoutes struct {
	keys, key, repo, branch, hooks, hook string
}

func routesOf(host string) hostRoutes {
	if host == githost.GitLab {
		p := emulator.GitLabPrefix + "/projects/{id}"
		return hostRoutes{keys: p + "/deploy_keys", key: p + "/deploy_keys/{key_id}", repo: p,
			branch: p + "/repository/branches/{branch...}", hooks: p + "/hooks", hook: p + "/hooks/{hook_id}"}
	}
	p := emulator.GitHubPrefix + "/repos/{owner}/{repo}"
	return hostRoutes{keys: p + "/keys", key: p + "/keys/{key_id}", repo: p,
		branch: p + "/branches/{branch...}", hooks: p + "/hooks", hook: p + "/hooks/{hook_id}"}
}

// refreshNeeds are the reads of a refresh: one per remote object each resource manages.
func refreshNeeds(h hostRoutes) []Need {
	return []Need{
		{"GET " + nlSite, 1, "gitdeploy_site reads the site; gitdeploy_repo_link uses that read (the link lives in its build settings)"},
		{"GET " + nlKey, 1, "gitdeploy_deploy_key: the platform half"},
		{"GET " + h.key, 1, "gitdeploy_deploy_key: the git host half, read at the same time"},
		{"GET " + h.hook, 1, "gitdeploy_webhook: the hook"},
		{"GET " + h.branch, 1, "gitdeploy_repo_link: the production branch still exists (a deleted one fails every build)"},
	}
}

// Needs lists the minimum requests per chain of a step on a git host.
func Needs(host string, step Step) []Need {
	h := routesOf(host)
	switch step {
	case StepApply:
		return []Need{
			{nlCreateSite, 1, "gitdeploy_site: create; the answer is the state"},
			{nlCreateKey, 1, "gitdeploy_deploy_key: the platform generates the key pair"},
			{"POST " + h.keys, 1, "gitdeploy_deploy_key: install the public key on the repository"},
			{"GET " + h.repo, 2, "gitdeploy_repo_link pre-flight: repository id, URL, visibility (at plan, and again in the final plan with the key known)"},
			{"GET " + h.branch, 2, "gitdeploy_repo_link pre-flight: the branch exists (at plan, and again in the final plan)"},
			{"GET " + h.keys, 1, "gitdeploy_repo_link pre-flight: that key is installed on the repository"},
			{"PATCH " + nlSite, 1, "gitdeploy_repo_link: write the site's repo object"},
			{"POST " + h.hooks, 1, "gitdeploy_webhook: create the hook"},
		}
	case StepPlan:
		return refreshNeeds(h)
	case StepDestroy:
		return append(refreshNeeds(h),
			Need{"PATCH " + nlSite, 1, "gitdeploy_repo_link: clear the site's repo settings"},
			Need{"DELETE " + nlSite, 1, "gitdeploy_site: delete"},
			Need{"DELETE " + nlKey, 1, "gitdeploy_deploy_key: delete the platform half"},
			Need{"DELETE " + h.key, 1, "gitdeploy_deploy_key: delete the git host half"},
			Need{"DELETE " + h.hook, 1, "gitdeploy_webhook: delete"},
		)
	}
	return nil
}

// Minimum is the minimum count per route of a step with n chains.
func Minimum(host string, step Step, n int) map[string]int {
	out := map[string]int{}
	for _, need := range Needs(host, step) {
		if n > 0 {
			out[need.Route] += need.PerChain * n
		}
	}
	return out
}

// isMutative reports whether a route key ("METHOD /path") changes something.
func isMutative(route string) bool {
	method, _, _ := strings.Cut(route, " ")
	switch method {
	case "POST", "PUT", "PATCH", "DELETE":
		return true
	}
	return false
}

// serviceOfRoute names the API a route key belongs to: "netlify", "github", "gitlab" or "".
func serviceOfRoute(route string) string {
	_, path, _ := strings.Cut(route, " ")
	switch {
	case strings.HasPrefix(path, emulator.NetlifyPrefix+"/"):
		return emulator.ServiceNetlify
	case strings.HasPrefix(path, emulator.GitHubPrefix+"/"):
		return emulator.ServiceGitHub
	case strings.HasPrefix(path, emulator.GitLabPrefix+"/"):
		return emulator.ServiceGitLab
	}
	return ""
}

// total sums the counts.
func total(counts map[string]int) int {
	sum := 0
	for _, c := range counts {
		sum += c
	}
	return sum
}

// githubWrites counts the mutative GitHub requests, which GitHub's pacing spaces out.
func githubWrites(counts map[string]int) int {
	sum := 0
	for route, c := range counts {
		if serviceOfRoute(route) == emulator.ServiceGitHub && isMutative(route) {
			sum += c
		}
	}
	return sum
}

// Deviation is a route whose count differs from the minimum.
type Deviation struct {
	Route    string
	Count    int
	Minimum  int
	Why      string // why the minimum is what it is, when the route is needed at all
	Excess   int    // Count - Minimum: positive above the minimum, negative below it
	Expected bool   // whether the route is needed at all
}

// Deviations compares counts with the minimum of a step, sorted by route.
func Deviations(host string, step Step, n int, counts map[string]int) []Deviation {
	minimum := Minimum(host, step, n)
	why := map[string]string{}
	for _, need := range Needs(host, step) {
		why[need.Route] = need.Why
	}
	routes := slices.Sorted(maps.Keys(counts))
	for route := range minimum {
		if _, ok := counts[route]; !ok {
			routes = append(routes, route)
		}
	}
	slices.Sort(routes)
	var out []Deviation
	for _, route := range routes {
		count, want := counts[route], minimum[route]
		if count == want {
			continue
		}
		_, expected := minimum[route]
		out = append(out, Deviation{Route: route, Count: count, Minimum: want, Why: why[route],
			Excess: count - want, Expected: expected})
	}
	return out
}

// shortRoute is a route key without the emulator's API prefixes, with the service first:
// "netlify GET /sites/{site_id}".
func shortRoute(route string) string {
	method, path, _ := strings.Cut(route, " ")
	for _, p := range []struct{ prefix, name string }{
		{emulator.NetlifyPrefix, "netlify"}, {emulator.GitHubPrefix, "github"}, {emulator.GitLabPrefix, "gitlab"},
	} {
		if rest, ok := strings.CutPrefix(path, p.prefix); ok {
			return p.name + " " + method + " " + rest
		}
	}
	return route
}
