package lifecyclebench

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/emulator"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/platform"
)

func TestBenchEmulator(t *testing.T) {
	b, err := startEmulator(3, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := b.close(); err != nil {
			t.Error(err)
		}
	}()
	if err := b.reset(); err != nil {
		t.Fatal(err)
	}
	// Each platform's run configures only that platform.
	for kind, want := range map[string][]string{
		platform.Netlify: {"NETLIFY_API_URL=" + b.base + emulator.NetlifyPrefix, "NETLIFY_AUTH_TOKEN=" + emulator.DefaultNetlifyToken},
		platform.Dokploy: {"DOKPLOY_URL=" + b.base + "/dokploy\n", "DOKPLOY_API_KEY=" + emulator.DefaultDokployAPIKey},
	} {
		env := strings.Join(b.env(kind), "\n") + "\n"
		want = append(want, "GITHUB_BASE_URL="+b.base+emulator.GitHubPrefix+"/", "GITLAB_TOKEN="+emulator.DefaultGitLabToken)
		for _, w := range want {
			if !strings.Contains(env, w) {
				t.Errorf("%s env lacks %q:\n%s", kind, w, env)
			}
		}
		other := "DOKPLOY_"
		if kind == platform.Dokploy {
			other = "NETLIFY_"
		}
		if strings.Contains(env, other) {
			t.Errorf("%s env configures another platform:\n%s", kind, env)
		}
	}

	get := func(path, token string) int {
		t.Helper()
		req, err := http.NewRequest(http.MethodGet, b.base+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close() // only the status matters
		return resp.StatusCode
	}
	b.startCounting()
	// The seeded repositories are private: the chains' repositories exist for the token.
	project := emulator.GitLabPrefix + "/projects/" + strings.ReplaceAll(repositoryOf(githost.GitLab, 2), "/", "%2F")
	if got := get(project, emulator.DefaultGitLabToken); got != http.StatusOK {
		t.Fatalf("seeded project: %d", got)
	}
	get(emulator.GitHubPrefix+"/repos/bench-org/repo-0001", "")
	get(emulator.GitHubPrefix+"/repos/bench-org/repo-0002", "")
	if err := b.fake.ConfigureRateLimit(emulator.ServiceGitLab, emulator.RateLimit{Limit: 1, Window: time.Minute}); err != nil {
		t.Fatal(err)
	}
	get(project, emulator.DefaultGitLabToken)
	if got := get(project, emulator.DefaultGitLabToken); got != http.StatusTooManyRequests {
		t.Fatalf("over the limit: %d, want 429", got)
	}

	seen := b.take()
	if seen.rateLimited != 1 {
		t.Errorf("rate limited %d, want 1", seen.rateLimited)
	}
	want := map[string]int{
		"401 GET github, e.g. /github/api/v3/repos/bench-org/repo-0001":      2,
		"429 GET gitlab, e.g. /gitlab/api/v4/projects/bench-group/repo-0003": 1,
	}
	if len(seen.failures) != len(want) {
		t.Errorf("failures %v, want %v", seen.failures, want)
	}
	for k, c := range want {
		if seen.failures[k] != c {
			t.Errorf("failures[%q] = %d, want %d (all: %v)", k, seen.failures[k], c, seen.failures)
		}
	}
	if seen.connections < 1 {
		t.Errorf("connections %d, want at least 1", seen.connections)
	}
	if again := b.take(); again.rateLimited != 0 || len(again.failures) != 0 || again.connections != 0 {
		t.Errorf("take did not clear: %+v", again)
	}
	for _, kind := range platform.Kinds {
		if o := b.objects(kind, githost.GitHub, 3); o != (Objects{}) {
			t.Errorf("%s objects of a fresh emulator: %+v", kind, o)
		}
	}
}
