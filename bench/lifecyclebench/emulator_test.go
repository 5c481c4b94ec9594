package lifecyclebench

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/emulator"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/platform"
)

func TestBenchEmulator(t *testing.T) {
	b, err := startEmulator(3, 0, NetlifyLimit)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := b.close(); err != nil {
			t.Error(err)
		}
	}()
	b.reset(0)
	// Each platform's run configures only that platform.
	for kind, want := range map[string][]string{
		platform.Netlify: {"NETLIFY_API_URL=" + b.base + emulator.NetlifyPrefix, "NETLIFY_AUTH_TOKEN=" + emulator.DefaultNetlifyToken},
		platform.Dokploy: {"DOKPLOY_URL=" + b.base + "/dokploy\n", "DOKPLOY_API_KEY=" + emulator.DefaultDokployAPIKey},
	} {
		env := strings.Join(b.env(kind), "\n") + "\n"
		want = append(want, "GITHUB_BASE_URL="+b.base+emulator.GitHubPrefix+"/", "GITLAB_TOKEN="+emulator.DefaultGitLabToken,
			"BITBUCKET_BASE_URL="+b.base+emulator.BitbucketPrefix+"\n", "BITBUCKET_EMAIL="+emulator.DefaultBitbucketEmail,
			"BITBUCKET_API_TOKEN="+emulator.DefaultBitbucketAPIToken, "GITEA_BASE_URL="+b.base+"/gitea\n",
			"GITEA_TOKEN="+emulator.DefaultGiteaToken)
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

	getWith := func(path, authorization string) *http.Response {
		t.Helper()
		req, err := http.NewRequest(http.MethodGet, b.base+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		if authorization != "" {
			req.Header.Set("Authorization", authorization)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close() // only the status and the headers matter
		return resp
	}
	get := func(path, token string) int {
		t.Helper()
		if token == "" {
			return getWith(path, "").StatusCode
		}
		return getWith(path, "Bearer "+token).StatusCode
	}
	b.startCounting()
	// The seeded repositories are private: the chains' repositories exist for the token.
	project := emulator.GitLabPrefix + "/projects/" + strings.ReplaceAll(repositoryOf(githost.GitLab, 2), "/", "%2F")
	if got := get(project, emulator.DefaultGitLabToken); got != http.StatusOK {
		t.Fatalf("seeded project: %d", got)
	}
	// On Bitbucket and Gitea too, with the credentials the provider is given.
	bitbucketAuth := "Basic " + base64.StdEncoding.EncodeToString([]byte(emulator.DefaultBitbucketEmail+":"+emulator.DefaultBitbucketAPIToken))
	for path, authorization := range map[string]string{
		emulator.BitbucketPrefix + "/repositories/" + repositoryOf(githost.Bitbucket, 2) + "/deploy-keys": bitbucketAuth,
		emulator.GiteaPrefix + "/repos/" + repositoryOf(githost.Gitea, 2) + "/keys":                       "token " + emulator.DefaultGiteaToken,
	} {
		if got := getWith(path, authorization).StatusCode; got != http.StatusOK {
			t.Errorf("%s: %d, want 200 (the deploy keys of a seeded repository, which the token administers)", path, got)
		}
	}
	b.take()

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
		for _, host := range BenchHosts {
			if o := b.objects(kind, host, 3); o != (Objects{}) {
				t.Errorf("%s/%s objects of a fresh emulator: %+v", kind, host, o)
			}
		}
	}
}

// The measured steps run under Netlify's documented limit, announced in X-RateLimit-* headers; the steps
// at Terraform's own pace run without it, and each setPace starts a fresh window.
func TestBenchEmulatorPace(t *testing.T) {
	b, err := startEmulator(1, 0, NetlifyLimit)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := b.close(); err != nil {
			t.Error(err)
		}
	}()
	sites := func() *http.Response {
		t.Helper()
		req, err := http.NewRequest(http.MethodGet, b.base+emulator.NetlifyPrefix+"/sites", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+emulator.DefaultNetlifyToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close() // only the headers matter
		return resp
	}
	b.reset(0)
	if h := sites().Header; h.Get("X-RateLimit-Limit") != "" {
		t.Errorf("after reset: X-RateLimit-Limit %q, want no limit", h.Get("X-RateLimit-Limit"))
	}
	if err := b.setPace(0, true); err != nil {
		t.Fatal(err)
	}
	sites()
	h := sites().Header
	if h.Get("X-RateLimit-Limit") != strconv.Itoa(NetlifyLimit) || h.Get("X-RateLimit-Remaining") != strconv.Itoa(NetlifyLimit-2) {
		t.Errorf("with limits: X-RateLimit-Limit %q, -Remaining %q; want %d and %d", h.Get("X-RateLimit-Limit"),
			h.Get("X-RateLimit-Remaining"), NetlifyLimit, NetlifyLimit-2)
	}
	if err := b.setPace(0, true); err != nil {
		t.Fatal(err)
	}
	if got := sites().Header.Get("X-RateLimit-Remaining"); got != strconv.Itoa(NetlifyLimit-1) {
		t.Errorf("a second setPace: X-RateLimit-Remaining %q, want a fresh window (%d)", got, NetlifyLimit-1)
	}
	if err := b.setPace(0, false); err != nil {
		t.Fatal(err)
	}
	if h := sites().Header; h.Get("X-RateLimit-Limit") != "" {
		t.Errorf("at own pace: X-RateLimit-Limit %q, want no limit", h.Get("X-RateLimit-Limit"))
	}
}
