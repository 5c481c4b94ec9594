package provider

import (
	"testing"
	"time"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/platform"
)

func TestFreshReads(t *testing.T) {
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	reads := newFreshReads[string, *platform.Site]()
	reads.now = func() time.Time { return now }
	a, b := &platform.Site{ID: "a"}, &platform.Site{ID: "b"}

	reads.put(a.ID, a)
	if got, ok := reads.take("a"); !ok || got != a {
		t.Fatalf("take of a fresh read = %v, %v; want the site", got, ok)
	}
	if _, ok := reads.take("a"); ok {
		t.Error("a read was taken twice; want it used once")
	}
	if _, ok := reads.take("unknown"); ok {
		t.Error("take of a site never read succeeded")
	}

	reads.put(a.ID, a)
	reads.forget("a")
	if _, ok := reads.take("a"); ok {
		t.Error("a read survived a write to its site (forget)")
	}

	reads.put(a.ID, a)
	now = now.Add(freshReadsWindow + time.Second)
	if _, ok := reads.take("a"); ok {
		t.Error("a stale read was taken")
	}

	// Reads nobody takes (sites without a link) are dropped once stale.
	reads.put(a.ID, a)
	now = now.Add(freshReadsWindow + time.Second)
	reads.put(b.ID, b)
	if n := len(reads.entries); n != 1 {
		t.Errorf("%d reads kept after one went stale, want 1", n)
	}
}
