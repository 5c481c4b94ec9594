package provider

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/httpx"
)

// fakeObject is a remote object in the tests of createOrAdopt.
type fakeObject struct {
	id      string
	created time.Time
}

// fakeService creates objects; a create may be applied and its answer lost, or fail before it is applied.
type fakeService struct {
	mu      sync.Mutex
	objects []fakeObject
	next    int
	creates int
	// outcomes is consumed one per create: "ok", "lost" (applied, answer lost), "5xx" (not applied),
	// "422" (refused); empty means "ok".
	outcomes []string
	listErr  error
	// lag hides new objects from list for this long after their create (replication).
	lag time.Duration
	// clockOffset is the service's clock minus ours: creation times are on the service's clock.
	clockOffset time.Duration
}

var errLostAnswer = fmt.Errorf("create: %w", io.ErrUnexpectedEOF)

func (s *fakeService) create(context.Context) (*fakeObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.creates++
	outcome := "ok"
	if len(s.outcomes) > 0 {
		outcome, s.outcomes = s.outcomes[0], s.outcomes[1:]
	}
	switch outcome {
	case "5xx":
		return nil, &httpx.APIError{StatusCode: http.StatusBadGateway}
	case "422":
		return nil, &httpx.APIError{StatusCode: http.StatusUnprocessableEntity}
	}
	s.next++
	o := fakeObject{id: fmt.Sprint(s.next), created: time.Now().Add(s.clockOffset)}
	s.objects = append(s.objects, o)
	if outcome == "lost" {
		return nil, errLostAnswer
	}
	return &o, nil
}

func (s *fakeService) list(context.Context) ([]*fakeObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.listErr != nil {
		return nil, s.listErr
	}
	var out []*fakeObject
	for i := range s.objects {
		o := s.objects[i]
		if time.Since(o.created.Add(-s.clockOffset)) < s.lag {
			continue
		}
		out = append(out, &o)
	}
	return out, nil
}

func (s *fakeService) spec() createSpec[*fakeObject] {
	return createSpec[*fakeObject]{
		kind: "fake", what: "fake object", create: s.create, list: s.list,
		id:        func(o *fakeObject) string { return o.id },
		createdAt: func(o *fakeObject) time.Time { return o.created },
	}
}

// testLedger looks for lost objects with millisecond waits.
func testLedger() *createLedger { return newCreateLedger(time.Millisecond, 10*time.Millisecond) }

// testReads re-reads with millisecond waits.
var testReads = backoffPolicy{firstWait: time.Millisecond, maxWait: 100 * time.Millisecond, rereads: readAfterWriteRereads, budget: readAfterWriteBudget}

