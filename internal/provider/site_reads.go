package provider

import (
	"sync"
	"time"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/platform"
)

// siteReadFreshness is how long a site read by gitdeploy_site's refresh may stand in for the read of
// its gitdeploy_repo_link. Terraform refreshes the link right after the site it depends on: well
// within this, even when a plan of hundreds of chains queues at its parallelism.
const siteReadFreshness = 30 * time.Second

// siteReads hands a site that gitdeploy_site just read to the refresh of the gitdeploy_repo_link on
// the same site. The link lives in the site's build settings, so without this a plan would GET every
// linked site twice, a moment apart: a fifth of a chain's reads, against Netlify's 500 requests a minute.
//
// An entry is used at most once, only while fresh, and is dropped by every write to its site.
type siteReads struct {
	mu    sync.Mutex
	sites map[string]siteRead
	now   func() time.Time
}

type siteRead struct {
	site *platform.Site
	at   time.Time
}

func newSiteReads() *siteReads {
	return &siteReads{sites: map[string]siteRead{}, now: time.Now}
}

// put records a site as it was just read.
func (s *siteReads) put(site *platform.Site) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	// Sites without a link are never taken: drop what went stale, so the map stays as small as a refresh.
	for id, r := range s.sites {
		if now.Sub(r.at) > siteReadFreshness {
			delete(s.sites, id)
		}
	}
	s.sites[site.ID] = siteRead{site: site, at: now}
}

// take returns the site read last if it is fresh, and forgets it.
func (s *siteReads) take(id string) (*platform.Site, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.sites[id]
	delete(s.sites, id)
	if !ok || s.now().Sub(r.at) > siteReadFreshness {
		return nil, false
	}
	return r.site, true
}

// forget drops what was read of a site that is about to change.
func (s *siteReads) forget(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.sites, id)
}
