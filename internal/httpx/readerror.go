package httpx

import (
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

const (
	// errorBodyLimit caps how much of an error body is read.
	errorBodyLimit = 64 << 10
	// plainSummaryLimit caps the summary of a non-JSON body (an HTML 502 page, say).
	plainSummaryLimit = 200
)

// ReadError turns a non-2xx answer into an *APIError whose Message is the service's own message
// when the body is JSON, or a short plain-text summary otherwise. It reads the body but does not
// close it: the caller, who opened the response, closes it. Service and operation name the call
// for the diagnostic ("Netlify", "create deploy key").
func ReadError(resp *http.Response, service, operation string) *APIError {
	e := &APIError{Service: service, Operation: operation, StatusCode: resp.StatusCode}
	if resp.Request != nil {
		e.Method = resp.Request.Method
		if resp.Request.URL != nil {
			e.Path = resp.Request.URL.Path
		}
	}
	if resp.Body == nil {
		return e
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, errorBodyLimit))
	if err != nil && len(body) == 0 {
		e.Message = "reading the error body failed: " + err.Error()
		return e
	}
	e.Message = errorMessage(body)
	return e
}

// errorMessage extracts a readable message from an error body.
func errorMessage(body []byte) string {
	trimmed := strings.TrimSpace(string(body))
	if trimmed == "" {
		return ""
	}
	var doc any
	if json.Unmarshal([]byte(trimmed), &doc) == nil {
		if msg := jsonMessage(doc); msg != "" {
			return msg
		}
		return summarize(trimmed)
	}
	return summarize(stripTags(trimmed))
}

// jsonMessage knows the error shapes of the APIs the provider calls:
//
//	Netlify  {"code": 422, "message": "..."}
//	GitHub   {"message": "...", "errors": [{"resource","field","code","message"} or "..."], "documentation_url": "..."}
//	GitLab   {"message": "..."}, {"message": {"field": ["..."]}}, {"message": ["..."]}, {"error": "...", "error_description": "..."}
func jsonMessage(doc any) string {
	obj, ok := doc.(map[string]any)
	if !ok {
		if s, isString := doc.(string); isString {
			return s
		}
		return ""
	}
	var parts []string
	if msg := flatten(obj["message"]); msg != "" {
		parts = append(parts, msg)
	}
	if msg := flatten(obj["error"]); msg != "" {
		parts = append(parts, msg)
	}
	if msg := flatten(obj["error_description"]); msg != "" {
		parts = append(parts, msg)
	}
	if details := errorDetails(obj["errors"]); details != "" {
		parts = append(parts, details)
	}
	return strings.Join(parts, ": ")
}

// flatten renders a message that may be a string, a list, or GitLab's {field: [messages]}.
func flatten(v any) string {
	switch m := v.(type) {
	case string:
		return strings.TrimSpace(m)
	case []any:
		items := make([]string, 0, len(m))
		for _, item := range m {
			if s := flatten(item); s != "" {
				items = append(items, s)
			}
		}
		return strings.Join(items, ", ")
	case map[string]any:
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		items := make([]string, 0, len(keys))
		for _, k := range keys {
			if s := flatten(m[k]); s != "" {
				items = append(items, k+" "+s)
			} else {
				items = append(items, k)
			}
		}
		return strings.Join(items, "; ")
	case nil:
		return ""
	default:
		return fmt.Sprint(m)
	}
}

// errorDetails renders GitHub's "errors" list: each entry's message, or its field and code.
func errorDetails(v any) string {
	list, ok := v.([]any)
	if !ok {
		return flatten(v)
	}
	items := make([]string, 0, len(list))
	for _, item := range list {
		entry, isObject := item.(map[string]any)
		if !isObject {
			if s := flatten(item); s != "" {
				items = append(items, s)
			}
			continue
		}
		if msg := flatten(entry["message"]); msg != "" {
			items = append(items, msg)
			continue
		}
		var words []string
		for _, key := range []string{"resource", "field", "code"} {
			if s := flatten(entry[key]); s != "" {
				words = append(words, s)
			}
		}
		if len(words) > 0 {
			items = append(items, strings.Join(words, " "))
		}
	}
	return strings.Join(items, "; ")
}

var (
	scriptOrStyle = regexp.MustCompile(`(?is)<(script|style)\b.*?</(script|style)\s*>`)
	htmlTag       = regexp.MustCompile(`(?s)<[^>]*>`)
	whitespace    = regexp.MustCompile(`\s+`)
)

func stripTags(s string) string {
	s = scriptOrStyle.ReplaceAllString(s, " ")
	s = htmlTag.ReplaceAllString(s, " ")
	return html.UnescapeString(s)
}

// summarize collapses whitespace and caps the text at plainSummaryLimit characters.
func summarize(s string) string {
	s = strings.TrimSpace(whitespace.ReplaceAllString(s, " "))
	if utf8.RuneCountInString(s) <= plainSummaryLimit {
		return s
	}
	runes := []rune(s)
	return strings.TrimSpace(string(runes[:plainSummaryLimit])) + "…"
}
