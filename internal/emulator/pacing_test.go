package emulator

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// rawDo sends a request and returns the response or the transport error (do fails the test on one).
func (ts *testServer) rawDo(method, path string) (*http.Response, error) {
	req, err := http.NewRequest(method, ts.srv.URL+path, nil)
	if err != nil {
		ts.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+DefaultNetlifyToken)
	// A fresh connection per request, so that net/http cannot retry a dropped one behind our back.
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Do(req)
	if err == nil {
		_ = resp.Body.Close() // only the status matters here
	}
	return resp, err
}

func TestFaultDropAndAfterApply(t *testing.T) {
	ts := newTestServer(t, nil)
	// Drop: no answer, nothing applied.
	if err := ts.emu.AddFault(Fault{Route: "POST /netlify/api/v1/deploy_keys", Drop: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.rawDo("POST", "/netlify/api/v1/deploy_keys"); err == nil {
		t.Fatal("dropped request got an answer")
	}
	if n := len(ts.emu.NetlifyDeployKeys()); n != 0 {
		t.Errorf("dropped request created %d keys", n)
	}
	// AfterApply: no answer, but the key exists.
	ts.emu.InjectFault(Fault{Method: "POST", Route: "/netlify/api/v1/deploy_keys", AfterApply: true})
	if _, err := ts.rawDo("POST", "/netlify/api/v1/deploy_keys"); err == nil {
		t.Fatal("after_apply request got an answer")
	}
	if n := len(ts.emu.NetlifyDeployKeys()); n != 1 {
		t.Errorf("after_apply request created %d keys, want 1", n)
	}
	// Used up: the next request is answered.
	resp, err := ts.rawDo("POST", "/netlify/api/v1/deploy_keys")
	if err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("after the faults: %v %v", resp, err)
	}
	if n := ts.emu.RequestCounts()["POST /netlify/api/v1/deploy_keys"]; n != 3 {
		t.Errorf("counted %d requests", n)
	}
}

func TestFaultLatencyAndValidation(t *testing.T) {
	ts := newTestServer(t, nil)
	ts.do("POST", "/_emulator/faults", "", map[string]any{"route": "GET /netlify/api/v1/sites", "latency": "600ms", "times": -1}).
		want(t, http.StatusNoContent, nil)
	// The latencies are large beside a local round trip, so that a loaded machine cannot blur them.
	for range 2 {
		start := time.Now()
		ts.do("GET", "/netlify/api/v1/sites", netlifyAuth, nil).want(t, http.StatusOK, nil)
		if d := time.Since(start); d < 600*time.Millisecond {
			t.Errorf("answered after %v", d)
		}
	}
	start := time.Now()
	ts.do("GET", "/netlify/api/v1/deploy_keys", netlifyAuth, nil).want(t, http.StatusOK, nil)
	if d := time.Since(start); d >= 600*time.Millisecond {
		t.Errorf("other route delayed %v", d)
	}
	// Latency then a status, the latency as milliseconds.
	ts.do("POST", "/_emulator/faults", "", map[string]any{"route": "/netlify/api/v1/deploy_keys", "latency": 50, "status": 503}).
		want(t, http.StatusNoContent, nil)
	start = time.Now()
	ts.do("GET", "/netlify/api/v1/deploy_keys", netlifyAuth, nil).want(t, http.StatusServiceUnavailable, nil)
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Errorf("503 after %v", d)
	}
	for _, bad := range []map[string]any{
		{"drop": true, "after_apply": true}, {"drop": true, "status": 500}, {}, {"latency": "-1s"},
		{"latency": "soon"}, {"status": 500, "times": -2},
	} {
		ts.do("POST", "/_emulator/faults", "", bad).want(t, http.StatusBadRequest, nil)
	}
	data, err := json.Marshal(Fault{Latency: 250 * time.Millisecond, Status: 500})
	if err != nil {
		t.Fatal(err)
	}
	var back Fault
	if err := json.Unmarshal(data, &back); err != nil || back.Latency != 250*time.Millisecond || back.Status != 500 {
		t.Errorf("round trip %s → %+v, %v", data, back, err)
	}
}

