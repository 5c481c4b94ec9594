package httpx

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// parseRetryAfter reads a Retry-After header: delay-seconds or an HTTP date (RFC 9110 10.2.3).
func parseRetryAfter(value string, now time.Time) (time.Duration, bool) {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0, false
	}
	if seconds, err := strconv.ParseInt(value, 10, 64); err == nil {
		if seconds < 0 {
			return 0, false
		}
		return time.Duration(min(seconds, int64(maxRateLimitWait/time.Second)+1)) * time.Second, true
	}
	if at, err := http.ParseTime(value); err == nil {
		return max(at.Sub(now), 0), true
	}
	return 0, false
}

// parseResetEpoch reads X-RateLimit-Reset, which GitHub and Netlify send as UTC epoch seconds.
// A small number is taken as seconds from now, as some servers send a delay there.
func parseResetEpoch(value string, now time.Time) (time.Time, bool) {
	value = strings.TrimSpace(value)
	if value == "" {
		return time.Time{}, false
	}
	n, err := strconv.ParseInt(value, 10, 64)
	if err != nil || n < 0 {
		return time.Time{}, false
	}
	const epochThreshold = 1_000_000_000 // 2001-09-09: anything smaller is not a current epoch
	if n < epochThreshold {
		return now.Add(time.Duration(n) * time.Second), true
	}
	return time.Unix(n, 0), true
}

// secondaryRateLimitBodyLimit caps how much of a 403/429 body is read to look for GitHub's
// secondary-rate-limit message; such bodies are small JSON documents.
const secondaryRateLimitBodyLimit = 64 << 10

// peekSecondaryRateLimit reports whether a 403/429 answer is a GitHub secondary rate limit, whose
// only mark is its message. It reads the start of the body and puts it back, so that the caller
// can still read the whole body.
func peekSecondaryRateLimit(resp *http.Response) bool {
	if resp.Body == nil || resp.Body == http.NoBody {
		return false
	}
	head, err := io.ReadAll(io.LimitReader(resp.Body, secondaryRateLimitBodyLimit))
	resp.Body = &peekedBody{Reader: io.MultiReader(bytes.NewReader(head), resp.Body), Closer: resp.Body}
	if err != nil {
		return false
	}
	text := strings.ToLower(string(head))
	// "abuse detection" is the older wording of the same limit.
	return strings.Contains(text, "secondary rate limit") || strings.Contains(text, "abuse detection")
}

type peekedBody struct {
	io.Reader
	io.Closer
}
