package githost

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost/githosttest"
)

// fakeListing serves pages of perPage numbered items (page p holds (p-1)*perPage+1 …) and records
// which pages were asked for, in order of asking.
type fakeListing struct {
	total, perPage int
	tellLast       bool // say the last page, as GitHub's Link rel="last" or GitLab's X-Total-Pages
	gate           *githosttest.Gate
	delay          func(page int) time.Duration
	fail           map[int]error

	mu    sync.Mutex
	asked []int
}

func (f *fakeListing) pages() int { return (f.total + f.perPage - 1) / f.perPage }

func (f *fakeListing) fetch(ctx context.Context, page int) (Page[int], error) {
	f.mu.Lock()
	f.asked = append(f.asked, page)
	f.mu.Unlock()
	if f.gate != nil && page > 1 {
		defer f.gate.Leave()
		if !f.gate.Enter() {
			return Page[int]{}, fmt.Errorf("page %d: requests were not concurrent", page)
		}
	}
	if f.delay != nil {
		select {
		case <-time.After(f.delay(page)):
		case <-ctx.Done():
			return Page[int]{}, ctx.Err()
		}
	}
	if err := f.fail[page]; err != nil {
		return Page[int]{}, err
	}
	out := Page[int]{}
	for i := (page-1)*f.perPage + 1; i <= min(page*f.perPage, f.total); i++ {
		out.Items = append(out.Items, i)
	}
	if page < f.pages() {
		out.Next = page + 1
	}
	if f.tellLast && f.pages() > 1 {
		out.Last = f.pages()
	}
	return out, nil
}

func (f *fakeListing) askedPages() []int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]int(nil), f.asked...)
}

// upTo is 1, 2, …, n.
func upTo(n int) []int {
	var out []int
	for i := 1; i <= n; i++ {
		out = append(out, i)
	}
	return out
}

func TestFetchAllPagesFollowsNextWithoutLastPage(t *testing.T) {
	gate := githosttest.NewGate(1, time.Second)
	listing := &fakeListing{total: 250, perPage: 100, gate: gate}
	items, truncated, err := FetchAllPages(context.Background(), listing.fetch, PageOptions[int]{})
	if err != nil || truncated {
		t.Fatalf("FetchAllPages = truncated %v, %v", truncated, err)
	}
	if !slices.Equal(items, upTo(250)) {
		t.Fatalf("got %d items, want 1..250 in order", len(items))
	}
	if asked := listing.askedPages(); !slices.Equal(asked, []int{1, 2, 3}) {
		t.Fatalf("asked pages %v, want 1, 2, 3", asked)
	}
	if n := gate.MaxInFlight(); n != 1 {
		t.Fatalf("%d pages in flight together without a known last page, want 1", n)
	}
}

func TestFetchAllPagesFetchesKnownPagesConcurrentlyInOrder(t *testing.T) {
	// Page 2 is slowest, so pages arrive out of order and must still come out in order.
	gate := githosttest.NewGate(3, 5*time.Second)
	listing := &fakeListing{total: 1000, perPage: 100, tellLast: true, gate: gate, delay: func(page int) time.Duration {
		if page == 2 {
			return 50 * time.Millisecond
		}
		return 0
	}}
	items, truncated, err := FetchAllPages(context.Background(), listing.fetch, PageOptions[int]{Concurrency: 3})
	if err != nil || truncated {
		t.Fatalf("FetchAllPages = truncated %v, %v", truncated, err)
	}
	if !slices.Equal(items, upTo(1000)) {
		t.Fatalf("got %d items out of order or missing, want 1..1000 in order", len(items))
	}
	asked := listing.askedPages()
	slices.Sort(asked)
	if !slices.Equal(asked, upTo(10)) {
		t.Fatalf("asked pages %v, want each of 1..10 once", asked)
	}
	if n := gate.MaxInFlight(); n != 3 {
		t.Fatalf("%d pages in flight together, want exactly the bound 3", n)
	}
}