func TestGlobalLatencyAndMaxInFlight(t *testing.T) {
	ts := newTestServer(t, nil)
	ts.do("PUT", "/_emulator/latency", "", map[string]any{"latency": "500ms"}).want(t, http.StatusNoContent, nil)
	if ts.emu.Latency() != 500*time.Millisecond {
		t.Fatalf("latency = %v", ts.emu.Latency())
	}
	var wg sync.WaitGroup
	start := time.Now()
	for range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := ts.rawDo("GET", "/netlify/api/v1/sites")
			if err != nil || resp.StatusCode != http.StatusOK {
				t.Errorf("GET sites: %v %v", resp, err)
			}
		}()
	}
	wg.Wait()
	if d := time.Since(start); d < 500*time.Millisecond || d >= 2500*time.Millisecond {
		t.Errorf("5 concurrent requests took %v (want about 500ms: concurrent, not serialised)", d)
	}
	if got := ts.emu.MaxInFlight()[ServiceNetlify]; got != 5 {
		t.Errorf("max in flight = %d, want 5", got)
	}
	// Admin calls are neither delayed nor counted.
	start = time.Now()
	var inFlight map[string]int
	ts.do("GET", "/_emulator/in_flight", "", nil).want(t, http.StatusOK, &inFlight)
	if time.Since(start) >= 500*time.Millisecond || inFlight[ServiceNetlify] != 5 || inFlight[ServiceGitHub] != 0 {
		t.Errorf("in flight = %v", inFlight)
	}
	ts.emu.ResetRequestCounts()
	if got := ts.emu.MaxInFlight()[ServiceNetlify]; got != 0 {
		t.Errorf("after reset: %d", got)
	}
	ts.emu.Reset()
	if ts.emu.Latency() != 500*time.Millisecond {
		t.Error("Reset dropped the latency")
	}
	ts.emu.SetLatency(0)
}

func TestGitHubPrimaryRateLimit(t *testing.T) {
	ts := newTestServer(t, nil)
	ts.do("PUT", "/_emulator/rate_limits/github", "", map[string]any{"limit": 2, "window": "1h"}).want(t, http.StatusNoContent, nil)
	for i := range 2 {
		r := ts.do("GET", "/github/api/v3/user", githubAuth, nil)
		r.want(t, http.StatusOK, nil)
		if r.header.Get("X-Ratelimit-Limit") != "2" || r.header.Get("X-Ratelimit-Remaining") != strconv.Itoa(1-i) ||
			r.header.Get("X-Ratelimit-Used") != strconv.Itoa(i+1) || r.header.Get("X-Ratelimit-Resource") != "core" {
			t.Errorf("request %d headers = %v", i, r.header)
		}
	}
	var body map[string]string
	r := ts.do("GET", "/github/api/v3/user", githubAuth, nil)
	r.want(t, http.StatusForbidden, &body)
	reset, err := strconv.ParseInt(r.header.Get("X-Ratelimit-Reset"), 10, 64)
	if r.header.Get("X-Ratelimit-Remaining") != "0" || err != nil || reset < time.Now().Add(59*time.Minute).Unix() ||
		body["message"] != "API rate limit exceeded for user ID 1." {
		t.Errorf("exceeded: %v %v", r.header, body)
	}
	// Other services are not limited; removing the limit removes the headers.
	if h := ts.do("GET", "/gitlab/api/v4/user", gitlabAuth, nil).header; h.Get("RateLimit-Limit") != "" {
		t.Errorf("GitLab got rate-limit headers: %v", h)
	}
	ts.do("DELETE", "/_emulator/rate_limits/github", "", nil).want(t, http.StatusNoContent, nil)
	if r := ts.do("GET", "/github/api/v3/user", githubAuth, nil); r.status != http.StatusOK || r.header.Get("X-Ratelimit-Limit") != "" {
		t.Errorf("after removal: %d %v", r.status, r.header)
	}
	// 429 variant, and a short window that resets.
	if err := ts.emu.ConfigureRateLimit(ServiceGitHub, RateLimit{Limit: 1, Window: 300 * time.Millisecond, Status: 429}); err != nil {
		t.Fatal(err)
	}
	ts.do("GET", "/github/api/v3/user", githubAuth, nil).want(t, http.StatusOK, nil)
	ts.do("GET", "/github/api/v3/user", githubAuth, nil).want(t, http.StatusTooManyRequests, nil)
	time.Sleep(350 * time.Millisecond)
	ts.do("GET", "/github/api/v3/user", githubAuth, nil).want(t, http.StatusOK, nil)
	for _, bad := range []map[string]any{{"limit": 1}, {"limit": -1, "window": "1m"}, {"limit": 1, "window": "1m", "status": 500}} {
		ts.do("PUT", "/_emulator/rate_limits/github", "", bad).want(t, http.StatusBadRequest, nil)
	}
	ts.do("PUT", "/_emulator/rate_limits/sourcehut", "", map[string]any{"limit": 1, "window": "1m"}).want(t, http.StatusBadRequest, nil)
}

