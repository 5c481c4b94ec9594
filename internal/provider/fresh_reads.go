package provider

import (
	"sync"
	"time"
)

// freshReadsWindow is how long an answer kept in freshReads may stand in for the same request. Terraform
// refreshes a gitdeploy_repo_link right after the site it depends on, and applies a resource right after
// its final plan: well within this, even when a plan of hundreds of chains queues at its parallelism.
const freshReadsWindow = 30 * time.Second

// freshReads hands what one step just read on to the next step that would read it again, a moment later in
// the same provider process:
//
//   - a site read by gitdeploy_site's refresh to the refresh of the gitdeploy_repo_link on the same site (the
//     link lives in the site's build settings; without this a plan would GET every linked site twice, a fifth
//     of a chain's reads against Netlify's 500 requests a minute);
//   - the pre-flight of a gitdeploy_repo_link's final plan (Terraform plans every resource again during
//     apply, with the values the apply has made known) to the create or update that follows it.
//
// An entry is used at most once, only while fresh, and is dropped by every write to what it describes.
type freshReads[K comparable, V any] struct {
	mu      sync.Mutex
	entries map[K]freshRead[V]
	now     func() time.Time
	window  time.Duration
}

type freshRead[V any] struct {
	value V
	at    time.Time
}

func newFreshReads[K comparable, V any]() *freshReads[K, V] {
	return newFreshReadsFor[K, V](freshReadsWindow)
}

// newFreshReadsFor keeps entries for window instead of freshReadsWindow.
func newFreshReadsFor[K comparable, V any](window time.Duration) *freshReads[K, V] {
	return &freshReads[K, V]{entries: map[K]freshRead[V]{}, now: time.Now, window: window}
}

// put records what was just read.
func (s *freshReads[K, V]) put(key K, value V) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	// Some entries are never taken (sites without a link): drop what went stale, so the map stays as
	// small as a refresh.
	for k, r := range s.entries {
		if now.Sub(r.at) > s.window {
			delete(s.entries, k)
		}
	}
	s.entries[key] = freshRead[V]{value: value, at: now}
}

// take returns what was read last under key if it is fresh, and forgets it.
func (s *freshReads[K, V]) take(key K) (V, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.entries[key]
	delete(s.entries, key)
	if !ok || s.now().Sub(r.at) > s.window {
		var zero V
		return zero, false
	}
	return r.value, true
}

// forget drops what was read of an object that is about to change.
func (s *freshReads[K, V]) forget(key K) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.entries, key)
}
