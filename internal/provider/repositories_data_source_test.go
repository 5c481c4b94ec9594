package provider

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/emulator"
)

// listingRepo is one generated repository of the listing tests, with the properties the filters look at.
type listingRepo struct {
	name                     string
	archived, fork, private_ bool
}

// listingRepos are 150 repositories (two pages of 100): every 10th archived, every 5th (from 1) a fork,
// every 3rd private.
func listingRepos() []listingRepo {
	repos := make([]listingRepo, 150)
	for i := range repos {
		repos[i] = listingRepo{name: fmt.Sprintf("svc-%03d", i), archived: i%10 == 0, fork: i%5 == 1, private_: i%3 == 0}
	}
	return repos
}

func countRepos(keep func(listingRepo) bool) int {
	n := 0
	for _, r := range listingRepos() {
		if keep(r) {
			n++
		}
	}
	return n
}

func newListingEnv(t *testing.T) *testEnv {
	env := newTestEnv(t)
	seed := &emulator.Seed{}
	for i, r := range listingRepos() {
		seed.GitHub.Repos = append(seed.GitHub.Repos, emulator.GitHubRepoSeed{
			FullName: "acme/" + r.name, ID: int64(50000 + i), Private: r.private_, Archived: r.archived, Fork: r.fork,
			Branches: []string{"main"}, Topics: []string{"svc"},
		})
		visibility := "public"
		if r.private_ {
			visibility = "private"
		}
		group := "acme"
		if i%2 == 1 {
			group = "acme/platform" // half of them in a subgroup
		}
		p := emulator.GitLabProjectSeed{PathWithNamespace: group + "/" + r.name, ID: int64(60000 + i), Visibility: visibility,
			Archived: r.archived, Branches: []string{"main"}, Topics: []string{}}
		if r.fork {
			p.ForkedFrom = "gitdeploy-demo/website"
		}
		seed.GitLab.Projects = append(seed.GitLab.Projects, p)
	}
	seed.GitHub.Orgs = []string{"acme"}
	seed.GitHub.Repos = append(seed.GitHub.Repos,
		emulator.GitHubRepoSeed{FullName: "octocat/dotfiles", Branches: []string{"main"}},
		emulator.GitHubRepoSeed{FullName: "octocat/blog", Branches: []string{"main"}})
	seed.GitLab.Groups = []string{"acme", "acme/platform"}
	seed.GitLab.Projects = append(seed.GitLab.Projects,
		emulator.GitLabProjectSeed{PathWithNamespace: "demo/notes", Visibility: "private", Branches: []string{"main"}})
	if err := env.emu.Seed(seed); err != nil {
		t.Fatalf("seed: %v", err)
	}
	return env
}

func TestAccRepositoriesDataSource_github(t *testing.T) {
	env := newListingEnv(t)
	all := countRepos(func(r listingRepo) bool { return !r.archived })
	privateNoForks := countRepos(func(r listingRepo) bool { return r.private_ && !r.fork })
	matching := countRepos(func(r listingRepo) bool { return !r.archived && regexp.MustCompile(`^svc-00`).MatchString(r.name) })
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			Config: env.providerConfig() + `
data "gitdeploy_repositories" "org" {
  git_provider = "github"
  owner        = "acme"
}
data "gitdeploy_repositories" "private_no_forks" {
  git_provider     = "github"
  owner            = "acme"
  visibility       = "private"
  include_archived = true
  include_forks    = false
}
data "gitdeploy_repositories" "regex" {
  git_provider = "github"
  owner        = "acme"
  name_regex   = "^svc-00"
}
data "gitdeploy_repositories" "capped" {
  git_provider = "github"
  owner        = "acme"
  max_items    = 10
}
data "gitdeploy_repositories" "user" {
  git_provider = "github"
  owner        = "octocat"
}
data "gitdeploy_repositories" "me" {
  git_provider = "github"
}
`,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("data.gitdeploy_repositories.org", "repositories.#", strconv.Itoa(all)),
				resource.TestCheckResourceAttr("data.gitdeploy_repositories.org", "full_names.#", strconv.Itoa(all)),
				resource.TestCheckResourceAttr("data.gitdeploy_repositories.org", "truncated", "false"),
				resource.TestCheckResourceAttr("data.gitdeploy_repositories.org", "full_names.0", "acme/svc-001"),
				resource.TestCheckResourceAttr("data.gitdeploy_repositories.org", "repositories.0.id", "50001"),
				resource.TestCheckResourceAttr("data.gitdeploy_repositories.org", "repositories.0.fork", "true"),
				resource.TestCheckResourceAttr("data.gitdeploy_repositories.org", "repositories.0.default_branch", "main"),
				resource.TestCheckResourceAttr("data.gitdeploy_repositories.org", "repositories.0.topics.0", "svc"),
				checkSortedList("data.gitdeploy_repositories.org", "full_names", all),
				resource.TestCheckResourceAttr("data.gitdeploy_repositories.private_no_forks", "repositories.#", strconv.Itoa(privateNoForks)),
				resource.TestCheckResourceAttr("data.gitdeploy_repositories.private_no_forks", "repositories.0.private", "true"),
				resource.TestCheckResourceAttr("data.gitdeploy_repositories.private_no_forks", "repositories.0.visibility", "private"),
				resource.TestCheckResourceAttr("data.gitdeploy_repositories.regex", "repositories.#", strconv.Itoa(matching)),
				resource.TestCheckResourceAttr("data.gitdeploy_repositories.capped", "repositories.#", "10"),
				resource.TestCheckResourceAttr("data.gitdeploy_repositories.capped", "truncated", "true"),
				resource.TestCheckResourceAttr("data.gitdeploy_repositories.user", "full_names.#", "2"),
				resource.TestCheckResourceAttr("data.gitdeploy_repositories.user", "full_names.0", "octocat/blog"),
				// No description: null, not "".
				resource.TestCheckNoResourceAttr("data.gitdeploy_repositories.user", "repositories.0.description"),
				resource.TestCheckResourceAttr("data.gitdeploy_repositories.me", "full_names.#", "2"),
			),
		}},
	})
}

