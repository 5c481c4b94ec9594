package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/platform"
)

// platformAttribute is the platform attribute of every resource that touches a deploy platform.
func platformAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		Optional: true,
		Computed: true,
		MarkdownDescription: "The deploy platform: `netlify` or `dokploy`. Optional when the provider configures " +
			"exactly one of them; with both, a plan that leaves it out fails and says so. Changing it replaces the resource.",
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
		Validators:    []validator.String{stringvalidator.OneOf(platform.Kinds...)},
	}
}

// planPlatform settles a planned platform left to the provider (unknown in the plan: not configured, no
// state): the one platform the provider configures. It returns the planned kind, "" when it cannot be
// told (an error on platform then says why, or the value is not known yet).
func planPlatform(ctx context.Context, c *clients, planned types.String, set func(context.Context, path.Path, any) diag.Diagnostics, diags *diag.Diagnostics) string {
	if !planned.IsUnknown() {
		return planned.ValueString()
	}
	if c == nil {
		return ""
	}
	kind, d := c.defaultPlatform()
	if d != nil {
		diags.Append(d)
		return ""
	}
	diags.Append(set(ctx, path.Root("platform"), kind)...)
	return kind
}

// statePlatform is the platform of a state: states written before the provider had a platform attribute
// are Netlify's.
func statePlatform(v types.String) types.String {
	if v.IsNull() || v.IsUnknown() {
		return types.StringValue(platform.Netlify)
	}
	return v
}

// splitPlatformPrefix takes an optional "<platform>:" off an import ID. Without one, the platform is the
// one the provider configures.
func splitPlatformPrefix(c *clients, raw string) (kind, rest string, d diag.Diagnostic) {
	for _, k := range platform.Kinds {
		if after, ok := strings.CutPrefix(raw, k+":"); ok {
			return k, after, nil
		}
	}
	if c == nil {
		return platform.Netlify, raw, nil
	}
	kind, d = c.defaultPlatform()
	if d != nil {
		d = diag.NewErrorDiagnostic("Which platform?", fmt.Sprintf("The provider configures both Netlify and Dokploy: start the "+
			"import ID with the platform, e.g. \"%s:%s\".", platform.Dokploy, raw))
	}
	return kind, raw, d
}

// onlyOn adds a plan-time error on attr when it is set for a platform that does not have it.
func onlyOn(diags *diag.Diagnostics, set bool, attr, platformKind, has string) {
	if !set {
		return
	}
	diags.AddAttributeError(path.Root(attr), "Setting not available on "+platformTitle(platformKind),
		fmt.Sprintf("%s is a %s setting, and this resource uses platform = %q: remove %s.", attr, has, platformKind, attr))
}
