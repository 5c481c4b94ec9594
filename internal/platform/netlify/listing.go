package netlify

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

const (
	// perPage is the page size asked for; Netlify's documented maximum is 100.
	perPage = 100
	// maxPages bounds a listing whose next link never ends (a misbehaving server): 100,000 items.
	maxPages = 1000
)

// listAll GETs every page of a paginated list, asking for page=1, 2, ... while the answer's Link header
// has rel="next". The page number is taken from our own counter, never from the link's URL, so that a
// link to another host can never receive the token.
func listAll[T any](ctx context.Context, c *Client, operation string, p path, query url.Values) ([]T, error) {
	var all []T
	q := query
	for page := 1; page <= maxPages; page++ {
		items, more, err := listPage[T](ctx, c, operation, p, q, page)
		if err != nil {
			return nil, err
		}
		all = append(all, items...)
		if !more {
			return all, nil
		}
	}
	return nil, fmt.Errorf("%s: %s: more than %d pages; stopped", serviceName, operation, maxPages)
}

// listPage GETs one page (from 1) of a paginated list and reports whether its Link header has a next one.
func listPage[T any](ctx context.Context, c *Client, operation string, p path, query url.Values, page int) ([]T, bool, error) {
	q := url.Values{}
	for k, v := range query {
		q[k] = v
	}
	q.Set("per_page", strconv.Itoa(perPage))
	q.Set("page", strconv.Itoa(page))
	var items []T
	header, err := c.send(ctx, operation, http.MethodGet, p, q, nil, &items, http.StatusOK)
	if err != nil {
		return nil, false, err
	}
	return items, len(items) > 0 && hasNextLink(header.Get("Link")), nil
}

// hasNextLink reports whether an RFC 8288 Link header has a rel="next" link.
func hasNextLink(link string) bool {
	for _, part := range strings.Split(link, ",") {
		// The parameters follow the <URI>; a ';' inside the URI is not one of them.
		_, params, ok := strings.Cut(part, ">")
		if !ok {
			continue
		}
		for _, param := range strings.Split(params, ";") {
			name, value, ok := strings.Cut(strings.TrimSpace(param), "=")
			if !ok || !strings.EqualFold(strings.TrimSpace(name), "rel") {
				continue
			}
			for _, rel := range strings.Fields(strings.Trim(strings.TrimSpace(value), `"`)) {
				if strings.EqualFold(rel, "next") {
					return true
				}
			}
		}
	}
	return false
}
