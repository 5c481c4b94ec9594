package lifecyclebench

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/emulator"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/platform"
)

// The minimum requests of each step, derived from what each resource must learn or change, per chain:
//
//   - apply (from an empty state): every object is created once and the create's answer is used as the
//     state, so there is no GET of what a POST returned. The deploy key is created on the platform, then
//     installed on the repository (the second call needs the first one's public key). The repo link's
//     pre-flight reads what it must check before writing: the repository (its id and URL go into the
//     site's repo object, its visibility decides whether a key is needed), the branch (that it exists)
//     and the repository's deploy keys (one page: that the key's public key is installed; the key was made
//     by the same apply, so its public key is known without reading it). Then one PATCH writes the repo
//     object. Terraform does not refresh resources it is about to create. The repository and the branch
//     are read twice: in the plan, so that a wrong one fails before anything is created, and in the final
//     plan Terraform makes during apply, once the key's id is known (another process: the plan's answers
//     cannot be kept). The final plan's checks stand for the create's, and a site this apply created is
//     not read again.
//   - plan (no change): one read per remote object. The deploy key reads its two halves (platform and git
//     host) at the same time. The repo link's object is the site's build settings, which Netlify only
//     returns with the site: its refresh uses the site that gitdeploy_site's refresh has just read, and
//     reads the production branch on the git host (a branch deleted after linking fails every build).
//   - destroy: the refresh of the plan (Terraform refreshes before it destroys), then one request per
//     object removed: the repo link clears the site's repo settings (PATCH: Netlify's unlink_repo would
//     also delete the deploy key, which other sites may share), the site, the two halves of the deploy
//     key and the webhook are deleted.
//
// On Dokploy (its procedures as apps/dokploy/server/api/routers/application.ts and ssh-key.ts in
// Dokploy/dokploy define them) the same rules give more requests, because of what Dokploy answers:
//
//   - application.create answers the new row without its environment's project, which the site's
//     project_id and admin_url need: one application.one after it.
//   - A Dokploy SSH key is made in three calls: sshKey.generate (Dokploy makes the pair), sshKey.create
//     (stores it and answers nothing, no id) and sshKey.all (the only way to learn the new key's id).
//   - The repo link writes three things, each with the procedure Dokploy has for it: the build type
//     (application.saveBuildType), whether pushes deploy (autoDeploy: application.update, as no save
//     procedure sets it) and the git source over SSH with the key (application.saveGitProvider). Each
//     answers true; what was sent is what is stored, so no read follows. (application.update's input
//     takes every column, these included, so one update could write all three; the count follows the
//     dedicated procedures, which issue 12 prescribes.)
//   - The webhook posts to the application's deploy URL, whose secret (the refresh token) only
//     application.one tells: one read before the hook is created, and one in every refresh (a rotated
//     token is drift the plan must show).
//   - The repo link's refresh uses the application that gitdeploy_site's refresh has just read, as on
//     Netlify. Unlinking is application.disconnectGitProvider, which sets every git-source field to null
//     and answers true: nothing is left to check.
//   - Dokploy has no documented rate limit and no pacing of writes.
//
// A refresh reads many objects of one kind, and where the platform lists them (Netlify's sites, 100 a page;
// Netlify's deploy keys, all in one answer: its API description gives listDeployKeys no paging parameters;
// Dokploy's SSH keys, all in one sshKey.all) a listing answers many reads at once. A
// refresh knows neither how many it will read nor how large the account is, so it reads the first three on
// their own and lists after that (rent or buy, internal/provider/coalesced_reads.go): with N chains that is
// min(N, 3) reads and, beyond three, the listing's pages. The bench's accounts hold exactly the chains'
// objects, so N objects are ceil(N / page size) pages.
//
// The per-object minimum is the same derivation with every object read on its own (no listing): what the
// refresh cost before listings answered it, shown beside the minimum so that the saving is visible.
//
// The git hosts differ only in their routes: GitHub, GitLab, Bitbucket Cloud and Gitea each have a
// repository, a branch, the repository's deploy keys (a listing, read in one page) and one deploy key,
// and the repository's webhooks and one webhook (internal/githost/<host>: each client's GetRepository,
// GetBranch, ListDeployKeys, GetDeployKey, CreateDeployKey, DeleteDeployKey, CreateWebhook, GetWebhook,
// DeleteWebhook).
//
// Requests that the provider makes to the same route beyond these counts are listed as above the
// minimum; fewer means the provider skipped a check and is reported as below it.

