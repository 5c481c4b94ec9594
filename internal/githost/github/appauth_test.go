package github

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"
	"golang.org/x/crypto/ssh"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/emulator"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost/githosttest"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/httpx"
)

const (
	appID          = "321"
	installationID = 654
	tokenRoute     = "POST /github/api/v3/app/installations/{installation_id}/access_tokens"
)

// appEmulator is an emulator with an app (key pair 0) installed on gitdeploy-demo, whose installation
// tokens last lifetime.
func appEmulator(t *testing.T, lifetime string) (*emulator.Emulator, *httptest.Server) {
	t.Helper()
	_, public := githosttest.GitHubAppKey(0)
	seed := emulator.DefaultSeed()
	seed.GitHub.InstallationTokenLifetime = lifetime
	seed.GitHub.Apps = []emulator.GitHubAppSeed{{ID: 321, Slug: "gitdeploy-ci", PublicKey: public,
		Installations: []emulator.GitHubInstallationSeed{{ID: installationID, Account: "gitdeploy-demo"}}}}
	emu := emulator.New(seed)
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	return emu, srv
}

// appClient is a client with app auth on the shared HTTP stack against srv, signing with key pair which.
func appClient(t *testing.T, srv *httptest.Server, which int, installation int64) (*Client, *httpx.SecretSet) {
	t.Helper()
	private, _ := githosttest.GitHubAppKey(which)
	secrets := &httpx.SecretSet{}
	clock := &httpx.Clock{}
	httpClient := httpx.NewClient(httpx.Options{Service: "GitHub", RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond,
		Clock: clock, RuntimeSecrets: secrets})
	c, err := New(Config{BaseURL: srv.URL + "/github/", HTTPClient: httpClient, UserAgent: "gitdeploy-test", Clock: clock, Secrets: secrets,
		App: &AppAuth{AppID: appID, InstallationID: installation, PrivateKeyPEM: private}})
	if err != nil {
		t.Fatal(err)
	}
	return c, secrets
}

// fakeClock is a local clock the test moves.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (f *fakeClock) Now() time.Time { f.mu.Lock(); defer f.mu.Unlock(); return f.now }
func (f *fakeClock) Advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
}

func exchanges(emu *emulator.Emulator) int { return emu.RequestCounts()[tokenRoute] }

func sshPublicKey(t *testing.T) string {
	t.Helper()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sshPub)))
}

