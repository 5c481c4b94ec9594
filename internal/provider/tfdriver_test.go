package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
)

// tfDriver runs the terraform binary in one working directory against a provider server in this test
// process (Terraform's debug "reattach" mode), without terraform-plugin-testing's extra plans per
// step: the fault matrix needs an apply it may let fail and run again, and thousands of steps.
type tfDriver struct {
	t         *testing.T
	terraform string
	dir       string
	env       []string
}

const testProviderAddress = "registry.terraform.io/hashicorp/gitdeploy"

// newTFDriver starts a provider server for this driver alone and initialises an empty working directory.
func newTFDriver(t *testing.T) *tfDriver {
	t.Helper()
	bin := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if bin == "" {
		var err error
		if bin, err = exec.LookPath("terraform"); err != nil {
			t.Skip("terraform binary not found (set TF_ACC_TERRAFORM_PATH or put terraform on PATH)")
		}
	}
	reattach := serveTestProvider(t)
	dir := t.TempDir()
	// An empty CLI configuration of its own: nothing from the machine's, and no warning about a missing one.
	cliConfig := filepath.Join(dir, "cli.tfrc")
	if err := os.WriteFile(cliConfig, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	d := &tfDriver{
		t:         t,
		terraform: bin,
		dir:       dir,
		env: append(os.Environ(), "TF_REATTACH_PROVIDERS="+reattach, "TF_CLI_CONFIG_FILE="+cliConfig,
			"CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1"),
	}
	d.writeConfig("")
	if out, err := d.run("init", "-input=false", "-no-color", "-backend=false"); err != nil {
		t.Fatalf("terraform init: %v\n%s", err, out)
	}
	return d
}

// serveTestProvider serves the provider over gRPC in this process until the test ends, and returns the
// TF_REATTACH_PROVIDERS value that points Terraform at it.
func serveTestProvider(t *testing.T) string {
	t.Helper()
	return serveTestProviderAt(t, testProviderAddress)
}

// serveTestProviderAt is serveTestProvider under another registry address, e.g. the one a module's
// required_providers names.
func serveTestProviderAt(t *testing.T, address string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	reattachCh := make(chan *plugin.ReattachConfig, 1)
	closeCh := make(chan struct{})
	serveErr := make(chan error, 1)
	go func() {
		serveErr <- tf6server.Serve(address, ProtocolServer("test"),
			tf6server.WithDebug(ctx, reattachCh, closeCh),
			tf6server.WithGoPluginLogger(hclog.NewNullLogger()),
			tf6server.WithoutLogStderrOverride(),
			// Provider logs follow TF_LOG through the test sink, as under terraform-plugin-testing: off by default.
			tf6server.WithLoggingSink(t),
		)
	}()
	var cfg *plugin.ReattachConfig
	select {
	case cfg = <-reattachCh:
	case err := <-serveErr:
		cancel()
		t.Fatalf("provider server did not start: %v", err)
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("provider server did not start within 30s")
	}
	t.Cleanup(func() {
		cancel()
		<-closeCh
	})
	type addr struct{ Network, String string }
	info := map[string]any{address: map[string]any{
		"Protocol":        string(cfg.Protocol),
		"ProtocolVersion": cfg.ProtocolVersion,
		"Pid":             cfg.Pid,
		"Test":            true,
		"Addr":            addr{Network: cfg.Addr.Network(), String: cfg.Addr.String()},
	}}
	raw, err := json.Marshal(info)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

func (d *tfDriver) writeConfig(config string) {
	d.t.Helper()
	if err := os.WriteFile(filepath.Join(d.dir, "main.tf"), []byte(config), 0o600); err != nil {
		d.t.Fatal(err)
	}
}

// run runs terraform with args and returns its combined output.
func (d *tfDriver) run(args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, d.terraform, args...)
	cmd.Dir = d.dir
	cmd.Env = d.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// apply writes config and applies it; the error carries Terraform's output.
func (d *tfDriver) apply(config string) error {
	d.writeConfig(config)
	out, err := d.run("apply", "-auto-approve", "-input=false", "-no-color", "-lock=false")
	if err != nil {
		return fmt.Errorf("%w\n%s", err, out)
	}
	return nil
}

// planIsEmpty reports whether a plan of the current configuration has no changes.
func (d *tfDriver) planIsEmpty() (bool, string, error) {
	out, err := d.run("plan", "-input=false", "-no-color", "-lock=false", "-detailed-exitcode")
	var exit *exec.ExitError
	switch {
	case err == nil:
		return true, out, nil
	case errors.As(err, &exit) && exit.ExitCode() == 2:
		return false, out, nil
	default:
		return false, out, fmt.Errorf("%w\n%s", err, out)
	}
}

// tfStateFile is the part of Terraform's state file (format version 4) the tests read.
type tfStateFile struct {
	Resources []struct {
		Type      string `json:"type"`
		Name      string `json:"name"`
		Instances []struct {
			Status     string         `json:"status"`
			Attributes map[string]any `json:"attributes"`
		} `json:"instances"`
	} `json:"resources"`
}

// tfInstance is one resource instance in the state.
type tfInstance struct {
	addr    string
	tainted bool
	attrs   map[string]any
}

func (i tfInstance) str(name string) string {
	s, ok := i.attrs[name].(string)
	if !ok {
		return ""
	}
	return s
}

// state reads the working directory's state: every instance by type.
func (d *tfDriver) state() map[string][]tfInstance {
	d.t.Helper()
	raw, err := os.ReadFile(filepath.Join(d.dir, "terraform.tfstate"))
	if errors.Is(err, os.ErrNotExist) {
		return map[string][]tfInstance{}
	}
	if err != nil {
		d.t.Fatal(err)
	}
	var st tfStateFile
	if err := json.Unmarshal(raw, &st); err != nil {
		d.t.Fatalf("state file: %v", err)
	}
	out := map[string][]tfInstance{}
	for _, r := range st.Resources {
		for _, inst := range r.Instances {
			out[r.Type] = append(out[r.Type], tfInstance{addr: r.Type + "." + r.Name, tainted: inst.Status == "tainted", attrs: inst.Attributes})
		}
	}
	return out
}
