package emulator

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// GitHub Apps: an app signs a JSON Web Token with its private key and exchanges it for an installation
// access token, which then authenticates REST calls as the installation's bot user:
//
//	GET  /app                                              (JWT) the app
//	GET  /app/installations/{installation_id}              (JWT) one installation of the app
//	POST /app/installations/{installation_id}/access_tokens (JWT) 201 {token, expires_at, permissions,
//	                                                        repository_selection[, repositories]}
//
// From GitHub's docs: "Generating a JSON Web Token (JWT) for a GitHub App" (RS256; claims iat, exp at most
// 10 minutes into the future, iss the app id or client id), "Authenticating as a GitHub App installation"
// (tokens expire after one hour) and the REST reference "Create an installation access token for an app".
// Error messages of the JWT checks are the ones GitHub answers (401, quoted in octokit/auth-app.js's README
// and in many client issues): "A JSON web token could not be decoded", "'Expiration time' claim ('exp') is
// too far in the future", "'Expiration time' claim ('exp') must be a numeric value representing the future
// time at which the assertion expires", "'Issued at' claim ('iat') must be an Integer representing the time
// that the assertion was issued". An expired installation token is answered like any unknown token: 401
// "Bad credentials". An installation's bot cannot use the endpoints of a user (/user, /user/repos: 403
// "Resource not accessible by integration"), and each endpoint needs its permission (deploy keys:
// administration; webhooks: repository_hooks), as GitHub's "Permissions required for GitHub Apps" lists.

const (
	// defaultInstallationTokenLifetime is GitHub's: "Installation access tokens expire after one hour".
	defaultInstallationTokenLifetime = time.Hour
	// maxJWTLifetime is GitHub's bound on exp: "no more than 10 minutes into the future". GitHub's own
	// tolerance is not documented; the emulator allows none (clients set iat 60 s in the past and exp
	// under 10 minutes ahead for drift, as GitHub recommends).
	maxJWTLifetime = 10 * time.Minute

	msgJWTUndecodable = "A JSON web token could not be decoded"
	msgJWTExpired     = "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires"
	msgJWTTooFar      = "'Expiration time' claim ('exp') is too far in the future"
	msgJWTIssuedAt    = "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued"
	msgNotIntegration = "Resource not accessible by integration"
)

// GitHubAppSeed is a GitHub App: its id, slug, optional client id, public key (PEM, "PUBLIC KEY" or
// "RSA PUBLIC KEY") and installations. The matching private key stays with the user.
type GitHubAppSeed struct {
	ID            int64                    `json:"id"`
	Slug          string                   `json:"slug"`
	ClientID      string                   `json:"client_id,omitempty"`
	PublicKey     string                   `json:"public_key"`
	Installations []GitHubInstallationSeed `json:"installations"`
}

// GitHubInstallationSeed is an installation of an app on an account (organisation or user). Repositories
// lists the names under the account it may use (nil: all of them, "repository_selection": "all");
// Permissions maps GitHub's permission names to "read" or "write" (nil: DefaultInstallationPermissions).
type GitHubInstallationSeed struct {
	ID           int64             `json:"id"`
	Account      string            `json:"account"`
	Repositories []string          `json:"repositories"`
	Permissions  map[string]string `json:"permissions,omitempty"`
}

// DefaultInstallationPermissions are what the provider needs: repository metadata, deploy keys
// (administration) and webhooks (repository_hooks).
func DefaultInstallationPermissions() map[string]string {
	return map[string]string{"metadata": "read", "administration": "write", "repository_hooks": "write"}
}

type ghAppsState struct {
	apps          map[int64]*ghApp
	installations map[int64]*ghInstallation
	tokens        map[string]*ghInstallationToken
	tokenLifetime time.Duration
	tokenSeq      int
}

type ghApp struct {
	id       int64
	slug     string
	clientID string
	key      *rsa.PublicKey
	botID    int64
}

type ghInstallation struct {
	id           int64
	app          *ghApp
	account      string // login as the owner's repositories name it
	accountID    int64
	accountType  string
	repositories []string // lower-case names under account; nil: all
	permissions  map[string]string
}

