package emulator

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"maps"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Reaching a git host through a Dokploy connection: what packages/server/src/utils/providers/github.ts,
// gitlab.ts, bitbucket.ts and gitea.ts do with fetch (or Octokit) and the connection's credentials, done
// here against the emulated hosts' state. Each listing is what the host's API answers to those
// credentials, and each failure is the message Dokploy builds from the host's answer.
//
// Which host a connection reaches:
//
//   - GitHub: githubUrl normalised as Dokploy does (https only, a dotted host name; anything invalid falls
//     back to https://github.com); github.com is the emulated GitHub.
//   - GitLab: gitlabInternalUrl, else gitlabUrl; gitlab.com or the emulator's own GitLab base
//     (<emulator>/gitlab) is the emulated GitLab.
//   - Gitea: giteaInternalUrl, else giteaUrl; gitea.com or the emulator's own Gitea base (<emulator>/gitea).
//   - Bitbucket: always api.bitbucket.org (Dokploy's URL is fixed): the emulated Bitbucket.
//
// Any other host cannot be reached from the emulator: Node's fetch then throws TypeError "fetch failed",
// which is the message Dokploy passes on.
//
// Errors: a procedure's router either catches what the service throws and answers BAD_REQUEST with its
// message (every testConnection, gitea's listings), or lets it through: a TRPCError keeps its code, any
// other Error becomes INTERNAL_SERVER_ERROR with its message (tRPC's getTRPCErrorFromUnknown).

// Messages of the JavaScript errors Dokploy passes on.
const (
	msgFetchFailed = "fetch failed" // undici's TypeError when the host cannot be reached
	ghRESTDocs     = "https://docs.github.com/rest"
)

// dkReach is a call through a connection: the state, the request that led to it (the emulator's base as
// the client reached it) and the services' clock.
type dkReach struct {
	st  *state
	r   *http.Request
	now time.Time
}

func (e *Emulator) reach(r *http.Request) dkReach { return dkReach{st: e.st, r: r, now: e.now()} }

func (x dkReach) base() string { return externalBase(x.r) }

// jsErr is a plain JavaScript Error (no tRPC code).
func jsErr(message string) *dkError { return &dkError{message: message} }

// uncaught is what tRPC answers for an error a procedure lets through.
func uncaught(err *dkError) *dkError {
	if err.code == "" {
		return dkErr(dkInternal, err.message)
	}
	return err
}

// caught is what a router that wraps every error answers: BAD_REQUEST with the message.
func caught(err *dkError) *dkError { return dkErr(dkBadRequest, err.message) }

// statusText is the reason phrase Node's fetch reports as response.statusText.
func statusText(status int) string { return http.StatusText(status) }

// dkHostAt reports whether raw names the emulated host: its public host name, or the emulator's base
// (as the request came in) followed by prefix.
func dkHostAt(base, raw, publicHost, prefix string) bool {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return false
	}
	if h := strings.ToLower(strings.TrimSuffix(u.Hostname(), ".")); h == publicHost || h == "www."+publicHost {
		return true
	}
	return strings.EqualFold(u.Scheme+"://"+u.Host, base) && strings.TrimRight(u.Path, "/") == prefix
}

// trimmedBase is Dokploy's (internalUrl || url).replace(/\/+$/, "").
func trimmedBase(internal *string, public string) string {
	if str(internal) != "" {
		return strings.TrimRight(*internal, "/")
	}
	return strings.TrimRight(public, "/")
}

// cloneHost is the "host[:port]/path" part of an http(s) URL without its scheme, as Dokploy writes it in
// "Cloning Repo …" (url.replace(/^https?:\/\//, "")).
func cloneHost(raw string) string {
	return strings.TrimPrefix(strings.TrimPrefix(raw, "https://"), "http://")
}

// gitUnreachable is git's answer for a host that does not resolve.
func gitUnreachable(cloneURL string) string {
	host := cloneHost(cloneURL)
	host, _, _ = strings.Cut(host, "/")
	if h, _, ok := strings.Cut(host, ":"); ok {
		host = h
	}
	return "fatal: unable to access '" + cloneURL + "/': Could not resolve host: " + host
}

// gitBranchMissing is git's answer for a clone of a branch the repository does not have.
func gitBranchMissing(branch string) []string {
	return []string{"warning: Could not find remote branch " + branch + " to clone.",
		"fatal: Remote branch " + branch + " not found in upstream origin"}
}

// ---- GitHub ----

// urlScheme is parseGithubBaseUrl's test for a URL that names its scheme.
var urlScheme = regexp.MustCompile(`(?i)^[a-z][a-z0-9+.-]*://`)

// dkGithubEmulated reports whether a connection's githubUrl is GitHub.com (the emulated GitHub) once
// normalised as parseGithubBaseUrl and normalizeGithubUrl do.
func dkGithubEmulated(githubURL string) bool {
	raw := strings.TrimSpace(githubURL)
	if raw == "" {
		return true
	}
	if !urlScheme.MatchString(raw) {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" {
		return true // invalid: Dokploy falls back to https://github.com
	}
	host := strings.ToLower(strings.TrimRight(u.Hostname(), "."))
	if !strings.Contains(host, ".") {
		return true
	}
	return host == "github.com" || host == "www.github.com"
}