func TestFetchAllPagesMaxItems(t *testing.T) {
	evenOnly := func(n *int) bool { return *n%2 == 0 }
	onlyFirstTwoPages := func(n *int) bool { return *n <= 20 }
	tests := []struct {
		name          string
		opts          PageOptions[int]
		tellLast      bool
		wantKept      []int
		wantTruncated bool
		wantAsked     []int // sorted; nil skips the check
	}{
		{name: "cut inside a page drops items", opts: PageOptions[int]{MaxItems: 15, Concurrency: 1}, tellLast: true,
			wantKept: upTo(15), wantTruncated: true, wantAsked: []int{1, 2}},
		{name: "full at a page end with pages left unlaunched", opts: PageOptions[int]{MaxItems: 20, Concurrency: 1}, tellLast: true,
			wantKept: upTo(20), wantTruncated: true, wantAsked: []int{1, 2}},
		{name: "full on page 1 launches nothing more", opts: PageOptions[int]{MaxItems: 10}, tellLast: true,
			wantKept: upTo(10), wantTruncated: true, wantAsked: []int{1}},
		{name: "exactly everything", opts: PageOptions[int]{MaxItems: 50}, tellLast: true,
			wantKept: upTo(50), wantTruncated: false, wantAsked: upTo(5)},
		{name: "more than everything", opts: PageOptions[int]{MaxItems: 80}, tellLast: true,
			wantKept: upTo(50), wantTruncated: false, wantAsked: upTo(5)},
		{name: "counts kept items only", opts: PageOptions[int]{MaxItems: 7, Keep: evenOnly}, tellLast: false,
			wantKept: []int{2, 4, 6, 8, 10, 12, 14}, wantTruncated: true, wantAsked: []int{1, 2}},
		{name: "pages in flight with nothing more to keep", opts: PageOptions[int]{MaxItems: 20, Keep: onlyFirstTwoPages}, tellLast: true,
			wantKept: upTo(20), wantTruncated: false},
		{name: "sequential, full on the last page", opts: PageOptions[int]{MaxItems: 50}, tellLast: false,
			wantKept: upTo(50), wantTruncated: false, wantAsked: upTo(5)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			listing := &fakeListing{total: 50, perPage: 10, tellLast: tt.tellLast}
			kept, truncated, err := FetchAllPages(context.Background(), listing.fetch, tt.opts)
			if err != nil {
				t.Fatalf("FetchAllPages: %v", err)
			}
			if !slices.Equal(kept, tt.wantKept) || truncated != tt.wantTruncated {
				t.Fatalf("FetchAllPages = %v, truncated %v; want %v, truncated %v", kept, truncated, tt.wantKept, tt.wantTruncated)
			}
			asked := listing.askedPages()
			slices.Sort(asked)
			if tt.wantAsked != nil && !slices.Equal(asked, tt.wantAsked) {
				t.Fatalf("asked pages %v, want %v", asked, tt.wantAsked)
			}
		})
	}
}

func TestFetchAllPagesStopsOnError(t *testing.T) {
	boom := errors.New("boom")
	for _, tellLast := range []bool{true, false} {
		for _, failing := range []int{1, 3} {
			listing := &fakeListing{total: 50, perPage: 10, tellLast: tellLast, fail: map[int]error{failing: boom}}
			items, _, err := FetchAllPages(context.Background(), listing.fetch, PageOptions[int]{})
			if !errors.Is(err, boom) || items != nil {
				t.Errorf("tellLast %v, page %d failing: FetchAllPages = %v, %v; want the page's error", tellLast, failing, items, err)
			}
		}
	}
}

