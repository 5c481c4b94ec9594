package github

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	gogithub "github.com/google/go-github/v92/github"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
)

const serviceName = "GitHub"

// apiError turns what go-github returned into an *httpx.APIError naming the operation. method and
// relPath describe the request for errors that never got an answer. A cancelled or expired context,
// and a rate-limit wait the shared HTTP stack refused (*httpx.RateLimitError), stay recognisable
// with errors.Is and errors.As.
func (c *Client) apiError(operation, method, relPath string, resp *gogithub.Response, err error) error {
	var tokenErr *AppTokenError
	if errors.As(err, &tokenErr) {
		return &AppTokenError{Operation: operation, Err: tokenErr.Err} // the call itself was never sent
	}
	var raw *http.Response
	if resp != nil {
		raw = resp.Response
	}
	apiErr, passthrough := githost.NewAPIError(serviceName, operation, method, c.basePath+relPath, raw, err)
	if apiErr == nil {
		return passthrough
	}

	var errResp *gogithub.ErrorResponse
	var rateErr *gogithub.RateLimitError
	var abuseErr *gogithub.AbuseRateLimitError
	switch {
	case errors.As(err, &rateErr):
		apiErr.Message = strings.TrimSpace(rateErr.Message + " (primary rate limit; resets at " +
			rateErr.Rate.Reset.UTC().Format(time.RFC3339) + ")")
	case errors.As(err, &abuseErr):
		apiErr.Message = abuseErr.Message + " (secondary rate limit"
		if abuseErr.RetryAfter != nil {
			apiErr.Message += "; retry after " + abuseErr.RetryAfter.String()
		}
		apiErr.Message += ")"
	case errors.As(err, &errResp):
		apiErr.Message = errorResponseMessage(errResp)
	}
	return apiErr
}

// errorResponseMessage joins GitHub's message with the messages of its errors[], e.g.
// "Validation Failed: key is already in use", or summarises a body that was not GitHub's JSON.
func errorResponseMessage(e *gogithub.ErrorResponse) string {
	parts := make([]string, 0, len(e.Errors))
	for _, detail := range e.Errors {
		switch {
		case detail.Message != "":
			parts = append(parts, detail.Message)
		case detail.Field != "" || detail.Code != "":
			parts = append(parts, strings.TrimSpace(fmt.Sprintf("%s %s %s", detail.Resource, detail.Field, detail.Code)))
		}
	}
	details := strings.Join(parts, "; ")
	switch {
	case e.Message != "" && details != "":
		return e.Message + ": " + details
	case e.Message != "":
		return e.Message
	case details != "":
		return details
	}
	// go-github keeps the body re-readable for exactly this: answers that were not GitHub's JSON.
	if e.Response != nil && e.Response.Body != nil {
		body, err := io.ReadAll(io.LimitReader(e.Response.Body, 4096))
		if err == nil {
			return githost.SummarizeErrorBody(body)
		}
	}
	return ""
}

// missingIDError reports a successful answer that lacks the object's id.
func (c *Client) missingIDError(operation, method, relPath string, resp *gogithub.Response) error {
	return c.apiError(operation, method, relPath, resp, errMissingID)
}

// responseOf is the answer an iterator's error carries (go-github's iterators yield the error alone).
func responseOf(err error) *gogithub.Response {
	var errResp *gogithub.ErrorResponse
	var rateErr *gogithub.RateLimitError
	var abuseErr *gogithub.AbuseRateLimitError
	switch {
	case errors.As(err, &errResp) && errResp.Response != nil:
		return &gogithub.Response{Response: errResp.Response}
	case errors.As(err, &rateErr) && rateErr.Response != nil:
		return &gogithub.Response{Response: rateErr.Response}
	case errors.As(err, &abuseErr) && abuseErr.Response != nil:
		return &gogithub.Response{Response: abuseErr.Response}
	}
	return nil
}