func TestNetlifyAndGitLabRateLimits(t *testing.T) {
	ts := newTestServer(t, nil)
	ts.emu.SetRateLimit(ServiceNetlify, 1, time.Hour)
	ts.emu.SetRateLimit(ServiceGitLab, 1, time.Hour)
	r := ts.do("GET", "/netlify/api/v1/sites", netlifyAuth, nil)
	if r.status != http.StatusOK || r.header.Get("X-RateLimit-Limit") != "1" || r.header.Get("X-RateLimit-Remaining") != "0" ||
		r.header.Get("X-RateLimit-Reset") == "" {
		t.Errorf("netlify: %d %v", r.status, r.header)
	}
	var nlErr map[string]any
	ts.do("GET", "/netlify/api/v1/sites", netlifyAuth, nil).want(t, http.StatusTooManyRequests, &nlErr)
	if nlErr["code"] != float64(429) {
		t.Errorf("netlify body = %v", nlErr)
	}
	ts.do("GET", "/gitlab/api/v4/user", gitlabAuth, nil).want(t, http.StatusOK, nil)
	r = ts.do("GET", "/gitlab/api/v4/user", gitlabAuth, nil)
	if r.status != http.StatusTooManyRequests || string(r.body) != "Retry later\n" || r.header.Get("Retry-After") == "" ||
		r.header.Get("RateLimit-Remaining") != "0" || r.header.Get("RateLimit-Observed") != "2" {
		t.Errorf("gitlab: %d %q %v", r.status, r.body, r.header)
	}
	// Deliveries to Netlify's hook endpoint are not API calls: never limited.
	ts.do("POST", "/netlify/hooks/github", "", "{}").want(t, http.StatusNoContent, nil)
	ts.emu.Reset()
	ts.do("GET", "/netlify/api/v1/sites", netlifyAuth, nil).want(t, http.StatusOK, nil)
}

