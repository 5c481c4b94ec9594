package emulator

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	testAppID          = 777
	testInstallationID = 4242
	accessTokensPath   = "/github/api/v3/app/installations/4242/access_tokens"
)

var (
	testAppKeyOnce sync.Once
	testAppKey     *rsa.PrivateKey
	otherAppKey    *rsa.PrivateKey
)

// appKeys makes two RSA keys once for the package's tests (key generation takes a while).
func appKeys(t *testing.T) (*rsa.PrivateKey, *rsa.PrivateKey) {
	t.Helper()
	testAppKeyOnce.Do(func() {
		var err error
		if testAppKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
		if otherAppKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
	})
	return testAppKey, otherAppKey
}

func publicKeyPEM(t *testing.T, key *rsa.PrivateKey) string {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

// appSeed is the default seed plus an app installed on gitdeploy-demo (all repositories) and a second
// installation on octocat's account limited to no repository, with only metadata.
func appSeed(t *testing.T, lifetime string) *Seed {
	key, _ := appKeys(t)
	s := DefaultSeed()
	s.GitHub.InstallationTokenLifetime = lifetime
	s.GitHub.Apps = []GitHubAppSeed{{ID: testAppID, Slug: "gitdeploy-ci", ClientID: "Iv1.testclient", PublicKey: publicKeyPEM(t, key),
		Installations: []GitHubInstallationSeed{
			{ID: testInstallationID, Account: "gitdeploy-demo"},
			{ID: 4343, Account: "gitdeploy-demo", Repositories: []string{"website"}, Permissions: map[string]string{"metadata": "read"}},
		}}}
	return s
}

// signJWT signs claims with RS256; it is the test's own signer, independent of the provider's client.
func signJWT(t *testing.T, key *rsa.PrivateKey, alg string, claims map[string]any) string {
	t.Helper()
	enc := func(v any) string {
		data, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return base64.RawURLEncoding.EncodeToString(data)
	}
	signing := enc(map[string]string{"alg": alg, "typ": "JWT"}) + "." + enc(claims)
	digest := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	return signing + "." + base64.RawURLEncoding.EncodeToString(sig)
}

func appJWT(t *testing.T, key *rsa.PrivateKey, now time.Time) string {
	return signJWT(t, key, "RS256", map[string]any{"iat": now.Add(-time.Minute).Unix(), "exp": now.Add(9 * time.Minute).Unix(), "iss": "777"})
}

// createInstallationToken exchanges a JWT for a token and returns the answer.
func createInstallationToken(t *testing.T, ts *testServer, path string, body any) ghInstallationTokenJSON {
	t.Helper()
	key, _ := appKeys(t)
	var out ghInstallationTokenJSON
	ts.do("POST", path, "Authorization: Bearer "+appJWT(t, key, time.Now()), body).want(t, http.StatusCreated, &out)
	return out
}

func TestGitHubAppJWTChecks(t *testing.T) {
	ts := newTestServer(t, appSeed(t, ""))
	key, other := appKeys(t)
	now := time.Now()
	claims := func(iat, exp time.Time, iss any) map[string]any {
		return map[string]any{"iat": iat.Unix(), "exp": exp.Unix(), "iss": iss}
	}
	cases := []struct {
		name, auth string
		status     int
		message    string
	}{
		{"no auth", "", 401, msgJWTUndecodable},
		{"a user's token", githubAuth, 401, msgJWTUndecodable},
		{"token scheme", "Authorization: token " + appJWT(t, key, now), 401, msgJWTUndecodable},
		{"not a JWT", "Authorization: Bearer a.b", 401, msgJWTUndecodable},
		{"wrong key", "Authorization: Bearer " + appJWT(t, other, now), 401, msgJWTUndecodable},
		{"HS256 header", "Authorization: Bearer " + signJWT(t, key, "HS256", claims(now.Add(-time.Minute), now.Add(5*time.Minute), 777)), 401, msgJWTUndecodable},
		{"expired", "Authorization: Bearer " + signJWT(t, key, "RS256", claims(now.Add(-12*time.Minute), now.Add(-2*time.Minute), 777)), 401, msgJWTExpired},
		{"no exp", "Authorization: Bearer " + signJWT(t, key, "RS256", map[string]any{"iat": now.Unix(), "iss": 777}), 401, msgJWTExpired},
		{"exp too far", "Authorization: Bearer " + signJWT(t, key, "RS256", claims(now.Add(-time.Minute), now.Add(11*time.Minute), 777)), 401, msgJWTTooFar},
		{"iat in the future", "Authorization: Bearer " + signJWT(t, key, "RS256", claims(now.Add(2*time.Minute), now.Add(5*time.Minute), 777)), 401, msgJWTIssuedAt},
		{"unknown issuer", "Authorization: Bearer " + signJWT(t, key, "RS256", claims(now.Add(-time.Minute), now.Add(5*time.Minute), 778)), 404, "Integration not found"},
	}
	for _, c := range cases {
		var body map[string]string
		ts.do("POST", accessTokensPath, c.auth, nil).want(t, c.status, &body)
		if body["message"] != c.message || body["documentation_url"] == "" || body["status"] != strconv.Itoa(c.status) {
			t.Errorf("%s: body %v, want message %q", c.name, body, c.message)
		}
	}
	// iss as a number, as a string, or the client id; the app answers GET /app.
	for _, iss := range []any{777, "777", "Iv1.testclient"} {
		var app ghAppJSON
		jwt := signJWT(t, key, "RS256", claims(now.Add(-time.Minute), now.Add(10*time.Minute-2*time.Second), iss))
		ts.do("GET", "/github/api/v3/app", "Authorization: Bearer "+jwt, nil).want(t, http.StatusOK, &app)
		if app.ID != testAppID || app.Slug != "gitdeploy-ci" {
			t.Errorf("iss %v: app %+v", iss, app)
		}
	}
	// Another app's or an unknown installation: 404.
	ts.do("POST", "/github/api/v3/app/installations/9999/access_tokens", "Authorization: Bearer "+appJWT(t, key, now), nil).want(t, http.StatusNotFound, nil)
}

func TestGitHubInstallationTokens(t *testing.T) {
	ts := newTestServer(t, appSeed(t, ""))
	before := time.Now().UTC().Truncate(time.Second)
	tok := createInstallationToken(t, ts, accessTokensPath, nil)
	expires, err := time.Parse(time.RFC3339, tok.ExpiresAt)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(tok.Token, "ghs_") || len(tok.Token) != 40 || tok.RepositorySelection != "all" || tok.Repositories != nil ||
		expires.Before(before.Add(time.Hour)) || expires.After(before.Add(time.Hour+2*time.Second)) {
		t.Fatalf("token answer %+v", tok)
	}
	if tok.Permissions["administration"] != "write" || tok.Permissions["repository_hooks"] != "write" {
		t.Errorf("permissions %v", tok.Permissions)
	}
	auth := "Authorization: Bearer " + tok.Token
	// The bot reads the private repository and manages its deploy keys and webhooks ...
	ts.do("GET", "/github/api/v3/repos/gitdeploy-demo/private-app", auth, nil).want(t, http.StatusOK, nil)
	var key ghKeyJSON
	ts.do("POST", "/github/api/v3/repos/gitdeploy-demo/private-app/keys", auth, map[string]any{"title": "t", "key": newPublicKey(t), "read_only": true}).
		want(t, http.StatusCreated, &key)
	if key.AddedBy != "gitdeploy-ci[bot]" {
		t.Errorf("added_by = %q", key.AddedBy)
	}
	ts.do("GET", "/github/api/v3/repos/gitdeploy-demo/private-app/hooks", auth, nil).want(t, http.StatusOK, nil)
	// ... but not as a user.
	var body map[string]string
	ts.do("GET", "/github/api/v3/user", auth, nil).want(t, http.StatusForbidden, &body)
	if body["message"] != msgNotIntegration {
		t.Errorf("GET /user: %v", body)
	}
	// A JWT is no API credential.
	key1, _ := appKeys(t)
	ts.do("GET", "/github/api/v3/repos/gitdeploy-demo/website", "Authorization: Bearer "+appJWT(t, key1, time.Now()), nil).want(t, http.StatusUnauthorized, nil)
}

func TestGitHubInstallationSelectionAndPermissions(t *testing.T) {
	ts := newTestServer(t, appSeed(t, ""))
	tok := createInstallationToken(t, ts, "/github/api/v3/app/installations/4343/access_tokens", nil)
	if tok.RepositorySelection != "selected" || len(tok.Repositories) != 1 || tok.Repositories[0].FullName != "gitdeploy-demo/website" {
		t.Fatalf("token answer %+v", tok)
	}
	auth := "Authorization: Bearer " + tok.Token
	// Outside the selection, a private repository is not found; inside, a missing permission is a 403.
	ts.do("GET", "/github/api/v3/repos/gitdeploy-demo/private-app", auth, nil).want(t, http.StatusNotFound, nil)
	ts.do("GET", "/github/api/v3/repos/gitdeploy-demo/website", auth, nil).want(t, http.StatusOK, nil)
	var body map[string]string
	ts.do("GET", "/github/api/v3/repos/gitdeploy-demo/website/keys", auth, nil).want(t, http.StatusForbidden, &body)
	if body["message"] != msgNotIntegration {
		t.Errorf("keys: %v", body)
	}
	ts.do("POST", "/github/api/v3/repos/gitdeploy-demo/website/hooks", auth, map[string]any{"config": map[string]string{"url": "https://example.com/h"}}).
		want(t, http.StatusForbidden, nil)

	// Narrowing at creation: repositories and permissions within the installation's; beyond them a 422.
	narrowed := createInstallationToken(t, ts, accessTokensPath, map[string]any{"repositories": []string{"website"}, "permissions": map[string]string{"administration": "read"}})
	if narrowed.RepositorySelection != "selected" || len(narrowed.Repositories) != 1 || narrowed.Permissions["administration"] != "read" {
		t.Fatalf("narrowed %+v", narrowed)
	}
	nauth := "Authorization: Bearer " + narrowed.Token
	ts.do("GET", "/github/api/v3/repos/gitdeploy-demo/website/keys", nauth, nil).want(t, http.StatusOK, nil)
	ts.do("POST", "/github/api/v3/repos/gitdeploy-demo/website/keys", nauth, map[string]any{"key": newPublicKey(t)}).want(t, http.StatusForbidden, nil)
	ts.do("GET", "/github/api/v3/repos/gitdeploy-demo/private-app/keys", nauth, nil).want(t, http.StatusNotFound, nil)
	key, _ := appKeys(t)
	jwt := "Authorization: Bearer " + appJWT(t, key, time.Now())
	ts.do("POST", accessTokensPath, jwt, map[string]any{"repositories": []string{"nope"}}).want(t, http.StatusUnprocessableEntity, nil)
	ts.do("POST", "/github/api/v3/app/installations/4343/access_tokens", jwt, map[string]any{"permissions": map[string]string{"administration": "write"}}).
		want(t, http.StatusUnprocessableEntity, nil)
	ts.do("POST", accessTokensPath, jwt, "{not json").want(t, http.StatusBadRequest, nil)
}

func TestGitHubInstallationTokenExpiry(t *testing.T) {
	ts := newTestServer(t, appSeed(t, "30s"))
	var mu sync.Mutex
	now := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	ts.emu.now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); defer mu.Unlock(); now = now.Add(d) }

	key, _ := appKeys(t)
	var tok ghInstallationTokenJSON
	ts.do("POST", accessTokensPath, "Authorization: Bearer "+appJWT(t, key, now), nil).want(t, http.StatusCreated, &tok)
	if tok.ExpiresAt != "2030-01-02T03:04:35Z" {
		t.Fatalf("expires_at = %s, want the seed's 30s lifetime", tok.ExpiresAt)
	}
	auth := "Authorization: Bearer " + tok.Token
	advance(29 * time.Second)
	ts.do("GET", "/github/api/v3/repos/gitdeploy-demo/website", auth, nil).want(t, http.StatusOK, nil)
	advance(time.Second)
	var body map[string]string
	ts.do("GET", "/github/api/v3/repos/gitdeploy-demo/website", auth, nil).want(t, http.StatusUnauthorized, &body)
	if body["message"] != "Bad credentials" {
		t.Errorf("expired token: %v", body)
	}

	// The admin API changes the lifetime of new tokens and expires the issued ones early.
	ts.do("PUT", "/_emulator/github/installation_token_lifetime", "", map[string]string{"lifetime": "5s"}).want(t, http.StatusNoContent, nil)
	var lifetime map[string]string
	ts.do("GET", "/_emulator/github/installation_token_lifetime", "", nil).want(t, http.StatusOK, &lifetime)
	if lifetime["lifetime"] != "5s" {
		t.Errorf("lifetime %v", lifetime)
	}
	ts.do("PUT", "/_emulator/github/installation_token_lifetime", "", map[string]string{"lifetime": "-1s"}).want(t, http.StatusBadRequest, nil)
	ts.do("POST", accessTokensPath, "Authorization: Bearer "+appJWT(t, key, now), nil).want(t, http.StatusCreated, &tok)
	if want := now.Add(5 * time.Second).Format(time.RFC3339); tok.ExpiresAt != want {
		t.Errorf("expires_at = %s, want %s", tok.ExpiresAt, want)
	}
	auth = "Authorization: Bearer " + tok.Token
	ts.do("GET", "/github/api/v3/repos/gitdeploy-demo/website", auth, nil).want(t, http.StatusOK, nil)
	var expired map[string]int
	ts.do("POST", "/_emulator/github/installation_tokens/expire", "", nil).want(t, http.StatusOK, &expired)
	if expired["expired"] != 1 {
		t.Errorf("expired %v", expired)
	}
	ts.do("GET", "/github/api/v3/repos/gitdeploy-demo/website", auth, nil).want(t, http.StatusUnauthorized, nil)

	// Reset restores the seed's lifetime and forgets every token.
	ts.emu.Reset()
	if got := ts.emu.GitHubInstallationTokenLifetime(); got != 30*time.Second {
		t.Errorf("lifetime after reset = %v", got)
	}
}

