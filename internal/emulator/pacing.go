package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Pacing: a latency added to every request of the emulated services, their rate limits (answered with
// each service's own headers and errors), and the highest number of requests each service had in
// flight at once. Only calls to the emulated APIs count; the admin API and the git hosts' deliveries to
// Netlify's hook endpoints and Dokploy's deploy webhook do not.

// Service names for MaxInFlight and the rate limits.
const (
	ServiceNetlify   = "netlify"
	ServiceDokploy   = "dokploy"
	ServiceGitHub    = HostGitHub
	ServiceGitLab    = HostGitLab
	ServiceBitbucket = HostBitbucket
	ServiceGitea     = HostGitea
)

// serviceOf names the API a path belongs to ("" for anything else).
func serviceOf(path string) string {
	switch {
	case strings.HasPrefix(path, NetlifyPrefix+"/"):
		return ServiceNetlify
	case strings.HasPrefix(path, GitHubPrefix+"/"):
		return ServiceGitHub
	case strings.HasPrefix(path, GitLabPrefix+"/"):
		return ServiceGitLab
	case strings.HasPrefix(path, DokployPrefix+"/deploy/"):
		return "" // the git hosts' deliveries to Dokploy's deploy webhook, like Netlify's hook endpoints
	case strings.HasPrefix(path, DokployPrefix+"/"):
		return ServiceDokploy
	case strings.HasPrefix(path, BitbucketPrefix+"/"):
		return ServiceBitbucket
	case strings.HasPrefix(path, GiteaPrefix+"/"):
		return ServiceGitea
	}
	return ""
}

// RateLimit is a service's primary rate limit: Limit requests per fixed Window (the first window starts
// with the next request). In JSON the window is a duration string: {"limit": 100, "window": "1m"}.
type RateLimit struct {
	Limit  int           `json:"limit"`
	Window time.Duration `json:"-"`
	// Status is GitHub's answer when the limit is exceeded: 403 (default) or 429; GitHub documents both.
	// Netlify and GitLab always answer 429.
	Status int `json:"status,omitempty"`
}

// SecondaryRateLimit is GitHub's secondary rate limit: too many concurrent requests, or too many
// content-creating requests (POST, PATCH, PUT, DELETE) in a window, answered 403 (or Status) with "You
// have exceeded a secondary rate limit" and, when RetryAfter > 0, a retry-after header. In JSON the
// window is a duration string.
type SecondaryRateLimit struct {
	MaxConcurrent int           `json:"max_concurrent,omitempty"` // 0: no limit
	MaxMutations  int           `json:"max_mutations,omitempty"`  // per Window; 0: no limit
	Window        time.Duration `json:"-"`
	RetryAfter    int           `json:"retry_after,omitempty"` // seconds
	Status        int           `json:"status,omitempty"`      // 403 (default) or 429
}

type rateLimitJSON struct {
	Limit  int             `json:"limit"`
	Window json.RawMessage `json:"window"`
	Status int             `json:"status,omitempty"`
}

// UnmarshalJSON reads the window as a duration string or a number of milliseconds.
func (rl *RateLimit) UnmarshalJSON(data []byte) error {
	var in rateLimitJSON
	if err := json.Unmarshal(data, &in); err != nil {
		return err
	}
	d, err := parseDurationJSON(in.Window)
	if err != nil {
		return fmt.Errorf("window: %w", err)
	}
	*rl = RateLimit{Limit: in.Limit, Window: d, Status: in.Status}
	return nil
}

type secondaryJSON struct {
	MaxConcurrent int             `json:"max_concurrent"`
	MaxMutations  int             `json:"max_mutations"`
	Window        json.RawMessage `json:"window"`
	RetryAfter    int             `json:"retry_after"`
	Status        int             `json:"status"`
}

// UnmarshalJSON reads the window as a duration string or a number of milliseconds.
func (sl *SecondaryRateLimit) UnmarshalJSON(data []byte) error {
	var in secondaryJSON
	if err := json.Unmarshal(data, &in); err != nil {
		return err
	}
	d, err := parseDurationJSON(in.Window)
	if err != nil {
		return fmt.Errorf("window: %w", err)
	}
	*sl = SecondaryRateLimit{MaxConcurrent: in.MaxConcurrent, MaxMutations: in.MaxMutations, Window: d,
		RetryAfter: in.RetryAfter, Status: in.Status}
	return nil
}

// window is a fixed counting window.
type window struct {
	start time.Time
	used  int
}

// take counts a request in a window of length d and reports how many were used before it and when the
// window ends.
func (w *window) take(now time.Time, d time.Duration) (usedBefore int, reset time.Time) {
	if w.start.IsZero() || !now.Before(w.start.Add(d)) {
		w.start, w.used = now, 0
	}
	usedBefore = w.used
	w.used++
	return usedBefore, w.start.Add(d)
}

type pacer struct {
	mu          sync.Mutex
	latency     time.Duration
	inFlight    map[string]int
	maxInFlight map[string]int
	limits      map[string]*primaryLimit
	secondary   *secondaryLimit
}

type primaryLimit struct {
	RateLimit
	win window
}

type secondaryLimit struct {
	SecondaryRateLimit
	win window
}

func newPacer() *pacer {
	return &pacer{inFlight: map[string]int{}, maxInFlight: map[string]int{}, limits: map[string]*primaryLimit{}}
}

// enter counts a request of svc as in flight and returns how many are in flight with it: the count that
// GitHub's concurrency limit judges, taken under the same lock so that requests arriving together each
// see their own arrival, not the ones after them.
func (p *pacer) enter(svc string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.inFlight[svc]++
	p.maxInFlight[svc] = max(p.maxInFlight[svc], p.inFlight[svc])
	return p.inFlight[svc]
}

func (p *pacer) leave(svc string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.inFlight[svc]--
}

func (p *pacer) currentLatency() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.latency
}

