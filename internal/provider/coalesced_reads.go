package provider

import (
	"context"
	"sync"
)

// coalesceAfterReads is how many reads of one kind go out on their own before listings may answer the
// next ones: a configuration of a few sites never lists an account of thousands.
const coalesceAfterReads = 3

// coalescedReads answers the reads of one kind of object (a platform's sites, its deploy keys) made by
// one refresh from a paginated listing, a page at a time, when that saves requests: Netlify allows about
// 500 requests a minute, and a plan of a thousand sites would otherwise send a thousand GETs.
//
// It works as a rent-or-buy choice. The first coalesceAfterReads reads are plain reads. After them, each
// read that the pages fetched so far do not answer may fetch the next page as long as the pages fetched
// stay fewer than the reads made beyond the first ones; when the listing cannot answer (it is complete,
// or its pages already cost as much as the reads they were meant to save), the read falls back to its own
// request. So a refresh of many objects costs about a listing, a refresh of a few among many about twice
// its reads at worst, and a deleted object (in no page) still gets its own read, which says it is gone.
//
// Listings are only taken during this provider process (one Terraform run's walk): no read is answered
// from data older than the refresh. An object written by this process is never answered from a listing
// again (forget), and writes never read from it.
type coalescedReads[T any] struct {
	fetchPage func(ctx context.Context, page int) (items []T, more bool, err error)
	idOf      func(T) string

	mu       sync.Mutex
	reads    int
	pages    int
	complete bool          // every page fetched, or a page failed: no more listing
	fetching chan struct{} // closed when the page being fetched is in; nil when none is
	listed   map[string]T
	written  map[string]bool
}

func newCoalescedReads[T any](fetchPage func(context.Context, int) ([]T, bool, error), idOf func(T) string) *coalescedReads[T] {
	return &coalescedReads[T]{fetchPage: fetchPage, idOf: idOf, listed: map[string]T{}, written: map[string]bool{}}
}

// read returns the object id from the listing when it answers, else from direct (its own request).
func (c *coalescedReads[T]) read(ctx context.Context, id string, direct func(context.Context) (T, error)) (T, error) {
	if c == nil {
		return direct(ctx)
	}
	c.mu.Lock()
	c.reads++
	for !c.written[id] {
		if obj, ok := c.listed[id]; ok {
			c.mu.Unlock()
			return obj, nil
		}
		if c.fetching != nil { // another read is fetching the next page: it may hold this object
			wait := c.fetching
			c.mu.Unlock()
			select {
			case <-wait:
			case <-ctx.Done():
				return direct(ctx) // fails with the context's error, as a read would
			}
			c.mu.Lock()
			continue
		}
		if c.complete || c.pages >= c.reads-coalesceAfterReads {
			break
		}
		c.fetchNextPage(ctx)
	}
	c.mu.Unlock()
	return direct(ctx)
}

// fetchNextPage fetches one page with c.mu held on entry and on return; other reads wait for it.
func (c *coalescedReads[T]) fetchNextPage(ctx context.Context) {
	done := make(chan struct{})
	c.fetching = done
	page := c.pages + 1
	c.mu.Unlock()
	items, more, err := c.fetchPage(ctx, page)
	c.mu.Lock()
	c.fetching = nil
	close(done)
	if err != nil {
		c.complete = true // reads go on one by one and report their own errors
		return
	}
	c.pages = page
	c.complete = !more
	for _, item := range items {
		if id := c.idOf(item); !c.written[id] {
			c.listed[id] = item
		}
	}
}

// forget drops what was listed of an object this process is about to change or delete; later reads of it
// make their own request.
func (c *coalescedReads[T]) forget(id string) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.written[id] = true
	delete(c.listed, id)
}
