package bitbucket

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/httpx"
)

const serviceName = "Bitbucket"

// maxErrorBody bounds how much of an error answer is read.
const maxErrorBody = 64 << 10

// call is one API request: operation names it in errors, relPath is escaped and starts with "/".
type call struct {
	operation string
	method    string
	relPath   string
	query     url.Values
	body      any // JSON-encoded when not nil
}

// do sends c to the API and decodes a 2xx answer into out (when not nil).
func (c *Client) do(ctx context.Context, cl call, out any) error {
	target := c.base.String() + cl.relPath
	if len(cl.query) > 0 {
		target += "?" + cl.query.Encode()
	}
	return c.doURL(ctx, cl, target, out)
}

// doURL sends cl to an absolute URL of the API (a "next" link) and decodes the answer into out.
func (c *Client) doURL(ctx context.Context, cl call, target string, out any) error {
	apiPath := c.base.EscapedPath() + cl.relPath
	var body io.Reader
	if cl.body != nil {
		data, err := json.Marshal(cl.body)
		if err != nil {
			return fmt.Errorf("%s: %s: encoding the request: %w", serviceName, cl.operation, err)
		}
		body = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, cl.method, target, body)
	if err != nil {
		apiErr, passthrough := githost.NewAPIError(serviceName, cl.operation, cl.method, apiPath, nil, err)
		if apiErr == nil {
			return passthrough
		}
		return apiErr
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.auth != "" {
		req.Header.Set("Authorization", c.auth)
	}
	if c.userAgent != "" {
		req.Header.Set("User-Agent", c.userAgent)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		// net/http's error repeats the URL, whose query is harmless here but whose text is not needed:
		// keep the cause visible to errors.Is and errors.As through NewAPIError.
		apiErr, passthrough := githost.NewAPIError(serviceName, cl.operation, cl.method, apiPath, nil, unwrapURLError(err))
		if apiErr == nil {
			return passthrough
		}
		return apiErr
	}
	defer func() { _ = resp.Body.Close() }() // read below; a close error changes nothing
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return readError(resp, cl.operation)
	}
	if out == nil {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBody)) // lets the connection be reused
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		apiErr, passthrough := githost.NewAPIError(serviceName, cl.operation, cl.method, apiPath, resp,
			fmt.Errorf("decoding the answer: %w", err))
		if apiErr == nil {
			return passthrough
		}
		return apiErr
	}
	return nil
}

// unwrapURLError drops *url.Error's "Get \"https://…\":" prefix but keeps the cause.
func unwrapURLError(err error) error {
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		return urlErr.Err
	}
	return err
}

// bbError is Bitbucket's error object: {"type": "error", "error": {"message", "detail", "fields"}}.
type bbError struct {
	Type  string `json:"type"`
	Error *struct {
		Message string              `json:"message"`
		Detail  string              `json:"detail"`
		Fields  map[string][]string `json:"fields"`
	} `json:"error"`
}

// readError turns a non-2xx answer into an *httpx.APIError with Bitbucket's message, or a summary of a
// body that is not Bitbucket's JSON (a proxy's page).
func readError(resp *http.Response, operation string) *httpx.APIError {
	apiErr := &httpx.APIError{Service: serviceName, Operation: operation, StatusCode: resp.StatusCode}
	if resp.Request != nil {
		apiErr.Method = resp.Request.Method
		apiErr.Path = resp.Request.URL.EscapedPath()
	}
	data, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody)) // what was read is enough for a message
	var e bbError
	if err := json.Unmarshal(data, &e); err != nil || e.Error == nil || e.Error.Message == "" {
		apiErr.Message = githost.SummarizeErrorBody(data)
		return apiErr
	}
	parts := []string{e.Error.Message}
	if e.Error.Detail != "" && e.Error.Detail != e.Error.Message {
		parts = append(parts, e.Error.Detail)
	}
	fields := make([]string, 0, len(e.Error.Fields))
	for name, problems := range e.Error.Fields {
		fields = append(fields, name+": "+strings.Join(problems, ", "))
	}
	sort.Strings(fields)
	parts = append(parts, fields...)
	apiErr.Message = strings.Join(parts, "; ")
	return apiErr
}

// missingIDError reports a successful answer that lacks the object's id.
func (c *Client) missingIDError(cl call, err error) error {
	return &httpx.APIError{Service: serviceName, Operation: cl.operation, Method: cl.method,
		Path: c.base.EscapedPath() + cl.relPath, StatusCode: http.StatusOK, Message: err.Error()}
}

// page is Bitbucket's paginated collection.
type page[T any] struct {
	Size    int    `json:"size"`
	Page    int    `json:"page"`
	Pagelen int    `json:"pagelen"`
	Next    string `json:"next"`
	Values  []T    `json:"values"`
}

// maxPagelen is the largest page Bitbucket serves.
const maxPagelen = 100

// followPages reads a collection by following its "next" links to the end, as Bitbucket asks clients
// to ("refrain from constructing your own URLs"). A next link to another host is refused: the
// credentials would go with it.
func followPages[T any](ctx context.Context, c *Client, cl call, add func(T) error) error {
	query := cl.query
	if query == nil {
		query = url.Values{}
	}
	query.Set("pagelen", fmt.Sprint(maxPagelen))
	target := c.base.String() + cl.relPath + "?" + query.Encode()
	seen := map[string]bool{}
	for target != "" {
		if seen[target] {
			return nil // a next link that does not move forward would loop for ever
		}
		seen[target] = true
		var p page[T]
		if err := c.doURL(ctx, cl, target, &p); err != nil {
			return err
		}
		for _, v := range p.Values {
			if err := add(v); err != nil {
				return err
			}
		}
		if p.Next != "" {
			next, err := url.Parse(p.Next)
			if err != nil || next.Scheme != c.base.Scheme || next.Host != c.base.Host {
				return fmt.Errorf("%s: %s: refusing to follow the next page %q: not on %s", serviceName, cl.operation, p.Next, c.base.Host)
			}
		}
		target = p.Next
	}
	return nil
}

// fetchPage adapts one page of a page-numbered collection to githost.FetchAllPages: the host's size
// tells the last page, so pages after the first are fetched concurrently. The next link is only read
// for whether there is one: its page number is the one after.
func fetchPage[T, U any](c *Client, cl call, convert func(*T) (U, error)) githost.FetchPage[U] {
	return func(ctx context.Context, number int) (githost.Page[U], error) {
		query := url.Values{}
		for k, v := range cl.query {
			query[k] = v
		}
		query.Set("pagelen", fmt.Sprint(maxPagelen))
		query.Set("page", fmt.Sprint(number))
		one := cl
		one.query = query
		var p page[T]
		if err := c.do(ctx, one, &p); err != nil {
			return githost.Page[U]{}, err
		}
		out := githost.Page[U]{Items: make([]U, 0, len(p.Values))}
		for i := range p.Values {
			item, err := convert(&p.Values[i])
			if err != nil {
				return githost.Page[U]{}, c.missingIDError(one, err)
			}
			out.Items = append(out.Items, item)
		}
		if p.Next != "" {
			out.Next = number + 1
		}
		if p.Size > 0 && p.Pagelen > 0 {
			out.Last = (p.Size + p.Pagelen - 1) / p.Pagelen
		}
		return out, nil
	}
}
