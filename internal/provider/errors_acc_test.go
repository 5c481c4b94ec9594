package provider

import (
	"context"
	"fmt"
	"net"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// words matches a sentence as Terraform prints it: wrapped at any space.
func words(sentence string) string {
	parts := strings.Fields(sentence)
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return strings.Join(parts, `\s+`)
}

// refusedAddr is a loopback address on which nothing listens.
func refusedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return addr
}

// A wrong api_url fails at once with an error that says the service could not be reached and names the
// setting and its value; with the default retry settings, which retried a refused connection for 11 to
// 15 seconds before.
func TestAccProvider_unreachableAPIURL(t *testing.T) {
	apiURL := "http://" + refusedAddr(t) + "/api/v1"
	cfg := fmt.Sprintf(`
provider "gitdeploy" {
  netlify {
    token   = %q
    api_url = %q
  }
}

resource "gitdeploy_site" "unreachable" {
  name = "unreachable-site"
}
`, testNetlifyToken, apiURL)
	start := time.Now()
	tfresource.Test(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []tfresource.TestStep{{
			Config: cfg,
			ExpectError: regexp.MustCompile(`(?s)` + words("could not reach Netlify at http://"+strings.TrimSuffix(strings.TrimPrefix(apiURL, "http://"), "/api/v1")) +
				`.*` + words(`connection refused`) + `.*` + words(`netlify.api_url = "`+apiURL+`" in the provider configuration`) +
				`.*NETLIFY_API_URL`),
		}},
	})
	// The whole test (terraform init, plan, apply) stays well below the retries' 11 seconds.
	if elapsed := time.Since(start); elapsed > 10*time.Second {
		t.Errorf("took %s: a refused connection must fail without retries", elapsed)
	}
}

// The address from an environment variable is named as such.
func TestAccProvider_unreachableBaseURLFromEnvironment(t *testing.T) {
	baseURL := "http://" + refusedAddr(t) + "/"
	t.Setenv(envGitHubBaseURL, baseURL)
	tfresource.Test(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []tfresource.TestStep{{
			Config: fmt.Sprintf(`
provider "gitdeploy" {
  github {
    token = %q
  }
}

data "gitdeploy_branches" "unreachable" {
  git_provider = "github"
  repository   = "gitdeploy-demo/website"
}
`, testGitHubToken),
			ExpectError: regexp.MustCompile(`(?s)` + words("could not reach GitHub at") + `.*` +
				words(`The address is the environment variable GITHUB_BASE_URL = "`+baseURL+`" (github.base_url in the provider configuration overrides it)`)),
		}},
	})
}

// Base URLs are checked at plan time, with a message that says what is wrong and what is expected.
func TestAccProvider_invalidBaseURLs(t *testing.T) {
	step := func(block, want string) tfresource.TestStep {
		return tfresource.TestStep{
			Config:      "provider \"gitdeploy\" {\n" + block + "\n}\n\ndata \"gitdeploy_branches\" \"b\" {\n  git_provider = \"github\"\n  repository = \"a/b\"\n}\n",
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)` + want),
		}
	}
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []tfresource.TestStep{
			step(`netlify { api_url = "127.0.0.1:8080/netlify/api/v1" }`,
				words(`Invalid netlify.api_url`)+`.*`+words(`must be an absolute http(s) URL with a host and no query, like https://api.netlify.com/api/v1: it has no scheme`)),
			step(`github { base_url = "https://github.example.com/?token=x" }`, words(`Invalid github.base_url`)+`.*`+words(`it has a query`)),
			step(`gitlab { base_url = "ftp://gitlab.example.com/api/v4" }`, words(`Invalid gitlab.base_url`)+`.*`+words(`its scheme "ftp" is neither http nor https`)),
			step(`gitlab { base_url = "https://user:secret@gitlab.example.com/api/v4" }`, words(`Invalid gitlab.base_url`)+`.*`+words(`it holds credentials`)),
		},
	})
}

