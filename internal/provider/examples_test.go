package provider

import (
	"context"
	"io/fs"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/emulator"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost/githosttest"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/platform"
)

// The examples are what users copy: every one must validate, the examples of the documentation pages must
// apply together in one configuration (distinct addresses, site names and repository-bound objects), and
// every import ID they show must be one the resource's import accepts, for the resource it imports into.

// examplesRoot is examples/ seen from this package.
var examplesRoot = filepath.Join("..", "..", "examples")

// docExampleDirs hold the files tfplugindocs renders into the resource, data source and function pages.
var docExampleDirs = []string{"resources", "data-sources", "functions"}

// dokployExample marks the example files of a page that need Dokploy (the others need Netlify).
const dokployExample = "_dokploy.tf"

// TestExamplesValidate runs terraform init and validate in every example directory (each file of
// examples/provider alone: they are alternative provider configurations), with the provider served from
// this process under both addresses the examples use.
func TestExamplesValidate(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	t.Parallel()
	bin := terraformBinary(t)
	reattach := []string{serveTestProviderAt(t, testProviderAddress), serveTestProviderAt(t, moduleProviderAddress)}
	var dirs []string
	err := filepath.WalkDir(examplesRoot, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		if tf, _ := filepath.Glob(filepath.Join(p, "*.tf")); len(tf) > 0 {
			dirs = append(dirs, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) < 10 {
		t.Fatalf("found only %d example directories: %v", len(dirs), dirs)
	}
	for _, dir := range dirs {
		rel, _ := filepath.Rel(examplesRoot, dir)
		t.Run(filepath.ToSlash(rel), func(t *testing.T) {
			if rel != "provider" {
				work := t.TempDir()
				if err := os.CopyFS(work, os.DirFS(dir)); err != nil {
					t.Fatal(err)
				}
				validateIn(t, bin, work, reattach)
				return
			}
			files, _ := filepath.Glob(filepath.Join(dir, "*.tf"))
			for _, f := range files {
				work := t.TempDir()
				copyFile(t, f, filepath.Join(work, filepath.Base(f)))
				// github_app.tf reads the app's key with file(): give it one to read.
				if err := os.WriteFile(filepath.Join(work, "gitdeploy-ci.private-key.pem"), []byte("not a key"), 0o600); err != nil {
					t.Fatal(err)
				}
				validateIn(t, bin, work, reattach)
			}
		})
	}
}

func validateIn(t *testing.T, bin, dir string, reattach []string) {
	t.Helper()
	tf := newTerraformIn(t, bin, dir, reattach...)
	tf.mustRun("init", "-input=false", "-no-color", "-backend=false")
	tf.mustRun("validate", "-no-color")
}

// TestExamplesTogether copies every example of the documentation pages into one configuration: it must
// validate (no address, variable, output or import target declared twice), and apply against the emulator
// seeded with the examples' repositories: the pages' Netlify examples in one configuration, their Dokploy
// examples in another, both in the same emulator (which refuses a taken Netlify site name, a second GitHub
// hook to the same URL, a Gitea key title used twice on a repository). A plan after apply is empty, and
// destroy leaves nothing.
func TestExamplesTogether(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	t.Parallel()
	bin := terraformBinary(t)
	// The function's example requires gitdeploy/gitdeploy; the others leave the address to Terraform.
	reattach := []string{serveTestProviderAt(t, testProviderAddress), serveTestProviderAt(t, moduleProviderAddress)}
	files := docExampleFiles(t)

	// Everything, import blocks included, in one configuration.
	all := t.TempDir()
	for _, f := range files {
		copyFile(t, f, filepath.Join(all, flatName(f)))
	}
	validateIn(t, bin, all, reattach)

	env := examplesEnv(t)
	netlifyDir, dokployDir := t.TempDir(), t.TempDir()
	for _, f := range files {
		switch base := filepath.Base(f); {
		case strings.HasPrefix(base, "import"):
			// Import blocks name objects that exist elsewhere: TestExampleImportIDs checks them.
		case strings.HasSuffix(base, dokployExample):
			copyFile(t, f, filepath.Join(dokployDir, flatName(f)))
		default:
			copyFile(t, f, filepath.Join(netlifyDir, flatName(f)))
		}
	}
	var tfs []*terraformIn
	for dir, platformKind := range map[string]string{netlifyDir: platform.Netlify, dokployDir: platform.Dokploy} {
		if err := os.WriteFile(filepath.Join(dir, "provider.tf"), []byte(env.allHostsProviderConfig(platformKind)), 0o600); err != nil {
			t.Fatal(err)
		}
		tf := newTerraformIn(t, bin, dir, reattach...)
		tf.env = append(tf.env, "TF_VAR_status_page_webhook_secret=example-secret",
			// The connections' credentials: the tokens examplesEnv's Gitea and Bitbucket accept.
			"TF_VAR_gitea_token="+emulator.DefaultGiteaToken, "TF_VAR_bitbucket_api_token="+exampleBitbucketToken,
			"TF_VAR_gitlab_oauth_secret=example-oauth-secret")
		tfs = append(tfs, tf)
	}
	defer func() {
		for _, tf := range tfs {
			if out, err := tf.run("destroy", "-auto-approve", "-input=false", "-no-color"); err != nil {
				t.Errorf("terraform destroy in %s: %v\n%s", tf.dir, err, out)
			}
		}
		if apps, sites := env.emu.DokployApplications(), env.emu.NetlifySites(); len(apps)+len(sites) != 0 {
			t.Errorf("destroy left %d applications and %d sites behind", len(apps), len(sites))
		}
	}()
	for _, tf := range tfs {
		tf.mustRun("init", "-input=false", "-no-color", "-backend=false")
		tf.mustRun("apply", "-auto-approve", "-input=false", "-no-color")
		tf.mustRun("plan", "-detailed-exitcode", "-input=false", "-no-color")
	}
	// The pages' sites, counted: site 2, repo_link 5, webhook 1, branches 1 on Netlify; 4 applications on Dokploy.
	if sites, apps := len(env.emu.NetlifySites()), len(env.emu.DokployApplications()); sites != 9 || apps != 4 {
		t.Errorf("want the examples' 9 Netlify sites and 4 Dokploy applications, the emulator has %d and %d", sites, apps)
	}
	// The git_connection page's three connections, beside the one made in the dashboard.
	if conns := env.emu.DokployConnections(); len(conns) != 4 {
		t.Errorf("want the seeded GitHub connection and the examples' 3 connections, Dokploy has %+v", conns)
	}
}

// exampleBitbucketToken is the API token of the Bitbucket connection's account in examplesEnv.
const exampleBitbucketToken = "example-bitbucket-api-token"

// examplesEnv is an emulator with the default seed and the repositories, branches and team the
// documentation's examples use.
func examplesEnv(t *testing.T) *testEnv {
	t.Helper()
	seed := emulator.DefaultSeed()
	seed.Netlify.Accounts = append(seed.Netlify.Accounts, "acme-marketing")
	main := []string{"main"}
	seed.GitHub.Repos = append(seed.GitHub.Repos,
		emulator.GitHubRepoSeed{FullName: "acme/website", Private: true, Branches: []string{"main", "staging"}},
		emulator.GitHubRepoSeed{FullName: "acme/internal-docs", Private: true, Branches: main},
		emulator.GitHubRepoSeed{FullName: "acme/platform", Private: true, Branches: main},
		emulator.GitHubRepoSeed{FullName: "acme/worker", Private: true, Branches: main},
		emulator.GitHubRepoSeed{FullName: "acme/blog", Branches: main},
		emulator.GitHubRepoSeed{FullName: "acme/status-page", Branches: main},
		emulator.GitHubRepoSeed{FullName: "acme/release-train", Branches: []string{"main", "release/1.0", "release/1.1"}},
		emulator.GitHubRepoSeed{FullName: "acme/site-alpha", Branches: main},
		emulator.GitHubRepoSeed{FullName: "acme/site-beta", Branches: main},
		emulator.GitHubRepoSeed{FullName: "acme/portfolio", Branches: main},
	)
	seed.GitLab.Projects = append(seed.GitLab.Projects,
		emulator.GitLabProjectSeed{PathWithNamespace: "acme/frontend/handbook", Branches: main},
		emulator.GitLabProjectSeed{PathWithNamespace: "acme/frontend/monorepo", Branches: main},
		emulator.GitLabProjectSeed{PathWithNamespace: "acme/frontend/docs", Branches: []string{"main", "release"}},
		emulator.GitLabProjectSeed{PathWithNamespace: "acme/frontend/portal", Branches: main},
	)
	seed.Bitbucket.Repos = append(seed.Bitbucket.Repos,
		emulator.BitbucketRepoSeed{FullName: "acme/catalog", Private: true, Branches: main},
		emulator.BitbucketRepoSeed{FullName: "acme/storefront", Branches: main},
	)
	seed.Gitea.Repos = append(seed.Gitea.Repos, emulator.GiteaRepoSeed{FullName: "acme/intranet", Private: true, Branches: main})
	// The git_connection pages: a GitHub App installed on acme with a Dokploy connection to it (made in the
	// dashboard), and the Atlassian account of the Bitbucket connection.
	private, public := githosttest.GitHubAppKey(0)
	seed.GitHub.Apps = append(seed.GitHub.Apps, emulator.GitHubAppSeed{ID: testAppID, Slug: "acme-dokploy", PublicKey: public,
		Installations: []emulator.GitHubInstallationSeed{{ID: testAppInstallationID, Account: "acme"}}})
	seed.Dokploy.GitHubConnections = append(seed.Dokploy.GitHubConnections, emulator.DokployGitHubConnectionSeed{
		Name: "GitHub (acme)", GitHubID: "q7Zt2mVb9XcL4nRw8KpYd", AppName: "acme-dokploy", AppID: testAppID,
		InstallationID: testAppInstallationID, PrivateKey: private})
	seed.Bitbucket.Users = append(seed.Bitbucket.Users, emulator.BitbucketUserSeed{Nickname: "acme-ci", Email: "ci@acme.example",
		APIToken: exampleBitbucketToken, Workspaces: []string{"acme"}})
	emu := emulator.New(seed)
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	return &testEnv{t: t, emu: emu, url: srv.URL}
}

// docExampleFiles lists the .tf files of the documentation pages' examples.
func docExampleFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	for _, d := range docExampleDirs {
		found, err := filepath.Glob(filepath.Join(examplesRoot, d, "*", "*.tf"))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, found...)
	}
	if len(files) < 10 {
		t.Fatalf("found only %d example files: %v", len(files), files)
	}
	return files
}