// SetLatency adds d before every answer of the emulated services (0 turns it off). Reset keeps it:
// it is a setting of the server (the program's -latency flag), not of the emulated state.
func (e *Emulator) SetLatency(d time.Duration) {
	e.pace.mu.Lock()
	defer e.pace.mu.Unlock()
	e.pace.latency = max(d, 0)
}

// Latency is the latency SetLatency set.
func (e *Emulator) Latency() time.Duration { return e.pace.currentLatency() }

// MaxInFlight returns, per service ("netlify", "dokploy", "github", "gitlab", "bitbucket", "gitea"), the highest
// number of requests it
// had in flight at once since New or the last ResetRequestCounts.
func (e *Emulator) MaxInFlight() map[string]int {
	e.pace.mu.Lock()
	defer e.pace.mu.Unlock()
	return maps.Clone(e.pace.maxInFlight)
}

func (p *pacer) resetMaxInFlight() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.maxInFlight = maps.Clone(p.inFlight) // what is in flight now still counts
}

// SetRateLimit limits a service ("netlify", "dokploy", "github", "gitlab", "bitbucket" or "gitea") to limit
// requests per window; a
// limit of 0 removes it. See ConfigureRateLimit.
func (e *Emulator) SetRateLimit(service string, limit int, window time.Duration) {
	_ = e.ConfigureRateLimit(service, RateLimit{Limit: limit, Window: window}) // invalid input: documented no-op
}

// ConfigureRateLimit sets a service's primary rate limit (Limit 0 removes it). Every answer of that
// service then carries its rate-limit headers (GitHub x-ratelimit-limit, -remaining, -used, -reset,
// -resource; Netlify X-RateLimit-Limit, -Remaining, -Reset; GitLab RateLimit-*), and requests over the
// limit are refused as the service does. Reset removes rate limits.
func (e *Emulator) ConfigureRateLimit(service string, rl RateLimit) error {
	if servicePrefix(service) == "" {
		return fmt.Errorf("unknown service %q (want %q, %q, %q, %q, %q or %q)", service, ServiceNetlify, ServiceDokploy,
			ServiceGitHub, ServiceGitLab, ServiceBitbucket, ServiceGitea)
	}
	switch {
	case rl.Limit < 0:
		return errors.New("rate limit must not be negative")
	case rl.Limit > 0 && rl.Window <= 0:
		return errors.New("rate limit window must be positive")
	case rl.Status != 0 && rl.Status != http.StatusForbidden && rl.Status != http.StatusTooManyRequests:
		return errors.New("rate limit status must be 403 or 429")
	}
	e.pace.mu.Lock()
	defer e.pace.mu.Unlock()
	if rl.Limit == 0 {
		delete(e.pace.limits, service)
		return nil
	}
	e.pace.limits[service] = &primaryLimit{RateLimit: rl}
	return nil
}