// Need is one route's minimum count in one step, and why the step needs it: PerChain per chain, or, where
// the count does not grow with the chains (Count is set), Count(N) with Shape saying how.
type Need struct {
	Route    string // a key of emulator.RequestCounts, e.g. "GET /netlify/api/v1/sites/{site_id}"
	PerChain int
	Why      string
	Count    func(chains int) int
	Shape    string // how Count grows, for the report: "first 3", "1 per 100 beyond 3"
	// PerObject is the count per chain when every object is read on its own, where Count is set: 1 for a
	// read that a listing answers beyond the first three, 0 for the listing.
	PerObject int
}

// For is the need's count with n chains.
func (need Need) For(n int) int {
	if n <= 0 {
		return 0
	}
	if need.Count != nil {
		return need.Count(n)
	}
	return need.PerChain * n
}

// ForPerObject is the need's count with n chains when every object is read on its own.
func (need Need) ForPerObject(n int) int {
	if n <= 0 {
		return 0
	}
	if need.Count != nil {
		return need.PerObject * n
	}
	return need.PerChain * n
}

// Per is the need's count per chain for the report: PerChain, or Shape.
func (need Need) Per() string {
	if need.Count != nil {
		return need.Shape
	}
	return strconv.Itoa(need.PerChain)
}

// coalesceAfterReads is how many reads of one kind a refresh makes on their own before a listing may
// answer the rest: internal/provider/coalesced_reads.go's coalesceAfterReads.
const coalesceAfterReads = 3

// netlifyPageSize is how many objects a page of a Netlify listing holds (per_page=100, its maximum).
const netlifyPageSize = 100

// coalescedReads are the refresh's reads of one kind of object that a listing can answer: its own reads
// of the first coalesceAfterReads, then the listing's pages (pageSize objects each; 0: one page holds all).
func coalescedReads(read, listing, why string, pageSize int) []Need {
	shape := "1 beyond 3"
	if pageSize > 0 {
		shape = fmt.Sprintf("1 per %d beyond 3", pageSize)
	}
	return []Need{
		{Route: read, Why: why + ": the first three on their own", Shape: "first 3", PerObject: 1,
			Count: func(n int) int { return min(n, coalesceAfterReads) }},
		{Route: listing, Why: why + ": the rest from the listing", Shape: shape, Count: func(n int) int {
			switch {
			case n <= coalesceAfterReads:
				return 0
			case pageSize == 0:
				return 1
			}
			return (n + pageSize - 1) / pageSize
		}},
	}
}

// Emulator routes the chain uses on Netlify.
var (
	nlCreateSite = "POST " + emulator.NetlifyPrefix + "/sites"
	nlListSites  = "GET " + emulator.NetlifyPrefix + "/sites"
	nlSite       = emulator.NetlifyPrefix + "/sites/{site_id}"
	nlCreateKey  = "POST " + emulator.NetlifyPrefix + "/deploy_keys"
	nlListKeys   = "GET " + emulator.NetlifyPrefix + "/deploy_keys"
	nlKey        = emulator.NetlifyPrefix + "/deploy_keys/{key_id}"
)

// dokployQuery and dokployMutation are the route keys of a Dokploy procedure: queries are GET,
// mutations POST (Dokploy's OpenAPI adapter).
func dokployQuery(procedure string) string {
	return "GET " + emulator.DokployPrefix + "/" + procedure
}

