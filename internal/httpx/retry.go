package httpx

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// retryPolicy decides, after each attempt, whether to retry and how long to wait first.
type retryPolicy struct {
	opts Options
	// now is time.Now except in tests.
	now func() time.Time
}

// retryDecision is the outcome of one attempt.
type retryDecision struct {
	retry bool
	wait  time.Duration
	// rateLimited is set when the service itself asked for the wait; retryAt is then when.
	rateLimited bool
	retryAt     time.Time
	reason      string
}

// checkRetry is retryablehttp's CheckRetry. It also performs the wait (see NewClient).
func (p *retryPolicy) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return false, ctxErr
	}
	st := stateFrom(ctx)
	if st.attempts > p.opts.MaxRetries {
		// Out of retries: the last answer (or transport error) goes back to the caller as it is.
		return false, nil
	}

	secondary := false
	if resp != nil && (resp.StatusCode == http.StatusForbidden || resp.StatusCode == http.StatusTooManyRequests) {
		secondary = peekSecondaryRateLimit(resp)
	}
	d := p.decide(st.method, st.repeatable, resp, err, secondary, st.attempts)
	if !d.retry {
		return false, nil
	}

	if deadline, ok := ctx.Deadline(); ok && p.clock().Add(d.wait).After(deadline) {
		if d.rateLimited {
			return false, p.rateLimitError(st, resp, d, deadline)
		}
		// An ordinary backoff that would outlive the deadline is pointless: hand back what we have.
		return false, nil
	}
	if d.rateLimited && d.wait > maxRateLimitWait {
		return false, p.rateLimitError(st, resp, d, time.Time{})
	}

	if resp != nil && resp.Body != nil {
		// Free the connection before a possibly long wait; retryablehttp would drain it after.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // only to reuse the connection
		_ = resp.Body.Close()                                         // the body is not used again
	}

	fields := map[string]any{
		"service":     p.opts.Service,
		"http_method": st.method,
		"http_path":   st.path,
		"attempt":     st.attempts,
		"wait":        d.wait.String(),
		"reason":      d.reason,
	}
	logCtx := maskingContext(ctx, p.opts.RuntimeSecrets.with(p.opts.Secrets))
	if d.rateLimited {
		fields["retry_at"] = d.retryAt.UTC().Format(time.RFC3339)
		tflog.Info(logCtx, p.opts.Service+" API rate limit: waiting before retry", fields)
	} else {
		tflog.Debug(logCtx, p.opts.Service+" API request: waiting before retry", fields)
	}

	timer := time.NewTimer(d.wait)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return false, ctx.Err()
	case <-timer.C:
		return true, nil
	}
}

func (p *retryPolicy) clock() time.Time {
	if p.now != nil {
		return p.now()
	}
	return time.Now()
}

func (p *retryPolicy) rateLimitError(st *requestState, resp *http.Response, d retryDecision, deadline time.Time) *RateLimitError {
	e := &RateLimitError{
		Service:  p.opts.Service,
		Method:   st.method,
		Path:     st.path,
		RetryAt:  d.retryAt,
		Deadline: deadline,
		Reason:   d.reason,
	}
	if resp != nil {
		e.StatusCode = resp.StatusCode
	}
	return e
}

// decide applies the retry rules to one attempt's outcome. attempt counts from 1. repeatable says
// that the caller marked a non-idempotent request as safe to send again (Repeatable).
func (p *retryPolicy) decide(method string, repeatable bool, resp *http.Response, err error, secondary bool, attempt int) retryDecision {
	safe := repeatable || idempotent(method)
	if err != nil {
		if !retryableTransportError(err) {
			return retryDecision{}
		}
		// A refused connection or an unknown host at a configured address is a configuration error:
		// retrying only delays the error that says which setting to fix. Timeouts and resets are retried.
		if _, final, ok := connectionFailure(err); ok && final {
			return retryDecision{}
		}
		// A POST or PATCH that may have reached the server must not be sent twice: the caller looks
		// for what it may have created instead (see MayHaveBeenApplied).
		if !safe && !neverSent(err) {
			return retryDecision{}
		}
		return retryDecision{retry: true, wait: p.backoff(attempt), reason: "connection error"}
	}

	if d, ok := p.rateLimitDecision(resp, secondary, attempt); ok {
		return d
	}

	status := resp.StatusCode
	if status >= 500 && status != http.StatusNotImplemented && safe {
		d := retryDecision{retry: true, wait: p.backoff(attempt), reason: resp.Status}
		// 503 may say when the service expects to be back.
		if wait, ok := parseRetryAfter(resp.Header.Get("Retry-After"), p.clock()); ok {
			d.wait = wait
		}
		return d
	}
	return retryDecision{}
}

