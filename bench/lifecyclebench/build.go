package lifecyclebench

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
)

// providerModule is the provider's Go module. The bench is a module of its own (bench/go.mod, so that the
// provider's go.mod holds no plotting libraries) that replaces this one with the repository around it.
const providerModule = "github.com/gitdeploy/terraform-provider-gitdeploy"

// buildProvider builds the provider of this repository into dir and returns the binary's path.
func buildProvider(ctx context.Context, dir string) (string, error) {
	root, err := providerRoot(ctx)
	if err != nil {
		return "", err
	}
	binary := filepath.Join(dir, "terraform-provider-gitdeploy")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", binary, ".")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build the provider: %w\n%s", err, out)
	}
	return binary, nil
}

// providerRoot is the directory of the provider's module as the module around the working directory sees
// it: the repository's root, from the bench's module (its replace directive) or from the provider's own.
func providerRoot(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "list", "-m", "-f", "{{.Dir}}", providerModule).Output()
	dir := strings.TrimSpace(string(out))
	if err != nil || dir == "" {
		return "", fmt.Errorf("go list -m %s: %v: run the bench from the provider's repository", providerModule, err)
	}
	return dir, nil
}