// ghInstallationToken is one installation access token, possibly narrowed to some repositories and
// permissions when it was made.
type ghInstallationToken struct {
	installation *ghInstallation
	repositories []string // lower-case names; nil: the installation's selection
	permissions  map[string]string
	expiresAt    time.Time
}

func newGhAppsState() ghAppsState {
	return ghAppsState{apps: map[int64]*ghApp{}, installations: map[int64]*ghInstallation{},
		tokens: map[string]*ghInstallationToken{}, tokenLifetime: defaultInstallationTokenLifetime}
}

// trialCopy is enough to dry-run a seed: ids only ever get added.
func (a ghAppsState) trialCopy() ghAppsState {
	t := newGhAppsState()
	maps.Copy(t.apps, a.apps)
	maps.Copy(t.installations, a.installations)
	t.tokenLifetime = a.tokenLifetime
	return t
}

func (gh *githubState) applyApps(s *GitHubSeed) error {
	a := &gh.apps
	if s.InstallationTokenLifetime != "" {
		d, err := time.ParseDuration(s.InstallationTokenLifetime)
		if err != nil || d <= 0 {
			return fmt.Errorf("installation_token_lifetime %q is not a positive duration", s.InstallationTokenLifetime)
		}
		a.tokenLifetime = d
	}
	for _, as := range s.Apps {
		if as.ID <= 0 || as.Slug == "" {
			return fmt.Errorf("app needs a positive id and a slug")
		}
		if a.apps[as.ID] != nil {
			return fmt.Errorf("app id %d already exists", as.ID)
		}
		key, err := parseRSAPublicKeyPEM(as.PublicKey)
		if err != nil {
			return fmt.Errorf("app %d: public_key: %w", as.ID, err)
		}
		app := &ghApp{id: as.ID, slug: as.Slug, clientID: as.ClientID, key: key, botID: gh.allocID()}
		a.apps[as.ID] = app
		for _, is := range as.Installations {
			if err := gh.addInstallation(app, is); err != nil {
				return fmt.Errorf("app %d: %w", as.ID, err)
			}
		}
	}
	return nil
}

func (gh *githubState) addInstallation(app *ghApp, is GitHubInstallationSeed) error {
	if is.ID <= 0 || gh.apps.installations[is.ID] != nil {
		return fmt.Errorf("installation id %d is not positive or already used", is.ID)
	}
	inst := &ghInstallation{id: is.ID, app: app, permissions: is.Permissions}
	if inst.permissions == nil {
		inst.permissions = DefaultInstallationPermissions()
	}
	for name, level := range inst.permissions {
		if level != "read" && level != "write" {
			return fmt.Errorf("installation %d: permission %s is %q, not read or write", is.ID, name, level)
		}
	}
	if u := gh.userByLogin(is.Account); u != nil {
		inst.account, inst.accountID, inst.accountType = u.login, u.id, "User"
	} else if o := gh.orgs[strings.ToLower(is.Account)]; o != nil {
		inst.account, inst.accountID, inst.accountType = o.login, o.id, "Organization"
	} else {
		return fmt.Errorf("installation %d: account %q is neither a user nor an organisation", is.ID, is.Account)
	}
	if is.Repositories != nil {
		inst.repositories = []string{}
		for _, name := range is.Repositories {
			if gh.repos[strings.ToLower(inst.account+"/"+name)] == nil {
				return fmt.Errorf("installation %d: no repository %s/%s", is.ID, inst.account, name)
			}
			inst.repositories = append(inst.repositories, strings.ToLower(name))
		}
	}
	gh.apps.installations[is.ID] = inst
	return nil
}

func parseRSAPublicKeyPEM(text string) (*rsa.PublicKey, error) {
	block, _ := pem.Decode([]byte(text))
	if block == nil {
		return nil, errors.New("no PEM block")
	}
	switch block.Type {
	case "RSA PUBLIC KEY":
		return x509.ParsePKCS1PublicKey(block.Bytes)
	case "PUBLIC KEY":
		k, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			return nil, err
		}
		rsaKey, ok := k.(*rsa.PublicKey)
		if !ok {
			return nil, errors.New("not an RSA key (GitHub App keys are RSA)")
		}
		return rsaKey, nil
	}
	return nil, fmt.Errorf("PEM block %q is not a public key", block.Type)
}

// ---- authentication of API calls with an installation token ----

