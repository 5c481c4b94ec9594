// Package httpx is the one HTTP stack every API client of the provider uses: retries with backoff,
// rate-limit waits (GitHub primary and secondary limits, Netlify, Retry-After), a User-Agent, and
// request logging through tflog with secrets masked.
package httpx

import (
	"context"
	"net/http"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// Options configures NewClient.
type Options struct {
	Service   string   // "Netlify", "GitHub", "GitLab": for log lines and errors
	UserAgent string   // "terraform-provider-gitdeploy/<version>"
	Secrets   []string // tokens etc. to mask if they ever appear in a logged string
	// RuntimeSecrets, when set, adds secrets learnt later (installation tokens) to the masked ones.
	RuntimeSecrets *SecretSet
	// MaxRetries is the number of retries after the first attempt: 4 when 0, none when negative.
	MaxRetries int
	// RetryWaitMin and RetryWaitMax bound the exponential backoff between retries of failed
	// requests (defaults 1s and 30s). Rate-limit waits asked for by the service are not bounded
	// by them.
	RetryWaitMin time.Duration
	RetryWaitMax time.Duration
	// MutationInterval spaces the starts of mutative requests (POST, PATCH, PUT, DELETE) through this
	// client at least this far apart (GitHub asks for one second per token); 0 does not pace.
	MutationInterval time.Duration
	// Clock, when set, follows the service's clock through the Date header of every answer.
	Clock *Clock
	// Endpoint says where the base URL was configured: a request that cannot reach the service fails
	// with a *ConnectionError that names it.
	Endpoint Endpoint

	// secondaryRateLimitWait is the first wait after a GitHub secondary rate limit without
	// Retry-After (GitHub asks for at least a minute); unexported so that only tests shorten it.
	secondaryRateLimitWait time.Duration
	// resetPadding is added to waits until an X-RateLimit-Reset epoch, which has one-second
	// resolution, so that the retry does not arrive a fraction of a second early.
	resetPadding time.Duration
}

const (
	defaultMaxRetries             = 4
	defaultRetryWaitMin           = time.Second
	defaultRetryWaitMax           = 30 * time.Second
	defaultSecondaryRateLimitWait = time.Minute
	defaultResetPadding           = time.Second
	// maxIdleConnsPerHost keeps a connection for each request Terraform's default parallelism (10) and
	// the concurrent page fetches (8) can have in flight to one service.
	maxIdleConnsPerHost = 32
	// maxRateLimitWait bounds a wait the service asks for: GitHub's primary limit resets within an
	// hour, so anything longer is a clock problem or a misbehaving server, not worth blocking on.
	maxRateLimitWait = 65 * time.Minute
	// maxSecondaryRateLimitWait bounds the exponential growth of secondary-rate-limit waits.
	maxSecondaryRateLimitWait = 5 * time.Minute
)

func (o Options) withDefaults() Options {
	switch {
	case o.MaxRetries == 0:
		o.MaxRetries = defaultMaxRetries
	case o.MaxRetries < 0:
		o.MaxRetries = 0
	}
	if o.RetryWaitMin <= 0 {
		o.RetryWaitMin = defaultRetryWaitMin
	}
	if o.RetryWaitMax <= 0 {
		o.RetryWaitMax = defaultRetryWaitMax
	}
	if o.RetryWaitMax < o.RetryWaitMin {
		o.RetryWaitMax = o.RetryWaitMin
	}
	if o.secondaryRateLimitWait <= 0 {
		o.secondaryRateLimitWait = defaultSecondaryRateLimitWait
	}
	if o.resetPadding == 0 {
		o.resetPadding = defaultResetPadding
	}
	if o.Service == "" {
		o.Service = "API"
	}
	secrets := make([]string, 0, len(o.Secrets))
	for _, s := range o.Secrets {
		// An empty string would "mask" every position of every log line.
		if s != "" {
			secrets = append(secrets, s)
		}
	}
	o.Secrets = secrets
	return o
}

// NewClient returns an *http.Client whose transport, for every request:
//   - sets the User-Agent,
//   - retries (go-retryablehttp) connection errors, 429 and 5xx (not 501) answers for idempotent
//     methods, and for POST/PATCH only what cannot have been applied (dial errors, rate limits),
//   - stays inside the request budget the service announces (X-RateLimit-* or RateLimit-*): once less
//     than a tenth of the window's limit remains, requests are spread over the rest of the window,
//   - waits as the service asks (Retry-After, X-RateLimit-Reset, GitHub secondary limits), and
//     fails at once with a *RateLimitError when that wait would pass the request context's deadline,
//   - logs each attempt with tflog from the request's context, secrets and query values masked,
//   - fails with a *ConnectionError when the service cannot be reached: at once for a refused
//     connection, an unknown host or a TLS failure, after the retries for other connection failures.
//
// When retries are exhausted on an HTTP answer, that last answer is returned (not an error), so
// that the caller can turn it into an *APIError with the service's message.
func NewClient(opts Options) *http.Client {
	opts = opts.withDefaults()

	base := http.DefaultTransport
	if t, ok := http.DefaultTransport.(*http.Transport); ok {
		pooled := t.Clone()
		// The default keeps 2 idle connections per host, while Terraform's parallelism, concurrent page
		// fetches and the two-system reads put 10 to 30 requests in flight: most would open a new
		// connection (and a TLS handshake) each time. Keep enough of them.
		pooled.MaxIdleConnsPerHost = maxIdleConnsPerHost
		base = pooled
	}

	policy := &retryPolicy{opts: opts}
	retrying := retryablehttp.NewClient()
	var attempt http.RoundTripper = &loggingTransport{opts: opts, next: base}
	if opts.MutationInterval > 0 {
		attempt = &pacingTransport{pacer: &pacer{interval: opts.MutationInterval}, next: attempt}
	}
	attempt = &budgetTransport{budget: &budget{}, next: attempt}
	retrying.HTTPClient = &http.Client{
		Transport: attempt,
		// Redirects are followed by the outer client, so that every hop goes through the retries.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	retrying.Logger = nil // we log through tflog in loggingTransport and the retry policy
	retrying.RetryMax = opts.MaxRetries
	retrying.CheckRetry = policy.checkRetry
	// The policy waits itself, inside CheckRetry, because only there does it have the request's
	// context (for its deadline and for logging); retryablehttp's own wait is therefore zero.
	retrying.Backoff = func(time.Duration, time.Duration, int, *http.Response) time.Duration { return 0 }
	retrying.ErrorHandler = giveUp

	return &http.Client{
		Transport: &requestTransport{
			opts: opts,
			next: &retryablehttp.RoundTripper{Client: retrying},
		},
	}
}

// giveUp is retryablehttp's ErrorHandler: it runs when the last attempt ended in a transport
// error or the policy stopped with an error (context done, rate-limit wait past the deadline).
// It returns that error unwrapped, without retryablehttp's "giving up" text that repeats the URL.
func giveUp(resp *http.Response, err error, _ int) (*http.Response, error) {
	if resp != nil && resp.Body != nil {
		// The caller gets an error, not this response, so nobody else will close it.
		_ = resp.Body.Close()
	}
	return nil, err
}

// requestState follows one logical request through its attempts. The retry loop runs its
// attempts one after another, so no locking is needed.
type requestState struct {
	method   string
	path     string
	attempts int
	// repeatable is set for a request the caller marked with Repeatable: safe to send again even
	// though its method is not idempotent.
	repeatable bool
}

type requestStateKey struct{}

func stateFrom(ctx context.Context) *requestState {
	if st, ok := ctx.Value(requestStateKey{}).(*requestState); ok {
		return st
	}
	return &requestState{}
}

// requestTransport is the outermost layer: it sets the User-Agent and starts the per-request
// state that the logging layer and the retry policy share.
type requestTransport struct {
	opts Options
	next http.RoundTripper
}

func (t *requestTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	st := &requestState{method: req.Method, path: req.URL.Path, repeatable: isRepeatable(req.Context())}
	if st.path == "" {
		st.path = "/"
	}
	ctx := context.WithValue(req.Context(), requestStateKey{}, st)
	// A RoundTripper must not modify the caller's request: work on a clone.
	out := req.Clone(ctx)
	if t.opts.UserAgent != "" {
		ua := t.opts.UserAgent
		// Keep a library's own agent (go-github sets one) after ours.
		if existing := req.Header.Get("User-Agent"); existing != "" && existing != ua {
			ua += " " + existing
		}
		out.Header.Set("User-Agent", ua)
	}
	resp, err := t.next.RoundTrip(out)
	if reason, _, ok := connectionFailure(err); ok {
		return nil, &ConnectionError{Service: t.opts.Service, Address: req.URL.Scheme + "://" + req.URL.Host,
			Reason: reason, Endpoint: t.opts.Endpoint, Err: err}
	}
	return resp, err
}