// The whole exchange against the emulator (GHES layout): one token for many calls, the installation's
// private repository readable, a deploy key created by the app's bot.
func TestAppAuthAgainstEmulator(t *testing.T) {
	emu, srv := appEmulator(t, "")
	c, secrets := appClient(t, srv, 0, installationID)
	ctx := context.Background()
	for range 3 {
		if _, err := c.GetRepository(ctx, "gitdeploy-demo/private-app"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.CreateDeployKey(ctx, "gitdeploy-demo/private-app", githost.DeployKeyInput{Title: "t", Key: sshPublicKey(t), ReadOnly: true}); err != nil {
		t.Fatal(err)
	}
	if n := exchanges(emu); n != 1 {
		t.Errorf("%d token exchanges, want 1", n)
	}
	if keys := emu.GitHubDeployKeys("gitdeploy-demo/private-app"); len(keys) != 1 {
		t.Errorf("keys %+v", keys)
	}
	if got := secrets.Len(); got != 2 { // the token and the JWT that fetched it
		t.Errorf("%d runtime secrets, want 2", got)
	}
}

// Renewal: a token is used until renewBefore its expiry (one hour), then replaced before GitHub would
// refuse it; with a lifetime of a few seconds, a quarter of it.
func TestAppAuthRenewsBeforeExpiry(t *testing.T) {
	for _, tc := range []struct {
		lifetime         string
		stillUsed, renew time.Duration
	}{
		{"1h", 54 * time.Minute, 56 * time.Minute},
		{"8s", 5 * time.Second, 7 * time.Second},
	} {
		t.Run(tc.lifetime, func(t *testing.T) {
			emu, srv := appEmulator(t, tc.lifetime)
			c, _ := appClient(t, srv, 0, installationID)
			clock := &fakeClock{now: time.Now()}
			c.tokens.now = clock.Now
			ctx := context.Background()
			get := func() {
				t.Helper()
				if _, err := c.GetRepository(ctx, "gitdeploy-demo/website"); err != nil {
					t.Fatal(err)
				}
			}
			get()
			clock.Advance(tc.stillUsed)
			get()
			if n := exchanges(emu); n != 1 {
				t.Fatalf("after %v: %d exchanges, want 1", tc.stillUsed, n)
			}
			clock.Advance(tc.renew - tc.stillUsed)
			get()
			if n := exchanges(emu); n != 2 {
				t.Fatalf("after %v: %d exchanges, want 2", tc.renew, n)
			}
		})
	}
}

// Fifty concurrent calls without a token make one exchange; during a renewal the others keep the
// current token.
func TestAppAuthConcurrentCallsShareOneExchange(t *testing.T) {
	emu, srv := appEmulator(t, "")
	emu.SetLatency(20 * time.Millisecond)
	c, _ := appClient(t, srv, 0, installationID)
	clock := &fakeClock{now: time.Now()}
	c.tokens.now = clock.Now
	run := func() {
		t.Helper()
		var wg sync.WaitGroup
		errs := make(chan error, 50)
		for range 50 {
			wg.Go(func() {
				_, err := c.GetRepository(context.Background(), "gitdeploy-demo/website")
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	run()
	if n := exchanges(emu); n != 1 {
		t.Fatalf("%d exchanges for 50 concurrent calls, want 1", n)
	}
	clock.Advance(56 * time.Minute)
	run()
	if n := exchanges(emu); n != 2 {
		t.Fatalf("%d exchanges after the renewal point, want 2", n)
	}
}

// A token GitHub stops accepting before its expires_at (revoked, or its clock ahead): the call is sent
// again once with a new token, a write with its body too.
func TestAppAuthNewTokenAfter401(t *testing.T) {
	emu, srv := appEmulator(t, "")
	c, _ := appClient(t, srv, 0, installationID)
	ctx := context.Background()
	if _, err := c.GetRepository(ctx, "gitdeploy-demo/website"); err != nil {
		t.Fatal(err)
	}
	if n := emu.ExpireGitHubInstallationTokens(); n != 1 {
		t.Fatalf("expired %d tokens", n)
	}
	key, err := c.CreateDeployKey(ctx, "gitdeploy-demo/website", githost.DeployKeyInput{Title: "after-401", Key: sshPublicKey(t), ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if key.Title != "after-401" || exchanges(emu) != 2 {
		t.Fatalf("key %+v, %d exchanges", key, exchanges(emu))
	}
	if n := emu.RequestCounts()["POST /github/api/v3/repos/{owner}/{repo}/keys"]; n != 2 {
		t.Errorf("%d deploy key requests, want 2 (the refused one and the resend)", n)
	}
}

// Failed exchanges: named after the call that needed the token, quoting GitHub's answer, and neither
// "not found" nor "may have been applied" for the call.
func TestAppAuthExchangeErrors(t *testing.T) {
	emu, srv := appEmulator(t, "")
	ctx := context.Background()
	wrongKey, _ := appClient(t, srv, 1, installationID)
	_, err := wrongKey.CreateDeployKey(ctx, "gitdeploy-demo/website", githost.DeployKeyInput{Key: sshPublicKey(t)})
	var tokenErr *AppTokenError
	if !errors.As(err, &tokenErr) || tokenErr.Operation != "create deploy key" ||
		!strings.Contains(err.Error(), "A JSON web token could not be decoded") || !strings.Contains(err.Error(), "answered 401") ||
		!strings.Contains(err.Error(), "/api/v3/app/installations/654/access_tokens") {
		t.Fatalf("wrong key: %v (%T)", err, err)
	}
	if httpx.MayHaveBeenApplied(err) {
		t.Error("a call never sent may have been applied?")
	}
	if emu.RequestCounts()["POST /github/api/v3/repos/{owner}/{repo}/keys"] != 0 {
		t.Error("the deploy key request was sent without a token")
	}

	wrongInstallation, _ := appClient(t, srv, 0, 999)
	_, err = wrongInstallation.GetRepository(ctx, "gitdeploy-demo/website")
	if err == nil || httpx.IsNotFound(err) || !strings.Contains(err.Error(), "answered 404") {
		t.Fatalf("unknown installation: %v (IsNotFound %v)", err, httpx.IsNotFound(err))
	}

	// A cancelled context stays recognisable.
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	fresh, _ := appClient(t, srv, 0, installationID)
	if _, err := fresh.GetRepository(cancelled, "gitdeploy-demo/website"); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
}

// A local clock 20 minutes ahead of GitHub's: the first JWT is refused, the answer's Date sets GitHub's
// clock, the second JWT is accepted, and the expiry is moved onto the local clock.
func TestAppAuthClockSkew(t *testing.T) {
	emu, srv := appEmulator(t, "")
	emu.SetClockOffset(-20 * time.Minute)
	c, _ := appClient(t, srv, 0, installationID)
	if _, err := c.GetRepository(context.Background(), "gitdeploy-demo/website"); err != nil {
		t.Fatal(err)
	}
	if n := exchanges(emu); n != 2 {
		t.Errorf("%d exchanges, want 2 (refused, then dated by GitHub's clock)", n)
	}
	if left := time.Until(c.tokens.expiresAt); left < 59*time.Minute || left > 61*time.Minute {
		t.Errorf("token expires in %v on the local clock, want about an hour", left)
	}
}

// Neither the installation token nor the JWT reaches a log line, and the JWT carries GitHub's claims.
func TestAppAuthLogsAndJWT(t *testing.T) {
	_, srv := appEmulator(t, "")
	c, _ := appClient(t, srv, 0, installationID)
	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &buf)
	// Logged with the token in the path: the masking must catch it.
	if _, err := c.GetRepository(ctx, "gitdeploy-demo/website"); err != nil {
		t.Fatal(err)
	}
	token := c.tokens.token
	_, _ = c.GetRepository(ctx, "gitdeploy-demo/"+token)
	out := buf.String()
	if !strings.Contains(out, "installation access token obtained") || strings.Contains(out, token) || strings.Contains(out, "eyJ") {
		t.Fatalf("log:\n%s", out)
	}

	private, _ := githosttest.GitHubAppKey(0)
	key, err := ParseAppPrivateKey(private)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1_700_000_000, 0)
	jwt, err := signAppJWT(key, appID, now)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(jwt, ".")
	var header map[string]string
	var claims map[string]any
	for i, v := range []any{&header, &claims} {
		data, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err != nil || json.Unmarshal(data, v) != nil {
			t.Fatalf("part %d: %v", i, err)
		}
	}
	if header["alg"] != "RS256" || claims["iss"] != appID || claims["iat"] != float64(now.Unix()-60) || claims["exp"] != float64(now.Unix()+9*60) {
		t.Fatalf("header %v claims %v", header, claims)
	}
}

func TestParseAppPrivateKey(t *testing.T) {
	private, _ := githosttest.GitHubAppKey(0)
	key, err := ParseAppPrivateKey(private)
	if err != nil {
		t.Fatal(err)
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	edPKCS8, err := x509.MarshalPKCS8PrivateKey(edKey)
	if err != nil {
		t.Fatal(err)
	}
	good := []string{
		private,
		strings.ReplaceAll(private, "\n", `\n`), // one-line environment variable
		string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8})),
	}
	for i, text := range good {
		if _, err := ParseAppPrivateKey(text); err != nil {
			t.Errorf("good %d: %v", i, err)
		}
	}
	bad := map[string]string{
		"/home/me/app.private-key.pem": "not its path",
		"garbage\nlines":               "not PEM",
		string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: edPKCS8})):         "not an RSA key",
		string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: []byte("x")})): "PKCS#1",
		string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte("x")})):     "not a private key",
	}
	for text, want := range bad {
		_, err := ParseAppPrivateKey(text)
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), text) {
			t.Errorf("%q: %v, want an error saying %q that does not quote the input", text, err, want)
		}
	}
	if _, err := New(Config{Token: "t", App: &AppAuth{AppID: "1", InstallationID: 1, PrivateKeyPEM: private}}); err == nil {
		t.Error("token and app together accepted")
	}
	if _, err := New(Config{App: &AppAuth{AppID: "1", InstallationID: 0, PrivateKeyPEM: private}}); err == nil {
		t.Error("installation id 0 accepted")
	}
}

