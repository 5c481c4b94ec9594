package httpx

import (
	"errors"
	"net"
	"net/http"
	"strconv"
	"testing"
	"time"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	cases := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"0", 0, true},
		{"120", 120 * time.Second, true},
		{"-1", 0, false},
		{"soon", 0, false},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0, true},
	}
	for _, tc := range cases {
		got, ok := parseRetryAfter(tc.in, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseRetryAfter(%q) = %s, %v; want %s, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestParseResetEpoch(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	if got, ok := parseResetEpoch("1700000060", now); !ok || !got.Equal(now.Add(time.Minute)) {
		t.Errorf("epoch: %s %v", got, ok)
	}
	if got, ok := parseResetEpoch("30", now); !ok || !got.Equal(now.Add(30*time.Second)) {
		t.Errorf("delta: %s %v", got, ok)
	}
	if _, ok := parseResetEpoch("x", now); ok {
		t.Error("garbage accepted")
	}
}

func TestDecide(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	opts := Options{}.withDefaults()
	p := &retryPolicy{opts: opts, now: func() time.Time { return now }}
	resp := func(code int, headers ...string) *http.Response {
		r := &http.Response{StatusCode: code, Status: strconv.Itoa(code), Header: http.Header{}}
		for i := 0; i+1 < len(headers); i += 2 {
			r.Header.Set(headers[i], headers[i+1])
		}
		return r
	}
	reset := strconv.FormatInt(now.Add(10*time.Minute).Unix(), 10)

	t.Run("GitHub primary limit waits for reset plus padding", func(t *testing.T) {
		d := p.decide(http.MethodPost, false, resp(403, "X-RateLimit-Remaining", "0", "X-RateLimit-Reset", reset), nil, false, 1)
		if !d.retry || !d.rateLimited || d.wait != 10*time.Minute+time.Second {
			t.Fatalf("%+v", d)
		}
	})
	t.Run("secondary limit without retry-after waits a minute, then longer, bounded", func(t *testing.T) {
		first := p.decide(http.MethodGet, false, resp(403), nil, true, 1)
		second := p.decide(http.MethodGet, false, resp(403), nil, true, 2)
		late := p.decide(http.MethodGet, false, resp(403), nil, true, 9)
		if first.wait != time.Minute || second.wait != 2*time.Minute || late.wait != maxSecondaryRateLimitWait {
			t.Fatalf("waits %s, %s, %s", first.wait, second.wait, late.wait)
		}
	})
	t.Run("secondary limit with retry-after", func(t *testing.T) {
		d := p.decide(http.MethodPost, false, resp(403, "Retry-After", "7"), nil, true, 1)
		if !d.retry || d.wait != 7*time.Second || !d.retryAt.Equal(now.Add(7*time.Second)) {
			t.Fatalf("%+v", d)
		}
	})
	t.Run("403 with remaining but no limit signal is final", func(t *testing.T) {
		if d := p.decide(http.MethodGet, false, resp(403, "X-RateLimit-Remaining", "4999"), nil, false, 1); d.retry {
			t.Fatalf("%+v", d)
		}
	})
	t.Run("503 Retry-After for GET", func(t *testing.T) {
		d := p.decide(http.MethodGet, false, resp(503, "Retry-After", "3"), nil, false, 1)
		if !d.retry || d.rateLimited || d.wait != 3*time.Second {
			t.Fatalf("%+v", d)
		}
	})
	t.Run("backoff grows and is capped", func(t *testing.T) {
		for attempt := 1; attempt <= 12; attempt++ {
			full := min(opts.RetryWaitMin<<(attempt-1), opts.RetryWaitMax)
			d := p.decide(http.MethodGet, false, resp(500), nil, false, attempt)
			if d.wait < full/2 || d.wait > full {
				t.Fatalf("attempt %d: wait %s outside [%s, %s]", attempt, d.wait, full/2, full)
			}
		}
	})
	t.Run("dial errors are retried for POST, others are not", func(t *testing.T) {
		dial := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: network is unreachable")}
		read := &net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}
		if d := p.decide(http.MethodPost, false, nil, dial, false, 1); !d.retry {
			t.Fatal("dial error on POST not retried")
		}
		if d := p.decide(http.MethodPost, false, nil, read, false, 1); d.retry {
			t.Fatal("read error on POST retried")
		}
		if d := p.decide(http.MethodGet, false, nil, read, false, 1); !d.retry {
			t.Fatal("read error on GET not retried")
		}
	})
}