// flatName names an example file by its place, e.g. resources_gitdeploy_site_resource.tf.
func flatName(path string) string {
	rel, _ := filepath.Rel(examplesRoot, path)
	return strings.ReplaceAll(filepath.ToSlash(rel), "/", "_")
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// exampleImport is one import the examples show: in an import block or a terraform import command.
type exampleImport struct {
	where, resourceType, name, id string
}

// TestExampleImportIDs checks every import of examples/resources (import-by-string-id.tf, which
// tfplugindocs renders in the Import section, and import.sh): each resource has both files; each import
// targets a resource the page's examples declare; the provider's ImportResourceState accepts the id
// (without a provider configuration, as for a user of one platform; Dokploy's ids carry "dokploy:"); and
// what the id names (platform, git_provider, repository) is what that resource's configuration says.
func TestExampleImportIDs(t *testing.T) {
	ctx := context.Background()
	server := ProtocolServer("test")()
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for resourceType, schema := range schemas.ResourceSchemas {
		t.Run(resourceType, func(t *testing.T) {
			dir := filepath.Join(examplesRoot, "resources", resourceType)
			configs := exampleResourceConfigs(t, dir)
			imports := importBlocks(t, filepath.Join(dir, "import-by-string-id.tf"))
			commands := importCommands(t, filepath.Join(dir, "import.sh"))
			if len(imports) == 0 || len(commands) != len(imports) {
				t.Fatalf("want import blocks, and as many terraform import commands: %d blocks, %d commands", len(imports), len(commands))
			}
			for _, in := range append(imports, commands...) {
				if in.resourceType != resourceType {
					t.Errorf("%s: imports into %s", in.where, in.resourceType)
					continue
				}
				config, ok := configs[in.name]
				if !ok {
					t.Errorf("%s: %s.%s is not declared by the page's examples", in.where, resourceType, in.name)
					continue
				}
				resp, err := server.ImportResourceState(ctx, &tfprotov6.ImportResourceStateRequest{TypeName: resourceType, ID: in.id})
				if err != nil {
					t.Fatal(err)
				}
				if len(resp.Diagnostics) > 0 || len(resp.ImportedResources) != 1 {
					t.Errorf("%s: the import of %q fails: %s", in.where, in.id, diagnosticsText(resp.Diagnostics))
					continue
				}
				state, err := resp.ImportedResources[0].State.Unmarshal(schema.ValueType())
				if err != nil {
					t.Fatal(err)
				}
				imported := stringAttributes(t, state)
				if config["platform"] == "" {
					config["platform"] = platform.Netlify
				}
				for _, attr := range []string{"platform", "git_provider", "repository"} {
					if got, want := imported[attr], config[attr]; got != "" && want != "" && got != want {
						t.Errorf("%s: the id %q names %s %q, the configuration of %s.%s says %q", in.where, in.id, attr, got,
							resourceType, in.name, want)
					}
				}
			}
		})
	}
}

// exampleResourceConfigs reads the literal string attributes of every resource block of the page's
// example files, by resource name.
func exampleResourceConfigs(t *testing.T, dir string) map[string]map[string]string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "resource*.tf"))
	out := map[string]map[string]string{}
	for _, f := range files {
		for _, block := range parseHCL(t, f).Blocks {
			if block.Type != "resource" || len(block.Labels) != 2 || block.Labels[0] != filepath.Base(dir) {
				continue
			}
			attrs := map[string]string{}
			for name, attr := range block.Body.Attributes {
				if v, diags := attr.Expr.Value(nil); !diags.HasErrors() && v.Type().FriendlyName() == "string" {
					attrs[name] = v.AsString()
				}
			}
			out[block.Labels[1]] = attrs
		}
	}
	return out
}