func dokployMutation(procedure string) string {
	return "POST " + emulator.DokployPrefix + "/" + procedure
}

// Emulator routes the chain uses on Dokploy.
var (
	dkAppCreate     = dokployMutation("application.create")
	dkAppOne        = dokployQuery("application.one")
	dkAppUpdate     = dokployMutation("application.update")
	dkAppDelete     = dokployMutation("application.delete")
	dkSaveBuildType = dokployMutation("application.saveBuildType")
	dkSaveGit       = dokployMutation("application.saveGitProvider")
	dkDisconnectGit = dokployMutation("application.disconnectGitProvider")
	dkKeyGenerate   = dokployMutation("sshKey.generate")
	dkKeyCreate     = dokployMutation("sshKey.create")
	dkKeyAll        = dokployQuery("sshKey.all")
	dkKeyOne        = dokployQuery("sshKey.one")
	dkKeyRemove     = dokployMutation("sshKey.remove")
)

// hostRoutes are a git host's routes for the chain.
type hostRoutes struct {
	keys, key, repo, branch, hooks, hook string
}

func routesOf(host string) hostRoutes {
	switch host {
	case githost.GitLab:
		p := emulator.GitLabPrefix + "/projects/{id}"
		return hostRoutes{keys: p + "/deploy_keys", key: p + "/deploy_keys/{key_id}", repo: p,
			branch: p + "/repository/branches/{branch...}", hooks: p + "/hooks", hook: p + "/hooks/{hook_id}"}
	case githost.Bitbucket:
		p := emulator.BitbucketPrefix + "/repositories/{workspace}/{repo_slug}"
		return hostRoutes{keys: p + "/deploy-keys", key: p + "/deploy-keys/{key_id}", repo: p,
			branch: p + "/refs/branches/{name...}", hooks: p + "/hooks", hook: p + "/hooks/{uid}"}
	case githost.Gitea:
		p := emulator.GiteaPrefix + "/repos/{owner}/{repo}"
		return hostRoutes{keys: p + "/keys", key: p + "/keys/{id}", repo: p,
			branch: p + "/branches/{branch...}", hooks: p + "/hooks", hook: p + "/hooks/{id}"}
	}
	p := emulator.GitHubPrefix + "/repos/{owner}/{repo}"
	return hostRoutes{keys: p + "/keys", key: p + "/keys/{key_id}", repo: p,
		branch: p + "/branches/{branch...}", hooks: p + "/hooks", hook: p + "/hooks/{hook_id}"}
}

// refreshNeeds are the reads of a refresh: one per remote object each resource manages, or its share of
// a listing where the platform lists them.
func refreshNeeds(kind string, h hostRoutes) []Need {
	hostReads := []Need{
		{Route: "GET " + h.key, PerChain: 1, Why: "gitdeploy_deploy_key: the git host half, read at the same time"},
		{Route: "GET " + h.hook, PerChain: 1, Why: "gitdeploy_webhook: the hook"},
		{Route: "GET " + h.branch, PerChain: 1, Why: "gitdeploy_repo_link: the production branch still exists (a deleted one fails every build)"},
	}
	if kind == platform.Dokploy {
		// Dokploy lists applications only through their environment, each then read on its own: no listing
		// answers application.one.
		needs := []Need{{Route: dkAppOne, PerChain: 2, Why: "gitdeploy_site reads the application (gitdeploy_repo_link uses that read: " +
			"the link is its git source); gitdeploy_webhook reads it for the deploy URL (a rotated refresh token is drift)"}}
		needs = append(needs, coalescedReads(dkKeyOne, dkKeyAll, "gitdeploy_deploy_key: the platform half", 0)...)
		return append(needs, hostReads...)
	}
	needs := coalescedReads("GET "+nlSite, nlListSites,
		"gitdeploy_site reads the site (gitdeploy_repo_link uses that read: the link lives in its build settings)", netlifyPageSize)
	// listDeployKeys takes no page or per_page (Netlify's OpenAPI description): one answer holds every key.
	needs = append(needs, coalescedReads("GET "+nlKey, nlListKeys, "gitdeploy_deploy_key: the platform half", 0)...)
	return append(needs, hostReads...)
}

