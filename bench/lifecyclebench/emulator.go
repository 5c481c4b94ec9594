package lifecyclebench

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/emulator"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/platform"
)

// Owners of the seeded repositories: one private repository per chain on each git host, with a main
// branch, named repo-0001, repo-0002, ...
var owners = map[string]string{
	githost.GitHub:    "bench-org",   // an organisation
	githost.GitLab:    "bench-group", // a group
	githost.Bitbucket: "bench-ws",    // a workspace
	githost.Gitea:     "bench-team",  // an organisation
}

const (
	repoPattern = "repo-%04d"
	benchBranch = "main"
)

// The services' documented rate limits that the bench enforces.
const (
	githubLimit  = 5000 // GitHub's primary limit for a token: 5,000 requests an hour
	githubWindow = time.Hour
	// NetlifyLimit is Netlify's documented limit, in requests a minute per token ("Rate limiting" in
	// https://docs.netlify.com/api-and-cli-guides/api-guides/get-started-with-api/), announced in
	// X-RateLimit-Limit, -Remaining and -Reset: Config.NetlifyLimit's default.
	NetlifyLimit  = 500
	netlifyWindow = time.Minute
)

// repositoryOf is the repository of chain i (0-based) on a git host.
func repositoryOf(host string, i int) string {
	return owners[host] + "/" + fmt.Sprintf(repoPattern, i+1)
}

// benchEmulator is the in-process emulator on a loopback port, with a record of the answers that
// refused a request for a rate limit or failed.
type benchEmulator struct {
	fake         *emulator.Emulator
	netlifyLimit int // requests a minute in the measured steps; 0: none
	srv          *http.Server
	base         string // http://127.0.0.1:port
	served       chan error

	mu          sync.Mutex
	rateLimited int
	failures    map[string]*failure // answers >= 400 by status, method and service
	connections int                 // TCP connections opened by clients
}

// startEmulator serves an emulator seeded with repos repositories per git host, that enforces Netlify's
// limit of netlifyLimit requests a minute (0: none) in the measured steps.
func startEmulator(repos int, latency time.Duration, netlifyLimit int) (*benchEmulator, error) {
	seed := emulator.DefaultSeed()
	generate := func(host string) []emulator.GenerateSeed {
		return []emulator.GenerateSeed{{Owner: owners[host], Count: repos, NamePattern: repoPattern,
			PrivateShare: 1, Branches: 1, DefaultBranch: benchBranch}}
	}
	seed.GitHub.Generate = generate(githost.GitHub)
	seed.GitLab.Generate = generate(githost.GitLab)
	seed.Bitbucket.Generate = generate(githost.Bitbucket)
	seed.Bitbucket.Workspaces = append(seed.Bitbucket.Workspaces, owners[githost.Bitbucket])
	seed.Gitea.Orgs = append(seed.Gitea.Orgs, owners[githost.Gitea])
	seed.Gitea.Generate = generate(githost.Gitea)
	if err := seed.Validate(); err != nil {
		return nil, fmt.Errorf("emulator seed: %w", err)
	}
	b := &benchEmulator{fake: emulator.New(seed), netlifyLimit: netlifyLimit, failures: map[string]*failure{}, served: make(chan error, 1)}
	b.fake.SetLatency(latency)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	b.base = "http://" + ln.Addr().String()
	b.srv = &http.Server{Handler: http.HandlerFunc(b.serve), ReadHeaderTimeout: 10 * time.Second,
		ConnState: b.connState}
	go func() { b.served <- b.srv.Serve(ln) }()
	return b, nil
}

