package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/emulator"
)

func TestParseFlagsRefusesRemoteAddresses(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0", "192.0.2.1:8080", "example.com:80"} {
		if _, err := parseFlags([]string{"-listen", addr}, io.Discard); err == nil {
			t.Errorf("%s accepted without -allow-remote", addr)
		}
	}
	if _, err := parseFlags([]string{"-listen", "0.0.0.0:0", "-allow-remote"}, io.Discard); err != nil {
		t.Errorf("-allow-remote: %v", err)
	}
	for _, addr := range []string{"127.0.0.1:0", "[::1]:0", "localhost:0"} {
		if _, err := parseFlags([]string{"-listen", addr}, io.Discard); err != nil {
			t.Errorf("%s: %v", addr, err)
		}
	}
	if _, err := parseFlags([]string{"extra"}, io.Discard); err == nil {
		t.Error("extra arguments accepted")
	}
	if _, err := parseFlags([]string{"-latency", "-5ms"}, io.Discard); err == nil {
		t.Error("a negative latency was accepted")
	}
	if o, err := parseFlags([]string{"-latency", "50ms"}, io.Discard); err != nil || o.latency != 50*time.Millisecond {
		t.Errorf("-latency 50ms: %+v, %v", o, err)
	}
}

// syncBuffer is written by run's goroutine and read by the test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestRunServesTheSeedAndStops(t *testing.T) {
	seed := emulator.DefaultSeed()
	seed.GitHub.Users[0].Token = "file-token"
	data, err := json.Marshal(seed)
	if err != nil {
		t.Fatal(err)
	}
	seedFile := filepath.Join(t.TempDir(), "seed.json")
	if err := os.WriteFile(seedFile, data, 0o600); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out syncBuffer
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"-seed", seedFile, "-latency", "60ms"}, &out, ready) }()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("run ended early: %v", err)
	case <-time.After(5 * time.Second):
		t.Fatal("run did not start")
	}

	banner := out.String()
	for _, want := range []string{
		"netlify: http://" + addr + "/netlify/api/v1\n",
		"github: http://" + addr + "/github/api/v3/\n",
		"gitlab: http://" + addr + "/gitlab/api/v4\n",
		"dokploy: http://" + addr + "/dokploy\n",
		"bitbucket: http://" + addr + "/bitbucket/2.0\n",
		"gitea: http://" + addr + "/gitea (API http://" + addr + "/gitea/api/v1)\n",
		"bitbucket api token (" + emulator.DefaultBitbucketEmail + ", Basic with the email): " + emulator.DefaultBitbucketAPIToken + "\n",
		"bitbucket access token (gitdeploy-demo, Bearer): " + emulator.DefaultBitbucketAccessToken + "\n",
		"gitea token (demo): " + emulator.DefaultGiteaToken + "\n",
		"github token (octocat): file-token\n",
		"dokploy api key: " + emulator.DefaultDokployAPIKey + "\n",
		"dokploy environment (gitdeploy-demo/production): " + emulator.DefaultDokployEnvironmentID + "\n",
		"netlify token: " + emulator.DefaultNetlifyToken + "\n",
		"latency: 60ms per request\n",
	} {
		if !strings.Contains(banner, want) {
			t.Errorf("banner lacks %q:\n%s", want, banner)
		}
	}

	req, err := http.NewRequestWithContext(ctx, "GET", "http://"+addr+"/github/api/v3/user", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "token file-token")
	start := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close() // only the status matters
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET /user with the seed's token: %d", resp.StatusCode)
	}
	if d := time.Since(start); d < 60*time.Millisecond {
		t.Errorf("answered in %v despite -latency 60ms", d)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not stop")
	}
}

func TestRunRejectsABadSeedFile(t *testing.T) {
	seedFile := filepath.Join(t.TempDir(), "seed.json")
	if err := os.WriteFile(seedFile, []byte(`{"github":{"repos":[{"full_name":"no-slash"}]}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := run(context.Background(), []string{"-seed", seedFile}, io.Discard, nil); err == nil {
		t.Error("a bad seed file was accepted")
	}
}

func TestRunPrintsTheVersion(t *testing.T) {
	defer func(stamped string) { version = stamped }(version)
	version = "1.2.3"
	var out bytes.Buffer
	if err := run(context.Background(), []string{"-version"}, &out, nil); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "gitdeploy-emulator 1.2.3\n" {
		t.Errorf("-version printed %q", got)
	}
}
