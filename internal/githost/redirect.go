package githost

import (
	"errors"
	"fmt"
	"net/http"
)

// maxRedirects is net/http's own default limit.
const maxRedirects = 10

// WithSameHostRedirects returns a copy of client (or of a zero client when nil) that refuses to
// follow a redirect to another scheme or host. Both vendor libraries add the token to every request
// they send, redirects included (go-github in its transport, client-go as PRIVATE-TOKEN, a header
// net/http does not strip), so a redirect elsewhere would hand the token to that host.
func WithSameHostRedirects(client *http.Client) *http.Client {
	var copied http.Client
	if client != nil {
		copied = *client
	}
	next := copied.CheckRedirect
	copied.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		first := via[0].URL
		if req.URL.Scheme != first.Scheme || req.URL.Host != first.Host {
			return fmt.Errorf("refusing to follow a redirect from %s://%s to %s://%s: the API token would go to another host",
				first.Scheme, first.Host, req.URL.Scheme, req.URL.Host)
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= maxRedirects {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
	return &copied
}