func TestFetchAllPagesCancelsPagesInFlightOnError(t *testing.T) {
	boom := errors.New("boom")
	cancelled := make(chan int, 10)
	fetch := func(ctx context.Context, page int) (Page[int], error) {
		switch page {
		case 1:
			return Page[int]{Items: []int{1}, Next: 2, Last: 4}, nil
		case 2:
			return Page[int]{}, boom
		}
		<-ctx.Done() // the other pages hang until cancelled
		cancelled <- page
		return Page[int]{}, ctx.Err()
	}
	start := time.Now()
	_, _, err := FetchAllPages(context.Background(), fetch, PageOptions[int]{})
	if !errors.Is(err, boom) {
		t.Fatalf("FetchAllPages = %v, want boom", err)
	}
	// FetchAllPages waits for the cancelled requests, so both have reported by now.
	if len(cancelled) != 2 || time.Since(start) > 5*time.Second {
		t.Fatalf("%d hanging pages were cancelled, want 2", len(cancelled))
	}
}

func TestFetchAllPagesDropsDuplicatesAndFollowsBeyondLast(t *testing.T) {
	// The listing grew while it was read: item 2 shifted onto page 2, and page 2 names a page 3.
	answers := map[int]Page[int]{
		1: {Items: []int{1, 2}, Next: 2, Last: 2},
		2: {Items: []int{2, 3}, Next: 3, Last: 3},
		3: {Items: []int{4}},
	}
	var asked []int
	fetch := func(_ context.Context, page int) (Page[int], error) {
		asked = append(asked, page)
		return answers[page], nil
	}
	items, truncated, err := FetchAllPages(context.Background(), fetch, PageOptions[int]{Key: func(n *int) string { return fmt.Sprint(*n) }})
	if err != nil || truncated || !slices.Equal(items, []int{1, 2, 3, 4}) {
		t.Fatalf("FetchAllPages = %v, %v, %v; want 1..4", items, truncated, err)
	}
	if !slices.Equal(asked, []int{1, 2, 3}) {
		t.Fatalf("asked %v", asked)
	}
}

func TestFetchAllPagesStopsOnABackwardsNext(t *testing.T) {
	calls := 0
	fetch := func(_ context.Context, page int) (Page[int], error) {
		calls++
		return Page[int]{Items: []int{page}, Next: 1}, nil
	}
	items, _, err := FetchAllPages(context.Background(), fetch, PageOptions[int]{})
	if err != nil || calls != 1 || !slices.Equal(items, []int{1}) {
		t.Fatalf("FetchAllPages = %v, %v after %d calls; want one page", items, err, calls)
	}
}

func TestFetchAllPagesFullWithALastPageButNoNext(t *testing.T) {
	// A host that names the last page but not the next one still has pages left.
	fetch := func(_ context.Context, page int) (Page[int], error) {
		return Page[int]{Items: []int{page}, Last: 3}, nil
	}
	items, truncated, err := FetchAllPages(context.Background(), fetch, PageOptions[int]{MaxItems: 1})
	if err != nil || !truncated || !slices.Equal(items, []int{1}) {
		t.Fatalf("FetchAllPages = %v, truncated %v, %v; want [1], truncated", items, truncated, err)
	}
}

func TestCollect(t *testing.T) {
	type in struct{ n int }
	type out struct{ id string }
	convert := func(i *in) *out { return &out{id: strconv.Itoa(i.n)} }
	id := func(o *out) string { return o.id }
	seq := func(items []*in, err error) iter.Seq2[*in, error] {
		return func(yield func(*in, error) bool) {
			for _, item := range items {
				if !yield(item, nil) {
					return
				}
			}
			if err != nil {
				yield(nil, err)
			}
		}
	}
	failed := errors.New("answered 500")
	named := func(err error) error { return fmt.Errorf("list keys: %w", err) }

	got, err := Collect(seq([]*in{{1}, nil, {2}, {1}, {3}}, nil), convert, id, named)
	if err != nil || len(got) != 2 || got[0].id != "1" || got[1].id != "2" {
		t.Errorf("Collect = %v, %v; want 1, 2 (nil skipped, a repeated item ends the listing)", got, err)
	}
	if _, err := Collect(seq([]*in{{1}}, failed), convert, id, named); !errors.Is(err, failed) || err.Error() != "list keys: answered 500" {
		t.Errorf("Collect error = %v, want the iterator's error through onError", err)
	}
}
