package httpx

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

// fastOptions keep the backoff in milliseconds so that tests of retries run quickly.
func fastOptions() Options {
	return Options{
		Service:                "Test",
		UserAgent:              "terraform-provider-gitdeploy/test",
		RetryWaitMin:           time.Millisecond,
		RetryWaitMax:           5 * time.Millisecond,
		secondaryRateLimitWait: 20 * time.Millisecond,
		resetPadding:           -1, // no padding: tests give exact reset times
	}
}

// scriptedServer answers request n (counting from 1) with answers[n-1], and the last answer
// for every request after that. It counts the requests it saw.
type scriptedServer struct {
	*httptest.Server
	hits    atomic.Int32
	answers []func(w http.ResponseWriter, r *http.Request)
}

func newScriptedServer(t *testing.T, answers ...func(w http.ResponseWriter, r *http.Request)) *scriptedServer {
	t.Helper()
	s := &scriptedServer{answers: answers}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := int(s.hits.Add(1))
		s.answers[min(n, len(s.answers))-1](w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func status(code int, headers ...string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		w.WriteHeader(code)
		_, _ = io.WriteString(w, `{"message":"`+http.StatusText(code)+`"}`) // test server: the client may hang up
	}
}

func withBody(code int, body string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(code)
		_, _ = io.WriteString(w, body) // test server: the client may hang up
	}
}

