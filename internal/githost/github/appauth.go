package github

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	gogithub "github.com/google/go-github/v92/github"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/httpx"
)

// GitHub App authentication, from GitHub's docs "Generating a JSON Web Token (JWT) for a GitHub App" and
// "Authenticating as a GitHub App installation": the app signs a JWT (RS256; iat, exp at most 10 minutes
// ahead, iss the app id or client id) with its private key and exchanges it at
// POST /app/installations/{installation_id}/access_tokens for an installation access token, which lasts
// one hour ("expires_at" in the answer) and is then used like any token.

const (
	// jwtBackdate follows GitHub's advice: "set this 60 seconds in the past" against clock drift.
	jwtBackdate = 60 * time.Second
	// jwtLifetime stays under GitHub's 10-minute bound with room for a clock that runs a little slow:
	// GitHub answers "'exp' is too far in the future" at 10 minutes exactly when clocks differ.
	jwtLifetime = 9 * time.Minute
	// renewBefore is how long before expires_at a token is replaced (GitHub's tokens last an hour).
	renewBefore = 5 * time.Minute
)

// AppAuth is a GitHub App installation's credentials.
type AppAuth struct {
	// AppID is the app's id (or its client id): the JWT's issuer.
	AppID string
	// InstallationID is the installation on the account that owns the repositories.
	InstallationID int64
	// PrivateKeyPEM is the content of the app's private key file (PKCS#1 "RSA PRIVATE KEY", as GitHub
	// generates it, or PKCS#8). Literal `\n` sequences are read as line breaks, as integrations/github
	// does for keys kept in one-line environment variables.
	PrivateKeyPEM string
}

// ParseAppPrivateKey reads an app's RSA private key from PEM text. Its errors never quote the text.
func ParseAppPrivateKey(text string) (*rsa.PrivateKey, error) {
	text = strings.ReplaceAll(strings.TrimSpace(text), `\n`, "\n")
	block, _ := pem.Decode([]byte(text))
	if block == nil {
		if !strings.Contains(text, "-----BEGIN") && !strings.ContainsAny(text, "\n") && len(text) < 4096 {
			return nil, errors.New("the private key is not PEM text; it must hold the key file's content " +
				`(pem_file = file("app.private-key.pem")), not its path`)
		}
		return nil, errors.New("the private key is not PEM text: it must hold the content of the app's .pem key file as GitHub gave it")
	}
	switch block.Type {
	case "RSA PRIVATE KEY":
		key, err := x509.ParsePKCS1PrivateKey(block.Bytes)
		if err != nil {
			return nil, errors.New("the RSA PRIVATE KEY block cannot be read as a PKCS#1 RSA key")
		}
		return key, nil
	case "PRIVATE KEY":
		parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, errors.New("the PRIVATE KEY block cannot be read as a PKCS#8 key")
		}
		key, ok := parsed.(*rsa.PrivateKey)
		if !ok {
			return nil, errors.New("the private key is not an RSA key: GitHub App keys are RSA")
		}
		return key, nil
	}
	return nil, fmt.Errorf("the PEM block is a %q, not a private key", block.Type)
}

// signAppJWT returns the JWT that authenticates as the app at instant now (on GitHub's clock).
func signAppJWT(key *rsa.PrivateKey, issuer string, now time.Time) (string, error) {
	header, err := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT"})
	if err != nil {
		return "", err
	}
	// A numeric app id goes out as a string, as GitHub's examples and integrations/github send it.
	claims, err := json.Marshal(map[string]any{
		"iat": now.Add(-jwtBackdate).Unix(),
		"exp": now.Add(jwtLifetime).Unix(),
		"iss": issuer,
	})
	if err != nil {
		return "", err
	}
	signing := base64.RawURLEncoding.EncodeToString(header) + "." + base64.RawURLEncoding.EncodeToString(claims)
	digest := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, digest[:])
	if err != nil {
		return "", fmt.Errorf("signing the GitHub App JWT: %w", err)
	}
	return signing + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}

