package provider

import (
	"errors"
	"fmt"
	"time"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/httpx"
)

// errorDetail is err's text for a diagnostic, with advice where the user can act: a rate-limit wait that
// would pass the operation's deadline fails at once, and says until when the service asked to wait.
func errorDetail(err error) string {
	var rateLimited *httpx.RateLimitError
	if !errors.As(err, &rateLimited) {
		return err.Error()
	}
	retryAt := rateLimited.RetryAt.UTC().Format(time.RFC3339)
	if rateLimited.Deadline.IsZero() {
		return fmt.Sprintf("%s\n\n%s asked the provider to wait until %s (%s), longer than the provider ever waits. "+
			"Apply again after that time.", err, rateLimited.Service, retryAt, rateLimited.Reason)
	}
	return fmt.Sprintf("%s\n\n%s asked the provider to wait until %s (%s), after this operation's deadline %s, so the "+
		"provider did not wait. Apply again after %s, or raise this operation's value in the resource's timeouts block.",
		err, rateLimited.Service, retryAt, rateLimited.Reason, rateLimited.Deadline.UTC().Format(time.RFC3339), retryAt)
}