func send(t *testing.T, ctx context.Context, c *http.Client, method, url string) (*http.Response, error) {
	t.Helper()
	var body io.Reader
	if method == http.MethodPost || method == http.MethodPatch || method == http.MethodPut {
		body = strings.NewReader(`{"name":"x"}`)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(req)
	if resp != nil {
		t.Cleanup(func() { _ = resp.Body.Close() })
	}
	return resp, err
}

func TestRetriesServerErrorsThenSucceeds(t *testing.T) {
	srv := newScriptedServer(t, status(503), status(502), status(200))
	resp, err := send(t, context.Background(), NewClient(fastOptions()), http.MethodGet, srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || srv.hits.Load() != 3 {
		t.Fatalf("status %d after %d requests, want 200 after 3", resp.StatusCode, srv.hits.Load())
	}
}

func TestGivesUpAfterMaxRetriesWithLastAnswer(t *testing.T) {
	srv := newScriptedServer(t, withBody(500, `{"message":"boom"}`))
	opts := fastOptions()
	opts.MaxRetries = 2
	resp, err := send(t, context.Background(), NewClient(opts), http.MethodGet, srv.URL)
	if err != nil {
		t.Fatalf("want the last answer, got error %v", err)
	}
	if resp.StatusCode != 500 || srv.hits.Load() != 3 {
		t.Fatalf("status %d after %d requests, want 500 after 3", resp.StatusCode, srv.hits.Load())
	}
	apiErr := ReadError(resp, "Test", "read thing")
	if apiErr.Message != "boom" {
		t.Fatalf("the last answer's body was not kept: %q", apiErr.Message)
	}
}

func TestNegativeMaxRetriesMeansOneAttempt(t *testing.T) {
	srv := newScriptedServer(t, status(503))
	opts := fastOptions()
	opts.MaxRetries = -1
	resp, err := send(t, context.Background(), NewClient(opts), http.MethodGet, srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 503 || srv.hits.Load() != 1 {
		t.Fatalf("status %d after %d requests, want 503 after 1", resp.StatusCode, srv.hits.Load())
	}
}

func TestNotRetried(t *testing.T) {
	cases := []struct {
		name   string
		method string
		answer func(http.ResponseWriter, *http.Request)
	}{
		{"POST after 500", http.MethodPost, status(500)},
		{"PATCH after 503", http.MethodPatch, status(503)},
		{"GET after 501", http.MethodGet, status(501)},
		{"GET after 404", http.MethodGet, status(404)},
		{"GET after plain 403", http.MethodGet, withBody(403, `{"message":"Resource not accessible by integration"}`)},
		{"DELETE after 422", http.MethodDelete, status(422)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := newScriptedServer(t, tc.answer, status(200))
			resp, err := send(t, context.Background(), NewClient(fastOptions()), tc.method, srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode == 200 || srv.hits.Load() != 1 {
				t.Fatalf("status %d after %d requests: the request was retried", resp.StatusCode, srv.hits.Load())
			}
		})
	}
}

func TestRetriedForEveryMethod(t *testing.T) {
	for _, method := range []string{http.MethodPost, http.MethodPatch, http.MethodPut, http.MethodDelete} {
		t.Run(method+" after 429", func(t *testing.T) {
			srv := newScriptedServer(t, status(429, "Retry-After", "0"), status(201))
			resp, err := send(t, context.Background(), NewClient(fastOptions()), method, srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != 201 || srv.hits.Load() != 2 {
				t.Fatalf("status %d after %d requests, want 201 after 2", resp.StatusCode, srv.hits.Load())
			}
		})
	}
	for _, method := range []string{http.MethodPut, http.MethodDelete, http.MethodHead} {
		t.Run(method+" after 500", func(t *testing.T) {
			srv := newScriptedServer(t, status(500), status(200))
			resp, err := send(t, context.Background(), NewClient(fastOptions()), method, srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != 200 || srv.hits.Load() != 2 {
				t.Fatalf("status %d after %d requests, want 200 after 2", resp.StatusCode, srv.hits.Load())
			}
		})
	}
}

func TestPostBodyIsResentOnRetry(t *testing.T) {
	var bodies []string
	srv := newScriptedServer(t,
		func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body) // test server: a short read shows up in the assertion
			bodies = append(bodies, string(b))
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(429)
		},
		func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body) // as above
			bodies = append(bodies, string(b))
			w.WriteHeader(201)
		})
	if _, err := send(t, context.Background(), NewClient(fastOptions()), http.MethodPost, srv.URL); err != nil {
		t.Fatal(err)
	}
	if len(bodies) != 2 || bodies[0] != `{"name":"x"}` || bodies[1] != bodies[0] {
		t.Fatalf("bodies sent: %q", bodies)
	}
}

func TestRetryAfterSecondsIsHonoured(t *testing.T) {
	srv := newScriptedServer(t, status(429, "Retry-After", "1"), status(200))
	start := time.Now()
	resp, err := send(t, context.Background(), NewClient(fastOptions()), http.MethodGet, srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if elapsed := time.Since(start); elapsed < time.Second {
		t.Fatalf("retried after %s, Retry-After asked for 1s", elapsed)
	}
	if resp.StatusCode != 200 || srv.hits.Load() != 2 {
		t.Fatalf("status %d after %d requests", resp.StatusCode, srv.hits.Load())
	}
}

func TestGitHubPrimaryRateLimitWaitsForReset(t *testing.T) {
	var reset time.Time
	srv := newScriptedServer(t,
		func(w http.ResponseWriter, r *http.Request) {
			// The next whole second, at least 300ms away.
			reset = time.Now().Add(1300 * time.Millisecond).Truncate(time.Second)
			w.Header().Set("X-RateLimit-Remaining", "0")
			w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
			w.WriteHeader(403)
			_, _ = io.WriteString(w, `{"message":"API rate limit exceeded for user ID 1."}`) // test server
		},
		status(200))
	resp, err := send(t, context.Background(), NewClient(fastOptions()), http.MethodGet, srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || srv.hits.Load() != 2 {
		t.Fatalf("status %d after %d requests", resp.StatusCode, srv.hits.Load())
	}
	if now := time.Now(); now.Before(reset) {
		t.Fatalf("retried at %s, before the reset %s", now, reset)
	}
}

func TestGitHubSecondaryRateLimit(t *testing.T) {
	const msg = `{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again."}`
	t.Run("without retry-after waits the minimum", func(t *testing.T) {
		srv := newScriptedServer(t, withBody(403, msg), status(201))
		start := time.Now()
		resp, err := send(t, context.Background(), NewClient(fastOptions()), http.MethodPost, srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != 201 || srv.hits.Load() != 2 {
			t.Fatalf("status %d after %d requests", resp.StatusCode, srv.hits.Load())
		}
		if elapsed := time.Since(start); elapsed < 20*time.Millisecond {
			t.Fatalf("retried after %s, want at least the secondary wait", elapsed)
		}
	})
	t.Run("is bounded by MaxRetries and keeps the last answer readable", func(t *testing.T) {
		srv := newScriptedServer(t, withBody(429, msg))
		opts := fastOptions()
		opts.MaxRetries = 2
		resp, err := send(t, context.Background(), NewClient(opts), http.MethodGet, srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		if srv.hits.Load() != 3 {
			t.Fatalf("%d requests, want 3", srv.hits.Load())
		}
		if got := ReadError(resp, "GitHub", "list").Message; !strings.Contains(got, "secondary rate limit") {
			t.Fatalf("body after peeking: %q", got)
		}
	})
}

func TestNetlifyRateLimitResetOn429(t *testing.T) {
	srv := newScriptedServer(t,
		func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-RateLimit-Limit", "500")
			w.Header().Set("X-RateLimit-Remaining", "0")
			w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(time.Now().Unix(), 10))
			w.WriteHeader(429)
		},
		status(200))
	resp, err := send(t, context.Background(), NewClient(fastOptions()), http.MethodPost, srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || srv.hits.Load() != 2 {
		t.Fatalf("status %d after %d requests", resp.StatusCode, srv.hits.Load())
	}
}

func TestRateLimitWaitPastDeadlineFailsAtOnce(t *testing.T) {
	srv := newScriptedServer(t, status(429, "Retry-After", "30"), status(200))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	start := time.Now()
	resp, err := send(t, ctx, NewClient(fastOptions()), http.MethodGet, srv.URL)
	if elapsed := time.Since(start); elapsed > time.Second {
		t.Fatalf("took %s: the client waited instead of failing at once", elapsed)
	}
	if resp != nil {
		t.Fatalf("want an error, got status %d", resp.StatusCode)
	}
	var rlErr *RateLimitError
	if !errors.As(err, &rlErr) {
		t.Fatalf("want a *RateLimitError, got %T: %v", err, err)
	}
	if d := time.Until(rlErr.RetryAt); d < 25*time.Second || d > 31*time.Second {
		t.Fatalf("RetryAt %s is not ~30s away", rlErr.RetryAt)
	}
	if rlErr.StatusCode != 429 || rlErr.Deadline.IsZero() || rlErr.Service != "Test" {
		t.Fatalf("incomplete error: %+v", rlErr)
	}
	if !strings.Contains(err.Error(), rlErr.RetryAt.UTC().Format(time.RFC3339)) {
		t.Fatalf("the message does not name the reset time: %v", err)
	}
	if srv.hits.Load() != 1 {
		t.Fatalf("%d requests, want 1", srv.hits.Load())
	}
}

func TestContextCancelStopsWait(t *testing.T) {
	srv := newScriptedServer(t, status(429, "Retry-After", "30"), status(200))
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, err := send(t, ctx, NewClient(fastOptions()), http.MethodGet, srv.URL)
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Fatalf("took %s after cancel", elapsed)
	}
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("want context.Canceled, got %v", err)
	}
	if srv.hits.Load() != 1 {
		t.Fatalf("%d requests, want 1", srv.hits.Load())
	}
}

// closedAddr returns an address on which nothing listens, so that dialing it is refused.
func closedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return addr
}

// countAttempts runs one request with a captured log and returns how many attempts were logged.
func countAttempts(t *testing.T, opts Options, method, url string) (int, error) {
	t.Helper()
	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &buf)
	_, err := send(t, ctx, NewClient(opts), method, url)
	entries, decodeErr := tflogtest.MultilineJSONDecode(&buf)
	if decodeErr != nil {
		t.Fatal(decodeErr)
	}
	attempts := 0
	for _, e := range entries {
		msg, _ := e["@message"].(string)
		if _, ok := e["attempt"]; ok && strings.Contains(msg, "API request") && e["wait"] == nil {
			attempts++
		}
	}
	return attempts, err
}

