package provider

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

// The provider's version (stamped by the release build) is in its log, so a bug report's TF_LOG output
// says which build ran.
func TestConfigureLogsTheVersion(t *testing.T) {
	var logs bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &logs)
	p := New("1.2.3")()
	var schemaResp provider.SchemaResponse
	p.Schema(ctx, provider.SchemaRequest{}, &schemaResp)
	configType := schemaResp.Schema.Type().TerraformType(ctx).(tftypes.Object) //nolint:forcetypeassert // a schema's type is an object
	nulls := map[string]tftypes.Value{}
	for name, attrType := range configType.AttributeTypes {
		nulls[name] = tftypes.NewValue(attrType, nil)
	}
	req := provider.ConfigureRequest{Config: tfsdk.Config{Schema: schemaResp.Schema, Raw: tftypes.NewValue(configType, nulls)}}
	var resp provider.ConfigureResponse
	p.Configure(ctx, req, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("Configure: %v", resp.Diagnostics)
	}
	entries, err := tflogtest.MultilineJSONDecode(&logs)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.Contains(e["@message"].(string), "configuring the gitdeploy provider") && e["version"] == "1.2.3" { //nolint:forcetypeassert // every entry has a message
			return
		}
	}
	t.Errorf("no log entry names version 1.2.3: %v", entries)
}