// An invalid URL from the environment is named by its variable, not by the attribute the user did not set.
func TestAccProvider_invalidBaseURLFromEnvironment(t *testing.T) {
	t.Setenv(envGitLabBaseURL, "gitlab.example.com/api/v4")
	tfresource.Test(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []tfresource.TestStep{{
			Config: fmt.Sprintf(`
provider "gitdeploy" {
  gitlab {
    token = %q
  }
}

data "gitdeploy_branches" "b" {
  git_provider = "gitlab"
  repository   = "gitdeploy-demo/frontend/app"
}
`, testGitLabToken),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)` + words(`Invalid GITLAB_BASE_URL`) + `.*` + words(`it has no scheme`) + `.*` + words(`Fix or unset GITLAB_BASE_URL`)),
		}},
	})
}

// A repository that does not exist says so in every resource's error, on every git host.
func TestAccRepositoryNotFound_everyResource(t *testing.T) {
	for _, h := range []struct{ kind, repo string }{
		{"github", "gitdeploy-demo/no-such-repo"},
		{"gitlab", "gitdeploy-demo/frontend/no-such-project"},
	} {
		t.Run(h.kind, func(t *testing.T) {
			env := newTestEnv(t)
			notVisible := words(fmt.Sprintf(`repository %q does not exist or is not visible to the token`, h.repo))
			tfresource.ParallelTest(t, tfresource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				Steps: []tfresource.TestStep{
					{
						Config: env.providerConfig() + fmt.Sprintf(`
resource "gitdeploy_deploy_key" "missing" {
  git_provider = %q
  repository   = %q
}
`, h.kind, h.repo),
						ExpectError: regexp.MustCompile(`(?s)Could not install the deploy key.*` + notVisible),
					},
					{
						Config: env.providerConfig() + fmt.Sprintf(`
resource "gitdeploy_webhook" "missing" {
  git_provider = %q
  repository   = %q
}
`, h.kind, h.repo),
						ExpectError: regexp.MustCompile(`(?s)Could not create the webhook.*` + notVisible),
					},
					{
						Config: env.providerConfig() + fmt.Sprintf(`
data "gitdeploy_branches" "missing" {
  git_provider = %q
  repository   = %q
}
`, h.kind, h.repo),
						ExpectError: regexp.MustCompile(`(?s)Repository not found.*` + notVisible),
					},
				},
			})
		})
	}
}

// nullConfig is a configuration of schemaType with every attribute null but the given strings.
func nullConfig(t *testing.T, schemaType tftypes.Type, values map[string]string) tftypes.Value {
	t.Helper()
	object, ok := schemaType.(tftypes.Object)
	if !ok {
		t.Fatalf("schema type %T is not an object", schemaType)
	}
	attrs := map[string]tftypes.Value{}
	for name, attrType := range object.AttributeTypes {
		attrs[name] = tftypes.NewValue(attrType, nil)
	}
	for name, v := range values {
		attrs[name] = tftypes.NewValue(tftypes.String, v)
	}
	return tftypes.NewValue(object, attrs)
}

// One mistake, one error: an unsupported git_provider is not also reported as an invalid repository.
func TestUnsupportedGitProviderIsOneError(t *testing.T) {
	ctx := context.Background()
	values := map[string]string{"git_provider": "bitbucket-server", "repository": "acme/web"}
	for _, newResource := range []func() resource.Resource{NewDeployKeyResource, NewWebhookResource} {
		r := newResource()
		var schemaResp resource.SchemaResponse
		r.Schema(ctx, resource.SchemaRequest{}, &schemaResp)
		config := tfsdk.Config{Schema: schemaResp.Schema, Raw: nullConfig(t, schemaResp.Schema.Type().TerraformType(ctx), values)}
		var resp resource.ValidateConfigResponse
		r.(resource.ResourceWithValidateConfig).ValidateConfig(ctx, resource.ValidateConfigRequest{Config: config}, &resp) //nolint:forcetypeassert // both validate their configuration
		if resp.Diagnostics.HasError() {
			t.Errorf("%T: ValidateConfig added %v; the git_provider validator already reports the mistake", r, resp.Diagnostics)
		}
	}
	d := NewBranchesDataSource()
	var schemaResp datasource.SchemaResponse
	d.Schema(ctx, datasource.SchemaRequest{}, &schemaResp)
	config := tfsdk.Config{Schema: schemaResp.Schema, Raw: nullConfig(t, schemaResp.Schema.Type().TerraformType(ctx), values)}
	var resp datasource.ValidateConfigResponse
	d.(datasource.DataSourceWithValidateConfig).ValidateConfig(ctx, datasource.ValidateConfigRequest{Config: config}, &resp) //nolint:forcetypeassert // it validates its configuration
	if resp.Diagnostics.HasError() {
		t.Errorf("gitdeploy_branches: ValidateConfig added %v; the git_provider validator already reports the mistake", resp.Diagnostics)
	}
}