// importBlocks reads the import blocks of an import-by-string-id.tf.
func importBlocks(t *testing.T, file string) []exampleImport {
	t.Helper()
	var out []exampleImport
	for _, block := range parseHCL(t, file).Blocks {
		if block.Type != "import" {
			continue
		}
		to, diags := hcl.AbsTraversalForExpr(block.Body.Attributes["to"].Expr)
		if diags.HasErrors() || len(to) < 2 {
			t.Fatalf("%s: import block without a resource address: %s", file, diags.Error())
		}
		id, diags := block.Body.Attributes["id"].Expr.Value(nil)
		if diags.HasErrors() {
			t.Fatalf("%s: import id is not a literal: %s", file, diags.Error())
		}
		name, _ := to[1].(hcl.TraverseAttr)
		out = append(out, exampleImport{where: block.DefRange().String(), resourceType: to.RootName(),
			name: name.Name, id: id.AsString()})
	}
	return out
}

// importCommands reads the `terraform import ADDRESS ID` lines of an import.sh.
func importCommands(t *testing.T, file string) []exampleImport {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var out []exampleImport
	for i, line := range strings.Split(string(data), "\n") {
		args, ok := strings.CutPrefix(line, "terraform import ")
		if !ok {
			continue
		}
		fields := strings.Fields(args)
		if len(fields) != 2 {
			t.Fatalf("%s:%d: want an address and an id: %s", file, i+1, line)
		}
		addr, id := strings.Trim(fields[0], "'"), strings.Trim(fields[1], "'")
		addr, _, _ = strings.Cut(addr, "[")
		resourceType, name, _ := strings.Cut(addr, ".")
		out = append(out, exampleImport{where: filepath.Base(file) + ":" + strconv.Itoa(i+1), resourceType: resourceType, name: name, id: id})
	}
	return out
}

func parseHCL(t *testing.T, file string) *hclsyntax.Body {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	f, diags := hclsyntax.ParseConfig(data, file, hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	body, ok := f.Body.(*hclsyntax.Body)
	if !ok {
		t.Fatalf("%s: not native HCL syntax", file)
	}
	return body
}

// stringAttributes returns the known, non-null string attributes at the top of an object value.
func stringAttributes(t *testing.T, v tftypes.Value) map[string]string {
	t.Helper()
	var attrs map[string]tftypes.Value
	if err := v.As(&attrs); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for name, a := range attrs {
		var s string
		if a.Type().Is(tftypes.String) && a.IsKnown() && !a.IsNull() && a.As(&s) == nil {
			out[name] = s
		}
	}
	return out
}

func diagnosticsText(diags []*tfprotov6.Diagnostic) string {
	parts := make([]string, 0, len(diags))
	for _, d := range diags {
		parts = append(parts, d.Summary+": "+d.Detail)
	}
	slices.Sort(parts)
	return strings.Join(parts, "; ")
}
