// Command gitdeploy-emulator serves the emulated Netlify, Dokploy, GitHub, GitLab, Bitbucket Cloud and Gitea
// APIs on one local port, so that Terraform modules using the gitdeploy provider can be tried without
// credentials.
//
//	gitdeploy-emulator [-listen 127.0.0.1:0] [-seed FILE] [-latency 50ms] [-allow-remote]
//	gitdeploy-emulator -version
//
// It prints the base URLs, the seed's credentials and the Dokploy environment ids, then serves until SIGINT
// or SIGTERM. -latency
// adds a fixed delay to every API request (benchmarks use it to stand in for network round trips).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/buildversion"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/emulator"
)

// version is set by the release build (-ldflags "-X main.version=..."); see buildversion.Resolve.
var version = buildversion.Unstamped

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, nil); err != nil {
		fmt.Fprintln(os.Stderr, "gitdeploy-emulator:", err)
		stop()
		os.Exit(1)
	}
}

type options struct {
	listen      string
	seedFile    string
	latency     time.Duration
	allowRemote bool
	// printVersion asks for the version instead of serving.
	printVersion bool
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("gitdeploy-emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.listen, "listen", "127.0.0.1:0", "address to listen on (port 0: a free port)")
	fs.StringVar(&o.seedFile, "seed", "", "seed JSON file (default: the built-in demo seed)")
	fs.DurationVar(&o.latency, "latency", 0, "delay added to every API request, e.g. 50ms")
	fs.BoolVar(&o.allowRemote, "allow-remote", false, "allow listening on a non-loopback address")
	fs.BoolVar(&o.printVersion, "version", false, "print the version and exit")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	if o.latency < 0 {
		return o, fmt.Errorf("-latency %v is negative", o.latency)
	}
	if !o.allowRemote {
		if err := checkLoopback(o.listen); err != nil {
			return o, err
		}
	}
	return o, nil
}

// checkLoopback refuses addresses other machines could reach: the emulator has no real security.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("-listen %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("-listen %q is not a loopback address; pass -allow-remote to serve other machines", addr)
}

// run serves until ctx ends. ready, when not nil, receives the listener's address once serving.
func run(ctx context.Context, args []string, stdout io.Writer, ready chan<- string) error {
	opts, err := parseFlags(args, stdout)
	if err != nil {
		return err
	}
	if opts.printVersion {
		_, err := fmt.Fprintln(stdout, "gitdeploy-emulator", buildversion.Resolve(version))
		return err
	}
	seed := emulator.DefaultSeed()
	if opts.seedFile != "" {
		if seed, err = emulator.LoadSeed(opts.seedFile); err != nil {
			return err
		}
	}
	emu := emulator.New(seed)
	emu.SetLatency(opts.latency)
	ln, err := net.Listen("tcp", opts.listen)
	if err != nil {
		return err
	}
	base := "http://" + ln.Addr().String()
	printBanner(stdout, base, seed, opts.latency)
	srv := &http.Server{Handler: emu, ReadHeaderTimeout: 10 * time.Second}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	if ready != nil {
		ready <- ln.Addr().String()
	}
	select {
	case err := <-serveErr:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-serveErr; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// printBanner prints the base URLs and the seed's tokens. The tokens are the emulator's own fake
// credentials, printed on purpose so that users can configure the provider.
func printBanner(w io.Writer, base string, seed *emulator.Seed, latency time.Duration) {
	lines := []string{
		"netlify: " + base + emulator.NetlifyPrefix,
		"github: " + base + emulator.GitHubPrefix + "/",
		"gitlab: " + base + emulator.GitLabPrefix,
		"dokploy: " + base + strings.TrimSuffix(emulator.DokployPrefix, "/api"),
		"bitbucket: " + base + emulator.BitbucketPrefix,
		"gitea: " + base + "/gitea (API " + base + emulator.GiteaPrefix + ")",
		"admin: " + base + emulator.AdminPrefix + "/",
	}
	if latency > 0 {
		lines = append(lines, "latency: "+latency.String()+" per request")
	}
	for _, t := range seed.Netlify.Tokens {
		lines = append(lines, "netlify token: "+t)
	}
	for _, u := range seed.GitHub.Users {
		lines = append(lines, fmt.Sprintf("github token (%s): %s", u.Login, u.Token))
	}
	for _, u := range seed.GitLab.Users {
		lines = append(lines, fmt.Sprintf("gitlab token (%s): %s", u.Username, u.Token))
	}
	for _, k := range seed.Dokploy.APIKeys {
		lines = append(lines, "dokploy api key: "+k)
	}
	for _, p := range seed.Dokploy.Projects {
		if p.EnvironmentID != "" {
			lines = append(lines, fmt.Sprintf("dokploy environment (%s/production): %s", p.Name, p.EnvironmentID))
		}
	}
	for _, u := range seed.Bitbucket.Users {
		lines = append(lines, fmt.Sprintf("bitbucket api token (%s, Basic with the email): %s", u.Email, u.APIToken))
	}
	for _, t := range seed.Bitbucket.AccessTokens {
		scope := t.Workspace
		if t.Repository != "" {
			scope = t.Repository
		}
		lines = append(lines, fmt.Sprintf("bitbucket access token (%s, Bearer): %s", scope, t.Token))
	}
	for _, u := range seed.Gitea.Users {
		lines = append(lines, fmt.Sprintf("gitea token (%s): %s", u.Login, u.Token))
	}
	for _, l := range lines {
		_, _ = fmt.Fprintln(w, l) // stdout going away is not worth stopping the server for
	}
}
