package githost_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/emulator"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost/github"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost/gitlab"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/httpx"
)

// The issue 5 benchmark: an organisation of 5,000 repositories and a repository with 2,000 branches,
// listed through the real clients against the emulator with a fixed latency per request, so that the
// concurrent page fetch shows in the wall time. Run: make bench (or go test -bench Listing ./internal/githost/).
const (
	benchRepos    = 5000
	benchBranches = 2000
	benchLatency  = 50 * time.Millisecond
)

func benchSeed() *emulator.Seed {
	seed := emulator.DefaultSeed()
	branches := make([]string, benchBranches)
	for i := range branches {
		branches[i] = fmt.Sprintf("branch-%04d", i)
	}
	branches[0] = "main"
	for i := 0; i < benchRepos; i++ {
		name := fmt.Sprintf("repo-%04d", i)
		seed.GitHub.Repos = append(seed.GitHub.Repos, emulator.GitHubRepoSeed{FullName: "big-org/" + name, Branches: []string{"main"}})
		seed.GitLab.Projects = append(seed.GitLab.Projects, emulator.GitLabProjectSeed{PathWithNamespace: "big-group/" + name, Branches: []string{"main"}})
	}
	seed.GitHub.Orgs = append(seed.GitHub.Orgs, "big-org")
	seed.GitLab.Groups = append(seed.GitLab.Groups, "big-group")
	seed.GitHub.Repos = append(seed.GitHub.Repos, emulator.GitHubRepoSeed{FullName: "gitdeploy-demo/many-branches", Branches: branches})
	seed.GitLab.Projects = append(seed.GitLab.Projects, emulator.GitLabProjectSeed{PathWithNamespace: "gitdeploy-demo/many-branches", Branches: branches})
	return seed
}

// benchHosts starts the seeded emulator behind a fixed latency and returns a client of each host.
func benchHosts(b *testing.B) (*emulator.Emulator, map[string]githost.GitHost) {
	b.Helper()
	emu := emulator.New(benchSeed())
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(benchLatency)
		emu.ServeHTTP(w, r)
	})
	srv := httptest.NewServer(slow)
	b.Cleanup(srv.Close)
	opts := httpx.Options{Service: "bench", UserAgent: "bench"}
	gh, err := github.New(github.Config{BaseURL: srv.URL + "/github/", Token: emulator.DefaultGitHubToken, HTTPClient: httpx.NewClient(opts)})
	if err != nil {
		b.Fatal(err)
	}
	gl, err := gitlab.New(gitlab.Config{BaseURL: srv.URL + "/gitlab/api/v4", Token: emulator.DefaultGitLabToken, HTTPClient: httpx.NewClient(opts)})
	if err != nil {
		b.Fatal(err)
	}
	return emu, map[string]githost.GitHost{githost.GitHub: gh, githost.GitLab: gl}
}

// listRequests counts the emulator's requests to routes that contain part.
func listRequests(emu *emulator.Emulator, part string) int {
	n := 0
	for route, count := range emu.RequestCounts() {
		if strings.Contains(route, part) {
			n += count
		}
	}
	return n
}

func BenchmarkListing(b *testing.B) {
	emu, hosts := benchHosts(b)
	cases := []struct {
		name, kind, owner, repo, route string
		want                           int
	}{
		{"repositories/github", githost.GitHub, "big-org", "", "/repos", benchRepos},
		{"repositories/gitlab", githost.GitLab, "big-group", "", "/projects", benchRepos},
		{"branches/github", githost.GitHub, "", "gitdeploy-demo/many-branches", "/branches", benchBranches},
		{"branches/gitlab", githost.GitLab, "", "gitdeploy-demo/many-branches", "/branches", benchBranches},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			host := hosts[c.kind]
			var got atomic.Int64
			emu.ResetRequestCounts()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				var n int
				if c.repo == "" {
					repos, truncated, err := host.ListRepositories(context.Background(), githost.ListRepositoriesInput{Owner: c.owner})
					if err != nil || truncated {
						b.Fatalf("list: %v (truncated %v)", err, truncated)
					}
					n = len(repos)
				} else {
					branches, err := host.ListBranches(context.Background(), c.repo)
					if err != nil {
						b.Fatal(err)
					}
					n = len(branches)
				}
				got.Store(int64(n))
			}
			b.StopTimer()
			if int(got.Load()) != c.want {
				b.Fatalf("listed %d, want %d", got.Load(), c.want)
			}
			b.ReportMetric(float64(listRequests(emu, c.route))/float64(b.N), "list-requests/op")
			b.ReportMetric(float64(listRequests(emu, ""))/float64(b.N), "requests/op")
		})
	}
}
