package httpx

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestClockFollowsTheServiceDateHeader(t *testing.T) {
	ahead := 90 * time.Second // the service's clock runs ahead of ours
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Date", time.Now().Add(ahead).UTC().Format(http.TimeFormat))
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	clock := &Clock{}
	if _, known := clock.ServiceTime(time.Now()); known {
		t.Fatal("a clock that saw no answer claims to know the service's time")
	}
	c := NewClient(Options{Service: "test", Clock: clock})
	resp, err := c.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close() // no body
	now := time.Now()
	got, known := clock.ServiceTime(now)
	if !known {
		t.Fatal("the Date header was not recorded")
	}
	if d := got.Sub(now.Add(ahead)); d < -2*time.Second || d > 2*time.Second {
		t.Errorf("service time off by %v", d)
	}
	var none *Clock
	if got, known := none.ServiceTime(now); known || !got.Equal(now) {
		t.Errorf("nil clock: %v %v", got, known)
	}
}
