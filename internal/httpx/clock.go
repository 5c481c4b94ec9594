package httpx

import (
	"net/http"
	"sync"
	"time"
)

// Clock follows a service's clock through the Date header of its answers, so that a creation time the
// service reports can be compared with a moment of ours: a local clock a few seconds ahead of the
// service's would otherwise make an object created just now look older than the request that made it.
// The zero value knows nothing yet; a nil *Clock is valid and never knows.
type Clock struct {
	mu     sync.Mutex
	offset time.Duration // service time minus local time
	known  bool
}

// Observe records the offset that an answer's Date header shows, received at local time at.
func (c *Clock) Observe(h http.Header, at time.Time) {
	if c == nil {
		return
	}
	date, err := http.ParseTime(h.Get("Date"))
	if err != nil {
		return
	}
	// Date has one-second resolution and was written before the answer travelled: the service's clock
	// read somewhere in [date, date+1s) when the answer left. The middle of that second is the best guess.
	offset := date.Add(500 * time.Millisecond).Sub(at)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset, c.known = offset, true
}

// ServiceTime returns local instant t on the service's clock, and whether an answer has told the service's
// clock yet (without one, t is returned unchanged). The estimate is good to about a second.
func (c *Clock) ServiceTime(t time.Time) (time.Time, bool) {
	if c == nil {
		return t, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.known {
		return t, false
	}
	return t.Add(c.offset), true
}