// SetSecondaryRateLimit sets GitHub's secondary rate limit (a zero value removes it).
func (e *Emulator) SetSecondaryRateLimit(sl SecondaryRateLimit) error {
	switch {
	case sl.MaxConcurrent < 0 || sl.MaxMutations < 0 || sl.RetryAfter < 0:
		return errors.New("secondary rate limit values must not be negative")
	case sl.MaxMutations > 0 && sl.Window <= 0:
		return errors.New("secondary rate limit window must be positive")
	case sl.Status != 0 && sl.Status != http.StatusForbidden && sl.Status != http.StatusTooManyRequests:
		return errors.New("secondary rate limit status must be 403 or 429")
	}
	e.pace.mu.Lock()
	defer e.pace.mu.Unlock()
	e.pace.secondary = nil
	if sl.MaxConcurrent > 0 || sl.MaxMutations > 0 {
		e.pace.secondary = &secondaryLimit{SecondaryRateLimit: sl}
	}
	return nil
}

func (p *pacer) clearRateLimits() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.limits = map[string]*primaryLimit{}
	p.secondary = nil
}

func servicePrefix(service string) string {
	switch service {
	case ServiceNetlify:
		return NetlifyPrefix
	case ServiceGitHub:
		return GitHubPrefix
	case ServiceGitLab:
		return GitLabPrefix
	case ServiceDokploy:
		return DokployPrefix
	case ServiceBitbucket:
		return BitbucketPrefix
	case ServiceGitea:
		return GiteaPrefix
	}
	return ""
}

// rateDecision is what the limits say about one request.
type rateDecision struct {
	header    http.Header // headers for the answer, whatever it is
	exceeded  bool        // primary limit
	secondary bool        // GitHub's secondary limit
	status    int
	reset     time.Time
	retry     int // seconds, secondary only
}

func isMutation(method string) bool {
	return method == http.MethodPost || method == http.MethodPatch || method == http.MethodPut || method == http.MethodDelete
}