// dkGithubInstallation authenticates as the connection's app installation, as Octokit's createAppAuth
// does: the options first (its constructor's checks), then a JWT signed with the private key exchanged
// for an installation token. It returns the installation's bot user.
func (x dkReach) githubInstallation(g *dkGithubRow) (*ghUser, *dkError) {
	switch {
	case g.GithubAppID == nil || *g.GithubAppID == 0:
		return nil, jsErr("[@octokit/auth-app] appId option is required")
	case str(g.GithubPrivateKey) == "":
		return nil, jsErr("[@octokit/auth-app] privateKey option is required")
	case str(g.GithubInstallationID) == "":
		return nil, jsErr("[@octokit/auth-app] installationId is set to a falsy value")
	case !dkGithubEmulated(g.GithubURL):
		return nil, jsErr(msgFetchFailed)
	}
	key, ok := parseRSAPrivateKeyPEM(*g.GithubPrivateKey)
	if !ok {
		// Node's crypto.createPrivateKey refusing the text; the exact wording is OpenSSL's and not
		// confirmed here.
		return nil, jsErr("error:1E08010C:DECODER routines::unsupported")
	}
	apps := &x.st.github.apps
	app := apps.apps[*g.GithubAppID]
	if app == nil {
		// Octokit's RequestError message is "<message> - <documentation_url>".
		return nil, jsErr("Integration not found - " + ghRESTDocs)
	}
	if !key.PublicKey.Equal(app.key) {
		return nil, jsErr(msgJWTUndecodable + " - " + ghRESTDocs)
	}
	id, err := strconv.ParseInt(*g.GithubInstallationID, 10, 64)
	inst := apps.installations[id]
	if err != nil || inst == nil || inst.app != app {
		return nil, jsErr("Not Found - " + ghRESTDocs + "/apps/apps#create-an-installation-access-token-for-an-app")
	}
	t := &ghInstallationToken{installation: inst, permissions: maps.Clone(inst.permissions), expiresAt: x.now.Add(apps.tokenLifetime)}
	return &ghUser{id: app.botID, login: app.slug + "[bot]", installation: t}, nil
}

// parseRSAPrivateKeyPEM reads a PKCS#1 ("RSA PRIVATE KEY", as GitHub hands app keys out) or PKCS#8 key.
func parseRSAPrivateKeyPEM(text string) (*rsa.PrivateKey, bool) {
	block, _ := pem.Decode([]byte(strings.TrimSpace(text)))
	if block == nil {
		return nil, false
	}
	if k, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		return k, true
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	rk, ok := k.(*rsa.PrivateKey)
	return rk, err == nil && ok
}

// dkGithubRepositories is getGithubRepositories: every repository the installation may use (GET
// /installation/repositories, all pages), as GitHub's repository objects.
func (x dkReach) githubRepositories(g *dkGithubRow) ([]ghRepoJSON, *dkError) {
	bot, err := x.githubInstallation(g)
	if err != nil {
		return nil, err
	}
	out := []ghRepoJSON{}
	for _, repo := range x.st.github.repoOrder {
		if bot.installation.covers(repo) {
			out = append(out, ghRepoOut(x.r, bot, repo))
		}
	}
	return out, nil
}

// dkGithubBranches is getGithubBranches: GET /repos/{owner}/{repo}/branches as the installation.
func (x dkReach) githubBranches(g *dkGithubRow, owner, name string) ([]ghBranchJSON, *dkError) {
	bot, err := x.githubInstallation(g)
	if err != nil {
		return nil, err
	}
	repo := x.st.github.repos[strings.ToLower(owner+"/"+name)]
	if repo == nil || !bot.canSee(repo) {
		return nil, jsErr("Not Found - " + ghRESTDocs + "/branches/branches#list-branches")
	}
	out := make([]ghBranchJSON, 0, len(repo.branches))
	for _, b := range repo.branches {
		out = append(out, ghBranchOut(x.r, repo, b))
	}
	return out, nil
}

// ---- GitLab ----

// dkGitlabReachable reports whether the connection's URL is the emulated GitLab.
func dkGitlabReachable(base string, g *dkGitlabRow) bool {
	return dkHostAt(base, trimmedBase(g.GitlabInternalURL, g.GitlabURL), "gitlab.com", "/gitlab")
}

// gitlabTokenLifetime is how long GitLab's OAuth access tokens last (expires_in: 7200).
const gitlabTokenLifetime = 2 * time.Hour

// dkRefreshGitlab is refreshGitlabToken: unless expiresAt is more than a minute ahead, the refresh token
// is exchanged at <gitlab>/oauth/token for new tokens. A connection nobody authorised has no refresh token
// and no expiry, so every call that refreshes fails.
func (x dkReach) refreshGitlab(g *dkGitlabRow) *dkError {
	now := x.now.Unix()
	if g.ExpiresAt != nil && *g.ExpiresAt != 0 && now+60 < *g.ExpiresAt {
		return nil
	}
	if !dkGitlabReachable(x.base(), g) {
		return jsErr(msgFetchFailed)
	}
	// URLSearchParams writes a null refresh token as "null": no grant has it.
	grant, status := x.st.gitlab.oauth.refresh(HostGitLab, str(g.RefreshToken), str(g.ApplicationID), str(g.Secret))
	if grant == nil {
		return jsErr("Failed to refresh token: " + statusText(status))
	}
	expires := now + int64(gitlabTokenLifetime/time.Second)
	g.AccessToken, g.RefreshToken, g.ExpiresAt = ptrString(grant.accessToken), ptrString(grant.refreshToken), &expires
	return nil
}

