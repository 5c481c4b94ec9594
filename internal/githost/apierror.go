package githost

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/httpx"
)

// NewAPIError starts the *httpx.APIError of a call a client library made: service and operation name the
// call, method and path describe the request for when no answer came, resp is the library's raw answer
// (nil when none came). A cancelled or expired context, and a rate-limit wait the shared HTTP stack refused
// (*httpx.RateLimitError), are not API errors: for them it returns nil and the error wrapped, so that
// errors.Is and errors.As still see them. The caller fills in the library's own reading of the message.
func NewAPIError(service, operation, method, path string, resp *http.Response, err error) (*httpx.APIError, error) {
	var rateLimited *httpx.RateLimitError
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.As(err, &rateLimited) {
		return nil, fmt.Errorf("%s: %s: %w", service, operation, err)
	}
	apiErr := &httpx.APIError{Service: service, Operation: operation, Method: method, Path: path, Message: err.Error()}
	if resp == nil {
		apiErr.Err = err // no answer: keep the transport error visible to errors.Is and errors.As
		return apiErr, nil
	}
	apiErr.StatusCode = resp.StatusCode
	if resp.Request != nil && resp.Request.URL != nil {
		apiErr.Method = resp.Request.Method
		apiErr.Path = resp.Request.URL.EscapedPath()
	}
	return apiErr, nil
}
