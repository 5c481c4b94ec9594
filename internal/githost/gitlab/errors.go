package gitlab

import (
	"encoding/json"
	"errors"
	"net/http"
	"sort"
	"strings"

	gl "gitlab.com/gitlab-org/api/client-go/v2"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
)

const serviceName = "GitLab"

// apiError turns what client-go returned into an *httpx.APIError naming the operation. method and
// relPath describe the request for errors that never got an answer. A cancelled or expired context,
// and a rate-limit wait the shared HTTP stack refused (*httpx.RateLimitError), stay recognisable
// with errors.Is and errors.As.
func (c *Client) apiError(operation, method, relPath string, resp *gl.Response, err error) error {
	var raw *http.Response
	if resp != nil {
		raw = resp.Response
	}
	apiErr, passthrough := githost.NewAPIError(serviceName, operation, method, c.basePath+relPath, raw, err)
	if apiErr == nil {
		return passthrough
	}
	var errResp *gl.ErrorResponse
	if errors.As(err, &errResp) {
		apiErr.StatusCode = errResp.StatusCode
		apiErr.Message = errorResponseMessage(errResp)
	}
	return apiErr
}

// errorResponseMessage renders GitLab's error body readably. GitLab answers {"message": "..."},
// {"message": {"field": ["problem", …], …}}, {"error": "...", "error_description": "..."}, or,
// behind a proxy, something that is not JSON at all.
func errorResponseMessage(e *gl.ErrorResponse) string {
	if len(e.Body) == 0 {
		// The library reads no body for 404 and answers its own "Not Found".
		return e.Message
	}
	var body map[string]json.RawMessage
	if err := json.Unmarshal(e.Body, &body); err != nil {
		return githost.SummarizeErrorBody(e.Body)
	}
	var parts []string
	if raw, ok := body["message"]; ok {
		parts = append(parts, renderMessage("", raw))
	}
	if raw, ok := body["error"]; ok {
		parts = append(parts, renderMessage("", raw))
	}
	if raw, ok := body["error_description"]; ok {
		parts = append(parts, renderMessage("", raw))
	}
	msg := strings.Join(nonEmpty(parts), ": ")
	if msg == "" {
		return githost.SummarizeErrorBody(e.Body)
	}
	return msg
}

// renderMessage renders one message value: a string as is, a list joined with ", ", an object as
// "field problem, problem; other problem" with nested objects named "parent.field".
func renderMessage(field string, raw json.RawMessage) string {
	var text string
	if err := json.Unmarshal(raw, &text); err == nil {
		return withField(field, text)
	}
	var list []json.RawMessage
	if err := json.Unmarshal(raw, &list); err == nil {
		items := make([]string, 0, len(list))
		for _, item := range list {
			items = append(items, renderMessage("", item))
		}
		return withField(field, strings.Join(nonEmpty(items), ", "))
	}
	var object map[string]json.RawMessage
	if err := json.Unmarshal(raw, &object); err == nil {
		keys := make([]string, 0, len(object))
		for key := range object {
			keys = append(keys, key)
		}
		sort.Strings(keys)
		items := make([]string, 0, len(keys))
		for _, key := range keys {
			name := key
			if field != "" {
				name = field + "." + key
			}
			items = append(items, renderMessage(name, object[key]))
		}
		return strings.Join(nonEmpty(items), "; ")
	}
	// Numbers, booleans, null: show them as GitLab wrote them.
	return withField(field, strings.TrimSpace(string(raw)))
}

func withField(field, text string) string {
	switch {
	case text == "" || text == "null":
		return field
	case field == "" || field == "base":
		// GitLab puts messages about the whole object under "base".
		return text
	}
	return field + " " + text
}

func nonEmpty(items []string) []string {
	out := items[:0]
	for _, item := range items {
		if item != "" {
			out = append(out, item)
		}
	}
	return out
}

// missingIDError reports a successful answer that lacks the object's id.
func (c *Client) missingIDError(operation, method, relPath string, resp *gl.Response) error {
	return c.apiError(operation, method, relPath, resp, errMissingID)
}

// responseOf is the answer a Scan2 error carries (the iterator yields the error alone).
func responseOf(err error) *gl.Response {
	var errResp *gl.ErrorResponse
	if errors.As(err, &errResp) && errResp.Response != nil {
		return &gl.Response{Response: errResp.Response}
	}
	return nil
}
