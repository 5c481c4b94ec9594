// Package emulator is an in-memory fake of the parts of Netlify's, Dokploy's, GitHub's (Enterprise style),
// GitLab's, Bitbucket Cloud's and Gitea's APIs that the provider uses, and of the Netlify and GitHub calls
// that the official Netlify provider and integrations/github make for their common resources (site
// objects, account site lists, environment variables, repository search, git references). It answers as
// the real services do
// (paths, JSON fields, status codes,
// error bodies, auth, pagination) and has an admin API under /_emulator/ for tests.
//
// It shares no code with the provider's API clients on purpose: its request and response types are written
// from the vendors' documentation, so that a client's misunderstanding cannot hide behind the same
// misunderstanding here.
package emulator

import (
	"fmt"
	"maps"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// URL prefixes of the emulated APIs (the part after scheme and host).
const (
	NetlifyPrefix = "/netlify/api/v1"
	GitHubPrefix  = "/github/api/v3"
	GitLabPrefix  = "/gitlab/api/v4"
	// BitbucketPrefix stands for https://api.bitbucket.org/2.0.
	BitbucketPrefix = "/bitbucket/2.0"
	// GiteaPrefix is the API of a Gitea instance whose base URL is <emulator>/gitea.
	GiteaPrefix = "/gitea/api/v1"
	AdminPrefix = "/_emulator"
)

// Emulator is the fake server. Use it as an http.Handler (httptest.NewServer(emulator.New(nil))).
type Emulator struct {
	mu     sync.Mutex
	seed   *Seed // a private copy, for Reset
	st     *state
	counts map[string]int
	faults []*faultRule
	now    func() time.Time
	// clockOffset (a time.Duration) moves the emulated services' clock away from the machine's, as a
	// server whose clock is off would be (SetClockOffset).
	clockOffset atomic.Int64
	pace        *pacer // latency, rate limits, requests in flight: its own lock, never held with mu
	// listingLag and born model replication lag (listing_lag.go).
	listingLag time.Duration
	born       map[any]time.Time

	lastBase           atomic.Value // string: the scheme and host clients last used, for payload URLs
	hookClient         *http.Client // webhook deliveries
	insecureHookClient *http.Client // deliveries of hooks that turned TLS verification off

	api   *http.ServeMux // the emulated services
	admin *http.ServeMux
}

// New makes an emulator holding seed (nil: DefaultSeed()). It panics on an invalid seed: call
// seed.Validate() first when the seed comes from a user.
func New(seed *Seed) *Emulator {
	if seed == nil {
		seed = DefaultSeed()
	}
	own, err := seed.clone()
	if err != nil {
		panic(fmt.Sprintf("emulator: copy seed: %v", err))
	}
	st := newState()
	if err := st.apply(own); err != nil {
		panic(fmt.Sprintf("emulator: invalid seed: %v", err))
	}
	e := &Emulator{
		seed:   own,
		st:     st,
		counts: map[string]int{},
		pace:   newPacer(),
		api:    http.NewServeMux(),
		admin:  http.NewServeMux(),
	}
	e.now = func() time.Time {
		return time.Now().Add(time.Duration(e.clockOffset.Load())).UTC().Truncate(time.Second)
	}
	e.hookClient, e.insecureHookClient = newHookClients()
	e.netlifyRoutes()
	e.netlifyBuildRoutes()
	e.netlifyEnvRoutes()
	e.githubRoutes()
	e.githubListRoutes()
	e.githubHookRoutes()
	e.githubAppRoutes()
	e.githubRefRoutes()
	e.githubSearchRoutes()
	e.gitlabRoutes()
	e.gitlabListRoutes()
	e.gitlabHookRoutes()
	e.dokployRoutes()
	e.bitbucketRoutes()
	e.bitbucketHookRoutes()
	e.giteaRoutes()
	e.giteaHookRoutes()
	e.adminRoutes()
	e.adminBitbucketRoutes()
	e.adminGiteaRoutes()
	e.adminHookRoutes()
	e.adminGitHubAppRoutes()
	e.adminPacingRoutes()
	e.adminListingLagRoutes()
	e.adminDokployRoutes()
	return e
}

// ServeHTTP routes to the admin API or to an emulated service. Requests to the services are counted per
// route pattern; unknown routes get the service's own 404 answer.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	e.lastBase.Store(externalBase(r))
	// The services' Date header follows their clock (Go's server would send the machine's).
	w.Header().Set("Date", e.now().Format(http.TimeFormat))
	if r.URL.Path == AdminPrefix || strings.HasPrefix(r.URL.Path, AdminPrefix+"/") {
		if _, pattern := e.admin.Handler(r); pattern == "" {
			writeJSON(w, http.StatusNotFound, map[string]string{"message": "no such admin route: " + r.Method + " " + r.URL.Path})
			return
		}
		e.admin.ServeHTTP(w, r)
		return
	}
	svc := serviceOf(r.URL.Path)
	var limits rateDecision
	if svc != "" {
		inFlight := e.pace.enter(svc)
		defer e.pace.leave(svc)
		// The limits judge the request as it arrives (GitHub's concurrency limit counts what is in
		// flight then); the latency comes before any answer.
		limits = e.pace.decide(svc, r.Method, inFlight, time.Now())
		if !sleepCtx(r, e.pace.currentLatency()) {
			return // the client gave up
		}
	}
	_, pattern := e.api.Handler(r)
	if pattern == "" {
		e.count(r.Method + " (unknown route)")
		for k, v := range limits.header {
			w.Header()[k] = v
		}
		writeUnknownRoute(w, r)
		return
	}
	e.count(pattern)
	if e.applyRateLimit(w, r, svc, limits) {
		return
	}
	if e.applyFault(w, r, pattern) {
		return
	}
	e.api.ServeHTTP(w, r)
}