// installationUser returns the bot user that an unexpired installation token stands for; nil for any
// other text. Expired tokens are forgotten.
func (e *Emulator) installationUser(token string) *ghUser {
	a := &e.st.github.apps
	t := a.tokens[token]
	if t == nil {
		return nil
	}
	if !e.now().Before(t.expiresAt) {
		delete(a.tokens, token)
		return nil
	}
	app := t.installation.app
	return &ghUser{id: app.botID, login: app.slug + "[bot]", installation: t}
}

// covers reports whether the token may use repo: the installation's account owns it and it is among the
// selected repositories.
func (t *ghInstallationToken) covers(repo *ghRepo) bool {
	inst := t.installation
	if !strings.EqualFold(repo.ownerLogin, inst.account) {
		return false
	}
	name := strings.ToLower(repo.name)
	if inst.repositories != nil && !slices.Contains(inst.repositories, name) {
		return false
	}
	return t.repositories == nil || slices.Contains(t.repositories, name)
}

// allows reports whether the token holds permission at level ("read" or "write"); write implies read.
func (t *ghInstallationToken) allows(permission, level string) bool {
	have := t.permissions[permission]
	return have == "write" || (have == "read" && level == "read")
}

// ghRoutePermission is the installation permission a route needs, as GitHub's "Permissions required for
// GitHub Apps" lists it; forbidden routes belong to users and are never open to an installation.
func ghRoutePermission(method, pattern string) (permission, level string, forbidden bool) {
	_, route, _ := strings.Cut(pattern, " ")
	route = strings.TrimPrefix(route, GitHubPrefix)
	level = "read"
	if method != http.MethodGet && method != http.MethodHead {
		level = "write"
	}
	switch {
	case route == "/user" || route == "/user/repos":
		return "", "", true
	case strings.HasPrefix(route, "/repos/{owner}/{repo}/keys"),
		strings.HasSuffix(route, "/rename"):
		return "administration", level, false
	case strings.HasPrefix(route, "/repos/{owner}/{repo}/hooks"):
		return "repository_hooks", level, false
	}
	return "", "", false
}

// checkInstallation answers 403 when an installation's bot calls a route that is not open to it, or that
// needs a permission the token lacks on a repository it covers; a repository it does not cover is left to
// the handler, which answers 404 as for any caller without access.
func (e *Emulator) checkInstallation(w http.ResponseWriter, r *http.Request, u *ghUser) bool {
	t := u.installation
	if t == nil {
		return true
	}
	permission, level, forbidden := ghRoutePermission(r.Method, r.Pattern)
	if forbidden {
		writeGitHubError(w, http.StatusForbidden, msgNotIntegration, ghDocs)
		return false
	}
	if permission == "" || r.PathValue("owner") == "" {
		return true
	}
	repo := e.st.github.repos[strings.ToLower(r.PathValue("owner")+"/"+r.PathValue("repo"))]
	if repo != nil && t.covers(repo) && !t.allows(permission, level) {
		writeGitHubError(w, http.StatusForbidden, msgNotIntegration, ghDocs)
		return false
	}
	return true
}

// ---- the app endpoints (JWT) ----

func (e *Emulator) githubAppRoutes() {
	p := GitHubPrefix
	e.api.HandleFunc("GET "+p+"/app", e.githubApp(e.ghGetApp))
	e.api.HandleFunc("GET "+p+"/app/installations/{installation_id}", e.githubApp(e.ghGetInstallation))
	e.api.HandleFunc("POST "+p+"/app/installations/{installation_id}/access_tokens", e.githubApp(e.ghCreateInstallationToken))
}

// githubApp wraps a handler with app authentication: a JWT in "Authorization: Bearer", signed RS256 by the
// app's private key.
func (e *Emulator) githubApp(h func(w http.ResponseWriter, r *http.Request, app *ghApp)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		e.locked(w, func(w http.ResponseWriter) {
			app, status, message := e.verifyAppJWT(r)
			if app == nil {
				writeGitHubError(w, status, message, ghDocs)
				return
			}
			h(w, r, app)
		})
	}
}

