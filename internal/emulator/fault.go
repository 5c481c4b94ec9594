package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Fault makes matching requests misbehave, to test retries and error handling. What it does, in order:
// wait Latency (with AfterApply: after applying, see below); then either answer Status (not applying
// the request), or Drop the connection without an answer (not applied), or apply the request and then
// drop the connection instead of answering (AfterApply: "the answer was lost after the request was
// applied"), or, with AfterApply and Status, apply it and answer Status (a gateway's 502 or 504 while
// the origin did the work). A fault with only
// a Latency delays the request, which is then served normally; a client that gives up during that wait
// leaves nothing applied ("a slow service that never got to the request").
//
// With AfterApply the Latency comes after the request is applied, not before: the request is applied at
// once, and the answer (the dropped connection, or Status) comes Latency later. A client that gives up
// within Latency (its deadline, an interrupt) has then had its request applied without hearing so,
// which is what a real service does with a request whose client hung up while the work was under way:
// it finishes the work. That is the case a client's timeout must handle ("applied, but the answer came
// after the client's deadline"), which no other combination of the fields expresses.
type Fault struct {
	// Method matches the request method ("" any).
	Method string `json:"method,omitempty"`
	// Route matches the route pattern, e.g. "/github/api/v3/repos/{owner}/{repo}/keys", or a key of
	// RequestCounts ("POST /github/api/v3/repos/{owner}/{repo}/keys"), which sets Method too ("" any
	// route of the emulated services).
	Route string `json:"route,omitempty"`
	// Status is the answer's status code, e.g. 500, 502, 429 (0: no status answer).
	Status int `json:"status,omitempty"`
	// RetryAfter, when positive, is sent as the Retry-After header (seconds) with Status.
	RetryAfter int `json:"retry_after,omitempty"`
	// Body is the raw answer body with Status; empty: {"message": "<status text>"}.
	Body string `json:"body,omitempty"`
	// Times is how many matching requests the fault hits: 0 means 1, -1 every one until ClearFaults.
	Times int `json:"times,omitempty"`
	// Latency is added before anything else. In JSON: "latency": "250ms" (or a number of milliseconds).
	Latency time.Duration `json:"-"`
	// Drop closes the connection without answering; the request is not applied.
	Drop bool `json:"drop,omitempty"`
	// AfterApply applies the request, then closes the connection without answering, or answers Status
	// when one is set; with a Latency, the request is applied first and the answer comes Latency later.
	AfterApply bool `json:"after_apply,omitempty"`
}

// faultJSON is Fault's JSON form, with the latency as text.
type faultJSON struct {
	faultAlias
	Latency json.RawMessage `json:"latency,omitempty"`
}

type faultAlias Fault // no methods: avoids recursing into Fault's JSON methods

// MarshalJSON writes the latency as a duration string ("250ms").
func (f Fault) MarshalJSON() ([]byte, error) {
	out := faultJSON{faultAlias: faultAlias(f)}
	if f.Latency != 0 {
		out.Latency = json.RawMessage(strconv.Quote(f.Latency.String()))
	}
	return json.Marshal(out)
}

// UnmarshalJSON reads the latency as a duration string or a number of milliseconds.
func (f *Fault) UnmarshalJSON(data []byte) error {
	var in faultJSON
	if err := json.Unmarshal(data, &in); err != nil {
		return err
	}
	d, err := parseDurationJSON(in.Latency)
	if err != nil {
		return fmt.Errorf("latency: %w", err)
	}
	*f = Fault(in.faultAlias)
	f.Latency = d
	return nil
}

// parseDurationJSON reads "250ms", "1m" or a number of milliseconds; empty or null is 0.
func parseDurationJSON(raw json.RawMessage) (time.Duration, error) {
	text := strings.TrimSpace(string(raw))
	if text == "" || text == "null" {
		return 0, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return time.ParseDuration(s)
	}
	var ms float64
	if err := json.Unmarshal(raw, &ms); err != nil {
		return 0, errors.New(`want a duration such as "250ms" or a number of milliseconds`)
	}
	return time.Duration(ms * float64(time.Millisecond)), nil
}