// dkGitlabProjects is validateGitlabProvider: GET /projects?membership=true, every page, with the
// connection's access token.
func (x dkReach) gitlabProjects(g *dkGitlabRow) ([]*glProject, *dkError) {
	if !dkGitlabReachable(x.base(), g) {
		return nil, jsErr(msgFetchFailed)
	}
	gl := &x.st.gitlab
	u := gl.userByToken(str(g.AccessToken))
	if str(g.AccessToken) == "" || u == nil {
		return nil, dkErr(dkBadRequest, "Failed to fetch repositories: "+statusText(http.StatusUnauthorized))
	}
	var out []*glProject
	for _, p := range gl.projectOrder {
		if u.isMember(p) && u.canSee(p) {
			out = append(out, p)
		}
	}
	return out, nil
}

// dkGitlabInGroups is Dokploy's filter of the project list: with groups (a comma-separated list), the
// projects whose namespace's full path starts with one of them; without, the personal projects.
func dkGitlabInGroups(p *glProject, groups string) bool {
	if groups == "" {
		return p.personal
	}
	ns := strings.ToLower(p.namespace)
	for _, name := range strings.Split(groups, ",") {
		if strings.HasPrefix(ns, strings.ToLower(strings.TrimSpace(name))) {
			return true
		}
	}
	return false
}

// dkRepoOwner and dkRepoListed are the entries of getGitlabRepositories and getGiteaRepositories.
type (
	dkRepoOwner struct {
		Username string `json:"username"`
	}
	dkRepoListed struct {
		ID    int64       `json:"id"`
		Name  string      `json:"name"`
		URL   string      `json:"url"` // path_with_namespace (GitLab), full_name (Gitea)
		Owner dkRepoOwner `json:"owner"`
	}
)

// dkGitlabRepositories is getGitlabRepositories: refresh, list, keep the connection's groups (or the
// personal projects), map.
func (x dkReach) gitlabRepositories(g *dkGitlabRow) ([]dkRepoListed, *dkError) {
	if err := x.refreshGitlab(g); err != nil {
		return nil, err
	}
	projects, err := x.gitlabProjects(g)
	if err != nil {
		return nil, err
	}
	out := []dkRepoListed{}
	for _, p := range projects {
		if dkGitlabInGroups(p, str(g.GroupName)) {
			out = append(out, dkRepoListed{ID: p.id, Name: p.name, URL: p.pathWithNamespace(),
				Owner: dkRepoOwner{Username: path.Base(p.namespace)}}) // namespace.path: the last segment
		}
	}
	return out, nil
}

// dkGitlabTest is testGitlabConnection: the number of projects in the groups the caller names (not the
// connection's stored groupName), or of personal projects.
func (x dkReach) gitlabTest(g *dkGitlabRow, groups string) (int, *dkError) {
	if err := x.refreshGitlab(g); err != nil {
		return 0, err
	}
	projects, err := x.gitlabProjects(g)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, p := range projects {
		if dkGitlabInGroups(p, groups) {
			n++
		}
	}
	return n, nil
}

// dkGitlabBranches is getGitlabBranches: GET /projects/{id}/repository/branches with the stored access
// token (no refresh here), GitLab's branch objects as they come.
func (x dkReach) gitlabBranches(g *dkGitlabRow, projectID int64) ([]glBranchJSON, *dkError) {
	if !dkGitlabReachable(x.base(), g) {
		return nil, jsErr(msgFetchFailed)
	}
	gl := &x.st.gitlab
	u := gl.userByToken(str(g.AccessToken))
	if str(g.AccessToken) == "" || u == nil {
		return nil, jsErr("Failed to fetch branches: " + statusText(http.StatusUnauthorized))
	}
	p := gl.projectByID[projectID]
	if p == nil || !u.canSee(p) {
		return nil, jsErr("Failed to fetch branches: " + statusText(http.StatusNotFound))
	}
	out := make([]glBranchJSON, 0, len(p.branches))
	for _, b := range p.branches {
		out = append(out, glBranchOut(x.r, u, p, b))
	}
	return out, nil
}

// ---- Gitea ----

func dkGiteaReachable(base string, g *dkGiteaRow) bool {
	return dkHostAt(base, trimmedBase(g.GiteaInternalURL, g.GiteaURL), "gitea.com", "/gitea")
}

// giteaTokenLifetime is how long Gitea's OAuth access tokens last (ACCESS_TOKEN_EXPIRATION_TIME).
const giteaTokenLifetime = time.Hour

// dkRefreshGitea is refreshGiteaToken: only a connection with an OAuth client and a refresh token is
// refreshed, when its token expires within five minutes (or has no expiry); a failed refresh keeps the
// old token and reports nothing.
func (x dkReach) refreshGitea(g *dkGiteaRow) {
	if str(g.ClientID) == "" || str(g.ClientSecret) == "" || str(g.RefreshToken) == "" {
		return
	}
	now := x.now.Unix()
	if g.ExpiresAt != nil && *g.ExpiresAt > now+300 && str(g.AccessToken) != "" {
		return
	}
	if !dkGiteaReachable(x.base(), g) {
		return
	}
	grant, _ := x.st.gitea.oauth.refresh(HostGitea, *g.RefreshToken, *g.ClientID, *g.ClientSecret)
	if grant == nil {
		return
	}
	expires := now + int64(giteaTokenLifetime/time.Second)
	g.AccessToken, g.RefreshToken, g.ExpiresAt = ptrString(grant.accessToken), ptrString(grant.refreshToken), &expires
}

