package githost

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

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

// RepositoryAccess is the access a request on a repository needs, for the message of its 404.
type RepositoryAccess int

const (
	// ReadAccess reads the repository or its branches.
	ReadAccess RepositoryAccess = iota
	// AdminAccess reads or changes its deploy keys or webhooks.
	AdminAccess
)

// notVisible is the heart of ExplainMissingRepository's message, also how it recognises one it wrote.
const notVisible = "does not exist or is not visible to the token"

// ExplainMissingRepository rewrites the message of a 404 answer to a request on repo itself or on one of
// its collections (branches, deploy keys, webhooks). The git hosts answer 404, not 403, both when the
// repository does not exist and when the token may not see it (GitHub's REST troubleshooting guide, "404
// error for an existing repository"), and GitHub also when the token may see it but not administer it:
// the message says so instead of the host's bare "Not Found". The status stays 404, so httpx.IsNotFound
// still tells; any other error is returned as it is.
func ExplainMissingRepository(err error, repo string, access RepositoryAccess) error {
	apiErr, ok := err.(*httpx.APIError) //nolint:errorlint // only the clients' own, unwrapped APIError is rewritten
	if !ok || apiErr.StatusCode != http.StatusNotFound || strings.Contains(apiErr.Message, notVisible) {
		return err
	}
	explained := *apiErr
	explained.Message = fmt.Sprintf("repository %q %s", repo, notVisible)
	if access == AdminAccess {
		explained.Message += ", or the token lacks the admin rights that deploy keys and webhooks need"
	}
	if apiErr.Message != "" {
		explained.Message += " (" + apiErr.Message + ")"
	}
	return &explained
}
