package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// terraform plan -generate-config-out writes a configuration for imported resources from their state: every
// attribute a configuration can set, none that only the provider computes. For each resource, the generated
// file must pass validation, and the plan with it must import and change nothing; no secret may be written
// into it. terraform-plugin-testing has no such step: the terraform binary runs here through tfDriver.
func TestAccGenerateConfig(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	t.Parallel()
	env := newTestEnv(t)
	made := newTFDriver(t)
	chain := env.providerConfig() + `
resource "gitdeploy_site" "made" {
  name          = "generated-config"
  custom_domain = "www.generated.example"
}

resource "gitdeploy_deploy_key" "made" {
  git_provider = "github"
  repository   = "gitdeploy-demo/private-app"
}

resource "gitdeploy_repo_link" "made" {
  site_id          = gitdeploy_site.made.id
  git_provider     = "github"
  repository       = "gitdeploy-demo/private-app"
  branch           = "main"
  deploy_key_id    = gitdeploy_deploy_key.made.id
  build_command    = "npm run build"
  publish_dir      = "dist"
  allowed_branches = ["staging"]
}

resource "gitdeploy_webhook" "endpoint" {
  git_provider = "github"
  repository   = "gitdeploy-demo/private-app"
}

resource "gitdeploy_webhook" "build_hook" {
  git_provider = "gitlab"
  repository   = "gitdeploy-demo/frontend/app"
  site_id      = gitdeploy_site.made.id
  build_hook = {
    branch = "main"
  }
}

resource "gitdeploy_webhook" "explicit" {
  git_provider       = "github"
  repository         = "gitdeploy-demo/website"
  url                = "http://hooks.example.test/deploy"
  allow_insecure_url = true
  events             = ["push"]
}
`
	if err := made.apply(chain); err != nil {
		t.Fatal(err)
	}
	byAddr := map[string]tfInstance{}
	for _, instances := range made.state() {
		for _, i := range instances {
			byAddr[i.addr] = i
		}
	}
	attr := func(addr, name string) string {
		i, ok := byAddr[addr]
		if !ok {
			t.Fatalf("%s not in state", addr)
		}
		return i.str(name)
	}
	buildHookURL := attr("gitdeploy_webhook.build_hook", "target_url")
	imports := map[string]string{
		"gitdeploy_site.imported": attr("gitdeploy_site.made", "id"),
		"gitdeploy_deploy_key.imported": strings.Join([]string{attr("gitdeploy_deploy_key.made", "id"), "github",
			"gitdeploy-demo/private-app", attr("gitdeploy_deploy_key.made", "git_key_id")}, ":"),
		"gitdeploy_repo_link.imported":     attr("gitdeploy_repo_link.made", "id"),
		"gitdeploy_webhook.endpoint_imp":   "github:gitdeploy-demo/private-app:" + attr("gitdeploy_webhook.endpoint", "id"),
		"gitdeploy_webhook.build_hook_imp": "gitlab:gitdeploy-demo/frontend/app:" + attr("gitdeploy_webhook.build_hook", "id") + ":" + attr("gitdeploy_site.made", "id") + ":" + attr("gitdeploy_webhook.build_hook", "build_hook_id"),
		"gitdeploy_webhook.explicit_imp":   "github:gitdeploy-demo/website:" + attr("gitdeploy_webhook.explicit", "id"),
	}
	for addr, id := range imports {
		t.Run(addr, func(t *testing.T) {
			t.Parallel()
			d := newTFDriver(t)
			d.writeConfig(env.providerConfig() + fmt.Sprintf("import {\n  to = %s\n  id = %q\n}\n", addr, id))
			out, err := d.run("plan", "-input=false", "-no-color", "-lock=false", "-generate-config-out=generated.tf")
			generated, readErr := os.ReadFile(filepath.Join(d.dir, "generated.tf"))
			if readErr != nil {
				t.Fatalf("no generated.tf (%v): %v\n%s", readErr, err, out)
			}
			if buildHookURL != "" && strings.Contains(string(generated), buildHookURL) {
				t.Errorf("the generated file holds the build hook's URL, a secret:\n%s", generated)
			}
			if err != nil {
				t.Fatalf("terraform plan -generate-config-out failed: %v\n%s\ngenerated.tf:\n%s", err, out, generated)
			}
			// With the generated file, the plan imports the resource and changes nothing.
			out, err = d.run("plan", "-input=false", "-no-color", "-lock=false")
			if err != nil {
				t.Fatalf("the plan with the generated file failed: %v\n%s\ngenerated.tf:\n%s", err, out, generated)
			}
			if !strings.Contains(out, "Plan: 1 to import, 0 to add, 0 to change, 0 to destroy.") {
				t.Fatalf("the plan with the generated file does more than import:\n%s\ngenerated.tf:\n%s", out, generated)
			}
		})
	}
}