// connState counts new connections: a client that does not reuse its connections pays a handshake
// (TCP, and TLS against the real services) per request.
func (b *benchEmulator) connState(_ net.Conn, state http.ConnState) {
	if state != http.StateNew {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.connections++
}

// serve passes the request to the emulator and notes answers that are errors.
func (b *benchEmulator) serve(w http.ResponseWriter, r *http.Request) {
	rec := &statusRecorder{ResponseWriter: w}
	b.fake.ServeHTTP(rec, r)
	if rec.status < http.StatusBadRequest || strings.HasPrefix(r.URL.Path, emulator.AdminPrefix) {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if rec.rateLimited {
		b.rateLimited++
	}
	key := fmt.Sprintf("%d %s %s", rec.status, r.Method, serviceOfRoute(r.Method+" "+r.URL.Path))
	if f, ok := b.failures[key]; ok {
		f.count++
	} else {
		b.failures[key] = &failure{count: 1, example: r.URL.Path}
	}
}

// failure counts answers of one status to one method of one service, with the first path as an example.
type failure struct {
	count   int
	example string
}

// statusRecorder remembers the status of an answer and whether it refused the request for a rate limit:
// 429, or GitHub's 403 with no requests remaining or a retry-after (its secondary limit).
type statusRecorder struct {
	http.ResponseWriter
	status      int
	rateLimited bool
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
		h := s.Header()
		s.rateLimited = code == http.StatusTooManyRequests ||
			(code == http.StatusForbidden && (h.Get("X-Ratelimit-Remaining") == "0" || h.Get("Retry-After") != ""))
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(p []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the connection (the emulator's dropped-connection faults).
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// reset brings the emulator back to its seed, without rate limits and with the given latency.
func (b *benchEmulator) reset(latency time.Duration) {
	b.fake.Reset() // also removes the rate limits
	b.fake.SetLatency(latency)
	b.take()
}

// setPace sets the latency and either the services' documented rate limits, each with a fresh window
// (as for a step started a while after the last one), or none:
//   - GitHub: 5,000 requests an hour, and the secondary limits of 100 concurrent requests and 80
//     content-creating requests a minute (answered 403 with retry-after), so that a provider that does not
//     pace its writes is refused as GitHub would refuse it;
//   - Netlify: 500 requests a minute (answered 429; the configured limit), announced in X-RateLimit-*
//     headers, which the provider's budget reads to stay inside the limit ahead of time.
//
// Bitbucket Cloud documents a scaled limit on repository data (1,000 to 10,000 requests an hour, rolling),
// and GitLab.com limits of its own; the bench enforces neither, nor anything on Gitea and Dokploy, which
// document none by default.
func (b *benchEmulator) setPace(latency time.Duration, limits bool) error {
	b.fake.SetLatency(latency)
	if !limits {
		b.fake.SetRateLimit(emulator.ServiceGitHub, 0, 0)
		b.fake.SetRateLimit(emulator.ServiceNetlify, 0, 0)
		return b.fake.SetSecondaryRateLimit(emulator.SecondaryRateLimit{})
	}
	if err := b.fake.ConfigureRateLimit(emulator.ServiceGitHub, emulator.RateLimit{Limit: githubLimit, Window: githubWindow}); err != nil {
		return err
	}
	if err := b.fake.ConfigureRateLimit(emulator.ServiceNetlify, emulator.RateLimit{Limit: b.netlifyLimit, Window: netlifyWindow}); err != nil {
		return err
	}
	return b.fake.SetSecondaryRateLimit(emulator.SecondaryRateLimit{MaxConcurrent: 100, MaxMutations: 80,
		Window: time.Minute, RetryAfter: 60})
}

// tally is what the bench's wrapper around the emulator saw since the last take.
type tally struct {
	rateLimited int
	failures    map[string]int // "403 POST github, e.g. /github/api/v3/repos/o/r/hooks" → count
	connections int
}

// take returns and clears the rate-limit refusals, failed answers and new connections since the last call.
func (b *benchEmulator) take() tally {
	b.mu.Lock()
	defer b.mu.Unlock()
	t := tally{rateLimited: b.rateLimited, failures: map[string]int{}, connections: b.connections}
	for key, f := range b.failures {
		t.failures[key+", e.g. "+f.example] = f.count
	}
	b.rateLimited, b.failures, b.connections = 0, map[string]*failure{}, 0
	return t
}

// startCounting clears the request counts and what the wrapper saw, at the start of a step.
func (b *benchEmulator) startCounting() {
	b.fake.ResetRequestCounts()
	b.take()
}

// env is what the provider needs to reach the emulator: the URL of one platform (so that it is the only
// one configured and the resources need no platform attribute), the git hosts' URLs, and the default
// seed's tokens.
func (b *benchEmulator) env(kind string) []string {
	var env []string
	if kind == platform.Dokploy {
		// DOKPLOY_URL is the instance: the API is <url>/api (emulator.DokployPrefix).
		env = []string{
			"DOKPLOY_URL=" + b.base + strings.TrimSuffix(emulator.DokployPrefix, "/api"),
			"DOKPLOY_API_KEY=" + emulator.DefaultDokployAPIKey,
		}
	} else {
		env = []string{
			"NETLIFY_API_URL=" + b.base + emulator.NetlifyPrefix,
			"NETLIFY_AUTH_TOKEN=" + emulator.DefaultNetlifyToken,
		}
	}
	return append(env,
		"GITHUB_BASE_URL="+b.base+emulator.GitHubPrefix+"/",
		"GITHUB_TOKEN="+emulator.DefaultGitHubToken,
		"GITLAB_BASE_URL="+b.base+emulator.GitLabPrefix,
		"GITLAB_TOKEN="+emulator.DefaultGitLabToken,
		// An API token with the account's e-mail: Bitbucket's access tokens cannot add deploy keys.
		"BITBUCKET_BASE_URL="+b.base+emulator.BitbucketPrefix,
		"BITBUCKET_EMAIL="+emulator.DefaultBitbucketEmail,
		"BITBUCKET_API_TOKEN="+emulator.DefaultBitbucketAPIToken,
		// Gitea's base URL is the instance; the API is <url>/api/v1 (emulator.GiteaPrefix).
		"GITEA_BASE_URL="+b.base+strings.TrimSuffix(emulator.GiteaPrefix, "/api/v1"),
		"GITEA_TOKEN="+emulator.DefaultGiteaToken,
	)
}

// Objects counts what the chains left on the emulated services: sites (Dokploy applications), those
// linked to a repository, platform deploy keys (Dokploy SSH keys), and deploy keys and hooks on the git host.
type Objects struct {
	Sites, LinkedSites, PlatformKeys, GitKeys, Hooks int
}

// objects counts the sites and platform keys of a platform, and the deploy keys and hooks on the first
// n repositories of a git host.
func (b *benchEmulator) objects(kind, host string, n int) Objects {
	var o Objects
	if kind == platform.Dokploy {
		for _, a := range b.fake.DokployApplications() {
			o.Sites++
			if a.SourceType == "git" && a.CustomGitURL != "" {
				o.LinkedSites++
			}
		}
		o.PlatformKeys = len(b.fake.DokploySSHKeys())
	} else {
		for _, s := range b.fake.NetlifySites() {
			o.Sites++
			if s.BuildSettings.RepoPath != "" {
				o.LinkedSites++
			}
		}
		o.PlatformKeys = len(b.fake.NetlifyDeployKeys())
	}
	for i := range n {
		repo := repositoryOf(host, i)
		switch host {
		case githost.GitLab:
			o.GitKeys += len(b.fake.GitLabDeployKeys(repo))
			o.Hooks += len(b.fake.GitLabHooks(repo))
		case githost.Bitbucket:
			o.GitKeys += len(b.fake.BitbucketDeployKeys(repo))
			o.Hooks += len(b.fake.BitbucketHooks(repo))
		case githost.Gitea:
			o.GitKeys += len(b.fake.GiteaDeployKeys(repo))
			o.Hooks += len(b.fake.GiteaHooks(repo))
		default:
			o.GitKeys += len(b.fake.GitHubDeployKeys(repo))
			o.Hooks += len(b.fake.GitHubHooks(repo))
		}
	}
	return o
}

// close stops the server.
func (b *benchEmulator) close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := b.srv.Shutdown(ctx); err != nil {
		return err
	}
	if err := <-b.served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
