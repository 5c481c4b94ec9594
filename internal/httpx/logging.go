package httpx

import (
	"context"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// loggingTransport sits below the retries, so it sees (and logs) every attempt.
// It never logs header values or bodies: only method, path, masked query, status and timing.
type loggingTransport struct {
	opts Options
	next http.RoundTripper
}

func (t *loggingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	st := stateFrom(req.Context())
	st.attempts++

	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	fields := map[string]any{
		"service":     t.opts.Service,
		"http_method": req.Method,
		"http_path":   req.URL.Path,
		"attempt":     st.attempts,
		"duration_ms": time.Since(start).Milliseconds(),
	}
	if q := maskQuery(req.URL.RawQuery); q != "" {
		fields["http_query"] = q
	}
	ctx := maskingContext(req.Context(), t.opts.RuntimeSecrets.with(t.opts.Secrets))
	if err != nil {
		// Transport errors normally carry no URL, but never let a raw query reach the log.
		msg := err.Error()
		if req.URL.RawQuery != "" {
			msg = strings.ReplaceAll(msg, req.URL.RawQuery, maskQuery(req.URL.RawQuery))
		}
		fields["error"] = msg
		tflog.Debug(ctx, t.opts.Service+" API request failed", fields)
		return nil, err
	}
	t.opts.Clock.Observe(resp.Header, time.Now())
	fields["http_status"] = resp.StatusCode
	tflog.Debug(ctx, t.opts.Service+" API request", fields)
	return resp, nil
}

// maskingContext returns ctx with opts.Secrets masked in every message and field value logged
// through it: belt and braces on top of never logging headers or bodies.
func maskingContext(ctx context.Context, secrets []string) context.Context {
	if len(secrets) == 0 {
		return ctx
	}
	ctx = tflog.MaskAllFieldValuesStrings(ctx, secrets...)
	return tflog.MaskMessageStrings(ctx, secrets...)
}

// safeQueryParams are pagination and ordering parameters whose values help to read a log and
// cannot hold a credential.
var safeQueryParams = map[string]bool{"page": true, "per_page": true, "sort": true, "direction": true, "order_by": true}

// maskQuery keeps a query's parameter names and hides their values (except safeQueryParams): some APIs take credentials
// in the query (GitLab's private_token), and values are rarely needed to read a log.
func maskQuery(rawQuery string) string {
	if rawQuery == "" {
		return ""
	}
	values, err := url.ParseQuery(rawQuery)
	if err != nil {
		return "<unparsable query>"
	}
	names := make([]string, 0, len(values))
	for name := range values {
		names = append(names, name)
	}
	sort.Strings(names)
	parts := make([]string, 0, len(names))
	for _, name := range names {
		value := "***"
		if safeQueryParams[name] {
			value = url.QueryEscape(strings.Join(values[name], ","))
		}
		parts = append(parts, url.QueryEscape(name)+"="+value)
	}
	return strings.Join(parts, "&")
}