func (e *Emulator) count(key string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.counts[key]++
}

// SetClockOffset makes the emulated services' clock run d ahead of the machine's (behind when negative):
// their timestamps, Date headers and the checks of JWT times and token expiry follow it.
func (e *Emulator) SetClockOffset(d time.Duration) { e.clockOffset.Store(int64(d)) }

// RequestCounts returns how many requests each route received, keyed "METHOD /route/pattern", e.g.
// "POST /github/api/v3/repos/{owner}/{repo}/keys". Requests to unknown routes count under
// "METHOD (unknown route)". Admin requests are not counted.
func (e *Emulator) RequestCounts() map[string]int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return maps.Clone(e.counts)
}

// ResetRequestCounts sets every count back to zero, and MaxInFlight to what is in flight now.
func (e *Emulator) ResetRequestCounts() {
	e.pace.resetMaxInFlight()
	e.mu.Lock()
	defer e.mu.Unlock()
	e.counts = map[string]int{}
}

// Reset brings the state back to the seed given to New (objects added by Seed are dropped too) and
// clears request counts, faults, rate limits and the listing lag. The latency (SetLatency) stays.
func (e *Emulator) Reset() {
	st := newState()
	if err := st.apply(e.seed); err != nil {
		// The seed was applied successfully in New and is a private copy: this cannot happen.
		panic(fmt.Sprintf("emulator: reapply seed: %v", err))
	}
	e.pace.clearRateLimits()
	e.pace.resetMaxInFlight()
	e.mu.Lock()
	defer e.mu.Unlock()
	e.st = st
	e.counts = map[string]int{}
	e.faults = nil
	e.listingLag, e.born = 0, nil
}

// Seed adds the users, organisations, groups, repositories and branches of s to the current state. On
// error nothing is added.
func (e *Emulator) Seed(s *Seed) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.st.apply(s)
}

// writeUnknownRoute answers in the shape of the service the path belongs to.
func writeUnknownRoute(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	switch {
	case strings.HasPrefix(p, "/netlify/"):
		writeNetlifyError(w, http.StatusNotFound, "Not Found")
	case strings.HasPrefix(p, "/github/"):
		writeGitHubError(w, http.StatusNotFound, "Not Found", "https://docs.github.com/rest")
	case strings.HasPrefix(p, "/gitlab/"):
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "404 Not Found"})
	case strings.HasPrefix(p, "/bitbucket/"):
		writeBitbucketError(w, http.StatusNotFound, "Resource not found")
	case strings.HasPrefix(p, "/gitea/"):
		writeGiteaNotFound(w, r)
	default:
		writeJSON(w, http.StatusNotFound, map[string]string{
			"message": "gitdeploy emulator: the APIs are under " + NetlifyPrefix + ", " + GitHubPrefix + "/, " +
				GitLabPrefix + ", " + BitbucketPrefix + ", " + GiteaPrefix + " and " + DokployPrefix + "; the admin API under " +
				AdminPrefix + "/",
		})
	}
}