// The refused request's body is sent again whole.
func TestAppAuthResendKeepsBody(t *testing.T) {
	var mu sync.Mutex
	var bodies []string
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if strings.HasSuffix(r.URL.Path, "/access_tokens") {
			calls++
			w.WriteHeader(http.StatusCreated)
			_ = json.NewEncoder(w).Encode(map[string]string{"token": "ghs_token" + string(rune('0'+calls)), "expires_at": time.Now().Add(time.Hour).UTC().Format(time.RFC3339)})
			return
		}
		var buf bytes.Buffer
		_, _ = buf.ReadFrom(r.Body)
		bodies = append(bodies, r.Header.Get("Authorization")+" "+buf.String())
		if r.Header.Get("Authorization") == "Bearer ghs_token1" {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"message":"Bad credentials"}`))
			return
		}
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte(`{"id":7,"key":"ssh-ed25519 AAAA","title":"t","read_only":true}`))
	}))
	t.Cleanup(srv.Close)
	c, _ := appClient(t, srv, 0, installationID)
	if _, err := c.CreateDeployKey(context.Background(), "o/r", githost.DeployKeyInput{Title: "t", Key: "ssh-ed25519 AAAA", ReadOnly: true}); err != nil {
		t.Fatal(err)
	}
	if len(bodies) != 2 || !strings.HasPrefix(bodies[1], "Bearer ghs_token2 ") || bodies[0][len("Bearer ghs_token1 "):] != bodies[1][len("Bearer ghs_token2 "):] ||
		!strings.Contains(bodies[1], `"title":"t"`) {
		t.Fatalf("bodies %q", bodies)
	}
}