func TestAccRepositoriesDataSource_gitlab(t *testing.T) {
	env := newListingEnv(t)
	all := countRepos(func(r listingRepo) bool { return !r.archived })
	topOnly := 0
	for i, r := range listingRepos() {
		if i%2 == 0 && !r.archived {
			topOnly++
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			Config: env.providerConfig() + `
data "gitdeploy_repositories" "group" {
  git_provider = "gitlab"
  owner        = "acme"
}
data "gitdeploy_repositories" "with_subgroups" {
  git_provider      = "gitlab"
  owner             = "acme"
  include_subgroups = true
}
data "gitdeploy_repositories" "subgroup_public" {
  git_provider  = "gitlab"
  owner         = "acme/platform"
  visibility    = "public"
  include_forks = false
}
data "gitdeploy_repositories" "user" {
  git_provider = "gitlab"
  owner        = "demo"
}
data "gitdeploy_repositories" "capped" {
  git_provider      = "gitlab"
  owner             = "acme"
  include_subgroups = true
  max_items         = 120
}
`,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("data.gitdeploy_repositories.group", "repositories.#", strconv.Itoa(topOnly)),
				resource.TestCheckResourceAttr("data.gitdeploy_repositories.with_subgroups", "repositories.#", strconv.Itoa(all)),
				checkSortedList("data.gitdeploy_repositories.with_subgroups", "full_names", all),
				resource.TestCheckResourceAttr("data.gitdeploy_repositories.with_subgroups", "full_names.0", "acme/platform/svc-001"),
				resource.TestCheckResourceAttr("data.gitdeploy_repositories.with_subgroups", "repositories.0.id", "60001"),
				resource.TestCheckResourceAttr("data.gitdeploy_repositories.subgroup_public", "repositories.0.visibility", "public"),
				resource.TestCheckResourceAttr("data.gitdeploy_repositories.subgroup_public", "repositories.0.fork", "false"),
				resource.TestCheckResourceAttr("data.gitdeploy_repositories.user", "full_names.#", "1"),
				resource.TestCheckResourceAttr("data.gitdeploy_repositories.user", "full_names.0", "demo/notes"),
				resource.TestCheckResourceAttr("data.gitdeploy_repositories.capped", "repositories.#", "120"),
				resource.TestCheckResourceAttr("data.gitdeploy_repositories.capped", "truncated", "true"),
			),
		}},
	})
}

// A GitLab owner given by its numeric group id, archived projects included.
func TestAccRepositoriesDataSource_gitlabGroupID(t *testing.T) {
	env := newListingEnv(t)
	groupID := env.gitlabGroupID(t, "acme")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			Config: env.providerConfig() + fmt.Sprintf(`
data "gitdeploy_repositories" "by_id" {
  git_provider      = "gitlab"
  owner             = %q
  include_subgroups = true
  include_archived  = true
}
data "gitdeploy_repositories" "archived_private" {
  git_provider      = "gitlab"
  owner             = %q
  include_subgroups = true
  include_archived  = true
  visibility        = "private"
  include_forks     = false
}
`, groupID, groupID),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("data.gitdeploy_repositories.by_id", "repositories.#", "150"),
				resource.TestCheckResourceAttr("data.gitdeploy_repositories.by_id", "id", "gitlab:"+groupID),
				resource.TestCheckResourceAttr("data.gitdeploy_repositories.archived_private", "repositories.#",
					strconv.Itoa(countRepos(func(r listingRepo) bool { return r.private_ && !r.fork }))),
				// acme/svc-000 is archived and private.
				resource.TestCheckTypeSetElemAttr("data.gitdeploy_repositories.archived_private", "full_names.*", "acme/svc-000"),
			),
		}},
	})
}

