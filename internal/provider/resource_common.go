package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/httpx"
)

// clientsFromProviderData turns the provider's ResourceData/DataSourceData into *clients. It returns nil
// without a diagnostic while the provider is not configured yet (Terraform validates before it configures).
func clientsFromProviderData(data any, diags *diag.Diagnostics) *clients {
	if data == nil {
		return nil
	}
	c, ok := data.(*clients)
	if !ok {
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *provider.clients, got %T. This is a bug in the provider; please report it.", data))
		return nil
	}
	return c
}

// checkRepositoryAttr adds a plan-time error on repository when it is not a repository path of git host
// kind. An unknown kind is left to git_provider's own validator: one mistake, one error.
func checkRepositoryAttr(gitProvider, repository types.String, diags *diag.Diagnostics) {
	if !isKnownString(gitProvider) || !isKnownString(repository) {
		return
	}
	host, ok := githost.Describe(gitProvider.ValueString())
	if !ok {
		return
	}
	if err := host.ValidateRepository(repository.ValueString()); err != nil {
		diags.AddAttributeError(path.Root("repository"), "Invalid repository",
			fmt.Sprintf("repository %q is not a %s repository path: %s.", repository.ValueString(), host.Title, err))
	}
}

// durationValidator fails at plan time on a string time.ParseDuration cannot read, or a negative one.
type durationValidator struct{}

func (durationValidator) Description(context.Context) string {
	return `must be a duration such as "1s" or "500ms"`
}
func (v durationValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }
func (durationValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if d, err := time.ParseDuration(req.ConfigValue.ValueString()); err != nil || d < 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid duration",
			fmt.Sprintf("%q is not a duration: write a non-negative number with a unit, such as \"1s\" or \"500ms\".", req.ConfigValue.ValueString()))
	}
}

// Default operation timeouts, when the timeouts block does not set one.
const (
	defaultWriteTimeout = 5 * time.Minute
	defaultReadTimeout  = 2 * time.Minute
)

// operationTimeout is the timeout in force for one operation of a resource, for the diagnostic that
// says it passed: the timeouts block's attribute ("create") and its text as configured, or the default.
type operationTimeout struct {
	op         string // "create", "read", "update" or "delete": the timeouts attribute
	configured string // the configured text, e.g. "90s"; "" when the block leaves it unset
	timeout    time.Duration
}

// String names the attribute and its value, e.g. `timeouts.create = "1s"`.
func (t operationTimeout) String() string {
	if t.configured != "" {
		return fmt.Sprintf("timeouts.%s = %q", t.op, t.configured)
	}
	return fmt.Sprintf("timeouts.%s (not set: the default, %s)", t.op, t.timeout)
}

// errOperationTimeout is the cause of a context that withOperationTimeout's deadline ended, which tells it
// from an interrupt (Terraform cancels the request's context).
var errOperationTimeout = errors.New("the operation's timeout passed")

// timeoutPassed reports whether ctx, or the operation context it derives from, ended at the operation's
// timeout.
func timeoutPassed(ctx context.Context) bool {
	return errors.Is(context.Cause(ctx), errOperationTimeout)
}

// withOperationTimeout bounds ctx by the timeout of op ("create", "read", "update" or "delete"): the
// timeouts block's value, or def when the block leaves it unset. An unreadable value goes to diags; the
// caller returns when diags has an error, and defers cancel.
func withOperationTimeout(ctx context.Context, block timeouts.Value, op string, def time.Duration,
	diags *diag.Diagnostics) (context.Context, context.CancelFunc, operationTimeout) {
	get := map[string]func(context.Context, time.Duration) (time.Duration, diag.Diagnostics){
		"create": block.Create, "read": block.Read, "update": block.Update, "delete": block.Delete,
	}[op]
	d, getDiags := get(ctx, def)
	diags.Append(getDiags...)
	if getDiags.HasError() {
		d = def
	}
	t := operationTimeout{op: op, timeout: d}
	if !block.IsNull() && !block.IsUnknown() {
		if v, ok := block.Attributes()[op].(types.String); ok && isKnownString(v) {
			t.configured = v.ValueString()
		}
	}
	ctx, cancel := context.WithTimeoutCause(ctx, d, errOperationTimeout)
	return ctx, cancel, t
}

// timeoutDetail is the diagnostic of an operation stopped at its timeout: what it was doing, the error,
// then outcome, which says what exists now on which system, and what to do.
func timeoutDetail(t operationTimeout, doing string, err error, outcome string) string {
	return fmt.Sprintf("The %s stopped at its timeout, %s, while %s: %s\n\n%s\n\nIf the service is this slow, raise timeouts.%s.",
		t.op, t, doing, errorDetail(err), outcome, t.op)
}

// untilDeadline is ctx without its cancellation but with its deadline: work that must not stop at an
// interrupt (undoing half a create) still stops at the operation's timeout.
func untilDeadline(ctx context.Context) (context.Context, context.CancelFunc) {
	detached := context.WithoutCancel(ctx)
	if deadline, ok := ctx.Deadline(); ok {
		return context.WithDeadlineCause(detached, deadline, errOperationTimeout)
	}
	return context.WithCancel(detached)
}

// deletedHalf is one object a delete removes, for deleteTimeoutDetail: what it is, and its delete's error.
type deletedHalf struct {
	what string
	err  error
}

// failedDelete reports whether a delete's error leaves the object in place: a 404 means it is gone.
func failedDelete(err error) bool { return err != nil && !httpx.IsNotFound(err) }

// deleteTimeoutDetail is the diagnostic of a delete of several objects stopped at its timeout: which
// were deleted and which may be left, which stay in state for the next apply.
func deleteTimeoutDetail(t operationTimeout, halves []deletedHalf) string {
	var deleted, left []string
	var firstErr error
	for _, h := range halves {
		if failedDelete(h.err) {
			left = append(left, h.what)
			if firstErr == nil {
				firstErr = h.err
			}
			continue
		}
		deleted = append(deleted, h.what)
	}
	outcome := "Deleting " + strings.Join(left, " and ") + " did not finish: it may or may not be deleted."
	if len(deleted) > 0 {
		outcome = upperFirst(strings.Join(deleted, " and ")) + " was deleted; deleting " + strings.Join(left, " and ") +
			" did not finish: it may or may not be deleted."
	}
	return timeoutDetail(t, "deleting "+strings.Join(left, " and "), firstErr, outcome+" The resource stays in Terraform's state, "+
		"and the next apply or destroy deletes what is left (an object already gone counts as deleted).")
}

// upperFirst makes the first letter of s upper-case, to start a sentence.
func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