// verifyAppJWT checks the request's JWT: its form and algorithm, the issuer (an app id or client id), the
// signature against that app's public key, then exp and iat against the emulator's clock.
func (e *Emulator) verifyAppJWT(r *http.Request) (*ghApp, int, string) {
	// GitHub: "if you are passing a JWT, you must use Authorization: Bearer". Anything else is answered as
	// an undecodable JWT (not confirmed by GitHub's docs for a missing header).
	tok, ok := bearerToken(r, false)
	if !ok {
		return nil, http.StatusUnauthorized, msgJWTUndecodable
	}
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return nil, http.StatusUnauthorized, msgJWTUndecodable
	}
	var header struct {
		Alg string `json:"alg"`
	}
	var claims struct {
		Iss json.RawMessage `json:"iss"`
		Iat json.RawMessage `json:"iat"`
		Exp json.RawMessage `json:"exp"`
	}
	if decodeJWTPart(parts[0], &header) != nil || decodeJWTPart(parts[1], &claims) != nil || header.Alg != "RS256" {
		return nil, http.StatusUnauthorized, msgJWTUndecodable
	}
	app := e.st.github.apps.appByIssuer(claims.Iss)
	if app == nil {
		// Not in GitHub's docs; clients report 404 "Integration not found" for an unknown issuer.
		return nil, http.StatusNotFound, "Integration not found"
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return nil, http.StatusUnauthorized, msgJWTUndecodable
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if rsa.VerifyPKCS1v15(app.key, crypto.SHA256, digest[:], sig) != nil {
		return nil, http.StatusUnauthorized, msgJWTUndecodable
	}
	now := e.now().Unix()
	exp, expOK := jwtNumericDate(claims.Exp)
	switch {
	case !expOK || exp <= now:
		return nil, http.StatusUnauthorized, msgJWTExpired
	case exp > now+int64(maxJWTLifetime/time.Second):
		return nil, http.StatusUnauthorized, msgJWTTooFar
	}
	if iat, ok := jwtNumericDate(claims.Iat); !ok || iat > now {
		return nil, http.StatusUnauthorized, msgJWTIssuedAt
	}
	return app, 0, ""
}

func decodeJWTPart(part string, v any) error {
	data, err := base64.RawURLEncoding.DecodeString(part)
	if err != nil {
		return err
	}
	return json.Unmarshal(data, v)
}

// jwtNumericDate reads a NumericDate claim: an integer number of seconds since the epoch.
func jwtNumericDate(raw json.RawMessage) (int64, bool) {
	n, err := strconv.ParseInt(strings.TrimSpace(string(raw)), 10, 64)
	return n, err == nil
}

// appByIssuer finds the app an iss claim names: its id (a number or a string of digits) or client id.
func (a *ghAppsState) appByIssuer(raw json.RawMessage) *ghApp {
	iss := strings.TrimSpace(string(raw))
	if s, err := strconv.Unquote(iss); err == nil {
		iss = s
	}
	if iss == "" {
		return nil
	}
	if id, err := strconv.ParseInt(iss, 10, 64); err == nil {
		return a.apps[id]
	}
	for _, app := range a.apps {
		if app.clientID != "" && app.clientID == iss {
			return app
		}
	}
	return nil
}

type ghAppJSON struct {
	ID          int64             `json:"id"`
	Slug        string            `json:"slug"`
	ClientID    string            `json:"client_id,omitempty"`
	NodeID      string            `json:"node_id"`
	Name        string            `json:"name"`
	HTMLURL     string            `json:"html_url"`
	Permissions map[string]string `json:"permissions"`
	Events      []string          `json:"events"`
	CreatedAt   string            `json:"created_at"`
	UpdatedAt   string            `json:"updated_at"`
}

func (e *Emulator) ghGetApp(w http.ResponseWriter, r *http.Request, app *ghApp) {
	writeJSON(w, http.StatusOK, ghAppJSON{ID: app.id, Slug: app.slug, ClientID: app.clientID, NodeID: ghNodeID("A_", app.id),
		Name: app.slug, HTMLURL: externalBase(r) + "/github/apps/" + app.slug, Permissions: DefaultInstallationPermissions(),
		Events: []string{}, CreatedAt: formatTime(seedTime), UpdatedAt: formatTime(seedTime)})
}

