package netlify

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzEndpoint: whatever ids the provider is given (from state, configuration or an import), each stays
// exactly one path segment of the request URL, decodes back to itself, and adds no query or fragment;
// the ids a server would read as another path ("", ".", "..") are refused. Seed corpus:
// testdata/fuzz/FuzzEndpoint.
func FuzzEndpoint(f *testing.F) {
	f.Add("3f8a1c2e-4b5d-4e6f-8a9b-0c1d2e3f4a5b", "5f1a2b3c4d5e6f7a8b9c0d1e")
	c, err := New(Config{APIURL: "https://api.netlify.example/api/v1/", Token: "t"})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, siteID, hookID string) {
		raw, err := c.endpoint("sites", siteID, "build_hooks", hookID)
		unsafe := func(s string) bool { return s == "" || s == "." || s == ".." }
		if err != nil {
			if !unsafe(siteID) && !unsafe(hookID) {
				t.Fatalf("endpoint(%q, %q) refused: %v", siteID, hookID, err)
			}
			return
		}
		if unsafe(siteID) || unsafe(hookID) {
			t.Fatalf("endpoint(%q, %q) accepted: %s", siteID, hookID, raw)
		}
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatalf("endpoint(%q, %q) = %q does not parse: %v", siteID, hookID, raw, err)
		}
		if u.Host != "api.netlify.example" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
			t.Fatalf("endpoint(%q, %q) = %q changed the host, query or fragment", siteID, hookID, raw)
		}
		rest, ok := strings.CutPrefix(u.EscapedPath(), "/api/v1/")
		segments := strings.Split(rest, "/")
		if !ok || len(segments) != 4 || segments[0] != "sites" || segments[2] != "build_hooks" {
			t.Fatalf("endpoint(%q, %q) = %q: the ids left their segments", siteID, hookID, raw)
		}
		for i, want := range map[int]string{1: siteID, 3: hookID} {
			if got, err := url.PathUnescape(segments[i]); err != nil || got != want {
				t.Fatalf("segment %d of %q decodes to %q (%v), want %q", i, raw, got, err, want)
			}
		}
	})
}