type faultRule struct {
	Fault
	left int // -1: unlimited
}

func (f Fault) validate() error {
	switch {
	case f.Status != 0 && (f.Status < 100 || f.Status > 599):
		return errors.New("fault status must be an HTTP status code")
	case f.Times < -1:
		return errors.New("fault times must be -1 (always), 0 (once) or positive")
	case f.Latency < 0:
		return errors.New("fault latency must not be negative")
	case f.Drop && f.AfterApply:
		return errors.New("a fault either drops the request (drop) or its answer (after_apply), not both")
	case f.Status != 0 && f.Drop:
		return errors.New("a dropped connection has no status")
	case f.Status == 0 && !f.Drop && !f.AfterApply && f.Latency == 0:
		return errors.New("a fault needs a status, a latency, drop or after_apply")
	}
	return nil
}

// InjectFault adds a fault; faults are checked in the order they were added and the first match
// applies. An invalid fault is ignored (AddFault reports why; the admin API answers 400).
func (e *Emulator) InjectFault(f Fault) {
	_ = e.AddFault(f) // documented: invalid faults are ignored here
}

// AddFault adds a fault, or says why it is invalid.
func (e *Emulator) AddFault(f Fault) error {
	if method, route, ok := strings.Cut(f.Route, " "); ok && strings.HasPrefix(route, "/") {
		f.Method, f.Route = method, route
	}
	if err := f.validate(); err != nil {
		return err
	}
	left := f.Times
	if left == 0 {
		left = 1
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.faults = append(e.faults, &faultRule{Fault: f, left: left})
	return nil
}

// ClearFaults removes every fault not used up yet.
func (e *Emulator) ClearFaults() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.faults = nil
}

// takeFault returns the first fault matching the request and uses it up once.
func (e *Emulator) takeFault(r *http.Request, pattern string) *Fault {
	_, route, _ := strings.Cut(pattern, " ")
	e.mu.Lock()
	defer e.mu.Unlock()
	for i, f := range e.faults {
		if (f.Method == "" || strings.EqualFold(f.Method, r.Method)) && (f.Route == "" || f.Route == route) {
			if f.left > 0 {
				f.left--
				if f.left == 0 {
					e.faults = append(e.faults[:i], e.faults[i+1:]...)
				}
			}
			hit := f.Fault
			return &hit
		}
	}
	return nil
}

// applyFault acts out the first matching fault and reports whether the request is finished (answered
// or dropped). A latency-only fault only delays it.
func (e *Emulator) applyFault(w http.ResponseWriter, r *http.Request, pattern string) bool {
	hit := e.takeFault(r, pattern)
	if hit == nil {
		return false
	}
	if hit.AfterApply {
		e.api.ServeHTTP(newBufferedWriter(), r) // applied; its answer is thrown away
	}
	if !sleepCtx(r, hit.Latency) {
		return true // the client gave up waiting (after the request was applied, with AfterApply)
	}
	switch {
	case hit.Drop:
		dropConnection(w)
		return true
	case hit.AfterApply:
		if hit.Status == 0 {
			dropConnection(w)
			return true
		}
	case hit.Status == 0:
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

// dropConnection closes the client's connection without an answer. Where the connection cannot be
// taken over (HTTP/2), aborting the handler resets the stream instead.
func dropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler) // net/http closes the stream without logging
	}
	_ = conn.Close() // closing is the point; an error means it is closed already
}

// sleepCtx waits d unless the request is cancelled first; false when it was. It reads the request's body
// first (the handlers read it from memory then): net/http notices a client that hangs up only once the
// body is read, so a client that gives up during the wait would otherwise go unnoticed, and its request
// be applied after the wait.
func sleepCtx(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	if r.Body != nil && r.Body != http.NoBody {
		// Up to one byte more than any handler reads, so that theirs still sees a body that is too large.
		data, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
		_ = r.Body.Close() // read to its end, or failed: either way done with
		r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(data), errReader{err}))
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

// errReader returns err, or io.EOF when err is nil: the end of a body read ahead, as it ended.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	return 0, io.EOF
}