// dkGiteaUser is the Gitea user the connection's token stands for (nil: Gitea answers 401).
func (x dkReach) giteaUser(g *dkGiteaRow) *gtUser {
	if str(g.AccessToken) == "" {
		return nil
	}
	return x.st.gitea.userByToken(*g.AccessToken)
}

// dkGiteaRepos is GET /user/repos with the connection's token, every page: the repositories its user
// owns or administers.
func (x dkReach) giteaRepos(u *gtUser) []*gtRepo {
	var out []*gtRepo
	for _, repo := range x.st.gitea.repoOrder {
		if u.isAdmin(repo) {
			out = append(out, repo)
		}
	}
	return out
}

// dkGiteaRepositories is getGiteaRepositories.
func (x dkReach) giteaRepositories(g *dkGiteaRow) ([]dkRepoListed, *dkError) {
	x.refreshGitea(g)
	if !dkGiteaReachable(x.base(), g) {
		return nil, jsErr(msgFetchFailed)
	}
	u := x.giteaUser(g)
	if u == nil {
		return nil, dkErr(dkBadRequest, "Failed to fetch repositories: "+statusText(http.StatusUnauthorized))
	}
	out := []dkRepoListed{}
	for _, repo := range x.giteaRepos(u) {
		out = append(out, dkRepoListed{ID: repo.id, Name: repo.name, URL: repo.fullName(), Owner: dkRepoOwner{Username: repo.ownerLogin}})
	}
	return out, nil
}

// dkGiteaTest is testGiteaConnection: the number of repositories of GET /user/repos; it records when the
// connection last authenticated.
func (x dkReach) giteaTest(g *dkGiteaRow) (int, *dkError) {
	x.refreshGitea(g)
	if str(g.AccessToken) == "" {
		return 0, dkErr(dkUnauthorized, "No access token available. Please authorize with Gitea.")
	}
	if !dkGiteaReachable(x.base(), g) {
		return 0, jsErr(msgFetchFailed)
	}
	u := x.giteaUser(g)
	if u == nil {
		return 0, jsErr("Failed to connect to Gitea API: 401 " + statusText(http.StatusUnauthorized))
	}
	now := x.now.Unix()
	g.LastAuthenticatedAt = &now
	return len(x.giteaRepos(u)), nil
}

// dkGiteaBranch is an entry of getGiteaBranches.
type dkGiteaBranch struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Commit struct {
		ID string `json:"id"`
	} `json:"commit"`
}

// dkGiteaBranches is getGiteaBranches: GET /repos/{owner}/{repo}/branches, every page.
func (x dkReach) giteaBranches(g *dkGiteaRow, owner, name string) ([]dkGiteaBranch, *dkError) {
	x.refreshGitea(g)
	if !dkGiteaReachable(x.base(), g) {
		return nil, jsErr(msgFetchFailed)
	}
	u := x.giteaUser(g)
	if u == nil {
		return nil, jsErr("Failed to fetch branches: " + statusText(http.StatusUnauthorized))
	}
	repo := x.st.gitea.repos[strings.ToLower(owner+"/"+name)]
	if repo == nil || !u.canSee(repo) {
		return nil, jsErr("Failed to fetch branches: " + statusText(http.StatusNotFound))
	}
	out := make([]dkGiteaBranch, 0, len(repo.branches))
	for _, b := range repo.branches {
		entry := dkGiteaBranch{ID: b, Name: b}
		entry.Commit.ID = headSHA(repo.heads, HostGitea, repo.fullName(), b)
		out = append(out, entry)
	}
	return out, nil
}

// ---- Bitbucket ----

// dkBitbucketCaller is getBitbucketHeaders then Bitbucket's auth: an API token goes with the Atlassian
// e-mail, else the username and app password (which Bitbucket no longer accepts: 401 here).
func (x dkReach) bitbucketCaller(b *dkBitbucketRow) (bbCaller, bool, *dkError) {
	var user, secret string
	switch {
	case str(b.APIToken) != "":
		if str(b.BitbucketEmail) == "" {
			return bbCaller{}, false, jsErr("Atlassian account email is required when using API token for API calls")
		}
		user, secret = *b.BitbucketEmail, *b.APIToken
	case str(b.BitbucketUsername) == "" || str(b.AppPassword) == "":
		return bbCaller{}, false, jsErr("Username and app password are required when not using API token")
	default:
		user, secret = *b.BitbucketUsername, *b.AppPassword
	}
	req := &http.Request{Header: http.Header{"Authorization": {"Basic " +
		base64.StdEncoding.EncodeToString([]byte(user+":"+secret))}}}
	c, ok := x.st.bitbucket.caller(req)
	return c, ok, nil
}

// dkBitbucketListed is an entry of getBitbucketRepositories.
type dkBitbucketListed struct {
	Name  string      `json:"name"`
	URL   string      `json:"url"` // links.html.href
	Slug  string      `json:"slug"`
	Owner dkRepoOwner `json:"owner"`
}

