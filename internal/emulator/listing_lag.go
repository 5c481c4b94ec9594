package emulator

import (
	"encoding/json"
	"net/http"
	"time"
)

// Replication lag. The real services answer a create from the primary and serve listings from replicas
// that see the new object a moment later (GitHub documents replication lag in its REST API best
// practices; gateways answer 502/504 while the origin still works). A client that lost a create's answer
// and lists once, at once, may not find what it made. SetListingLag models that: an object created
// through the API is left out of its listing until lag has passed since its create; reads of the
// object itself see it at once.

// SetListingLag hides new objects (Netlify sites, deploy keys, build hooks; GitHub and GitLab deploy keys
// and webhooks) from their listings for lag after their create; 0 turns it off. Reset turns it off too.
func (e *Emulator) SetListingLag(lag time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.listingLag = max(lag, 0)
}

// ListingLag returns the lag set by SetListingLag.
func (e *Emulator) ListingLag() time.Duration {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.listingLag
}

// recordBirth notes when obj (a pointer into the state) was created through the API. Called under mu.
func (e *Emulator) recordBirth(obj any) {
	if e.born == nil {
		e.born = map[any]time.Time{}
	}
	e.born[obj] = time.Now()
}

// listed returns the items a listing shows now: all but those created less than the listing lag ago.
// Called under mu.
func listed[T any](e *Emulator, items []*T) []*T {
	if e.listingLag <= 0 || len(e.born) == 0 {
		return items
	}
	out := make([]*T, 0, len(items))
	for _, item := range items {
		if at, ok := e.born[item]; ok && time.Since(at) < e.listingLag {
			continue
		}
		out = append(out, item)
	}
	return out
}

func (e *Emulator) adminListingLagRoutes() {
	a := AdminPrefix
	e.admin.HandleFunc("GET "+a+"/listing_lag", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"lag": e.ListingLag().String()})
	})
	e.admin.HandleFunc("PUT "+a+"/listing_lag", func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Lag json.RawMessage `json:"lag"`
		}
		if err := decodeBody(r, &body); err != nil {
			writeAdminError(w, http.StatusBadRequest, `body must be {"lag": "2s"}: `+err.Error())
			return
		}
		d, err := parseDurationJSON(body.Lag)
		if err != nil || d < 0 {
			writeAdminError(w, http.StatusBadRequest, `lag must be a non-negative duration such as "2s" or a number of milliseconds`)
			return
		}
		e.SetListingLag(d)
		writeNoContent(w)
	})
}
