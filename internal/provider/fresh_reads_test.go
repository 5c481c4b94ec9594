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

// A plan of a thousand chains reaches a link more than a minute after its site: the site's read still
// stands for the link's (the bench saw Dokploy applications read twice with a 30 s window).
func TestSiteReadsOutlastALongRefresh(t *testing.T) {
	none := func(string) string { return "" }
	c, diags := newClients(t.Context(), resolveSettings(providerModel{}, none), "test")
	if diags.HasError() {
		t.Fatal(diags)
	}
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	c.siteReads.now = func() time.Time { return now }
	site := &platform.Site{ID: "app"}
	c.siteReads.put(site.ID, site)
	now = now.Add(2 * time.Minute)
	if got, ok := c.siteReads.take(site.ID); !ok || got != site {
		t.Errorf("a site read two minutes into the refresh = %v, %v; want it to stand for the link's read", got, ok)
	}
}
