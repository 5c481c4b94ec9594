package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
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

// withOperationTimeout bounds ctx by an operation's timeout: the timeouts block's value, read through
// its getter (e.g. plan.Timeouts.Create), or def when the block leaves it unset. The getter's
// diagnostics go to diags; the caller returns when diags has an error, and defers cancel.
func withOperationTimeout(ctx context.Context, timeout func(context.Context, time.Duration) (time.Duration, diag.Diagnostics),
	def time.Duration, diags *diag.Diagnostics) (context.Context, context.CancelFunc) {
	d, getDiags := timeout(ctx, def)
	diags.Append(getDiags...)
	if getDiags.HasError() {
		d = def
	}
	return context.WithTimeout(ctx, d)
}