func TestGitHubAppSeedValidation(t *testing.T) {
	key, _ := appKeys(t)
	pub := publicKeyPEM(t, key)
	bad := []GitHubSeed{
		{Apps: []GitHubAppSeed{{ID: 1, Slug: "a", PublicKey: "not pem"}}},
		{Apps: []GitHubAppSeed{{ID: 0, Slug: "a", PublicKey: pub}}},
		{Apps: []GitHubAppSeed{{ID: 1, Slug: "a", PublicKey: pub, Installations: []GitHubInstallationSeed{{ID: 1, Account: "nobody"}}}}},
		{Apps: []GitHubAppSeed{{ID: 1, Slug: "a", PublicKey: pub, Installations: []GitHubInstallationSeed{{ID: 1, Account: "gitdeploy-demo", Repositories: []string{"missing"}}}}}},
		{Apps: []GitHubAppSeed{{ID: 1, Slug: "a", PublicKey: pub, Installations: []GitHubInstallationSeed{{ID: 1, Account: "gitdeploy-demo", Permissions: map[string]string{"administration": "admin"}}}}}},
		{InstallationTokenLifetime: "forever"},
	}
	for i, gh := range bad {
		s := DefaultSeed()
		gh.Orgs, gh.Users, gh.Repos = s.GitHub.Orgs, s.GitHub.Users, s.GitHub.Repos
		s.GitHub = gh
		if err := s.Validate(); err == nil {
			t.Errorf("seed %d: no error", i)
		}
	}
	if err := appSeed(t, "").Validate(); err != nil {
		t.Errorf("app seed: %v", err)
	}
}