// dkBitbucketWorkspaceRepos is GET /repositories/{workspace}: the status of the answer and the
// repositories the caller may read.
func (x dkReach) bitbucketWorkspaceRepos(c bbCaller, ok bool, workspace string) (int, []*bbRepo) {
	if !ok {
		return http.StatusUnauthorized, nil
	}
	ws := x.st.bitbucket.workspace(workspace)
	if ws == nil {
		return http.StatusNotFound, nil
	}
	var out []*bbRepo
	for _, repo := range x.st.bitbucket.repoOrder {
		if repo.workspace == ws && c.canRead(repo) {
			out = append(out, repo)
		}
	}
	return http.StatusOK, out
}

// jsTemplate is how a JavaScript template literal writes a nullable string.
func jsTemplate(s *string) string {
	if s == nil {
		return "null"
	}
	return *s
}

// dkBitbucketRepositories is getBitbucketRepositories: the workspace (bitbucketWorkspaceName, else
// bitbucketUsername) listed with pagelen=100, every page.
func (x dkReach) bitbucketRepositories(b *dkBitbucketRow) ([]dkBitbucketListed, *dkError) {
	c, ok, err := x.bitbucketCaller(b)
	if err != nil {
		return nil, err
	}
	workspace := b.BitbucketWorkspaceName
	if str(workspace) == "" {
		workspace = b.BitbucketUsername
	}
	status, repos := x.bitbucketWorkspaceRepos(c, ok, jsTemplate(workspace))
	if status != http.StatusOK {
		return nil, dkErr(dkBadRequest, "Failed to fetch repositories: "+statusText(status))
	}
	out := []dkBitbucketListed{}
	for _, repo := range repos {
		out = append(out, dkBitbucketListed{Name: repo.name, URL: bbWeb(x.base()) + "/" + repo.fullName(), Slug: repo.slug,
			Owner: dkRepoOwner{Username: repo.workspace.slug}})
	}
	return out, nil
}

// dkBitbucketTest is testBitbucketConnection: the first page (Bitbucket's default of 10) of the
// workspace the caller names (workspaceName, else bitbucketUsername, from the request: not the stored
// ones; "undefined" when neither is sent).
func (x dkReach) bitbucketTest(b *dkBitbucketRow, workspace string) (int, *dkError) {
	c, ok, err := x.bitbucketCaller(b)
	if err != nil {
		return 0, err
	}
	status, repos := x.bitbucketWorkspaceRepos(c, ok, workspace)
	if status != http.StatusOK {
		return 0, dkErr(dkBadRequest, "Failed to fetch repositories: "+statusText(status))
	}
	return min(len(repos), bbDefaultPagelen), nil
}

// dkBitbucketBranch is an entry of getBitbucketBranches.
type dkBitbucketBranch struct {
	Name   string `json:"name"`
	Commit struct {
		SHA string `json:"sha"`
	} `json:"commit"`
}

// dkBitbucketBranches is getBitbucketBranches: GET /repositories/{owner}/{repo}/refs/branches, every page.
func (x dkReach) bitbucketBranches(b *dkBitbucketRow, owner, name string) ([]dkBitbucketBranch, *dkError) {
	c, ok, err := x.bitbucketCaller(b)
	if err != nil {
		return nil, err
	}
	httpError := func(status int) *dkError { return dkErr(dkBadRequest, "HTTP error! status: "+strconv.Itoa(status)) }
	if !ok {
		return nil, httpError(http.StatusUnauthorized)
	}
	repo := x.st.bitbucket.repo(owner, name)
	switch {
	case repo == nil:
		return nil, httpError(http.StatusNotFound)
	case !c.canRead(repo):
		return nil, httpError(http.StatusForbidden)
	}
	out := make([]dkBitbucketBranch, 0, len(repo.branches))
	for _, br := range repo.branches {
		entry := dkBitbucketBranch{Name: br}
		entry.Commit.SHA = headSHA(repo.heads, HostBitbucket, repo.fullName(), br)
		out = append(out, entry)
	}
	return out, nil
}

// ---- procedures ----

func (e *Emulator) dkGithubGetRepositories(w http.ResponseWriter, r *http.Request, in dkInput) {
	p, ok := e.dkFindConn(w, in, kindGitHub)
	if !ok {
		return
	}
	repos, err := e.reach(r).githubRepositories(p.github)
	if err != nil {
		fail(w, uncaught(err))
		return
	}
	writeDokployResult(w, repos)
}

func (e *Emulator) dkGithubGetBranches(w http.ResponseWriter, r *http.Request, in dkInput) {
	v, err := in.validate(reqStr("repo", 1), reqStr("owner", 1), optStr("githubId"))
	if err != nil {
		fail(w, err)
		return
	}
	if v.str("githubId") == "" {
		writeDokployResult(w, []any{})
		return
	}
	p := e.st.dokploy.githubConn(v.str("githubId"))
	if p == nil {
		fail(w, dkProviderNotFound(kindGitHub))
		return
	}
	branches, reachErr := e.reach(r).githubBranches(p.github, v.str("owner"), v.str("repo"))
	if reachErr != nil {
		fail(w, uncaught(reachErr))
		return
	}
	writeDokployResult(w, branches)
}

// dkGithubTestConnection is github.testConnection: "Found N repositories"; every failure is a 400.
func (e *Emulator) dkGithubTestConnection(w http.ResponseWriter, r *http.Request, in dkInput) {
	v, err := in.validate(reqStr("githubId", 1))
	if err != nil {
		fail(w, err)
		return
	}
	p := e.st.dokploy.githubConn(v.str("githubId"))
	if p == nil {
		fail(w, caught(dkProviderNotFound(kindGitHub)))
		return
	}
	repos, reachErr := e.reach(r).githubRepositories(p.github)
	if reachErr != nil {
		fail(w, caught(reachErr))
		return
	}
	writeDokployResult(w, "Found "+strconv.Itoa(len(repos))+" repositories")
}

