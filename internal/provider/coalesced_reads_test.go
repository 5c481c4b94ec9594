package provider

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
)

// fakeListing is an account of objects listed pageSize to a page, counting its requests.
type fakeListing struct {
	ids                 []string
	pageSize            int
	pageCalls, getCalls atomic.Int64
	failPages           bool
}

var errGone = errors.New("gone")

func (f *fakeListing) page(_ context.Context, page int) ([]string, bool, error) {
	f.pageCalls.Add(1)
	if f.failPages {
		return nil, false, errors.New("429")
	}
	start := (page - 1) * f.pageSize
	end := min(start+f.pageSize, len(f.ids))
	if start >= len(f.ids) {
		return nil, false, nil
	}
	return f.ids[start:end], end < len(f.ids), nil
}

func (f *fakeListing) direct(id string) func(context.Context) (string, error) {
	return func(context.Context) (string, error) {
		f.getCalls.Add(1)
		for _, x := range f.ids {
			if x == id {
				return x, nil
			}
		}
		return "", errGone
	}
}

func newFakeListing(n, pageSize int) *fakeListing {
	f := &fakeListing{pageSize: pageSize}
	for i := range n {
		f.ids = append(f.ids, fmt.Sprintf("site-%04d", i))
	}
	return f
}

// readAll reads ids with 10 reads at a time, as Terraform refreshes at its default parallelism.
func readAll(t *testing.T, c *coalescedReads[string], f *fakeListing, ids []string) {
	t.Helper()
	var wg sync.WaitGroup
	slots := make(chan struct{}, 10)
	for _, id := range ids {
		wg.Add(1)
		slots <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			got, err := c.read(context.Background(), id, f.direct(id))
			if err != nil || got != id {
				t.Errorf("read %s = %q, %v", id, got, err)
			}
		}()
	}
	wg.Wait()
}

func identity(s string) string { return s }

func TestCoalescedReads_manyFromListings(t *testing.T) {
	f := newFakeListing(1000, 100)
	c := newCoalescedReads(f.page, identity)
	readAll(t, c, f, f.ids)
	pages, gets := f.pageCalls.Load(), f.getCalls.Load()
	t.Logf("1,000 reads: %d pages, %d reads", pages, gets)
	if pages != 10 {
		t.Errorf("%d listing pages for 1,000 reads of 1,000 objects, want the 10 pages", pages)
	}
	if pages+gets > 30 {
		t.Errorf("%d requests (%d pages, %d reads) for 1,000 reads, want at most 30", pages+gets, pages, gets)
	}
}

func TestCoalescedReads_fewAmongManyDoNotList(t *testing.T) {
	f := newFakeListing(5000, 100)
	c := newCoalescedReads(f.page, identity)
	readAll(t, c, f, []string{"site-4999", "site-2500", "site-0042"})
	if pages, gets := f.pageCalls.Load(), f.getCalls.Load(); pages != 0 || gets != 3 {
		t.Errorf("3 reads among 5,000: %d pages and %d reads, want no listing and 3 reads", pages, gets)
	}
	// Ten reads among 5,000 never cost more than twice their reads, and never list the account.
	f = newFakeListing(5000, 100)
	c = newCoalescedReads(f.page, identity)
	var ids []string
	for i := range 10 {
		ids = append(ids, fmt.Sprintf("site-%04d", 4000+i*97))
	}
	readAll(t, c, f, ids)
	if pages, gets := f.pageCalls.Load(), f.getCalls.Load(); pages+gets > 20 || pages >= 50 {
		t.Errorf("10 reads among 5,000: %d pages and %d reads, want at most 20 requests", pages, gets)
	}
}

func TestCoalescedReads_goneAndWrittenObjectsAreReadThemselves(t *testing.T) {
	f := newFakeListing(10, 100)
	c := newCoalescedReads(f.page, identity)
	readAll(t, c, f, f.ids[:5]) // the listing is taken
	if f.pageCalls.Load() != 1 {
		t.Fatalf("%d pages, want 1", f.pageCalls.Load())
	}
	// A deleted object is in no page: its own read says it is gone.
	gets := f.getCalls.Load()
	if _, err := c.read(context.Background(), "deleted", f.direct("deleted")); !errors.Is(err, errGone) {
		t.Errorf("read of an object in no page = %v, want its own read's error", err)
	}
	if f.getCalls.Load() != gets+1 {
		t.Error("an object in no page was not read on its own")
	}
	// An object this process changes is never answered from the listing taken before.
	c.forget("site-0007")
	c.read(context.Background(), "site-0007", f.direct("site-0007")) //nolint:errcheck // counted below
	if f.getCalls.Load() != gets+2 {
		t.Error("a written object was answered from the listing")
	}
	// Listed objects are answered without a request.
	c.read(context.Background(), "site-0008", f.direct("site-0008")) //nolint:errcheck // counted below
	if f.getCalls.Load() != gets+2 || f.pageCalls.Load() != 1 {
		t.Errorf("a listed object cost a request: %d reads, %d pages", f.getCalls.Load(), f.pageCalls.Load())
	}
}

func TestCoalescedReads_failedListingFallsBack(t *testing.T) {
	f := newFakeListing(100, 10)
	f.failPages = true
	c := newCoalescedReads(f.page, identity)
	readAll(t, c, f, f.ids)
	if pages, gets := f.pageCalls.Load(), f.getCalls.Load(); pages != 1 || gets != 100 {
		t.Errorf("after a failed page: %d pages, %d reads; want one page tried and every object read", pages, gets)
	}
}

func TestCoalescedReads_nilReadsDirectly(t *testing.T) {
	var c *coalescedReads[string]
	f := newFakeListing(1, 1)
	if got, err := c.read(context.Background(), "site-0000", f.direct("site-0000")); err != nil || got != "site-0000" {
		t.Errorf("nil coalescer: %q, %v", got, err)
	}
	c.forget("x") // no panic
}
