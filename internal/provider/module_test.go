package provider

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestModuleLinkedSite runs the linked-site module's `terraform test` suite (examples/modules/linked-site/
// tests) against an emulator of its own, with the provider served from this test process under the
// address the module requires.
func TestModuleLinkedSite(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	t.Parallel()
	bin, err := exec.LookPath("terraform")
	if override := os.Getenv("TF_ACC_TERRAFORM_PATH"); override != "" {
		bin, err = override, nil
	}
	if err != nil {
		t.Skip("terraform binary not found")
	}
	env := newTestEnv(t)
	reattach := serveTestProviderAt(t, "registry.terraform.io/gitdeploy/gitdeploy")
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(filepath.Join("..", "..", "examples", "modules", "linked-site"))); err != nil {
		t.Fatal(err)
	}
	// The suite names the emulator at its documented address: point it at this test's.
	suite := filepath.Join(dir, "tests", "fleet.tftest.hcl")
	text, err := os.ReadFile(suite)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(text), `"http://127.0.0.1:8080"`) {
		t.Fatal("the suite no longer names the emulator's documented address")
	}
	if err := os.WriteFile(suite, []byte(strings.ReplaceAll(string(text), `"http://127.0.0.1:8080"`, `"`+env.url+`"`)), 0o600); err != nil {
		t.Fatal(err)
	}
	cliConfig := filepath.Join(dir, "cli.tfrc")
	if err := os.WriteFile(cliConfig, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) string {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, bin, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "TF_REATTACH_PROVIDERS="+reattach, "TF_CLI_CONFIG_FILE="+cliConfig,
			"CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	run("init", "-input=false", "-no-color", "-backend=false")
	out := run("test", "-no-color")
	if !strings.Contains(out, "3 passed, 0 failed") {
		t.Fatalf("terraform test did not pass every run:\n%s", out)
	}
	if apps, sites := env.emu.DokployApplications(), env.emu.NetlifySites(); len(apps)+len(sites) != 0 {
		t.Errorf("terraform test left %d applications and %d sites behind", len(apps), len(sites))
	}
}