func (e *Emulator) dkGitlabGetRepositories(w http.ResponseWriter, r *http.Request, in dkInput) {
	p, ok := e.dkFindConn(w, in, kindGitLab)
	if !ok {
		return
	}
	repos, err := e.reach(r).gitlabRepositories(p.gitlab)
	if err != nil {
		fail(w, uncaught(err))
		return
	}
	writeDokployResult(w, repos)
}

// dkGitlabGetBranches is gitlab.getGitlabBranches: without gitlabId or a project id (id), [].
func (e *Emulator) dkGitlabGetBranches(w http.ResponseWriter, r *http.Request, in dkInput) {
	v, err := in.validate(optNum("id"), reqStr("owner", 0), reqStr("repo", 0), optStr("gitlabId"))
	if err != nil {
		fail(w, err)
		return
	}
	var p *dkGitProvider
	if v.str("gitlabId") != "" {
		if p = e.st.dokploy.gitlabConn(v.str("gitlabId")); p == nil {
			fail(w, dkProviderNotFound(kindGitLab))
			return
		}
	}
	id, _ := v["id"].(float64)
	if p == nil || id == 0 {
		writeDokployResult(w, []any{})
		return
	}
	branches, reachErr := e.reach(r).gitlabBranches(p.gitlab, int64(id))
	if reachErr != nil {
		fail(w, uncaught(reachErr))
		return
	}
	writeDokployResult(w, branches)
}

// dkGitlabTestConnection is gitlab.testConnection {gitlabId, groupName?}: "Found N repositories"; every
// failure, a missing connection included, is a 400.
func (e *Emulator) dkGitlabTestConnection(w http.ResponseWriter, r *http.Request, in dkInput) {
	v, err := in.validate(reqStr("gitlabId", 1), optStr("groupName"))
	if err != nil {
		fail(w, err)
		return
	}
	p := e.st.dokploy.gitlabConn(v.str("gitlabId"))
	if p == nil {
		fail(w, caught(dkProviderNotFound(kindGitLab)))
		return
	}
	n, reachErr := e.reach(r).gitlabTest(p.gitlab, v.str("groupName"))
	if reachErr != nil {
		fail(w, caught(reachErr))
		return
	}
	writeDokployResult(w, "Found "+strconv.Itoa(n)+" repositories")
}

func (e *Emulator) dkBitbucketGetRepositories(w http.ResponseWriter, r *http.Request, in dkInput) {
	p, ok := e.dkFindConn(w, in, kindBitbucket)
	if !ok {
		return
	}
	repos, err := e.reach(r).bitbucketRepositories(p.bitbucket)
	if err != nil {
		fail(w, uncaught(err))
		return
	}
	writeDokployResult(w, repos)
}

// dkBitbucketGetBranches is bitbucket.getBitbucketBranches: without bitbucketId, [].
func (e *Emulator) dkBitbucketGetBranches(w http.ResponseWriter, r *http.Request, in dkInput) {
	v, err := in.validate(reqStr("owner", 0), reqStr("repo", 0), optStr("bitbucketId"))
	if err != nil {
		fail(w, err)
		return
	}
	if v.str("bitbucketId") == "" {
		writeDokployResult(w, []any{})
		return
	}
	p := e.st.dokploy.bitbucketConn(v.str("bitbucketId"))
	if p == nil {
		fail(w, dkProviderNotFound(kindBitbucket))
		return
	}
	branches, reachErr := e.reach(r).bitbucketBranches(p.bitbucket, v.str("owner"), v.str("repo"))
	if reachErr != nil {
		fail(w, uncaught(reachErr))
		return
	}
	writeDokployResult(w, branches)
}

// dkBitbucketTestConnection is bitbucket.testConnection: "Found N repositories" for the workspace named
// in the request; every failure is a 400.
func (e *Emulator) dkBitbucketTestConnection(w http.ResponseWriter, r *http.Request, in dkInput) {
	v, err := in.validate(reqStr("bitbucketId", 1), optStr("bitbucketUsername"), dkEmail("bitbucketEmail"),
		optStr("workspaceName"), optStr("apiToken"), optStr("appPassword"))
	if err != nil {
		fail(w, err)
		return
	}
	p := e.st.dokploy.bitbucketConn(v.str("bitbucketId"))
	if p == nil {
		fail(w, caught(dkProviderNotFound(kindBitbucket)))
		return
	}
	workspace := "undefined" // neither member sent: the template literal writes undefined
	if s := v.str("workspaceName"); s != "" {
		workspace = s
	} else if v.has("bitbucketUsername") {
		workspace = v.str("bitbucketUsername")
	}
	n, reachErr := e.reach(r).bitbucketTest(p.bitbucket, workspace)
	if reachErr != nil {
		fail(w, caught(reachErr))
		return
	}
	writeDokployResult(w, "Found "+strconv.Itoa(n)+" repositories")
}