// AppTokenError says that a call was not sent because no installation access token could be had. It
// names the call and quotes the failed exchange, but does not unwrap to the exchange's *httpx.APIError on
// purpose: a 404 there (app uninstalled, wrong installation id) says nothing about the object the call was
// about and must not read as "the object is gone" (httpx.IsNotFound), nor a 5xx as "the write may have
// been applied" (httpx.MayHaveBeenApplied).
type AppTokenError struct {
	Operation string // the call that needed the token; "" inside the transport
	Err       error  // the exchange's failure, usually an *httpx.APIError
}

func (e *AppTokenError) Error() string {
	if e.Operation == "" {
		return "GitHub: no GitHub App installation access token: " + e.Err.Error()
	}
	return fmt.Sprintf("GitHub: %s: not sent, no GitHub App installation access token: %v", e.Operation, e.Err)
}

// installationTokens makes, caches and renews one installation's access token. Safe for concurrent use:
// one caller exchanges while the others keep using the current token until it is about to expire, then
// wait for the new one.
type installationTokens struct {
	issuer         string
	installationID int64
	key            *rsa.PrivateKey
	api            *gogithub.Client // authenticates with a fresh JWT on every request (jwtTransport)
	basePath       string           // the API's URL path prefix, for errors
	clock          *httpx.Clock     // GitHub's clock, from the Date of its answers
	secrets        *httpx.SecretSet
	now            func() time.Time // the local clock of token lifetimes (tests move it)

	mu        sync.Mutex
	token     string
	renewAt   time.Time // local time from which a new token is fetched
	expiresAt time.Time // local time at which GitHub stops accepting the token
	running   *tokenRefresh
}

// tokenRefresh is one exchange in progress; done is closed when it ends, with err set on failure.
type tokenRefresh struct {
	done chan struct{}
	err  error
}

// stillUsable is how long before expiry a token is still handed out while another caller renews it.
const stillUsable = 30 * time.Second

// get returns a token valid for a while yet, renewing it when it is due.
func (s *installationTokens) get(ctx context.Context) (string, error) {
	for {
		s.mu.Lock()
		now := s.now()
		if s.token != "" && now.Before(s.renewAt) {
			token := s.token
			s.mu.Unlock()
			return token, nil
		}
		if s.running != nil {
			// Renewal under way: the current token serves until shortly before it expires.
			if s.token != "" && now.Before(s.expiresAt.Add(-stillUsable)) {
				token := s.token
				s.mu.Unlock()
				return token, nil
			}
			run := s.running
			s.mu.Unlock()
			select {
			case <-ctx.Done():
				return "", ctx.Err()
			case <-run.done:
			}
			if run.err != nil && !errors.Is(run.err, context.Canceled) && !errors.Is(run.err, context.DeadlineExceeded) {
				return "", run.err
			}
			continue // renewed, or the renewing caller gave up: look again
		}
		run := &tokenRefresh{done: make(chan struct{})}
		s.running = run
		s.mu.Unlock()

		token, expiresAt, err := s.exchange(ctx)

		s.mu.Lock()
		if err == nil {
			s.token, s.expiresAt = token, expiresAt
			s.renewAt = expiresAt.Add(-renewMargin(expiresAt.Sub(s.now())))
		}
		run.err = err
		s.running = nil
		close(run.done)
		s.mu.Unlock()
		if err != nil {
			return "", err
		}
		return token, nil
	}
}

// renewMargin is renewBefore, or a quarter of a shorter lifetime (a test emulator's few seconds), so that
// a token is used for most of its life and never close to its end.
func renewMargin(lifetime time.Duration) time.Duration {
	return min(renewBefore, max(lifetime/4, 0))
}

// invalidate forgets token after GitHub refused it (revoked, or expired early by its clock), so that the
// next get fetches a new one.
func (s *installationTokens) invalidate(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.token == token {
		s.token = ""
	}
}