func TestConnectionErrors(t *testing.T) {
	opts := fastOptions()
	opts.MaxRetries = 2
	t.Run("refused POST is not retried: the address is wrong", func(t *testing.T) {
		attempts, err := countAttempts(t, opts, http.MethodPost, "http://"+closedAddr(t)+"/sites")
		if !IsConnectionError(err) {
			t.Fatalf("want a ConnectionError, got %v", err)
		}
		if attempts != 1 {
			t.Fatalf("%d attempts, want 1", attempts)
		}
	})

	// A server that reads the request, then drops the connection: the request may have been applied.
	dropped := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hj, ok := w.(http.Hijacker)
		if !ok {
			t.Error("no hijacker")
			return
		}
		conn, _, err := hj.Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		_ = conn.Close() // dropping the connection is the point
	}))
	t.Cleanup(dropped.Close)
	t.Run("dropped POST is not retried", func(t *testing.T) {
		attempts, err := countAttempts(t, opts, http.MethodPost, dropped.URL)
		if err == nil || attempts != 1 {
			t.Fatalf("%d attempts (err %v), want 1 and an error", attempts, err)
		}
	})
	t.Run("dropped GET is retried", func(t *testing.T) {
		attempts, err := countAttempts(t, opts, http.MethodGet, dropped.URL)
		if err == nil || attempts != 3 {
			t.Fatalf("%d attempts (err %v), want 3 and an error", attempts, err)
		}
	})
}