type ghInstallationJSON struct {
	ID                  int64             `json:"id"`
	AppID               int64             `json:"app_id"`
	AppSlug             string            `json:"app_slug"`
	TargetID            int64             `json:"target_id"`
	TargetType          string            `json:"target_type"`
	Account             ghOwnerJSON       `json:"account"`
	RepositorySelection string            `json:"repository_selection"`
	AccessTokensURL     string            `json:"access_tokens_url"`
	RepositoriesURL     string            `json:"repositories_url"`
	Permissions         map[string]string `json:"permissions"`
	Events              []string          `json:"events"`
	CreatedAt           string            `json:"created_at"`
	UpdatedAt           string            `json:"updated_at"`
	SuspendedAt         *string           `json:"suspended_at"`
}

// installationFor finds the app's installation named in the path; another app's installation is not found.
func (e *Emulator) installationFor(w http.ResponseWriter, r *http.Request, app *ghApp, anchor string) *ghInstallation {
	id, err := strconv.ParseInt(r.PathValue("installation_id"), 10, 64)
	inst := e.st.github.apps.installations[id]
	if err != nil || inst == nil || inst.app != app {
		writeGitHubError(w, http.StatusNotFound, "Not Found", ghDocs+anchor)
		return nil
	}
	return inst
}

func (e *Emulator) ghGetInstallation(w http.ResponseWriter, r *http.Request, app *ghApp) {
	inst := e.installationFor(w, r, app, "/apps/apps#get-an-installation-for-the-authenticated-app")
	if inst == nil {
		return
	}
	base := externalBase(r) + GitHubPrefix
	writeJSON(w, http.StatusOK, ghInstallationJSON{ID: inst.id, AppID: app.id, AppSlug: app.slug,
		TargetID: inst.accountID, TargetType: inst.accountType,
		Account:             ghOwnerOut(r, inst.account, inst.accountID, inst.accountType),
		RepositorySelection: inst.selection(),
		AccessTokensURL:     base + "/app/installations/" + strconv.FormatInt(inst.id, 10) + "/access_tokens",
		RepositoriesURL:     base + "/installation/repositories", Permissions: maps.Clone(inst.permissions),
		Events: []string{}, CreatedAt: formatTime(seedTime), UpdatedAt: formatTime(seedTime)})
}

func (inst *ghInstallation) selection() string {
	if inst.repositories == nil {
		return "all"
	}
	return "selected"
}

type ghInstallationTokenJSON struct {
	Token               string            `json:"token"`
	ExpiresAt           string            `json:"expires_at"`
	Permissions         map[string]string `json:"permissions"`
	RepositorySelection string            `json:"repository_selection"`
	Repositories        []ghRepoJSON      `json:"repositories,omitempty"`
}

// ghCreateInstallationToken makes an installation access token. The optional body narrows it:
// {"repositories": ["name"], "repository_ids": [1], "permissions": {"administration": "read"}}; a
// repository or permission beyond the installation's is a 422.
func (e *Emulator) ghCreateInstallationToken(w http.ResponseWriter, r *http.Request, app *ghApp) {
	const anchor = "/apps/apps#create-an-installation-access-token-for-an-app"
	inst := e.installationFor(w, r, app, anchor)
	if inst == nil {
		return
	}
	var body struct {
		Repositories  []string          `json:"repositories"`
		RepositoryIDs []int64           `json:"repository_ids"`
		Permissions   map[string]string `json:"permissions"`
	}
	if err := decodeBody(r, &body); err != nil && !errors.Is(err, errEmptyBody) {
		writeGitHubError(w, http.StatusBadRequest, "Problems parsing JSON", ghDocs+anchor)
		return
	}
	gh := &e.st.github
	t := &ghInstallationToken{installation: inst, permissions: maps.Clone(inst.permissions)}
	var selected []*ghRepo
	narrow := func(repo *ghRepo) bool {
		if repo == nil || !(&ghInstallationToken{installation: inst}).covers(repo) {
			return false
		}
		t.repositories = append(t.repositories, strings.ToLower(repo.name))
		selected = append(selected, repo)
		return true
	}
	for _, name := range body.Repositories {
		if !narrow(gh.repos[strings.ToLower(inst.account+"/"+name)]) {
			writeGitHubError(w, http.StatusUnprocessableEntity, "There is at least one repository that does not exist or is not accessible to the parent installation.", ghDocs+anchor)
			return
		}
	}
	for _, id := range body.RepositoryIDs {
		if !narrow(gh.repoByID[id]) {
			writeGitHubError(w, http.StatusUnprocessableEntity, "There is at least one repository that does not exist or is not accessible to the parent installation.", ghDocs+anchor)
			return
		}
	}
	if body.Permissions != nil {
		for name, level := range body.Permissions {
			if !(&ghInstallationToken{permissions: inst.permissions}).allows(name, level) || (level != "read" && level != "write") {
				writeGitHubError(w, http.StatusUnprocessableEntity, "The permissions requested are not granted to this installation.", ghDocs+anchor)
				return
			}
		}
		t.permissions = maps.Clone(body.Permissions)
	}
	t.expiresAt = e.now().Add(gh.apps.tokenLifetime)
	gh.apps.tokenSeq++
	token := installationTokenText(gh.apps.tokenSeq)
	gh.apps.tokens[token] = t

	out := ghInstallationTokenJSON{Token: token, ExpiresAt: formatTime(t.expiresAt), Permissions: maps.Clone(t.permissions),
		RepositorySelection: inst.selection()}
	if t.repositories != nil {
		out.RepositorySelection = "selected"
	}
	if out.RepositorySelection == "selected" {
		if selected == nil {
			for _, repo := range gh.repoOrder {
				if t.covers(repo) {
					selected = append(selected, repo)
				}
			}
		}
		bot := &ghUser{id: app.botID, login: app.slug + "[bot]", installation: t}
		for _, repo := range selected {
			out.Repositories = append(out.Repositories, ghRepoOut(r, bot, repo))
		}
	}
	writeJSON(w, http.StatusCreated, out)
}

