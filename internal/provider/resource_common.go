package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
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