func TestGitHubSecondaryRateLimit(t *testing.T) {
	ts := newTestServer(t, nil)
	ts.do("PUT", "/_emulator/github/secondary_rate_limit", "", map[string]any{"max_mutations": 1, "window": "1h", "retry_after": 30}).
		want(t, http.StatusNoContent, nil)
	body := map[string]any{"config": map[string]any{"url": "https://a.example"}}
	ts.do("POST", ghHooksPath, githubAuth, body).want(t, http.StatusCreated, nil)
	ts.do("GET", ghHooksPath, githubAuth, nil).want(t, http.StatusOK, nil) // reads are not content-creating
	var msg map[string]string
	r := ts.do("POST", ghHooksPath, githubAuth, map[string]any{"config": map[string]any{"url": "https://b.example"}})
	r.want(t, http.StatusForbidden, &msg)
	if r.header.Get("Retry-After") != "30" || msg["message"] != "You have exceeded a secondary rate limit. Please wait a few minutes before you try again." {
		t.Errorf("secondary: %v %v", r.header, msg)
	}
	if n := len(ts.emu.GitHubHooks("gitdeploy-demo/website")); n != 1 {
		t.Errorf("%d hooks: the refused request was applied", n)
	}
	// Concurrency: with a latency, three parallel requests exceed a limit of one.
	ts.do("DELETE", "/_emulator/github/secondary_rate_limit", "", nil).want(t, http.StatusNoContent, nil)
	if err := ts.emu.SetSecondaryRateLimit(SecondaryRateLimit{MaxConcurrent: 1}); err != nil {
		t.Fatal(err)
	}
	ts.emu.SetLatency(100 * time.Millisecond)
	var wg sync.WaitGroup
	var mu sync.Mutex
	statuses := map[int]int{}
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, err := http.NewRequest("GET", ts.srv.URL+"/github/api/v3/user", nil)
			if err != nil {
				t.Error(err)
				return
			}
			req.Header.Set("Authorization", "token "+DefaultGitHubToken)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			_ = resp.Body.Close() // status only
			mu.Lock()
			statuses[resp.StatusCode]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if statuses[http.StatusForbidden] < 1 || statuses[http.StatusOK] < 1 {
		t.Errorf("statuses = %v", statuses)
	}
	ts.do("PUT", "/_emulator/github/secondary_rate_limit", "", map[string]any{"max_mutations": 1}).want(t, http.StatusBadRequest, nil)
}

// With after_apply, a latency delays the answer, not the work: a client that gives up within the latency
// has had its request applied all the same. A plain latency still applies nothing for a client that gave up.
func TestFaultAfterApplyLatencyAppliesFirst(t *testing.T) {
	ts := newTestServer(t, nil)
	giveUpAfter := func(d time.Duration) error {
		ctx, cancel := context.WithTimeout(context.Background(), d)
		defer cancel()
		// With a body, as a real create has: the server must notice the client hanging up all the same.
		req, err := http.NewRequestWithContext(ctx, "POST", ts.srv.URL+"/netlify/api/v1/deploy_keys", strings.NewReader(`{}`))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+DefaultNetlifyToken)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			_ = resp.Body.Close() // only whether there was an answer matters
		}
		return err
	}

	ts.emu.InjectFault(Fault{Route: "POST /netlify/api/v1/deploy_keys", Latency: 300 * time.Millisecond})
	start := time.Now()
	if err := giveUpAfter(100 * time.Millisecond); err == nil {
		t.Fatal("a client that gave up within the latency got an answer")
	}
	time.Sleep(400 * time.Millisecond) // past the latency
	if n := len(ts.emu.NetlifyDeployKeys()); n != 0 {
		t.Errorf("a plain latency applied the request of a client that gave up: %d keys", n)
	}

	ts.emu.InjectFault(Fault{Route: "POST /netlify/api/v1/deploy_keys", AfterApply: true, Status: http.StatusBadGateway, Latency: 2 * time.Second})
	if err := giveUpAfter(100 * time.Millisecond); err == nil {
		t.Fatal("a client that gave up within the latency got an answer")
	}
	if n := len(ts.emu.NetlifyDeployKeys()); n != 1 {
		t.Errorf("after_apply with a latency: %d keys after the client gave up, want the 1 applied", n)
	}
	if d := time.Since(start); d > 1800*time.Millisecond {
		t.Errorf("the clients waited %v: the latency outlasted their deadline", d)
	}

	// A client that waits long enough gets the fault's answer after the latency, the request applied once.
	ts.do("POST", "/_emulator/faults", "", map[string]any{"route": "POST /netlify/api/v1/deploy_keys", "after_apply": true,
		"status": 504, "latency": "150ms"}).want(t, http.StatusNoContent, nil)
	start = time.Now()
	ts.do("POST", "/netlify/api/v1/deploy_keys", netlifyAuth, nil).want(t, http.StatusGatewayTimeout, nil)
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Errorf("answered after %v, before the latency", d)
	}
	if n := len(ts.emu.NetlifyDeployKeys()); n != 2 {
		t.Errorf("%d keys, want 2", n)
	}
}