// dkGiteaGetRepositories is gitea.getGiteaRepositories: a missing connection is 404, any failure of the
// listing a 400.
func (e *Emulator) dkGiteaGetRepositories(w http.ResponseWriter, r *http.Request, in dkInput) {
	p, ok := e.dkFindConn(w, in, kindGitea)
	if !ok {
		return
	}
	repos, err := e.reach(r).giteaRepositories(p.gitea)
	if err != nil {
		fail(w, caught(err))
		return
	}
	writeDokployResult(w, repos)
}

// dkGiteaGetBranches is gitea.getGiteaBranches {owner, repositoryName, giteaId}.
func (e *Emulator) dkGiteaGetBranches(w http.ResponseWriter, r *http.Request, in dkInput) {
	v, err := in.validate(reqStr("owner", 1), reqStr("repositoryName", 1), optStr("giteaId"))
	if err != nil {
		fail(w, err)
		return
	}
	if v.str("giteaId") == "" {
		fail(w, dkErr(dkBadRequest, "Gitea provider ID, owner, and repository name are required."))
		return
	}
	p := e.st.dokploy.giteaConn(v.str("giteaId"))
	if p == nil {
		fail(w, dkProviderNotFound(kindGitea))
		return
	}
	branches, reachErr := e.reach(r).giteaBranches(p.gitea, v.str("owner"), v.str("repositoryName"))
	if reachErr != nil {
		fail(w, caught(reachErr))
		return
	}
	writeDokployResult(w, branches)
}

// dkGiteaTestConnection is gitea.testConnection {giteaId?}: a missing connection is 404 (looked up
// before the try), any other failure a 400.
func (e *Emulator) dkGiteaTestConnection(w http.ResponseWriter, r *http.Request, in dkInput) {
	v, err := in.validate(optStr("giteaId"), optStr("organizationName"))
	if err != nil {
		fail(w, err)
		return
	}
	p := e.st.dokploy.giteaConn(v.str("giteaId"))
	if p == nil {
		fail(w, dkProviderNotFound(kindGitea))
		return
	}
	n, reachErr := e.reach(r).giteaTest(p.gitea)
	if reachErr != nil {
		fail(w, caught(reachErr))
		return
	}
	writeDokployResult(w, "Found "+strconv.Itoa(n)+" repositories")
}

// ---- clones ----

// dkCloneResult is the clone step of a deployment: its log lines, whether it failed, the commit.
type dkCloneResult struct {
	log    []string
	failed bool
	sha    string
}

func cloneFailed(log ...string) dkCloneResult { return dkCloneResult{log: log, failed: true} }

// thrown is a deployment whose clone command could not even be built: the error's message goes to the
// log (deployApplication's catch), then the error line.
func thrown(err *dkError) dkCloneResult { return cloneFailed(err.message) }

// requirement is one of Dokploy's "Reasons:" for missing repository settings.
type requirement struct {
	missing bool
	reason  string
}

// requirements lists the reasons that apply.
func requirements(checks ...requirement) []string {
	var out []string
	for _, c := range checks {
		if c.missing {
			out = append(out, c.reason)
		}
	}
	return out
}

