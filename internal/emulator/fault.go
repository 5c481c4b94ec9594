package emulator

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
)

// Fault makes requests fail before they reach the emulated service, to test retries and error handling.
// This round covers status answers; latency, dropped connections and lost answers come later.
type Fault struct {
	// Method matches the request method ("" any).
	Method string `json:"method,omitempty"`
	// Route matches the route pattern without the method, e.g. "/github/api/v3/repos/{owner}/{repo}/keys"
	// ("" any route of the emulated services).
	Route string `json:"route,omitempty"`
	// Status is the answer's status code, e.g. 500, 502, 429.
	Status int `json:"status"`
	// RetryAfter, when positive, is sent as the Retry-After header (seconds).
	RetryAfter int `json:"retry_after,omitempty"`
	// Body is the raw answer body; empty: {"message": "<status text>"}.
	Body string `json:"body,omitempty"`
	// Times is how many matching requests fail (0 means 1).
	Times int `json:"times,omitempty"`
}

type faultRule struct {
	Fault
	left int
}

func (f Fault) validate() error {
	if f.Status < 100 || f.Status > 599 {
		return errors.New("fault status must be an HTTP status code")
	}
	if f.Times < 0 {
		return errors.New("fault times must not be negative")
	}
	return nil
}

// InjectFault adds a fault; faults are checked in the order they were added. An invalid fault (status
// outside 100..599, negative times) is ignored; the admin API reports it as 400.
func (e *Emulator) InjectFault(f Fault) {
	if f.validate() != nil {
		return
	}
	left := f.Times
	if left == 0 {
		left = 1
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.faults = append(e.faults, &faultRule{Fault: f, left: left})
}

// ClearFaults removes every fault not used up yet.
func (e *Emulator) ClearFaults() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.faults = nil
}

// applyFault answers for the first matching fault and reports whether it did.
func (e *Emulator) applyFault(w http.ResponseWriter, r *http.Request, pattern string) bool {
	_, route, _ := strings.Cut(pattern, " ")
	e.mu.Lock()
	var hit *faultRule
	for i, f := range e.faults {
		if (f.Method == "" || strings.EqualFold(f.Method, r.Method)) && (f.Route == "" || f.Route == route) {
			hit = f
			f.left--
			if f.left <= 0 {
				e.faults = append(e.faults[:i], e.faults[i+1:]...)
			}
			break
		}
	}
	e.mu.Unlock()
	if hit == nil {
		return false
	}
	if hit.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(hit.RetryAfter))
	}
	if hit.Body == "" {
		writeJSON(w, hit.Status, map[string]string{"message": http.StatusText(hit.Status)})
		return true
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(hit.Status)
	_, _ = w.Write([]byte(hit.Body)) // a failed write means the client is gone
	return true
}