// gitlabGroupID asks the emulated GitLab for a group's numeric id, as a user would look it up.
func (e *testEnv) gitlabGroupID(t *testing.T, path string) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, e.url+"/gitlab/api/v4/groups/"+url.PathEscape(path), nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("PRIVATE-TOKEN", testGitLabToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	var group struct {
		ID int64 `json:"id"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&group); err != nil || group.ID == 0 {
		t.Fatalf("GET group %s: status %d, %v", path, resp.StatusCode, err)
	}
	return strconv.FormatInt(group.ID, 10)
}

func TestAccRepositoriesDataSource_errors(t *testing.T) {
	env := newTestEnv(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config: env.providerConfig() + `data "gitdeploy_repositories" "x" {
  git_provider = "github"
  owner = "no-such-org"
}
`,
				ExpectError: regexp.MustCompile(`Owner "no-such-org" not found on GitHub`),
			},
			{
				Config: env.providerConfig() + `data "gitdeploy_repositories" "x" {
  git_provider = "gitlab"
  owner = "no-such-group"
}
`,
				ExpectError: regexp.MustCompile(`Owner "no-such-group" not found on GitLab`),
			},
			{
				Config: env.providerConfig() + `data "gitdeploy_repositories" "x" {
  git_provider = "github"
  name_regex = "("
}
`,
				ExpectError: regexp.MustCompile(`Invalid regular expression`),
			},
			{
				Config: env.providerConfig() + `data "gitdeploy_repositories" "x" {
  git_provider = "github"
  include_subgroups = true
}
`,
				ExpectError: regexp.MustCompile(`(?s)include_subgroups.*GitHub owners have no subgroups`),
			},
			{
				Config: env.providerConfig() + `data "gitdeploy_repositories" "x" {
  git_provider = "github"
  visibility = "secret"
}
`,
				ExpectError: regexp.MustCompile(`(?s)visibility.*value must be one of`),
			},
		},
	})
}

// checkSortedList checks that a list attribute has n elements in ascending order.
func checkSortedList(addr, attr string, n int) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return fmt.Errorf("%s not in state", addr)
		}
		values := make([]string, n)
		for i := range values {
			values[i] = rs.Primary.Attributes[fmt.Sprintf("%s.%d", attr, i)]
		}
		if !sort.StringsAreSorted(values) {
			return fmt.Errorf("%s.%s is not sorted: %v", addr, attr, values)
		}
		return nil
	}
}

// Bitbucket workspaces and Gitea organisations list like the others: every repository, with filters.
func TestAccRepositoriesDataSource_newHosts(t *testing.T) {
	env := newTestEnv(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			Config: env.allHostsProviderConfig("dokploy") + `
data "gitdeploy_repositories" "bitbucket" {
  git_provider = "bitbucket"
  owner        = "gitdeploy-demo"
}
data "gitdeploy_repositories" "bitbucket_private" {
  git_provider = "bitbucket"
  owner        = "gitdeploy-demo"
  visibility   = "private"
}
data "gitdeploy_repositories" "gitea" {
  git_provider = "gitea"
  owner        = "gitdeploy-demo"
}
data "gitdeploy_repositories" "gitea_capped" {
  git_provider = "gitea"
  owner        = "gitdeploy-demo"
  max_items    = 1
}
`,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("data.gitdeploy_repositories.bitbucket", "repositories.#", "2"),
				resource.TestCheckResourceAttr("data.gitdeploy_repositories.bitbucket_private", "repositories.#", "1"),
				resource.TestCheckResourceAttr("data.gitdeploy_repositories.bitbucket_private", "repositories.0.full_name", "gitdeploy-demo/private-app"),
				resource.TestCheckResourceAttr("data.gitdeploy_repositories.gitea", "repositories.#", "2"),
				resource.TestCheckResourceAttr("data.gitdeploy_repositories.gitea_capped", "repositories.#", "1"),
				resource.TestCheckResourceAttr("data.gitdeploy_repositories.gitea_capped", "truncated", "true"),
			),
		}},
	})
}