// A service clock 20 minutes behind: the Date header shows it, and a JWT dated by the machine's clock is
// refused as GitHub refuses one from a client whose clock runs ahead.
func TestGitHubAppClockOffset(t *testing.T) {
	ts := newTestServer(t, appSeed(t, ""))
	ts.do("PUT", "/_emulator/clock", "", map[string]string{"offset": "-20m"}).want(t, http.StatusNoContent, nil)
	key, _ := appKeys(t)
	resp := ts.do("POST", accessTokensPath, "Authorization: Bearer "+appJWT(t, key, time.Now()), nil)
	var body map[string]string
	resp.want(t, http.StatusUnauthorized, &body)
	if body["message"] != msgJWTTooFar {
		t.Errorf("body %v", body)
	}
	date, err := http.ParseTime(resp.header.Get("Date"))
	if err != nil || time.Since(date) < 19*time.Minute || time.Since(date) > 21*time.Minute {
		t.Errorf("Date %q (%v)", resp.header.Get("Date"), err)
	}
	// Dated by the service's clock, the JWT is accepted.
	ts.do("POST", accessTokensPath, "Authorization: Bearer "+appJWT(t, key, date), nil).want(t, http.StatusCreated, nil)
	ts.do("PUT", "/_emulator/clock", "", map[string]string{"offset": "soon"}).want(t, http.StatusBadRequest, nil)
}
