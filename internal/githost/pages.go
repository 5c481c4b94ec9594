package githost

import (
	"context"
	"fmt"
	"iter"
	"sync"
)

// PageConcurrency bounds how many pages are fetched at once once the last page is known: 5,000
// repositories (50 pages) take about one round trip for page 1 and a few more for the rest, far below
// GitHub's secondary limit of 100 concurrent requests.
const PageConcurrency = 8

// Page is one page of a listing as the host answered it.
type Page[T any] struct {
	Items []T
	// Next is the next page number the host named, or 0 when it named none.
	Next int
	// Last is the last page number when the host tells it (GitHub Link rel="last", GitLab
	// X-Total-Pages), or 0 when it does not.
	Last int
}

// FetchPage fetches one page of a listing; pages are numbered from 1.
type FetchPage[T any] func(ctx context.Context, page int) (Page[T], error)

// PageOptions says which items of a listing to keep and when to stop.
type PageOptions[T any] struct {
	// Keep, when set, decides which items count; the others are skipped.
	Keep func(*T) bool
	// Key, when set, names an item so that one seen twice (items shift between pages while a listing
	// is read) is kept once.
	Key func(*T) string
	// MaxItems > 0 stops fetching once that many items were kept.
	MaxItems int
	// Concurrency bounds the pages in flight; 0 means PageConcurrency.
	Concurrency int
}

// FetchAllPages reads every page of a listing and returns the kept items in page order, and whether
// MaxItems cut the list.
//
// It fetches page 1; when that page tells the last page, it fetches pages 2..last concurrently, at most
// Concurrency at a time, and processes them in page order; otherwise (and after the last known page, if
// the host names a further one) it follows Next one page at a time. Once MaxItems items were kept it
// launches no more requests; the list counts as truncated when a kept item had to be dropped or a page
// was left unread. The first error stops the listing and cancels the requests in flight.
func FetchAllPages[T any](ctx context.Context, fetch FetchPage[T], opts PageOptions[T]) ([]T, bool, error) {
	l := &pageLister[T]{fetch: fetch, opts: opts}
	if l.opts.Concurrency <= 0 {
		l.opts.Concurrency = PageConcurrency
	}
	if l.opts.Key != nil {
		l.seen = map[string]bool{}
	}

	first, err := fetch(ctx, 1)
	if err != nil {
		return nil, false, err
	}
	l.process(1, first)
	if first.Last > 1 && !l.stopped() {
		if err := l.fetchConcurrently(ctx, 2, first.Last); err != nil {
			return nil, false, err
		}
	}
	// Pages without a known last page, or beyond it if the listing grew while it was read.
	for !l.stopped() && l.next > l.page {
		page, err := fetch(ctx, l.next)
		if err != nil {
			return nil, false, err
		}
		l.process(l.next, page)
	}
	truncated := l.dropped || (l.full() && (l.unread || l.next > l.page || l.last > l.page))
	return l.kept, truncated, nil
}

// pageLister holds the state of one FetchAllPages call. Only the calling goroutine touches it.
type pageLister[T any] struct {
	fetch FetchPage[T]
	opts  PageOptions[T]
	seen  map[string]bool

	kept    []T
	dropped bool // a kept item came after MaxItems was reached
	unread  bool // the list is full and pages of the known range were left unread
	page    int  // the last page processed
	next    int  // the next page the last processed page named
	last    int  // the highest last page any page named
}

func (l *pageLister[T]) full() bool { return l.opts.MaxItems > 0 && len(l.kept) >= l.opts.MaxItems }

// stopped says the outcome is known: either the list is cut for sure, or it is full and only pages
// already in flight may still tell whether anything was dropped.
func (l *pageLister[T]) stopped() bool { return l.dropped || l.full() }

// process adds one page's items, in order. Items kept after MaxItems was reached mark the list
// dropped instead.
func (l *pageLister[T]) process(number int, page Page[T]) {
	l.page, l.next, l.last = number, page.Next, max(l.last, page.Last)
	for i := range page.Items {
		item := &page.Items[i]
		if l.opts.Keep != nil && !l.opts.Keep(item) {
			continue
		}
		if l.seen != nil {
			key := l.opts.Key(item)
			if l.seen[key] {
				continue
			}
			l.seen[key] = true
		}
		if l.full() {
			l.dropped = true
			return
		}
		l.kept = append(l.kept, *item)
	}
}

type pageResult[T any] struct {
	number int
	page   Page[T]
	err    error
}

// fetchConcurrently fetches pages from..to with at most Concurrency in flight and processes them in
// page order. Once the list is full it launches nothing more; pages already in flight are still read
// when every page was launched, since they alone tell whether anything was dropped.
func (l *pageLister[T]) fetchConcurrently(ctx context.Context, from, to int) error {
	var wg sync.WaitGroup
	defer wg.Wait() // runs after cancel below: no request outlives the call
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	// Each request in flight sends exactly one result, so this buffer never blocks a sender, even
	// after an early return stops reading.
	results := make(chan pageResult[T], l.opts.Concurrency)
	nextToLaunch, inFlight := from, 0
	launch := func() {
		for inFlight < l.opts.Concurrency && nextToLaunch <= to && !l.stopped() {
			number := nextToLaunch
			nextToLaunch++
			inFlight++
			wg.Add(1)
			go func() {
				defer wg.Done()
				page, err := l.fetch(ctx, number)
				results <- pageResult[T]{number: number, page: page, err: err}
			}()
		}
	}

	waiting := map[int]Page[T]{} // pages that arrived before an earlier one
	nextToProcess := from
	launch()
	for inFlight > 0 {
		result := <-results
		inFlight--
		if result.err != nil {
			if l.full() {
				// The list is complete up to MaxItems; this page could only have said whether more
				// matched, so it counts as unread rather than failing the listing.
				l.unread = true
				return nil
			}
			return result.err
		}
		waiting[result.number] = result.page
		for page, ok := waiting[nextToProcess]; ok; page, ok = waiting[nextToProcess] {
			delete(waiting, nextToProcess)
			l.process(nextToProcess, page)
			nextToProcess++
		}
		if l.dropped || (l.full() && nextToLaunch <= to) {
			// Cut for sure: a kept item was dropped, or pages were never launched.
			l.unread = !l.dropped
			return nil
		}
		launch()
	}
	return nil
}

// maxCollected bounds a listing whose pages never end.
const maxCollected = 100_000

// Collect gathers what a library's paginating iterator (go-github's …Iter, client-go's Scan2) lists,
// converted by convert and named by id. An item listed twice means the server's next page went back: what
// was listed is all there is. The iterator's error goes through onError (which names the call).
func Collect[From, To any](seq iter.Seq2[*From, error], convert func(*From) *To, id func(*To) string, onError func(error) error) ([]To, error) {
	var all []To
	seen := map[string]bool{}
	for item, err := range seq {
		if err != nil {
			return nil, onError(err)
		}
		if item == nil {
			continue
		}
		out := convert(item)
		if seen[id(out)] {
			break
		}
		seen[id(out)] = true
		all = append(all, *out)
		if len(all) > maxCollected {
			return nil, fmt.Errorf("a listing of more than %d items; stopped", maxCollected)
		}
	}
	return all, nil
}