// exchange fetches a new token and returns it with its expiry on the local clock. A 401 about the JWT's
// times (a clock far from GitHub's) is tried once more: by then the answer's Date has set GitHub's clock.
func (s *installationTokens) exchange(ctx context.Context) (string, time.Time, error) {
	ctx = httpx.Repeatable(ctx) // asking twice only makes a second token
	relPath := "app/installations/" + strconv.FormatInt(s.installationID, 10) + "/access_tokens"
	for attempt := 1; ; attempt++ {
		tok, resp, err := s.api.Apps.CreateInstallationToken(ctx, s.installationID, nil)
		if err != nil {
			var errResp *gogithub.ErrorResponse
			clockProblem := errors.As(err, &errResp) && errResp.Response != nil &&
				errResp.Response.StatusCode == http.StatusUnauthorized && strings.Contains(errResp.Message, "claim (")
			if clockProblem && attempt == 1 {
				continue
			}
			return "", time.Time{}, installationTokenAPIError(s, relPath, resp, err)
		}
		token, expires := tok.GetToken(), tok.GetExpiresAt()
		if token == "" || expires.IsZero() {
			return "", time.Time{}, &httpx.APIError{Service: serviceName, Operation: "create installation access token",
				Method: http.MethodPost, Path: s.basePath + relPath, StatusCode: resp.StatusCode,
				Message: "the answer has no token or expires_at"}
		}
		s.secrets.Add(token)
		// expires_at is on GitHub's clock: move it onto ours.
		localNow := s.now()
		serviceNow, known := s.clock.ServiceTime(localNow)
		expiresAt := expires.Time
		if known {
			expiresAt = expiresAt.Add(localNow.Sub(serviceNow))
		}
		tflog.Debug(ctx, "GitHub App installation access token obtained", map[string]any{
			"installation_id": s.installationID, "expires_at": expires.UTC().Format(time.RFC3339),
		})
		return token, expiresAt, nil
	}
}

// installationTokenAPIError is the *httpx.APIError of a failed exchange (or the context's error).
func installationTokenAPIError(s *installationTokens, relPath string, resp *gogithub.Response, err error) error {
	c := &Client{basePath: s.basePath}
	return c.apiError("create installation access token", http.MethodPost, relPath, resp, err)
}

// jwtTransport authenticates each request as the app with a freshly signed JWT.
type jwtTransport struct {
	tokens *installationTokens
	next   http.RoundTripper
}

func (t *jwtTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	// Dated by GitHub's clock as far as its answers tell it (the machine's otherwise).
	now, _ := t.tokens.clock.ServiceTime(time.Now())
	jwt, err := signAppJWT(t.tokens.key, t.tokens.issuer, now)
	if err != nil {
		return nil, err
	}
	t.tokens.secrets.Add(jwt)
	out := req.Clone(req.Context())
	out.Header.Set("Authorization", "Bearer "+jwt)
	return t.next.RoundTrip(out)
}

// installationTransport authenticates each request with the installation's current token. When GitHub
// answers 401 to a token it believed valid (revoked, or expired early by GitHub's clock), it fetches a new
// token and sends the request once more: a 401 means the request was not applied.
type installationTransport struct {
	tokens *installationTokens
	next   http.RoundTripper
}

func (t *installationTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	token, err := t.tokens.get(ctx)
	if err != nil {
		return nil, tokenError(err)
	}
	resp, err := t.next.RoundTrip(withToken(req, token, req.Body))
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		return resp, err
	}
	var body io.ReadCloser = http.NoBody
	if req.Body != nil && req.Body != http.NoBody {
		if req.GetBody == nil {
			return resp, nil // cannot send the body again: report the 401
		}
		if body, err = req.GetBody(); err != nil {
			return resp, nil //nolint:nilerr // the body cannot be sent again: the 401 is the answer to report
		}
	}
	t.tokens.invalidate(token)
	fresh, err := t.tokens.get(ctx)
	if err != nil {
		_ = resp.Body.Close() // replaced by the exchange's error, which says more
		return nil, tokenError(err)
	}
	tflog.Debug(ctx, "GitHub refused the installation access token before its expiry; sending again with a new one",
		map[string]any{"http_method": req.Method, "http_path": req.URL.Path})
	_ = resp.Body.Close() // replaced by the answer to the second attempt
	return t.next.RoundTrip(withToken(req, fresh, body))
}

// tokenError wraps an exchange failure for the caller; the context's own errors stay as they are.
func tokenError(err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return &AppTokenError{Err: err}
}

// withToken is a copy of req with the token and body (a RoundTripper must not change its request).
func withToken(req *http.Request, token string, body io.ReadCloser) *http.Request {
	out := req.Clone(req.Context())
	out.Body = body
	out.Header.Set("Authorization", "Bearer "+token)
	return out
}