// cloneThroughConnection clones an application linked through a connection (sourceType github, gitlab,
// gitea or bitbucket): Dokploy's clone<Kind>Repository, then git against the emulated host with the
// connection's credentials over HTTPS. It succeeds when the repository and branch exist and the
// credentials may read the repository. Git's own messages are written as git writes them for HTTPS; the
// hosts' "remote:" lines are not confirmed by their docs.
func (x dkReach) cloneThroughConnection(a *dkApplication) dkCloneResult {
	dk := &x.st.dokploy
	out := "/etc/dokploy/applications/" + a.str("appName") + "/code"
	cloning := func(repoClone string) string { return "Cloning Repo " + repoClone + " to " + out + ": ✅" }
	into := "Cloning into '" + out + "'..."
	switch kind := a.str("sourceType"); kind {
	case kindGitHub:
		p := dk.githubConn(a.str("githubId"))
		if p == nil {
			return cloneFailed("Error: ❌ Github Provider not found")
		}
		if reasons := requirements(requirement{a.str("repository") == "", "1. Repository not assigned."},
			requirement{a.str("owner") == "", "2. Owner not specified."},
			requirement{a.str("branch") == "", "3. Branch not defined."}); len(reasons) > 0 {
			return cloneFailed(append([]string{"GitHub Repository configuration failed for application: " + a.str("appName"), "Reasons:"}, reasons...)...)
		}
		if !haveGithubRequirements(p.github) {
			return thrown(dkErr(dkNotFound, "Github Account not configured correctly"))
		}
		bot, err := x.githubInstallation(p.github)
		if err != nil {
			return thrown(err)
		}
		full := a.str("owner") + "/" + a.str("repository")
		repoClone := "github.com/" + full + ".git"
		cloneURL := "https://" + repoClone
		log := []string{cloning(repoClone), into}
		repo := x.st.github.repos[strings.ToLower(full)]
		if repo == nil || !bot.canSee(repo) {
			return cloneFailed(append(log, "remote: Repository not found.", "fatal: repository '"+cloneURL+"/' not found")...)
		}
		return finishClone(log, a.str("branch"), repo.branches, func(b string) string { return headSHA(repo.heads, HostGitHub, repo.fullName(), b) })
	case kindGitLab:
		p := dk.gitlabConn(a.str("gitlabId"))
		if p == nil {
			return cloneFailed("Error: ❌ Gitlab Provider not found")
		}
		g := p.gitlab
		if err := x.refreshGitlab(g); err != nil {
			return thrown(err)
		}
		if reasons := requirements(requirement{a.str("gitlabRepository") == "", "1. Repository not assigned."},
			requirement{a.str("gitlabOwner") == "", "2. Owner not specified."},
			requirement{a.str("gitlabBranch") == "", "3. Branch not defined."},
			requirement{a.str("gitlabPathNamespace") == "", "4. Path namespace not defined."}); len(reasons) > 0 {
			return cloneFailed(append([]string{"❌ [ERROR] GitLab Repository configuration failed for application: " + a.str("appName"), "Reasons:"}, reasons...)...)
		}
		hostURL := strings.TrimRight(trimmedBase(g.GitlabInternalURL, g.GitlabURL), "/")
		repoClone := cloneHost(hostURL) + "/" + a.str("gitlabPathNamespace") + ".git"
		scheme := "http://"
		if strings.HasPrefix(hostURL, "https://") {
			scheme = "https://"
		}
		cloneURL := scheme + repoClone
		log := []string{cloning(repoClone), into}
		if !dkGitlabReachable(x.base(), g) {
			return cloneFailed(append(log, gitUnreachable(cloneURL))...)
		}
		u := x.st.gitlab.userByToken(str(g.AccessToken))
		if str(g.AccessToken) == "" || u == nil {
			return cloneFailed(append(log, "remote: HTTP Basic: Access denied.", "fatal: Authentication failed for '"+cloneURL+"/'")...)
		}
		project := x.st.gitlab.projects[strings.ToLower(a.str("gitlabPathNamespace"))]
		if project == nil || !u.canSee(project) {
			return cloneFailed(append(log, "remote: The project you were looking for could not be found or you don't have permission to view it.",
				"fatal: repository '"+cloneURL+"/' not found")...)
		}
		return finishClone(log, a.str("gitlabBranch"), project.branches, func(b string) string {
			return headSHA(project.heads, HostGitLab, project.pathWithNamespace(), b)
		})
	case kindGitea:
		p := dk.giteaConn(a.str("giteaId"))
		if p == nil {
			return cloneFailed("Error: ❌ Gitea Provider not found")
		}
		g := p.gitea
		x.refreshGitea(g)
		full := a.str("giteaOwner") + "/" + a.str("giteaRepository")
		hostURL := trimmedBase(g.GiteaInternalURL, g.GiteaURL)
		scheme := "https://"
		if strings.HasPrefix(hostURL, "http://") {
			scheme = "http://"
		}
		cloneURL := scheme + cloneHost(hostURL) + "/" + full + ".git"
		log := []string{cloning(full + ".git"), into}
		if !dkGiteaReachable(x.base(), g) {
			return cloneFailed(append(log, gitUnreachable(cloneURL))...)
		}
		u := x.giteaUser(g)
		if u == nil {
			return cloneFailed(append(log, "remote: Unauthorized", "fatal: Authentication failed for '"+cloneURL+"/'")...)
		}
		repo := x.st.gitea.repos[strings.ToLower(full)]
		if repo == nil || !u.canSee(repo) {
			return cloneFailed(append(log, "remote: Not found.", "fatal: repository '"+cloneURL+"/' not found")...)
		}
		return finishClone(log, a.str("giteaBranch"), repo.branches, func(b string) string { return headSHA(repo.heads, HostGitea, repo.fullName(), b) })
	case kindBitbucket:
		p := dk.bitbucketConn(a.str("bitbucketId"))
		if p == nil {
			return cloneFailed("Error: ❌ Bitbucket Provider not found")
		}
		b := p.bitbucket
		slug := a.str("bitbucketRepositorySlug")
		if slug == "" {
			slug = a.str("bitbucketRepository")
		}
		repoClone := "bitbucket.org/" + a.str("bitbucketOwner") + "/" + slug + ".git"
		cloneURL := "https://" + repoClone
		if str(b.APIToken) == "" && (str(b.BitbucketUsername) == "" || str(b.AppPassword) == "") {
			return thrown(jsErr("Username and app password are required when not using API token"))
		}
		log := []string{cloning(repoClone), into}
		// Git over HTTPS takes an API token with the fixed user name x-bitbucket-api-token-auth (the
		// account's e-mail is not needed); app passwords are retired.
		var c bbCaller
		ok := false
		for _, u := range x.st.bitbucket.users {
			if str(b.APIToken) != "" && u.apiToken == *b.APIToken {
				c, ok = bbCaller{user: u}, true
			}
		}
		if !ok {
			return cloneFailed(append(log, "remote: Invalid credentials", "fatal: Authentication failed for '"+cloneURL+"/'")...)
		}
		repo := x.st.bitbucket.repo(a.str("bitbucketOwner"), slug)
		if repo == nil || !c.canRead(repo) {
			return cloneFailed(append(log, "remote: Repository not found", "fatal: repository '"+cloneURL+"/' not found")...)
		}
		return finishClone(log, a.str("bitbucketBranch"), repo.branches, func(br string) string {
			return headSHA(repo.heads, HostBitbucket, repo.fullName(), br)
		})
	}
	return dkCloneResult{}
}

// finishClone checks out branch: git's answer when the repository lacks it.
func finishClone(log []string, branch string, branches []string, head func(string) string) dkCloneResult {
	if !slices.Contains(branches, branch) {
		return cloneFailed(append(log, gitBranchMissing(branch)...)...)
	}
	return dkCloneResult{log: log, sha: head(branch)}
}
