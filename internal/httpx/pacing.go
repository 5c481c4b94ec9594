package httpx

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// pacer spaces the starts of mutative requests (POST, PATCH, PUT, DELETE) at least interval apart, as
// GitHub's best practices ask of one token ("wait at least one second between each request" that
// creates, updates or deletes), to stay clear of its secondary rate limits. It reserves a start time
// under a lock and waits outside it: reads are never held up, and no lock is held while a request is in
// flight, so many writes can be under way at once, each started on its own slot.
type pacer struct {
	interval time.Duration
	mu       sync.Mutex
	next     time.Time // the earliest start of the next mutative request
}

// reserve returns how long the caller must wait before starting a mutative request.
func (p *pacer) reserve(now time.Time) time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	start := p.next
	if start.Before(now) {
		start = now
	}
	p.next = start.Add(p.interval)
	return start.Sub(now)
}

func isMutative(method string) bool {
	switch method {
	case http.MethodPost, http.MethodPatch, http.MethodPut, http.MethodDelete:
		return true
	default:
		return false
	}
}

// pacingTransport waits for a mutative request's slot before sending it; every attempt of a retried
// request takes a slot of its own.
type pacingTransport struct {
	pacer *pacer
	next  http.RoundTripper
}

func (t *pacingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if !isMutative(req.Method) {
		return t.next.RoundTrip(req)
	}
	wait := t.pacer.reserve(time.Now())
	if wait > 0 {
		tflog.Trace(req.Context(), "pacing a mutative request", map[string]any{"wait_ms": wait.Milliseconds()})
		timer := time.NewTimer(wait)
		select {
		case <-req.Context().Done():
			timer.Stop()
			return nil, req.Context().Err()
		case <-timer.C:
		}
	}
	return t.next.RoundTrip(req)
}

// spreadBelowFraction is the share of a rate-limit window's requests below which budget spreads the
// rest evenly over the time left in the window, instead of letting a burst spend them and run into 429s.
const spreadBelowFraction = 10

// budget keeps a client inside the request budget its service announces with every answer
// (X-RateLimit-Limit, -Remaining and -Reset on Netlify and GitHub; RateLimit-* on GitLab): requests go
// out freely while plenty remain; once fewer than a tenth of the window's limit remain, they are spread
// evenly over the time until the window resets, and none is started beyond the budget before the reset.
// So a plan of a thousand sites against Netlify's 500 requests a minute slows down ahead of the limit
// rather than waiting out 429s. Services that announce nothing are not paced.
type budget struct {
	mu        sync.Mutex
	known     bool
	limit     int
	remaining int // announced by the latest answer, less the requests started since
	reset     time.Time
	next      time.Time // the earliest start of the next request while spreading
	inFlight  int
}

// reserve returns how long to wait before starting a request, and counts it as started.
func (b *budget) reserve(now time.Time) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.inFlight++
	if !b.known || !now.Before(b.reset) {
		b.known = false // a new window: the next answer tells its budget
		return 0
	}
	b.remaining--
	if b.remaining >= b.limit/spreadBelowFraction {
		return 0
	}
	start := now
	if b.next.After(start) {
		start = b.next
	}
	if b.remaining < 0 {
		if b.reset.After(start) {
			start = b.reset // nothing left in this window
		}
	} else {
		start = start.Add(b.reset.Sub(start) / time.Duration(b.remaining+1))
	}
	b.next = start
	return start.Sub(now)
}

// observe reads an answer's budget; the requests still in flight are not in it yet.
func (b *budget) observe(h http.Header, now time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.inFlight--
	limit, okLimit := headerInt(h, "X-RateLimit-Limit", "RateLimit-Limit")
	remaining, okRemaining := headerInt(h, "X-RateLimit-Remaining", "RateLimit-Remaining")
	resetValue := h.Get("X-RateLimit-Reset")
	if resetValue == "" {
		resetValue = h.Get("RateLimit-Reset")
	}
	reset, okReset := parseResetEpoch(resetValue, now)
	if !okLimit || !okRemaining || !okReset || limit <= 0 {
		return
	}
	// The reset is given in whole seconds, and services round it down: the window may end up to a second
	// later, and requests sent at the announced second would be refused.
	reset = reset.Add(time.Second)
	left := remaining - b.inFlight
	if b.known && reset.Sub(b.reset) < time.Second {
		// The same window (or an older one): answers arrive out of order, and one that the service
		// sent before others may still say more is left. Only a lower count is news.
		if reset.Before(b.reset.Add(-time.Second)) || left >= b.remaining {
			return
		}
		b.remaining = left
		return
	}
	b.known, b.limit, b.reset = true, limit, reset
	b.remaining = left
}

func headerInt(h http.Header, names ...string) (int, bool) {
	for _, name := range names {
		if v := strings.TrimSpace(h.Get(name)); v != "" {
			n, err := strconv.Atoi(v)
			return n, err == nil
		}
	}
	return 0, false
}

// budgetTransport waits for a request's place in the service's announced budget before sending it.
type budgetTransport struct {
	budget *budget
	next   http.RoundTripper
}

func (t *budgetTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	wait := t.budget.reserve(time.Now())
	if wait > 0 {
		tflog.Debug(req.Context(), "pacing a request to stay within the service's rate limit", map[string]any{"wait_ms": wait.Milliseconds()})
		timer := time.NewTimer(wait)
		select {
		case <-req.Context().Done():
			timer.Stop()
			t.budget.observe(nil, time.Now())
			return nil, req.Context().Err()
		case <-timer.C:
		}
	}
	resp, err := t.next.RoundTrip(req)
	var h http.Header
	if resp != nil {
		h = resp.Header
	}
	t.budget.observe(h, time.Now())
	return resp, err
}
