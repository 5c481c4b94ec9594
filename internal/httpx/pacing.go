package httpx

import (
	"net/http"
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