// rateLimitDecision recognises rate-limit answers. They were rejected before being applied, so
// every method may be retried. ok is false when resp is not a rate-limit answer.
func (p *retryPolicy) rateLimitDecision(resp *http.Response, secondary bool, attempt int) (retryDecision, bool) {
	status := resp.StatusCode
	if status != http.StatusTooManyRequests && status != http.StatusForbidden {
		return retryDecision{}, false
	}
	now := p.clock()
	limited := func(wait time.Duration, reason string) (retryDecision, bool) {
		wait = max(wait, 0)
		return retryDecision{retry: true, wait: wait, rateLimited: true, retryAt: now.Add(wait), reason: reason}, true
	}
	// untilReset waits for a reset epoch; retryAt names the reset itself, the padding is ours.
	untilReset := func(reset time.Time, reason string) (retryDecision, bool) {
		d, ok := limited(reset.Sub(now)+p.opts.resetPadding, reason)
		d.retryAt = reset
		return d, ok
	}

	remainingZero := strings.TrimSpace(resp.Header.Get("X-RateLimit-Remaining")) == "0"
	reset, hasReset := parseResetEpoch(resp.Header.Get("X-RateLimit-Reset"), now)
	retryAfter, hasRetryAfter := parseRetryAfter(resp.Header.Get("Retry-After"), now)

	switch {
	case hasRetryAfter && (status == http.StatusTooManyRequests || secondary || remainingZero):
		return limited(retryAfter, "Retry-After")
	case remainingZero && hasReset:
		// GitHub primary limit (403 or 429), Netlify's 429: wait for the window to reset.
		return untilReset(reset, "rate limit exhausted until X-RateLimit-Reset")
	case secondary:
		// GitHub: without retry-after wait at least a minute, then back off exponentially.
		wait := p.opts.secondaryRateLimitWait << min(attempt-1, 10)
		return limited(min(wait, max(maxSecondaryRateLimitWait, p.opts.secondaryRateLimitWait)), "secondary rate limit")
	case status == http.StatusTooManyRequests && hasReset:
		return untilReset(reset, "429 until X-RateLimit-Reset")
	case status == http.StatusTooManyRequests:
		return limited(p.backoff(attempt), "429 Too Many Requests")
	}
	// A 403 that is not a rate limit is a permission answer: not retried.
	return retryDecision{}, false
}

// backoff is exponential from RetryWaitMin, capped at RetryWaitMax, with "equal jitter" (a random
// point in the upper half) so that parallel clients do not retry in lockstep.
func (p *retryPolicy) backoff(attempt int) time.Duration {
	wait := p.opts.RetryWaitMin << min(max(attempt-1, 0), 20)
	if wait <= 0 || wait > p.opts.RetryWaitMax {
		wait = p.opts.RetryWaitMax
	}
	half := wait / 2
	return half + rand.N(half+1) // math/rand: jitter needs no cryptographic randomness
}

// idempotent methods may be repeated without changing the outcome (RFC 9110 9.2.2).
func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}

// neverSent reports whether a transport error happened before the request could reach the
// server (dial errors: refused, unreachable, DNS), so that even a POST can be retried.
func neverSent(err error) bool {
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return true
	}
	var dnsErr *net.DNSError
	return errors.As(err, &dnsErr)
}

// retryableTransportError excludes errors that a retry cannot fix: bad certificates, bad URLs,
// and the caller's own cancellation.
func retryableTransportError(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var (
		verifyErr    *tls.CertificateVerificationError
		unknownAuth  x509.UnknownAuthorityError
		hostnameErr  x509.HostnameError
		invalidCert  x509.CertificateInvalidError
		recordHeader tls.RecordHeaderError
	)
	if errors.As(err, &verifyErr) || errors.As(err, &unknownAuth) || errors.As(err, &hostnameErr) ||
		errors.As(err, &invalidCert) || errors.As(err, &recordHeader) {
		return false
	}
	return !strings.Contains(err.Error(), "unsupported protocol scheme")
}