// preflightNeeds are the repo link's reads before it writes, the same on every platform: the key was made
// by the same apply, so its public key is known without reading it.
func preflightNeeds(h hostRoutes) []Need {
	return []Need{
		{Route: "GET " + h.repo, PerChain: 2, Why: "gitdeploy_repo_link pre-flight: repository id, URL, visibility (at plan, and again in the final plan with the key known)"},
		{Route: "GET " + h.branch, PerChain: 2, Why: "gitdeploy_repo_link pre-flight: the branch exists (at plan, and again in the final plan)"},
		{Route: "GET " + h.keys, PerChain: 1, Why: "gitdeploy_repo_link pre-flight: that key is installed on the repository"},
	}
}

// Needs lists the minimum requests per chain of a step of platform kind on a git host.
func Needs(kind, host string, step Step) []Need {
	if kind == platform.Dokploy {
		return dokployNeeds(host, step)
	}
	h := routesOf(host)
	switch step {
	case StepApply:
		needs := []Need{
			{Route: nlCreateSite, PerChain: 1, Why: "gitdeploy_site: create; the answer is the state"},
			{Route: nlCreateKey, PerChain: 1, Why: "gitdeploy_deploy_key: the platform generates the key pair"},
			{Route: "POST " + h.keys, PerChain: 1, Why: "gitdeploy_deploy_key: install the public key on the repository"},
		}
		needs = append(needs, preflightNeeds(h)...)
		return append(needs,
			Need{Route: "PATCH " + nlSite, PerChain: 1, Why: "gitdeploy_repo_link: write the site's repo object"},
			Need{Route: "POST " + h.hooks, PerChain: 1, Why: "gitdeploy_webhook: create the hook"},
		)
	case StepPlan:
		return refreshNeeds(kind, h)
	case StepDestroy:
		return append(refreshNeeds(kind, h),
			Need{Route: "PATCH " + nlSite, PerChain: 1, Why: "gitdeploy_repo_link: clear the site's repo settings"},
			Need{Route: "DELETE " + nlSite, PerChain: 1, Why: "gitdeploy_site: delete"},
			Need{Route: "DELETE " + nlKey, PerChain: 1, Why: "gitdeploy_deploy_key: delete the platform half"},
			Need{Route: "DELETE " + h.key, PerChain: 1, Why: "gitdeploy_deploy_key: delete the git host half"},
			Need{Route: "DELETE " + h.hook, PerChain: 1, Why: "gitdeploy_webhook: delete"},
		)
	}
	return nil
}