func (p *pacer) decide(svc, method string, inFlight int, now time.Time) rateDecision {
	p.mu.Lock()
	defer p.mu.Unlock()
	d := rateDecision{header: http.Header{}}
	if l := p.limits[svc]; l != nil {
		usedBefore, reset := l.win.take(now, l.Window)
		d.exceeded, d.reset = usedBefore >= l.Limit, reset
		used := min(usedBefore+1, l.Limit)
		remaining := l.Limit - used
		resetUnix := strconv.FormatInt(reset.Unix(), 10)
		switch svc {
		case ServiceGitHub:
			d.header.Set("X-Ratelimit-Limit", strconv.Itoa(l.Limit))
			d.header.Set("X-Ratelimit-Remaining", strconv.Itoa(remaining))
			d.header.Set("X-Ratelimit-Used", strconv.Itoa(used))
			d.header.Set("X-Ratelimit-Reset", resetUnix)
			d.header.Set("X-Ratelimit-Resource", "core")
			d.status = l.Status
			if d.status == 0 {
				d.status = http.StatusForbidden
			}
		case ServiceNetlify:
			d.header.Set("X-RateLimit-Limit", strconv.Itoa(l.Limit))
			d.header.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
			d.header.Set("X-RateLimit-Reset", resetUnix)
			d.status = http.StatusTooManyRequests
		case ServiceGitLab:
			d.header.Set("RateLimit-Name", "throttle_authenticated_api")
			d.header.Set("RateLimit-Limit", strconv.Itoa(l.Limit))
			d.header.Set("RateLimit-Observed", strconv.Itoa(usedBefore+1))
			d.header.Set("RateLimit-Remaining", strconv.Itoa(remaining))
			d.header.Set("RateLimit-Reset", resetUnix)
			d.header.Set("RateLimit-ResetTime", reset.UTC().Format(http.TimeFormat))
			d.status = http.StatusTooManyRequests
		case ServiceDokploy:
			d.status = http.StatusTooManyRequests // see dokployRateLimited
		case ServiceBitbucket:
			// Bitbucket's scaled rate limits ("API request limits"): X-RateLimit-Limit per hour, the resource
			// group, and NearLimit when little is left (the 20% threshold is not documented).
			d.header.Set("X-RateLimit-Limit", strconv.Itoa(l.Limit))
			d.header.Set("X-RateLimit-Resource", "api")
			d.header.Set("X-RateLimit-NearLimit", strconv.FormatBool(remaining*5 < l.Limit))
			d.status = http.StatusTooManyRequests
		case ServiceGitea:
			// Gitea has no API rate limit of its own: this stands for a proxy in front of it, which
			// answers 429 with Retry-After.
			d.status = http.StatusTooManyRequests
		}
	}
	if d.exceeded || svc != ServiceGitHub || p.secondary == nil {
		return d
	}
	sl := p.secondary
	tooMany := sl.MaxConcurrent > 0 && inFlight > sl.MaxConcurrent
	if sl.MaxMutations > 0 && isMutation(method) {
		usedBefore, _ := sl.win.take(now, sl.Window)
		tooMany = tooMany || usedBefore >= sl.MaxMutations
	}
	if tooMany {
		d.secondary, d.retry, d.status = true, sl.RetryAfter, sl.Status
		if d.status == 0 {
			d.status = http.StatusForbidden
		}
	}
	return d
}

const ghRateLimitDocs = ghDocs + "/overview/rate-limits-for-the-rest-api"

// applyRateLimit sets the service's rate-limit headers (decided by pacer.decide) and refuses the
// request when a limit is exceeded; it reports whether it answered.
func (e *Emulator) applyRateLimit(w http.ResponseWriter, r *http.Request, svc string, d rateDecision) bool {
	for k, v := range d.header {
		w.Header()[k] = v
	}
	switch {
	case d.secondary:
		if d.retry > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(d.retry))
		}
		writeGitHubError(w, d.status, "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
			ghRateLimitDocs+"#about-secondary-rate-limits")
		return true
	case !d.exceeded:
		return false
	}
	switch svc {
	case ServiceGitHub:
		writeGitHubError(w, d.status, "API rate limit exceeded for "+e.githubCaller(r)+".", ghRateLimitDocs)
	case ServiceNetlify:
		writeNetlifyError(w, d.status, "Rate limit exceeded")
	case ServiceDokploy:
		dokployRateLimited(w, d.reset)
	case ServiceBitbucket:
		// The message Atlassian's troubleshooting article quotes.
		writeBitbucketError(w, d.status, "Rate limit for this resource has been exceeded")
	case ServiceGitea:
		w.Header().Set("Retry-After", strconv.FormatInt(max(int64(time.Until(d.reset).Seconds()+0.999), 1), 10))
		writeGiteaError(w, r, d.status, "rate limit exceeded")
	default:
		w.Header().Set("Retry-After", strconv.FormatInt(max(int64(time.Until(d.reset).Seconds()+0.999), 1), 10))
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(d.status)
		_, _ = w.Write([]byte("Retry later\n")) // GitLab's throttle answer; a failed write means the client left
	}
	return true
}

// githubCaller names the caller as GitHub's rate-limit message does: "user ID n" or the client address.
func (e *Emulator) githubCaller(r *http.Request) string {
	if tok, ok := bearerToken(r, true); ok {
		e.mu.Lock()
		u := e.st.github.userByToken(tok)
		e.mu.Unlock()
		if u != nil {
			return "user ID " + strconv.FormatInt(u.id, 10)
		}
	}
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return host
	}
	return r.RemoteAddr
}
