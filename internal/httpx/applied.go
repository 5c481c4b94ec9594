package httpx

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
)

type repeatableKey struct{}

// Repeatable marks the requests made with the returned context as safe to send again although
// their method is not idempotent: a PATCH (or POST) whose body sets every field it changes to a
// known value, so that applying it twice leaves the same result as once. The retry policy then
// retries them on 5xx answers and dropped connections, as it does PUT and DELETE.
func Repeatable(ctx context.Context) context.Context {
	return context.WithValue(ctx, repeatableKey{}, true)
}

func isRepeatable(ctx context.Context) bool {
	v, ok := ctx.Value(repeatableKey{}).(bool)
	return ok && v
}

// ErrMayHaveBeenApplied marks an error after which the object may exist although the call could not say
// so: e.g. a key stored by a create that answers nothing, not yet in the listing that would give its id.
// MayHaveBeenApplied is true for errors wrapping it.
var ErrMayHaveBeenApplied = errors.New("the request may have been applied")

// MayHaveBeenApplied reports whether a failed write may nevertheless have been applied by the
// service: its answer was lost (the connection dropped after the request was sent, the context ended
// while it was in flight) or was a 5xx, which a gateway sends even when the service behind it did the
// work. A caller that creates something must then look for it before creating it again. Answers that
// say the request was refused (4xx, rate limits) and connections that were never opened are not.
func MayHaveBeenApplied(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, ErrMayHaveBeenApplied) {
		return true
	}
	var rateLimited *RateLimitError
	if errors.As(err, &rateLimited) {
		return false // refused before being applied, and not retried because of the deadline
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.StatusCode != 0 {
		return apiErr.StatusCode >= 500 && apiErr.StatusCode != http.StatusNotImplemented
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	if neverSent(err) || IsConnectionError(err) {
		return false
	}
	var (
		urlErr *url.Error
		netErr net.Error
	)
	return apiErr != nil || // an APIError without a status had no answer
		errors.As(err, &urlErr) || errors.As(err, &netErr) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}
