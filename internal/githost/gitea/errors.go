package gitea

import (
	"net/http"
	"strings"

	sdk "code.gitea.io/sdk/gitea"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
)

const serviceName = "Gitea"

// apiError turns what the SDK returned into an *httpx.APIError naming the operation. method and relPath
// (under /api/v1/) describe the request for errors that never got an answer. A cancelled or expired
// context, and a rate-limit wait the shared HTTP stack refused (*httpx.RateLimitError), stay
// recognisable with errors.Is and errors.As.
func (c *Client) apiError(operation, method, relPath string, resp *sdk.Response, err error) error {
	var raw *http.Response
	if resp != nil {
		raw = resp.Response
	}
	apiErr, passthrough := githost.NewAPIError(serviceName, operation, method, c.basePath+"/api/v1/"+relPath, raw, err)
	if apiErr == nil {
		return passthrough
	}
	if raw != nil {
		apiErr.Message = sdkMessage(err)
	}
	return apiErr
}

// sdkMessage is Gitea's message as the SDK reports it: the "message" of Gitea's JSON error body, or,
// for a body that is not JSON (a proxy's page), the SDK's "unknown API error" text, of which only the
// body is kept, summarised.
func sdkMessage(err error) string {
	msg := err.Error()
	rest, ok := strings.CutPrefix(msg, "unknown API error: ")
	if !ok {
		return msg
	}
	// The SDK writes: unknown API error: <status>\nRequest: '<path>' with '<method>' method and '<body>' body
	if _, body, found := strings.Cut(rest, " method and '"); found {
		return githost.SummarizeErrorBody([]byte(strings.TrimSuffix(body, "' body")))
	}
	return githost.SummarizeErrorBody([]byte(rest))
}

// missingIDError reports a successful answer that lacks the object's id.
func (c *Client) missingIDError(operation, method, relPath string, resp *sdk.Response) error {
	return c.apiError(operation, method, relPath, resp, errMissingID)
}
