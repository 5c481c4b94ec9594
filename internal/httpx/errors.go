package httpx

import (
	"errors"
	"fmt"
	"net/http"
	"time"
)

// APIError is the one error type every client returns for an answer it did not expect, so that a
// diagnostic can always say which call failed and what the service answered.
type APIError struct {
	Service    string // "Netlify", "GitHub", "GitLab"
	Operation  string // what the provider tried, e.g. "create deploy key"
	Method     string
	Path       string // URL path only: never the query, which may hold credentials
	StatusCode int
	Message    string // the service's own message, or a readable summary of a non-JSON body
	// Err is the transport error when there was no answer (StatusCode 0), so that errors.Is and
	// errors.As see it (MayHaveBeenApplied, a cancelled context); nil otherwise.
	Err error
}

// Unwrap returns the transport error behind an APIError without an answer.
func (e *APIError) Unwrap() error { return e.Err }

func (e *APIError) Error() string {
	if e.StatusCode == 0 {
		// No answer: say why, not "answered 0". A ConnectionError's own text names the setting to fix;
		// the library's wrapper of it would repeat the URL first.
		msg := e.Message
		var connErr *ConnectionError
		if errors.As(e.Err, &connErr) {
			msg = connErr.Error()
		}
		return fmt.Sprintf("%s: %s (%s %s) got no answer: %s", e.Service, e.Operation, e.Method, e.Path, msg)
	}
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.StatusCode)
	}
	return fmt.Sprintf("%s: %s (%s %s) answered %d: %s", e.Service, e.Operation, e.Method, e.Path, e.StatusCode, msg)
}

// IsNotFound reports whether err is an APIError with status 404.
func IsNotFound(err error) bool { return hasStatus(err, http.StatusNotFound) }

// IsStatus reports whether err is an APIError with the given status.
func IsStatus(err error, status int) bool { return hasStatus(err, status) }

func hasStatus(err error, status int) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == status
}

// RateLimitError says that a service asked the provider to wait (a rate limit, Retry-After) until a
// time that is past the operation's deadline, or absurdly far away; the request was not retried.
type RateLimitError struct {
	Service    string
	Method     string
	Path       string // URL path only
	StatusCode int
	Reason     string    // which signal asked for the wait, e.g. "secondary rate limit"
	RetryAt    time.Time // when the service would accept the request again
	Deadline   time.Time // the request context's deadline; zero when the wait was simply too long
}

func (e *RateLimitError) Error() string {
	retryAt := e.RetryAt.UTC().Format(time.RFC3339)
	if e.Deadline.IsZero() {
		return fmt.Sprintf("%s: %s %s answered %d (%s): the service asks to wait until %s, longer than the provider waits",
			e.Service, e.Method, e.Path, e.StatusCode, e.Reason, retryAt)
	}
	return fmt.Sprintf("%s: %s %s answered %d (%s): the service asks to wait until %s, after this operation's deadline %s",
		e.Service, e.Method, e.Path, e.StatusCode, e.Reason, retryAt, e.Deadline.UTC().Format(time.RFC3339))
}
