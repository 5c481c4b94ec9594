package lifecyclebench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/emulator"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/platform"
)

// chainConfig is the Terraform configuration of N chains on one platform and git host: the quickstart's
// chain (examples/quickstart, examples/dokploy) with count, one private repository per chain. The provider
// process is given only the run's platform, so the resources need no platform attribute. Offset shifts the
// chains' numbers: the chunks that build a plan-only state are chains Offset+1 to Offset+N, with the
// same values as those chains of the whole configuration.
var chainConfig = template.Must(template.New("main.tf").Parse(`terraform {
  required_providers {
    gitdeploy = {
      source = "gitdeploy/gitdeploy"
    }
  }
}

# URLs and tokens come from the provider process's environment (the emulator's).
provider "gitdeploy" {
{{- if .GitHub }}
  github {
    write_interval = "{{ .WriteInterval }}"
  }
{{- end }}
}

locals {
  repositories = [for i in range({{ .N }}) : format("{{ .Owner }}/{{ .Pattern }}", {{ if .Offset }}{{ .Offset }} + {{ end }}i + 1)]
}

resource "gitdeploy_site" "chain" {
  count = {{ .N }}
  name  = format("bench-{{ .Host }}-%04d", {{ if .Offset }}{{ .Offset }} + {{ end }}count.index + 1)
{{- if .Dokploy }}
  dokploy = {
    environment_id = "{{ .EnvironmentID }}"
  }
{{- end }}
}

resource "gitdeploy_deploy_key" "chain" {
  count        = {{ .N }}
  git_provider = "{{ .Host }}"
  repository   = local.repositories[count.index]
}

resource "gitdeploy_repo_link" "chain" {
  count         = {{ .N }}
  site_id       = gitdeploy_site.chain[count.index].id
  git_provider  = "{{ .Host }}"
  repository    = local.repositories[count.index]
  branch        = "{{ .Branch }}"
  deploy_key_id = gitdeploy_deploy_key.chain[count.index].id
{{- if .Dokploy }}
  publish_dir   = "dist"
  dokploy = {
    build_type = "nixpacks"
  }
{{- else }}
  build_command = "npm run build"
  publish_dir   = "dist"
{{- end }}
}

resource "gitdeploy_webhook" "chain" {
  count        = {{ .N }}
  git_provider = "{{ .Host }}"
  repository   = local.repositories[count.index]
{{- if .Dokploy }}
  site_id      = gitdeploy_site.chain[count.index].id
  events       = ["push"]
{{- else }}
  events       = ["push", "pull_request"]
{{- end }}
}
`))

// writeChainConfig writes main.tf for chains offset+1 to offset+n of platform kind on host into dir.
func writeChainConfig(dir, kind, host string, offset, n int, writeInterval time.Duration) error {
	var buf bytes.Buffer
	err := chainConfig.Execute(&buf, map[string]any{
		"N": n, "Offset": offset, "Host": host, "Owner": owners[host], "Pattern": repoPattern, "Branch": benchBranch,
		"GitHub": host == githost.GitHub, "WriteInterval": writeInterval.String(),
		"Dokploy": kind == platform.Dokploy, "EnvironmentID": emulator.DefaultDokployEnvironmentID,
	})
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "main.tf"), buf.Bytes(), 0o600)
}

// terraformRun is one terraform command's outcome.
type terraformRun struct {
	wall     time.Duration
	cpu      time.Duration // user and system time of terraform
	exitCode int
}

// stepArgs are the terraform arguments of a step. The plan uses -detailed-exitcode: 0 means no changes.
func stepArgs(step Step) []string {
	common := []string{"-input=false", "-no-color", "-parallelism=" + strconv.Itoa(Parallelism)}
	switch step {
	case StepApply:
		return append([]string{"apply", "-auto-approve"}, common...)
	case StepPlan:
		return append([]string{"plan", "-detailed-exitcode"}, common...)
	default:
		return append([]string{"destroy", "-auto-approve"}, common...)
	}
}

// runTerraform runs a step in dir with env, its output into logPath, and times it.
func runTerraform(ctx context.Context, terraform, dir string, env []string, step Step, logPath string) (terraformRun, error) {
	logFile, err := os.Create(logPath)
	if err != nil {
		return terraformRun{}, err
	}
	cmd := exec.CommandContext(ctx, terraform, stepArgs(step)...)
	cmd.Dir = dir
	cmd.Env = env
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	start := time.Now()
	runErr := cmd.Run()
	run := terraformRun{wall: time.Since(start)}
	if cmd.ProcessState != nil {
		run.cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	if err := logFile.Close(); err != nil {
		return run, err
	}
	var exitErr *exec.ExitError
	switch {
	case runErr == nil:
	case errors.As(runErr, &exitErr):
		run.exitCode = exitErr.ExitCode()
	default:
		return run, fmt.Errorf("terraform %s: %w", step, runErr)
	}
	if run.exitCode != 0 {
		return run, fmt.Errorf("terraform %s exited %d%s\n%s", step, run.exitCode, planHint(step, run.exitCode), logTail(logPath, 30))
	}
	return run, nil
}

func planHint(step Step, code int) string {
	if step == StepPlan && code == 2 {
		return " (the plan after apply is not empty)"
	}
	return ""
}

// logTail is the last lines of a log, for an error message.
func logTail(path string, lines int) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	all := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(all) > lines {
		all = all[len(all)-lines:]
	}
	return strings.Join(all, "\n")
}

// terraformVersion is the first line of terraform version, e.g. "Terraform v1.11.4".
func terraformVersion(ctx context.Context, terraform string, env []string) (string, error) {
	cmd := exec.CommandContext(ctx, terraform, "version")
	cmd.Env = env
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("terraform version: %w", err)
	}
	first, _, _ := strings.Cut(string(out), "\n")
	return strings.TrimSpace(first), nil
}

// baseEnv is the environment without anything that would change how Terraform or the provider behave
// (TF_*, the provider's variables, CHECKPOINT_*), plus extra.
func baseEnv(extra ...string) []string {
	var out []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(name, "TF_"), strings.HasPrefix(name, "NETLIFY_"), strings.HasPrefix(name, "GITHUB_"),
			strings.HasPrefix(name, "GITLAB_"), strings.HasPrefix(name, "BITBUCKET_"), strings.HasPrefix(name, "GITEA_"),
			strings.HasPrefix(name, "DOKPLOY_"), strings.HasPrefix(name, "CHECKPOINT_"):
			continue
		}
		out = append(out, kv)
	}
	return append(out, extra...)
}