// dokployNeeds are Needs on Dokploy.
func dokployNeeds(host string, step Step) []Need {
	h := routesOf(host)
	switch step {
	case StepApply:
		needs := []Need{
			{Route: dkAppCreate, PerChain: 1, Why: "gitdeploy_site: create the application"},
			{Route: dkAppOne, PerChain: 2, Why: "gitdeploy_site: its project (create answers the row without it) for project_id and " +
				"admin_url; gitdeploy_webhook: the deploy URL's refresh token"},
			{Route: dkKeyGenerate, PerChain: 1, Why: "gitdeploy_deploy_key: Dokploy generates the key pair"},
			{Route: dkKeyCreate, PerChain: 1, Why: "gitdeploy_deploy_key: store the pair (the answer is empty)"},
			{Route: dkKeyAll, PerChain: 1, Why: "gitdeploy_deploy_key: find the new key's id (sshKey.create answers none)"},
			{Route: "POST " + h.keys, PerChain: 1, Why: "gitdeploy_deploy_key: install the public key on the repository"},
		}
		needs = append(needs, preflightNeeds(h)...)
		return append(needs,
			Need{Route: dkSaveBuildType, PerChain: 1, Why: "gitdeploy_repo_link: the build type and publish directory"},
			Need{Route: dkAppUpdate, PerChain: 1, Why: "gitdeploy_repo_link: autoDeploy (no save procedure sets it)"},
			Need{Route: dkSaveGit, PerChain: 1, Why: "gitdeploy_repo_link: the git source over SSH with the key"},
			Need{Route: "POST " + h.hooks, PerChain: 1, Why: "gitdeploy_webhook: create the hook"},
		)
	case StepPlan:
		return refreshNeeds(platform.Dokploy, h)
	case StepDestroy:
		return append(refreshNeeds(platform.Dokploy, h),
			Need{Route: dkDisconnectGit, PerChain: 1, Why: "gitdeploy_repo_link: clear the application's git source"},
			Need{Route: dkAppDelete, PerChain: 1, Why: "gitdeploy_site: delete the application"},
			Need{Route: dkKeyRemove, PerChain: 1, Why: "gitdeploy_deploy_key: delete the platform half"},
			Need{Route: "DELETE " + h.key, PerChain: 1, Why: "gitdeploy_deploy_key: delete the git host half"},
			Need{Route: "DELETE " + h.hook, PerChain: 1, Why: "gitdeploy_webhook: delete"},
		)
	}
	return nil
}

// Minimum is the minimum count per route of a step with n chains of platform kind on host.
func Minimum(kind, host string, step Step, n int) map[string]int {
	out := map[string]int{}
	for _, need := range Needs(kind, host, step) {
		if c := need.For(n); c > 0 {
			out[need.Route] += c
		}
	}
	return out
}

// PerObjectMinimum is Minimum with every object read on its own: no listing answers a refresh.
func PerObjectMinimum(kind, host string, step Step, n int) map[string]int {
	out := map[string]int{}
	for _, need := range Needs(kind, host, step) {
		if c := need.ForPerObject(n); c > 0 {
			out[need.Route] += c
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

// servicePrefixes are the emulator's API prefixes and the services they belong to.
var servicePrefixes = []struct{ prefix, service string }{
	{emulator.NetlifyPrefix, emulator.ServiceNetlify}, {emulator.DokployPrefix, emulator.ServiceDokploy},
	{emulator.GitHubPrefix, emulator.ServiceGitHub}, {emulator.GitLabPrefix, emulator.ServiceGitLab},
	{emulator.BitbucketPrefix, emulator.ServiceBitbucket}, {emulator.GiteaPrefix, emulator.ServiceGitea},
}

// serviceOfRoute names the API a route key belongs to: "netlify", "dokploy", "github", "gitlab",
// "bitbucket", "gitea" or "".
func serviceOfRoute(route string) string {
	_, path, _ := strings.Cut(route, " ")
	for _, p := range servicePrefixes {
		if strings.HasPrefix(path, p.prefix+"/") {
			return p.service
		}
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

// serviceRequests counts the requests to one service, or only its mutative ones.
func serviceRequests(counts map[string]int, service string, mutativeOnly bool) int {
	sum := 0
	for route, c := range counts {
		if serviceOfRoute(route) == service && (!mutativeOnly || isMutative(route)) {
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
func Deviations(kind, host string, step Step, n int, counts map[string]int) []Deviation {
	minimum := Minimum(kind, host, step, n)
	why := map[string]string{}
	for _, need := range Needs(kind, host, step) {
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
// "netlify GET /sites/{site_id}", "dokploy GET /application.one".
func shortRoute(route string) string {
	method, path, _ := strings.Cut(route, " ")
	for _, p := range servicePrefixes {
		if rest, ok := strings.CutPrefix(path, p.prefix+"/"); ok {
			return p.service + " " + method + " /" + rest
		}
	}
	return route
}
