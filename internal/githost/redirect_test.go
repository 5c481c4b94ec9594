package githost

import (
	"errors"
	"net/http"
	"net/url"
	"testing"
)

func TestWithSameHostRedirects(t *testing.T) {
	request := func(raw string) *http.Request {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatalf("parse %q: %v", raw, err)
		}
		return &http.Request{URL: u}
	}
	first := []*http.Request{request("https://git.example.com/api/v3/repos/a/b")}

	client := WithSameHostRedirects(nil)
	if err := client.CheckRedirect(request("https://git.example.com/api/v3/repositories/1"), first); err != nil {
		t.Errorf("same host refused: %v", err)
	}
	for _, elsewhere := range []string{"https://evil.example.com/x", "http://git.example.com/x", "https://git.example.com:8443/x"} {
		if err := client.CheckRedirect(request(elsewhere), first); err == nil {
			t.Errorf("redirect to %s allowed", elsewhere)
		}
	}
	many := make([]*http.Request, 10)
	for i := range many {
		many[i] = first[0]
	}
	if err := client.CheckRedirect(request("https://git.example.com/x"), many); err == nil {
		t.Error("an 11th redirect was allowed")
	}

	// The shared client keeps its own policy and is not changed.
	errOwn := errors.New("own policy")
	shared := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return errOwn }}
	copied := WithSameHostRedirects(shared)
	if copied == shared {
		t.Fatal("the shared client was returned, not a copy")
	}
	if err := copied.CheckRedirect(request("https://git.example.com/x"), first); !errors.Is(err, errOwn) {
		t.Errorf("same-host redirect = %v, want the shared client's own policy", err)
	}
	if err := shared.CheckRedirect(request("https://evil.example.com/x"), first); !errors.Is(err, errOwn) {
		t.Errorf("the shared client's policy changed: %v", err)
	}
}
