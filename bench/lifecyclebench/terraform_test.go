package lifecyclebench

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/emulator"
)

func TestWriteChainConfig(t *testing.T) {
	dir := t.TempDir()
	if err := writeChainConfig(dir, "netlify", "github", 0, 3, 1500*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := string(data)
	for _, want := range []string{
		`write_interval = "1.5s"`,
		`format("bench-org/repo-%04d", i + 1)`,
		"range(3)",
		`resource "gitdeploy_site" "chain"`, `resource "gitdeploy_deploy_key" "chain"`,
		`resource "gitdeploy_repo_link" "chain"`, `resource "gitdeploy_webhook" "chain"`,
		"deploy_key_id = gitdeploy_deploy_key.chain[count.index].id",
	} {
		if !strings.Contains(cfg, want) {
			t.Errorf("configuration lacks %q:\n%s", want, cfg)
		}
	}
	if got := len(regexp.MustCompile(`(?m)^\s*count\s*=\s*3$`).FindAllString(cfg, -1)); got != 4 {
		t.Errorf("%d resources with count = 3, want 4:\n%s", got, cfg)
	}
	if repositoryOf("github", 2) != "bench-org/repo-0003" || repositoryOf("gitlab", 0) != "bench-group/repo-0001" ||
		repositoryOf("bitbucket", 1) != "bench-ws/repo-0002" || repositoryOf("gitea", 9) != "bench-team/repo-0010" {
		t.Error("repositoryOf does not match the configuration's names")
	}

	if strings.Contains(cfg, "dokploy") || !strings.Contains(cfg, "build_command") {
		t.Errorf("Netlify configuration:\n%s", cfg)
	}

	if err := writeChainConfig(dir, "netlify", "gitlab", 0, 0, time.Second); err != nil {
		t.Fatal(err)
	}
	data, err = os.ReadFile(filepath.Join(dir, "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg := string(data); strings.Contains(cfg, "write_interval") || !strings.Contains(cfg, "bench-group/repo-%04d") {
		t.Errorf("GitLab configuration:\n%s", cfg)
	}

	// A chunk of a plan-only state: chains 201 to 300, named as those chains of the whole configuration.
	if err := writeChainConfig(dir, "netlify", "bitbucket", 200, 100, time.Second); err != nil {
		t.Fatal(err)
	}
	data, err = os.ReadFile(filepath.Join(dir, "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`format("bench-ws/repo-%04d", 200 + i + 1)`, "range(100)",
		`format("bench-bitbucket-%04d", 200 + count.index + 1)`, `git_provider = "bitbucket"`} {
		if cfg := string(data); !strings.Contains(cfg, want) {
			t.Errorf("chunk configuration lacks %q:\n%s", want, cfg)
		}
	}
}

// On Dokploy the site is an application in the emulator's seeded environment, the link sets no Netlify-only
// attribute, and the webhook posts to the application's deploy URL (site_id). No resource names its platform:
// the run configures only Dokploy.
func TestWriteChainConfigDokploy(t *testing.T) {
	dir := t.TempDir()
	if err := writeChainConfig(dir, "dokploy", "gitea", 0, 2, time.Second); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := string(data)
	for _, want := range []string{
		`environment_id = "` + emulator.DefaultDokployEnvironmentID + `"`,
		`build_type = "nixpacks"`,
		"site_id      = gitdeploy_site.chain[count.index].id",
		`events       = ["push"]`,
		`format("bench-team/repo-%04d", i + 1)`,
	} {
		if !strings.Contains(cfg, want) {
			t.Errorf("configuration lacks %q:\n%s", want, cfg)
		}
	}
	for _, unwanted := range []string{"build_command", "platform", "pull_request", "write_interval"} {
		if strings.Contains(cfg, unwanted) {
			t.Errorf("configuration has %q:\n%s", unwanted, cfg)
		}
	}
}

func TestStepArgs(t *testing.T) {
	for step, want := range map[Step]string{
		StepApply:   "apply -auto-approve -input=false -no-color -parallelism=10",
		StepPlan:    "plan -detailed-exitcode -input=false -no-color -parallelism=10",
		StepDestroy: "destroy -auto-approve -input=false -no-color -parallelism=10",
	} {
		if got := strings.Join(stepArgs(step), " "); got != want {
			t.Errorf("%s: %q, want %q", step, got, want)
		}
	}
}

func TestBaseEnv(t *testing.T) {
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("GITHUB_TOKEN", "from-the-user")
	t.Setenv("GITEA_TOKEN", "from-the-user")
	t.Setenv("BITBUCKET_EMAIL", "user@example.com")
	t.Setenv("LIFECYCLEBENCH_KEEP", "1")
	env := strings.Join(baseEnv("EXTRA=1"), "\n")
	if strings.Contains(env, "TF_LOG=") || strings.Contains(env, "GITHUB_TOKEN=") || strings.Contains(env, "GITEA_TOKEN=") ||
		strings.Contains(env, "BITBUCKET_EMAIL=") {
		t.Errorf("baseEnv kept Terraform's or the provider's variables:\n%s", env)
	}
	if !strings.Contains(env, "LIFECYCLEBENCH_KEEP=1") || !strings.HasSuffix(env, "EXTRA=1") {
		t.Errorf("baseEnv lost other variables or the extra ones:\n%s", env)
	}
}