func TestUserAgent(t *testing.T) {
	var got []string
	srv := newScriptedServer(t, func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.Header.Get("User-Agent"))
		w.WriteHeader(204)
	})
	c := NewClient(fastOptions())
	req, err := http.NewRequest(http.MethodGet, srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("User-Agent", "go-github/v92.0.0")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close() // empty body
	if len(got) != 1 || got[0] != "terraform-provider-gitdeploy/test go-github/v92.0.0" {
		t.Fatalf("User-Agent %q", got)
	}
	if req.Header.Get("User-Agent") != "go-github/v92.0.0" {
		t.Fatal("the caller's request was modified")
	}
}

func TestPrimaryRateLimitPastDeadlineNamesTheReset(t *testing.T) {
	reset := time.Now().Add(20 * time.Minute).Truncate(time.Second)
	srv := newScriptedServer(t, status(403, "X-RateLimit-Remaining", "0", "X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10)))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err := send(t, ctx, NewClient(fastOptions()), http.MethodGet, srv.URL)
	var rlErr *RateLimitError
	if !errors.As(err, &rlErr) {
		t.Fatalf("want a *RateLimitError, got %v", err)
	}
	if d := rlErr.RetryAt.Sub(reset); d < -time.Second || d > time.Second {
		t.Fatalf("RetryAt %s, reset %s", rlErr.RetryAt, reset)
	}
	if !strings.Contains(err.Error(), reset.UTC().Format(time.RFC3339)) {
		t.Fatalf("the message does not name the reset time: %v", err)
	}
}

func TestAbsurdWaitWithoutDeadlineFails(t *testing.T) {
	srv := newScriptedServer(t, status(429, "Retry-After", "86400"))
	_, err := send(t, context.Background(), NewClient(fastOptions()), http.MethodGet, srv.URL)
	var rlErr *RateLimitError
	if !errors.As(err, &rlErr) || !rlErr.Deadline.IsZero() {
		t.Fatalf("want a *RateLimitError without deadline, got %v", err)
	}
	if srv.hits.Load() != 1 {
		t.Fatalf("%d requests, want 1", srv.hits.Load())
	}
}

// Concurrent requests reuse pooled connections instead of opening one for nearly every request.
func TestClientReusesConnections(t *testing.T) {
	var mu sync.Mutex
	conns := map[string]bool{}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		conns[r.RemoteAddr] = true
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	srv.Start()
	defer srv.Close()
	client := NewClient(Options{Service: "test"})
	const inFlight, rounds = 10, 5
	for round := 0; round < rounds; round++ {
		var wg sync.WaitGroup
		for i := 0; i < inFlight; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				resp, err := client.Get(srv.URL)
				if err != nil {
					t.Error(err)
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				_ = resp.Body.Close()
			}()
		}
		wg.Wait()
	}
	mu.Lock()
	defer mu.Unlock()
	// With the default pool of 2 idle connections, each round after the first opens about 8 new ones.
	if len(conns) > 2*inFlight {
		t.Errorf("%d requests opened %d connections; at most %d expected with pooling", inFlight*rounds, len(conns), 2*inFlight)
	}
}
