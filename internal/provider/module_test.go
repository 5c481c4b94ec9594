package provider

import (
	"context"
	"encoding/json"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// moduleProviderAddress is the address the examples' modules require (source = "gitdeploy/gitdeploy").
const moduleProviderAddress = "registry.terraform.io/gitdeploy/gitdeploy"

// emulatorDocumentedURL is where the examples' test suites expect gitdeploy-emulator by default.
const emulatorDocumentedURL = "http://127.0.0.1:8080"

// TestModuleLinkedSite runs the linked-site module's `terraform test` suite (examples/modules/linked-site/
// tests) against an emulator of its own, with the provider served from this test process under the
// address the module requires.
func TestModuleLinkedSite(t *testing.T) {
	runTerraformTestSuite(t, filepath.Join("examples", "modules", "linked-site"), 3)
}

// TestExampleTesting runs examples/testing, the example of testing one's own module against the emulator.
func TestExampleTesting(t *testing.T) {
	runTerraformTestSuite(t, filepath.Join("examples", "testing"), 4)
}

// terraformBinary is the terraform binary the tests run, or skips the test when there is none.
func terraformBinary(t *testing.T) string {
	t.Helper()
	if bin := os.Getenv("TF_ACC_TERRAFORM_PATH"); bin != "" {
		return bin
	}
	bin, err := exec.LookPath("terraform")
	if err != nil {
		t.Skip("terraform binary not found (set TF_ACC_TERRAFORM_PATH or put terraform on PATH)")
	}
	return bin
}

// runTerraformTestSuite runs `terraform test` in a copy of the module at dir (relative to the repository's
// root) against an emulator of its own: the suites name the emulator at its documented address, which is
// replaced by this test's. Every run must pass (wantPassed of them), and nothing may be left behind.
func runTerraformTestSuite(t *testing.T, dir string, wantPassed int) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	t.Parallel()
	bin := terraformBinary(t)
	env := newTestEnv(t)
	work := t.TempDir()
	if err := os.CopyFS(work, os.DirFS(filepath.Join("..", "..", dir))); err != nil {
		t.Fatal(err)
	}
	suites, err := filepath.Glob(filepath.Join(work, "tests", "*.tftest.hcl"))
	if err != nil || len(suites) == 0 {
		t.Fatalf("%s has no tests/*.tftest.hcl (%v)", dir, err)
	}
	for _, suite := range suites {
		text, err := os.ReadFile(suite)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(text), strconv.Quote(emulatorDocumentedURL)) {
			t.Fatalf("%s no longer names the emulator's documented address %s", suite, emulatorDocumentedURL)
		}
		text = []byte(strings.ReplaceAll(string(text), strconv.Quote(emulatorDocumentedURL), strconv.Quote(env.url)))
		if err := os.WriteFile(suite, text, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	tf := newTerraformIn(t, bin, work, serveTestProviderAt(t, moduleProviderAddress))
	tf.mustRun("init", "-input=false", "-no-color", "-backend=false")
	out := tf.mustRun("test", "-no-color")
	if want := strconv.Itoa(wantPassed) + " passed, 0 failed"; !strings.Contains(out, want) {
		t.Fatalf("terraform test in %s: want %q:\n%s", dir, want, out)
	}
	if apps, sites := env.emu.DokployApplications(), env.emu.NetlifySites(); len(apps)+len(sites) != 0 {
		t.Errorf("terraform test left %d applications and %d sites behind", len(apps), len(sites))
	}
}

// terraformIn runs terraform in one directory against provider servers of this test process.
type terraformIn struct {
	t   *testing.T
	bin string
	dir string
	env []string
}

// newTerraformIn runs bin in dir with the given TF_REATTACH_PROVIDERS values (merged) and an empty CLI
// configuration of its own.
func newTerraformIn(t *testing.T, bin, dir string, reattach ...string) *terraformIn {
	t.Helper()
	merged := map[string]json.RawMessage{}
	for _, r := range reattach {
		var one map[string]json.RawMessage
		if err := json.Unmarshal([]byte(r), &one); err != nil {
			t.Fatal(err)
		}
		maps.Copy(merged, one)
	}
	raw, err := json.Marshal(merged)
	if err != nil {
		t.Fatal(err)
	}
	cliConfig := filepath.Join(t.TempDir(), "cli.tfrc")
	if err := os.WriteFile(cliConfig, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	return &terraformIn{t: t, bin: bin, dir: dir, env: append(os.Environ(), "TF_REATTACH_PROVIDERS="+string(raw),
		"TF_CLI_CONFIG_FILE="+cliConfig, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")}
}

// run runs terraform with args and returns its combined output.
func (tf *terraformIn) run(args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, tf.bin, args...)
	cmd.Dir = tf.dir
	cmd.Env = tf.env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// mustRun is run that fails the test when terraform fails.
func (tf *terraformIn) mustRun(args ...string) string {
	tf.t.Helper()
	out, err := tf.run(args...)
	if err != nil {
		tf.t.Fatalf("terraform %s in %s: %v\n%s", strings.Join(args, " "), tf.dir, err, out)
	}
	return out
}
