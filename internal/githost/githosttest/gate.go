// Package githosttest holds test helpers shared by the git host clients' tests.
package githosttest

import (
	"sync"
	"time"
)

// Gate holds requests until Want of them are in flight at once, which proves that a client sends them
// concurrently: a client that sends them one after another makes the first wait out the timeout.
type Gate struct {
	want    int
	timeout time.Duration

	mu          sync.Mutex
	inFlight    int
	maxInFlight int
	reached     chan struct{}
}

// NewGate returns a gate that opens once want requests are in flight together. Want 1 never holds
// anything and only counts.
func NewGate(want int, timeout time.Duration) *Gate {
	return &Gate{want: want, timeout: timeout, reached: make(chan struct{})}
}

// Enter counts a request in and waits until the gate is open; false means the timeout passed first.
// Every Enter needs a Leave.
func (g *Gate) Enter() bool {
	g.mu.Lock()
	g.inFlight++
	g.maxInFlight = max(g.maxInFlight, g.inFlight)
	if g.inFlight >= g.want {
		select {
		case <-g.reached:
		default:
			close(g.reached)
		}
	}
	g.mu.Unlock()

	timer := time.NewTimer(g.timeout)
	defer timer.Stop()
	select {
	case <-g.reached:
		return true
	case <-timer.C:
		return false
	}
}

// Leave counts a request out.
func (g *Gate) Leave() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.inFlight--
}

// MaxInFlight is the most requests that were in flight together.
func (g *Gate) MaxInFlight() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.maxInFlight
}
