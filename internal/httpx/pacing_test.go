package httpx

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"
)

func TestPacerReservesSpacedSlots(t *testing.T) {
	p := &pacer{interval: time.Second}
	now := time.Unix(1000, 0)
	for i, want := range []time.Duration{0, time.Second, 2 * time.Second} {
		if got := p.reserve(now); got != want {
			t.Fatalf("reservation %d waits %v, want %v", i, got, want)
		}
	}
	// After a quiet spell the next write starts at once.
	if got := p.reserve(now.Add(10 * time.Second)); got != 0 {
		t.Fatalf("after a pause the write waits %v, want 0", got)
	}
}

// Writes are spaced; only lower bounds on time are checked, which a slow machine cannot break.
func TestPacingTransportSpacesWrites(t *testing.T) {
	var mu sync.Mutex
	var posts []time.Time
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		posts = append(posts, time.Now())
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	const interval = 150 * time.Millisecond
	client := NewClient(Options{Service: "test", MutationInterval: interval, MaxRetries: -1})

	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := client.Post(srv.URL, "application/json", nil)
			if err != nil {
				t.Error(err)
				return
			}
			_ = resp.Body.Close()
		}()
	}
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	if len(posts) != 3 {
		t.Fatalf("%d POSTs arrived, want 3", len(posts))
	}
	first, last := posts[0], posts[0]
	for _, s := range posts {
		if s.Before(first) {
			first = s
		}
		if s.After(last) {
			last = s
		}
	}
	if spread := last.Sub(first); spread < 2*interval-20*time.Millisecond {
		t.Errorf("3 writes started within %v, want them at least %v apart", spread, interval)
	}
}

// A read is never held up by a write waiting for its slot, and cancelling stops that wait.
func TestPacingTransportLetsReadsPass(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	p := &pacingTransport{pacer: &pacer{interval: time.Hour}, next: http.DefaultTransport}
	p.pacer.reserve(time.Now()) // the next write's slot is an hour away

	writeCtx, cancelWrite := context.WithCancel(context.Background())
	writeDone := make(chan error, 1)
	go func() {
		req, err := http.NewRequestWithContext(writeCtx, http.MethodDelete, srv.URL, nil)
		if err != nil {
			writeDone <- err
			return
		}
		resp, err := p.RoundTrip(req)
		if err == nil {
			_ = resp.Body.Close()
		}
		writeDone <- err
	}()

	readCtx, cancelRead := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancelRead()
	req, err := http.NewRequestWithContext(readCtx, http.MethodGet, srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := p.RoundTrip(req)
	if err != nil {
		t.Fatalf("a read behind a waiting write failed: %v", err)
	}
	_ = resp.Body.Close()

	cancelWrite()
	if err := <-writeDone; err == nil {
		t.Fatal("a cancelled write waited for its slot instead of failing")
	}
}

func TestBudgetSpreadsTheLastTenth(t *testing.T) {
	b := &budget{}
	now := time.Unix(2_000_000_000, 0)
	h := http.Header{}
	h.Set("X-RateLimit-Limit", "100")
	h.Set("X-RateLimit-Remaining", "12")
	h.Set("X-RateLimit-Reset", "2000000010") // 10 s from now, and up to 11 s: the header has whole seconds
	if got := b.reserve(now); got != 0 {
		t.Fatalf("before any answer the request waits %v, want 0", got)
	}
	b.observe(h, now)
	// 12 remain: two go at once (down to the tenth), then the rest are spread over the 11 s left.
	for i := range 2 {
		if got := b.reserve(now); got != 0 {
			t.Fatalf("request %d waits %v with plenty left, want 0", i, got)
		}
	}
	var last time.Duration
	for i := range 10 {
		got := b.reserve(now)
		if got <= last || got > 11*time.Second {
			t.Fatalf("spread request %d waits %v (after %v), want more than the previous and within the window", i, got, last)
		}
		last = got
	}
	// Beyond the budget: not before the reset.
	if got := b.reserve(now); got < 11*time.Second {
		t.Fatalf("a request beyond the budget waits %v, want at least until the reset", got)
	}
	// A new window: free again until an answer says otherwise.
	if got := b.reserve(now.Add(12 * time.Second)); got != 0 {
		t.Fatalf("in a new window the request waits %v, want 0", got)
	}
}

// Answers arrive out of order: one the service sent earlier, saying more is left, does not raise
// the count a later answer lowered; an answer from the next window does.
func TestBudgetIgnoresStaleAnswers(t *testing.T) {
	b := &budget{}
	now := time.Unix(2_000_000_000, 0)
	answer := func(remaining int, reset int64) http.Header {
		h := http.Header{}
		h.Set("X-RateLimit-Limit", "100")
		h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
		h.Set("X-RateLimit-Reset", strconv.FormatInt(reset, 10))
		return h
	}
	for range 4 {
		b.reserve(now)
	}
	b.observe(answer(5, 2_000_000_010), now)  // three still in flight: 2 left
	b.observe(answer(50, 2_000_000_010), now) // sent before the first: stale
	b.observe(answer(60, 2_000_000_000), now) // an older window: stale
	if b.remaining != 2 {
		t.Fatalf("after a stale answer %d are counted as left, want 2", b.remaining)
	}
	b.observe(answer(99, 2_000_000_070), now) // the next window
	if b.remaining != 99 {
		t.Fatalf("after the next window's answer %d are counted as left, want 99", b.remaining)
	}
}

// A burst against a service that announces its budget stays inside it: no 429 at all.
func TestBudgetTransportAvoidsRateLimits(t *testing.T) {
	const limit, window = 40, time.Second
	var (
		mu          sync.Mutex
		windowStart = time.Now()
		used        int
		refused     int
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		now := time.Now()
		if now.Sub(windowStart) >= window {
			windowStart, used = now, 0
		}
		reset := windowStart.Add(window)
		w.Header().Set("X-RateLimit-Limit", strconv.Itoa(limit))
		// Epoch seconds, rounded down as the emulator does: the window may end up to a second later.
		w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
		if used >= limit {
			refused++
			w.Header().Set("X-RateLimit-Remaining", "0")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		used++
		w.Header().Set("X-RateLimit-Remaining", strconv.Itoa(limit-used))
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	client := NewClient(Options{Service: "test", MaxRetries: -1})
	var wg sync.WaitGroup
	slots := make(chan struct{}, 10)
	for range 100 {
		wg.Add(1)
		slots <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, srv.URL, nil)
			resp, err := client.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			_ = resp.Body.Close()
		}()
	}
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	if refused != 0 {
		t.Errorf("%d of 100 requests were refused for the rate limit, want none", refused)
	}
}