func TestCreateOrAdopt(t *testing.T) {
	ctx := context.Background()
	t.Run("created", func(t *testing.T) {
		s := &fakeService{}
		o, adopted, err := createOrAdopt(ctx, testLedger(), s.spec())
		if err != nil || adopted || o.id != "1" || s.creates != 1 {
			t.Fatalf("got %+v adopted=%v err=%v after %d creates", o, adopted, err, s.creates)
		}
	})
	t.Run("answer lost: the object is adopted, not created twice", func(t *testing.T) {
		s := &fakeService{outcomes: []string{"lost"}}
		o, adopted, err := createOrAdopt(ctx, testLedger(), s.spec())
		if err != nil || !adopted || o.id != "1" || s.creates != 1 || len(s.objects) != 1 {
			t.Fatalf("got %+v adopted=%v err=%v after %d creates, %d objects", o, adopted, err, s.creates, len(s.objects))
		}
	})
	t.Run("5xx before applying: created again", func(t *testing.T) {
		s := &fakeService{outcomes: []string{"5xx"}}
		o, adopted, err := createOrAdopt(ctx, testLedger(), s.spec())
		if err != nil || adopted || o.id != "1" || s.creates != 2 || len(s.objects) != 1 {
			t.Fatalf("got %+v adopted=%v err=%v after %d creates, %d objects", o, adopted, err, s.creates, len(s.objects))
		}
	})
	t.Run("a failure that was not applied is returned as it is", func(t *testing.T) {
		s := &fakeService{outcomes: []string{"422"}}
		_, _, err := createOrAdopt(ctx, testLedger(), s.spec())
		if !httpx.IsStatus(err, http.StatusUnprocessableEntity) || s.creates != 1 {
			t.Fatalf("err %v after %d creates", err, s.creates)
		}
	})
	t.Run("a conflict after a lost answer is looked into", func(t *testing.T) {
		// The first create is lost before applying but says nothing (a 502), the second lost after applying;
		// a third would be refused. Here: lost, then the lookup adopts.
		s := &fakeService{outcomes: []string{"5xx", "lost"}}
		spec := s.spec()
		spec.conflict = func(err error, after bool) bool { return after && httpx.IsStatus(err, http.StatusUnprocessableEntity) }
		o, adopted, err := createOrAdopt(ctx, testLedger(), spec)
		if err != nil || !adopted || o.id != "1" {
			t.Fatalf("got %+v adopted=%v err=%v", o, adopted, err)
		}
	})
	t.Run("an object older than the create is not ours", func(t *testing.T) {
		s := &fakeService{objects: []fakeObject{{id: "old", created: time.Now().Add(-time.Hour)}}, next: 1, outcomes: []string{"lost"}}
		o, adopted, err := createOrAdopt(ctx, testLedger(), s.spec())
		if err != nil || !adopted || o.id != "2" {
			t.Fatalf("got %+v adopted=%v err=%v", o, adopted, err)
		}
	})
	t.Run("an object another resource claimed is not ours", func(t *testing.T) {
		s := &fakeService{}
		ledger := testLedger()
		first, _, err := createOrAdopt(ctx, ledger, s.spec())
		if err != nil {
			t.Fatal(err)
		}
		s.outcomes = []string{"lost"}
		o, adopted, err := createOrAdopt(ctx, ledger, s.spec())
		if err != nil || !adopted || o.id == first.id {
			t.Fatalf("got %+v adopted=%v err=%v; first %s", o, adopted, err, first.id)
		}
	})
	t.Run("several candidates: none is adopted, all are named", func(t *testing.T) {
		now := time.Now()
		s := &fakeService{objects: []fakeObject{{id: "a", created: now}, {id: "b", created: now}}, outcomes: []string{"lost"}}
		_, _, err := createOrAdopt(ctx, testLedger(), s.spec())
		if err == nil || !strings.Contains(err.Error(), "Made since it was sent: 1, a, b.") || !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("the lookup fails: both errors are told", func(t *testing.T) {
		s := &fakeService{outcomes: []string{"lost"}, listErr: errors.New("list refused")}
		_, _, err := createOrAdopt(ctx, testLedger(), s.spec())
		if err == nil || !strings.Contains(err.Error(), "list refused") || !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("bounded: lost answers that leave nothing stop after maxCreateAttempts", func(t *testing.T) {
		s := &fakeService{outcomes: []string{"5xx", "5xx", "5xx", "5xx", "5xx"}}
		_, _, err := createOrAdopt(ctx, testLedger(), s.spec())
		if err == nil || s.creates != maxCreateAttempts {
			t.Fatalf("err %v after %d creates", err, s.creates)
		}
	})
	t.Run("answer lost while the listing lags: found on a later listing, not created again", func(t *testing.T) {
		s := &fakeService{outcomes: []string{"lost"}, lag: 15 * time.Millisecond}
		o, adopted, err := createOrAdopt(ctx, testLedger(), s.spec())
		if err != nil || !adopted || o.id != "1" || s.creates != 1 || len(s.objects) != 1 {
			t.Fatalf("got %+v adopted=%v err=%v after %d creates, %d objects", o, adopted, err, s.creates, len(s.objects))
		}
	})
	t.Run("told apart by creation time only: never adopted; the error names it and how to import it", func(t *testing.T) {
		s := &fakeService{outcomes: []string{"lost"}}
		spec := s.spec()
		spec.timeOnly = true
		spec.importID = func(id string) string { return id + ":github:acme/site" }
		_, adopted, err := createOrAdopt(ctx, testLedger(), spec)
		if err == nil || adopted || s.creates != 1 {
			t.Fatalf("adopted=%v err=%v after %d creates", adopted, err, s.creates)
		}
		for _, want := range []string{"Made since it was sent: 1.", "terraform import <address of this resource> '1:github:acme/site'", "creation time"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error does not say %q:\n%v", want, err)
			}
		}
	})
	t.Run("told apart by creation time only, nothing made: created again after the window", func(t *testing.T) {
		s := &fakeService{outcomes: []string{"5xx"}}
		spec := s.spec()
		spec.timeOnly = true
		o, adopted, err := createOrAdopt(ctx, testLedger(), spec)
		if err != nil || adopted || o.id != "1" || s.creates != 2 {
			t.Fatalf("got %+v adopted=%v err=%v after %d creates", o, adopted, err, s.creates)
		}
	})
	t.Run("the service's clock behind ours: our object is still found", func(t *testing.T) {
		s := &fakeService{outcomes: []string{"lost"}, clockOffset: -time.Minute}
		spec := s.spec()
		spec.clock = serviceClock(t, s.clockOffset)
		o, adopted, err := createOrAdopt(ctx, testLedger(), spec)
		if err != nil || !adopted || o.id != "1" || s.creates != 1 {
			t.Fatalf("got %+v adopted=%v err=%v after %d creates", o, adopted, err, s.creates)
		}
	})
	t.Run("compared on the service's clock: an object made seconds before the create is not ours", func(t *testing.T) {
		offset := time.Minute
		s := &fakeService{objects: []fakeObject{{id: "other", created: time.Now().Add(offset - 10*time.Second)}}, next: 1,
			outcomes: []string{"lost"}, clockOffset: offset}
		spec := s.spec()
		spec.clock = serviceClock(t, offset)
		o, adopted, err := createOrAdopt(ctx, testLedger(), spec)
		if err != nil || !adopted || o.id != "2" {
			t.Fatalf("got %+v adopted=%v err=%v", o, adopted, err)
		}
	})
	t.Run("the context ends while the create is in flight: what it made is still found", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		s := &fakeService{}
		spec := s.spec()
		spec.create = func(c context.Context) (*fakeObject, error) {
			if _, err := s.create(c); err != nil {
				return nil, err
			}
			cancel() // interrupted after the service applied it
			return nil, fmt.Errorf("create: %w", c.Err())
		}
		// Found, and returned with the create's error: the caller keeps it in state and fails.
		o, adopted, err := createOrAdopt(cctx, testLedger(), spec)
		if !errors.Is(err, context.Canceled) || !adopted || o == nil || o.id != "1" || s.creates != 1 {
			t.Fatalf("got %+v adopted=%v err=%v after %d creates", o, adopted, err, s.creates)
		}
	})
	t.Run("the context ends while the create is in flight, nothing made: not created again, the error says it may appear", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		s := &fakeService{}
		spec := s.spec()
		spec.create = func(c context.Context) (*fakeObject, error) {
			cancel()
			return nil, fmt.Errorf("create: %w", c.Err())
		}
		_, adopted, err := createOrAdopt(cctx, testLedger(), spec)
		if !errors.Is(err, context.Canceled) || adopted || !strings.Contains(err.Error(), "may still appear") {
			t.Fatalf("adopted=%v err=%v", adopted, err)
		}
	})
	t.Run("the context ends during the lookup: it looks on for a few seconds, no longer", func(t *testing.T) {
		cctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
		defer cancel()
		s := &fakeService{outcomes: []string{"lost"}, lag: 100 * time.Millisecond}
		ledger := newCreateLedger(time.Millisecond, time.Millisecond)
		ledger.lookup.budget = time.Hour // the lookup window alone would outlast the grace
		ledger.lookup.rereads = 1 << 20
		o, adopted, err := createOrAdopt(cctx, ledger, s.spec())
		if !errors.Is(err, io.ErrUnexpectedEOF) || !adopted || o == nil || o.id != "1" {
			t.Fatalf("got %+v adopted=%v err=%v: the object listed after the deadline was not found", o, adopted, err)
		}
		s.lag = time.Hour // never listed: the grace ends the lookup
		s.outcomes = []string{"lost"}
		cctx2, cancel2 := context.WithTimeout(ctx, 20*time.Millisecond)
		defer cancel2()
		start := time.Now()
		if _, adopted, err := createOrAdopt(cctx2, ledger, s.spec()); err == nil || adopted {
			t.Fatalf("adopted=%v err=%v", adopted, err)
		}
		if d := time.Since(start); d > lostAnswerGrace+time.Second {
			t.Fatalf("the lookup went on for %s, past the grace of %s", d, lostAnswerGrace)
		}
	})
}

// A lookup waits for the creates of its kind in flight, but no longer than its context: an operation
// whose timeout passes while another create of the kind is slow stops at its own timeout.
func TestKindGateWaitsEndWithContext(t *testing.T) {
	g := (&createLedger{gates: map[string]*kindGate{}}).gate("k")
	if err := g.acquire(context.Background(), false); err != nil { // a slow create holds the gate
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	if err := g.acquire(ctx, true); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("lookup: %v", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("the lookup waited %s", d)
	}
	// The lookup that gave up no longer holds back creates; a waiting one does, until it has run.
	if err := g.acquire(context.Background(), false); err != nil {
		t.Fatal(err)
	}
	ran := make(chan struct{})
	go func() {
		if err := g.acquire(context.Background(), true); err != nil {
			t.Error(err)
		}
		close(ran)
		g.release(true)
	}()
	time.Sleep(20 * time.Millisecond)
	late, cancelLate := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancelLate()
	if err := g.acquire(late, false); err == nil {
		t.Fatal("a create started while a lookup was waiting")
	}
	g.release(false)
	g.release(false)
	select {
	case <-ran:
	case <-time.After(5 * time.Second):
		t.Fatal("the lookup never ran")
	}
	if err := g.acquire(context.Background(), false); err != nil {
		t.Fatal(err)
	}
	g.release(false)
}

// serviceClock is a clock that saw an answer from a service whose clock is offset from ours.
func serviceClock(t *testing.T, offset time.Duration) *httpx.Clock {
	t.Helper()
	clock := &httpx.Clock{}
	now := time.Now()
	clock.Observe(http.Header{"Date": {now.Add(offset).UTC().Format(http.TimeFormat)}}, now)
	if _, known := clock.ServiceTime(now); !known {
		t.Fatal("the clock did not take the Date header")
	}
	return clock
}

// Concurrent creates of one kind, one of them losing its answer: the lookup waits for the others, so it
// never takes another create's fresh object for its own, and every object ends up with exactly one owner.
func TestCreateOrAdoptConcurrent(t *testing.T) {
	s := &fakeService{}
	var outcomes []string
	for i := range 40 {
		if i%3 == 0 {
			outcomes = append(outcomes, "lost")
		} else {
			outcomes = append(outcomes, "ok")
		}
	}
	s.outcomes = outcomes
	ledger := testLedger()
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		owned = map[string]int{}
	)
	for range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			spec := s.spec()
			spec.create = func(ctx context.Context) (*fakeObject, error) {
				time.Sleep(time.Millisecond) // keep several creates in flight at once
				return s.create(ctx)
			}
			o, _, err := createOrAdopt(context.Background(), ledger, spec)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			owned[o.id]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if len(owned) != 40 || len(s.objects) != 40 {
		t.Fatalf("%d objects owned, %d made: %v", len(owned), len(s.objects), owned)
	}
	for id, n := range owned {
		if n != 1 {
			t.Errorf("object %s has %d owners", id, n)
		}
	}
}

func TestReadAfterCreate(t *testing.T) {
	notFound := &httpx.APIError{StatusCode: http.StatusNotFound}
	reads := func(answers ...error) (func(context.Context) (string, error), *int) {
		n := 0
		return func(context.Context) (string, error) {
			err := answers[min(n, len(answers)-1)]
			n++
			if err != nil {
				return "", err
			}
			return "found", nil
		}, &n
	}
	ctx := context.Background()
	t.Run("just created: a 404 is read again", func(t *testing.T) {
		read, n := reads(notFound, notFound, nil)
		v, err := readAfterCreate(ctx, time.Now(), testReads, read)
		if err != nil || v != "found" || *n != 3 {
			t.Fatalf("%q %v after %d reads", v, err, *n)
		}
	})
	t.Run("a 404 that lasts is read again a bounded number of times", func(t *testing.T) {
		read, n := reads(notFound)
		if _, err := readAfterCreate(ctx, time.Now(), testReads, read); !httpx.IsNotFound(err) || *n != 1+readAfterWriteRereads {
			t.Fatalf("%v after %d reads", err, *n)
		}
	})
	t.Run("created long ago: a 404 is final", func(t *testing.T) {
		read, n := reads(notFound, nil)
		if _, err := readAfterCreate(ctx, time.Now().Add(-time.Hour), testReads, read); !httpx.IsNotFound(err) || *n != 1 {
			t.Fatalf("%v after %d reads", err, *n)
		}
	})
	t.Run("no record: a 404 is final", func(t *testing.T) {
		read, n := reads(notFound, nil)
		if _, err := readAfterCreate(ctx, time.Time{}, testReads, read); !httpx.IsNotFound(err) || *n != 1 {
			t.Fatalf("%v after %d reads", err, *n)
		}
	})
	t.Run("other errors are not read again", func(t *testing.T) {
		read, n := reads(&httpx.APIError{StatusCode: 500}, nil)
		if _, err := readAfterCreate(ctx, time.Now(), testReads, read); err == nil || *n != 1 {
			t.Fatalf("%v after %d reads", err, *n)
		}
	})
	t.Run("bounded, and a cancelled context ends the wait at once", func(t *testing.T) {
		read, _ := reads(notFound)
		cctx, cancel := context.WithCancel(ctx)
		go func() {
			time.Sleep(50 * time.Millisecond)
			cancel()
		}()
		start := time.Now()
		if _, err := readAfterCreate(cctx, time.Now(), backoffPolicy{firstWait: 10 * time.Second, rereads: 4, budget: readAfterWriteBudget}, read); !httpx.IsNotFound(err) {
			t.Fatalf("err %v", err)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("took %s after the cancel", d)
		}
	})
	t.Run("a record from the future does not stretch the wait", func(t *testing.T) {
		t.Parallel()
		read, _ := reads(notFound)
		start := time.Now()
		if _, err := readAfterCreate(ctx, time.Now().Add(time.Hour), backoffPolicy{firstWait: 100 * time.Millisecond, rereads: readAfterWriteRereads, budget: readAfterWriteBudget}, read); !httpx.IsNotFound(err) {
			t.Fatalf("err %v", err)
		}
		if d := time.Since(start); d > readAfterWriteBudget+time.Second {
			t.Fatalf("took %s, more than the budget", d)
		}
	})
}

func TestErrorDetailExplainsRateLimitPastDeadline(t *testing.T) {
	retryAt := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	err := fmt.Errorf("GitHub: create webhook: %w", &httpx.RateLimitError{Service: "GitHub", Method: "POST", Path: "/repos/a/b/hooks",
		StatusCode: 403, Reason: "rate limit exhausted until X-RateLimit-Reset", RetryAt: retryAt, Deadline: retryAt.Add(-time.Hour)})
	got := errorDetail(err)
	for _, want := range []string{"2030-01-01T00:00:00Z", "timeouts", "2029-12-31T23:00:00Z", "create webhook"} {
		if !strings.Contains(got, want) {
			t.Errorf("detail %q does not mention %q", got, want)
		}
	}
	if plain := errors.New("boom"); errorDetail(plain) != "boom" {
		t.Errorf("plain error changed: %q", errorDetail(plain))
	}
}

func TestResolveRetryWaits(t *testing.T) {
	none := func(string) string { return "" }
	s := resolveSettings(providerModel{RetryWaitMin: types.StringValue("20ms"), RetryWaitMax: types.StringValue("5ms")}, none)
	if s.retryWaitMin != 20*time.Millisecond || s.retryWaitMax != 20*time.Millisecond {
		t.Fatalf("min %v max %v: max must be raised to min", s.retryWaitMin, s.retryWaitMax)
	}
	s = resolveSettings(providerModel{}, none)
	if s.retryWaitMin != defaultRetryWaitMin || s.retryWaitMax != defaultRetryWaitMax {
		t.Fatalf("defaults: min %v max %v", s.retryWaitMin, s.retryWaitMax)
	}
}