// installationTokenText is a token of GitHub's installation-token form: "ghs_" and 36 characters.
func installationTokenText(seq int) string {
	sum := sha256.Sum256(fmt.Appendf(nil, "github/installation-token/%d", seq))
	return "ghs_" + hex.EncodeToString(sum[:])[:36]
}

// ---- Go API for tests ----

// SetGitHubInstallationTokenLifetime sets how long installation tokens made from now on last (GitHub: one
// hour); tokens already made keep their expiry. Reset restores the seed's setting.
func (e *Emulator) SetGitHubInstallationTokenLifetime(d time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.st.github.apps.tokenLifetime = d
}

// GitHubInstallationTokenLifetime returns how long new installation tokens last.
func (e *Emulator) GitHubInstallationTokenLifetime() time.Duration {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.st.github.apps.tokenLifetime
}

// ExpireGitHubInstallationTokens makes every installation token expire now, before the expires_at its
// holder was told, and returns how many there were: a client must then get a new one.
func (e *Emulator) ExpireGitHubInstallationTokens() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := len(e.st.github.apps.tokens)
	e.st.github.apps.tokens = map[string]*ghInstallationToken{}
	return n
}

func (e *Emulator) adminGitHubAppRoutes() {
	a := AdminPrefix
	e.admin.HandleFunc("GET "+a+"/github/installation_token_lifetime", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"lifetime": e.GitHubInstallationTokenLifetime().String()})
	})
	e.admin.HandleFunc("PUT "+a+"/github/installation_token_lifetime", func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Lifetime string `json:"lifetime"`
		}
		d, err := time.Duration(0), decodeBody(r, &body)
		if err == nil {
			d, err = time.ParseDuration(body.Lifetime)
		}
		if err != nil || d <= 0 {
			writeAdminError(w, http.StatusBadRequest, `body must be {"lifetime": "5s"} with a positive duration`)
			return
		}
		e.SetGitHubInstallationTokenLifetime(d)
		writeNoContent(w)
	})
	e.admin.HandleFunc("PUT "+a+"/clock", func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Offset string `json:"offset"`
		}
		d, err := time.Duration(0), decodeBody(r, &body)
		if err == nil {
			d, err = time.ParseDuration(body.Offset)
		}
		if err != nil {
			writeAdminError(w, http.StatusBadRequest, `body must be {"offset": "-20m"}`)
			return
		}
		e.SetClockOffset(d)
		writeNoContent(w)
	})
	e.admin.HandleFunc("POST "+a+"/github/installation_tokens/expire", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]int{"expired": e.ExpireGitHubInstallationTokens()})
	})
}
