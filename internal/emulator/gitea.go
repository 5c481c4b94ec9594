package emulator

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Gitea's REST API (https://HOST/api/v1; Forgejo keeps it), the parts the provider uses: the
// authenticated user, repositories and owner listings, branches and deploy keys. Written from Gitea's
// swagger description and its API handlers (routers/api/v1, modules/structs).
//
// Auth: "Authorization: token <t>" or "Authorization: Bearer <t>". Errors are {"message", "url"} (plus
// "errors" on 404s), url pointing at the instance's API docs. Pagination is page/limit with a Link header
// and X-Total-Count; limit defaults to 30 and is capped at 50 (DEFAULT_PAGING_NUM and MAX_RESPONSE_ITEMS,
// Gitea's defaults).

const (
	giteaDefaultLimit = 30
	giteaMaxLimit     = 50
)

type giteaState struct {
	users     []*gtUser
	orgs      map[string]*gtOrg // by lower-case name
	orgOrder  []*gtOrg
	repos     map[string]*gtRepo // by lower-case full name: Gitea names are case-insensitive
	repoOrder []*gtRepo
	nextID    int64               // users, organisations and repositories share one sequence here
	nextKeyID int64               // deploy key ids
	nextHook  int64               // webhook ids
	oauth     oauthState[*gtUser] // OAuth applications' grants (oauth.go)
}

type gtUser struct {
	id    int64
	login string
	token string
	orgs  []string // nil: member of every organisation
}

type gtOrg struct {
	id   int64
	name string
}

type gtRepo struct {
	id            int64
	ownerLogin    string
	ownerID       int64
	ownerIsOrg    bool
	name          string
	private       bool
	defaultBranch string
	archived      bool
	fork          bool
	description   string
	topics        []string
	createdAt     time.Time
	updatedAt     time.Time
	branches      []string
	heads         map[string]string
	keys          []*gtKey
	hooks         []*gtHook
}

func (r *gtRepo) fullName() string { return r.ownerLogin + "/" + r.name }

type gtKey struct {
	id          int64
	keyID       int64 // the public key's own id, shared by the repositories using it
	title       string
	key         string // "type base64"
	fingerprint string
	readOnly    bool
	createdAt   time.Time
}

func newGiteaState() giteaState {
	return giteaState{orgs: map[string]*gtOrg{}, repos: map[string]*gtRepo{}, nextID: 1, nextKeyID: 1, nextHook: firstHookID}
}

// ---- errors ----

func giteaSwagger(r *http.Request) string { return externalBase(r) + "/gitea/api/swagger" }

// writeGiteaError writes Gitea's APIError body: {"message", "url"}.
func writeGiteaError(w http.ResponseWriter, r *http.Request, status int, message string) {
	writeJSON(w, status, map[string]any{"message": message, "url": giteaSwagger(r)})
}

// writeGiteaNotFound is Gitea's APIErrorNotFound: a fixed message and the reasons in "errors".
func writeGiteaNotFound(w http.ResponseWriter, r *http.Request, reasons ...string) {
	writeJSON(w, http.StatusNotFound, map[string]any{"message": "The target couldn't be found.",
		"url": giteaSwagger(r), "errors": append([]string{}, reasons...)})
}

// ---- auth ----

type giteaHandler func(w http.ResponseWriter, r *http.Request, u *gtUser)

// gitea wraps a handler with Gitea's token auth. Gitea serves public repositories anonymously; the
// emulator asks for a token on every call, like the other hosts here. The 401 wording for a wrong token
// is not documented; a missing one is answered "token is required", as Gitea's reqToken does.
func (e *Emulator) gitea(h giteaHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		e.locked(w, func(w http.ResponseWriter) {
			tok, ok := bearerToken(r, true)
			if !ok {
				writeGiteaError(w, r, http.StatusUnauthorized, "token is required")
				return
			}
			u := e.st.gitea.userByToken(tok)
			if u == nil {
				writeGiteaError(w, r, http.StatusUnauthorized, "invalid username, password or token")
				return
			}
			h(w, r, u)
		})
	}
}

func (gt *giteaState) userByToken(token string) *gtUser {
	for _, u := range gt.users {
		if u.token == token {
			return u
		}
	}
	if u, ok := gt.oauth.userByAccessToken(token); ok {
		return u
	}
	return nil
}

func (gt *giteaState) userByLogin(login string) *gtUser {
	for _, u := range gt.users {
		if strings.EqualFold(u.login, login) {
			return u
		}
	}
	return nil
}

// isAdmin: the owner of a personal repository, or a member of its organisation.
func (u *gtUser) isAdmin(r *gtRepo) bool {
	if !r.ownerIsOrg {
		return strings.EqualFold(r.ownerLogin, u.login)
	}
	return u.orgs == nil || slices.ContainsFunc(u.orgs, func(o string) bool { return strings.EqualFold(o, r.ownerLogin) })
}

func (u *gtUser) canSee(r *gtRepo) bool { return !r.private || u.isAdmin(r) }

// ---- routes ----

func (e *Emulator) giteaRoutes() {
	p := GiteaPrefix
	e.api.HandleFunc("GET "+p+"/user", e.gitea(e.gtGetUser))
	e.api.HandleFunc("GET "+p+"/user/repos", e.gitea(e.gtListMyRepos))
	e.api.HandleFunc("GET "+p+"/users/{username}", e.gitea(e.gtGetAccount))
	e.api.HandleFunc("GET "+p+"/users/{username}/repos", e.gitea(e.gtListUserRepos))
	e.api.HandleFunc("GET "+p+"/orgs/{org}", e.gitea(e.gtGetOrg))
	e.api.HandleFunc("GET "+p+"/orgs/{org}/repos", e.gitea(e.gtListOrgRepos))
	e.api.HandleFunc("GET "+p+"/repos/{owner}/{repo}", e.gitea(e.gtGetRepo))
	e.api.HandleFunc("GET "+p+"/repos/{owner}/{repo}/branches", e.gitea(e.gtListBranches))
	e.api.HandleFunc("GET "+p+"/repos/{owner}/{repo}/branches/{branch...}", e.gitea(e.gtGetBranch))
	e.api.HandleFunc("GET "+p+"/repos/{owner}/{repo}/keys", e.gitea(e.gtListKeys))
	e.api.HandleFunc("POST "+p+"/repos/{owner}/{repo}/keys", e.gitea(e.gtCreateKey))
	e.api.HandleFunc("GET "+p+"/repos/{owner}/{repo}/keys/{id}", e.gitea(e.gtGetKey))
	e.api.HandleFunc("DELETE "+p+"/repos/{owner}/{repo}/keys/{id}", e.gitea(e.gtDeleteKey))
}

// gtRepoFor finds the repository in the path; private ones the caller cannot see are 404, as on Gitea.
func (e *Emulator) gtRepoFor(w http.ResponseWriter, r *http.Request, u *gtUser) *gtRepo {
	repo := e.st.gitea.repos[strings.ToLower(r.PathValue("owner")+"/"+r.PathValue("repo"))]
	if repo == nil || !u.canSee(repo) {
		writeGiteaNotFound(w, r)
		return nil
	}
	return repo
}

// gtAdminRepoFor is gtRepoFor for deploy keys and webhooks (Gitea's reqAdmin): others get 403. The
// message is not documented.
func (e *Emulator) gtAdminRepoFor(w http.ResponseWriter, r *http.Request, u *gtUser) *gtRepo {
	repo := e.gtRepoFor(w, r, u)
	if repo == nil {
		return nil
	}
	if !u.isAdmin(repo) {
		writeGiteaError(w, r, http.StatusForbidden, "user should be an owner or a collaborator with admin write of a repository")
		return nil
	}
	return repo
}

// ---- pagination ----

// gtPage reads page and limit as Gitea's GetListOptions does: page at least 1, limit 30 by default and
// at most 50.
func gtPage(r *http.Request) pageRequest {
	q := r.URL.Query()
	p := pageRequest{page: 1, perPage: giteaDefaultLimit}
	if v, err := strconv.Atoi(q.Get("page")); err == nil && v > 0 {
		p.page = v
	}
	if v, err := strconv.Atoi(q.Get("limit")); err == nil && v > 0 {
		p.perPage = min(v, giteaMaxLimit)
	}
	return p
}

// setGiteaPagination sets X-Total-Count and Gitea's Link header (next and last while there are more
// pages, first and prev after the first), with page and limit in each URL.
func setGiteaPagination(w http.ResponseWriter, r *http.Request, p pageRequest, total int) {
	w.Header().Set("X-Total-Count", strconv.Itoa(total))
	last := p.lastPage(total)
	link := func(page int, rel string) string {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(page))
		q.Set("limit", strconv.Itoa(p.perPage))
		return fmt.Sprintf("<%s%s?%s>; rel=%q", externalBase(r), r.URL.EscapedPath(), q.Encode(), rel)
	}
	var parts []string
	if p.page < last {
		parts = append(parts, link(p.page+1, "next"), link(last, "last"))
	}
	if p.page > 1 {
		parts = append(parts, link(1, "first"), link(min(p.page-1, last), "prev"))
	}
	if len(parts) > 0 {
		w.Header().Set("Link", strings.Join(parts, ","))
	}
}

// ---- users and organisations ----

type gtUserJSON struct {
	ID        int64  `json:"id"`
	Login     string `json:"login"`
	LoginName string `json:"login_name"`
	FullName  string `json:"full_name"`
	Email     string `json:"email"`
	AvatarURL string `json:"avatar_url"`
	HTMLURL   string `json:"html_url"`
	IsAdmin   bool   `json:"is_admin"`
	Created   string `json:"created"`
	Username  string `json:"username"`
}

func gtUserOut(base, login string, id int64) gtUserJSON {
	return gtUserJSON{ID: id, Login: login, FullName: login, Email: login + "@noreply.example.invalid",
		AvatarURL: base + "/gitea/avatars/" + login, HTMLURL: base + "/gitea/" + login,
		Created: formatTime(seedTime), Username: login}
}

func (e *Emulator) gtGetUser(w http.ResponseWriter, r *http.Request, u *gtUser) {
	writeJSON(w, http.StatusOK, gtUserOut(externalBase(r), u.login, u.id))
}

// gtGetAccount is GET /users/{username}; an organisation is answered as a user too, as Gitea does.
func (e *Emulator) gtGetAccount(w http.ResponseWriter, r *http.Request, _ *gtUser) {
	gt := &e.st.gitea
	if u := gt.userByLogin(r.PathValue("username")); u != nil {
		writeJSON(w, http.StatusOK, gtUserOut(externalBase(r), u.login, u.id))
		return
	}
	if o := gt.orgs[strings.ToLower(r.PathValue("username"))]; o != nil {
		writeJSON(w, http.StatusOK, gtUserOut(externalBase(r), o.name, o.id))
		return
	}
	writeGiteaNotFound(w, r, "user redirect does not exist [name: "+r.PathValue("username")+"]")
}

type gtOrgJSON struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	Username   string `json:"username"`
	FullName   string `json:"full_name"`
	AvatarURL  string `json:"avatar_url"`
	Visibility string `json:"visibility"`
}

func (e *Emulator) gtGetOrg(w http.ResponseWriter, r *http.Request, _ *gtUser) {
	o := e.st.gitea.orgs[strings.ToLower(r.PathValue("org"))]
	if o == nil {
		writeGiteaNotFound(w, r)
		return
	}
	writeJSON(w, http.StatusOK, gtOrgJSON{ID: o.id, Name: o.name, Username: o.name, FullName: o.name,
		AvatarURL: externalBase(r) + "/gitea/avatars/" + o.name, Visibility: "public"})
}

// ---- repositories ----

type gtPermissionJSON struct {
	Admin bool `json:"admin"`
	Push  bool `json:"push"`
	Pull  bool `json:"pull"`
}

type gtRepoJSON struct {
	ID              int64             `json:"id"`
	Owner           gtUserJSON        `json:"owner"`
	Name            string            `json:"name"`
	FullName        string            `json:"full_name"`
	Description     string            `json:"description"`
	Empty           bool              `json:"empty"`
	Private         bool              `json:"private"`
	Fork            bool              `json:"fork"`
	Template        bool              `json:"template"`
	Mirror          bool              `json:"mirror"`
	Size            int               `json:"size"`
	HTMLURL         string            `json:"html_url"`
	URL             string            `json:"url"`
	Link            string            `json:"link"`
	SSHURL          string            `json:"ssh_url"`
	CloneURL        string            `json:"clone_url"`
	Website         string            `json:"website"`
	DefaultBranch   string            `json:"default_branch"`
	Archived        bool              `json:"archived"`
	CreatedAt       string            `json:"created_at"`
	UpdatedAt       string            `json:"updated_at"`
	ArchivedAt      string            `json:"archived_at"`
	Permissions     *gtPermissionJSON `json:"permissions,omitempty"`
	HasIssues       bool              `json:"has_issues"`
	HasWiki         bool              `json:"has_wiki"`
	HasPullRequests bool              `json:"has_pull_requests"`
	Internal        bool              `json:"internal"`
	MirrorInterval  string            `json:"mirror_interval"`
	ObjectFormat    string            `json:"object_format_name"`
	Topics          []string          `json:"topics"`
}

func gtRepoOut(base string, u *gtUser, r *gtRepo) gtRepoJSON {
	web := base + "/gitea/" + r.fullName()
	out := gtRepoJSON{ID: r.id, Owner: gtUserOut(base, r.ownerLogin, r.ownerID), Name: r.name, FullName: r.fullName(),
		Description: r.description, Private: r.private, Fork: r.fork, HTMLURL: web,
		URL: base + GiteaPrefix + "/repos/" + r.fullName(), SSHURL: "git@" + hostOf(base) + ":" + r.fullName() + ".git",
		CloneURL: web + ".git", DefaultBranch: r.defaultBranch, Archived: r.archived,
		CreatedAt: formatTime(r.createdAt), UpdatedAt: formatTime(r.updatedAt), ArchivedAt: formatTime(time.Unix(0, 0)),
		HasIssues: true, HasWiki: true, HasPullRequests: true, ObjectFormat: "sha1", Topics: slices.Clone(r.topics)}
	if u != nil {
		admin := u.isAdmin(r)
		out.Permissions = &gtPermissionJSON{Admin: admin, Push: admin, Pull: true}
	}
	return out
}

func (e *Emulator) gtGetRepo(w http.ResponseWriter, r *http.Request, u *gtUser) {
	if repo := e.gtRepoFor(w, r, u); repo != nil {
		writeJSON(w, http.StatusOK, gtRepoOut(externalBase(r), u, repo))
	}
}

// gtWriteRepoList lists the repositories the caller can see among those keep accepts, in id order.
func (e *Emulator) gtWriteRepoList(w http.ResponseWriter, r *http.Request, u *gtUser, keep func(*gtRepo) bool) {
	var repos []*gtRepo
	for _, repo := range e.st.gitea.repoOrder {
		if keep(repo) && u.canSee(repo) {
			repos = append(repos, repo)
		}
	}
	p := gtPage(r)
	start, end := p.bounds(len(repos))
	out := make([]gtRepoJSON, 0, end-start)
	for _, repo := range repos[start:end] {
		out = append(out, gtRepoOut(externalBase(r), u, repo))
	}
	setGiteaPagination(w, r, p, len(repos))
	writeJSON(w, http.StatusOK, out)
}

func (e *Emulator) gtListOrgRepos(w http.ResponseWriter, r *http.Request, u *gtUser) {
	o := e.st.gitea.orgs[strings.ToLower(r.PathValue("org"))]
	if o == nil {
		writeGiteaNotFound(w, r)
		return
	}
	e.gtWriteRepoList(w, r, u, func(repo *gtRepo) bool { return repo.ownerIsOrg && strings.EqualFold(repo.ownerLogin, o.name) })
}

// gtListUserRepos is GET /users/{username}/repos: the user's own repositories (an organisation's too,
// as Gitea resolves the name to any account).
func (e *Emulator) gtListUserRepos(w http.ResponseWriter, r *http.Request, u *gtUser) {
	gt := &e.st.gitea
	name := r.PathValue("username")
	if gt.userByLogin(name) == nil && gt.orgs[strings.ToLower(name)] == nil {
		writeGiteaNotFound(w, r, "user redirect does not exist [name: "+name+"]")
		return
	}
	e.gtWriteRepoList(w, r, u, func(repo *gtRepo) bool { return strings.EqualFold(repo.ownerLogin, name) })
}

// gtListMyRepos is GET /user/repos: the repositories the caller owns or can administer.
func (e *Emulator) gtListMyRepos(w http.ResponseWriter, r *http.Request, u *gtUser) {
	e.gtWriteRepoList(w, r, u, u.isAdmin)
}

// ---- branches ----

type gtPayloadUserJSON struct {
	Name     string `json:"name"`
	Email    string `json:"email"`
	UserName string `json:"username"`
}

type gtPayloadCommitJSON struct {
	ID           string            `json:"id"`
	Message      string            `json:"message"`
	URL          string            `json:"url"`
	Author       gtPayloadUserJSON `json:"author"`
	Committer    gtPayloadUserJSON `json:"committer"`
	Verification *struct{}         `json:"verification"`
	Timestamp    string            `json:"timestamp"`
	Added        []string          `json:"added"`
	Removed      []string          `json:"removed"`
	Modified     []string          `json:"modified"`
}

type gtBranchJSON struct {
	Name                          string              `json:"name"`
	Commit                        gtPayloadCommitJSON `json:"commit"`
	Protected                     bool                `json:"protected"`
	RequiredApprovals             int                 `json:"required_approvals"`
	EnableStatusCheck             bool                `json:"enable_status_check"`
	StatusCheckContexts           []string            `json:"status_check_contexts"`
	UserCanPush                   bool                `json:"user_can_push"`
	UserCanMerge                  bool                `json:"user_can_merge"`
	EffectiveBranchProtectionName string              `json:"effective_branch_protection_name"`
}

func gtCommitOut(base string, r *gtRepo, sha, message string, when time.Time) gtPayloadCommitJSON {
	person := gtPayloadUserJSON{Name: "gitdeploy emulator", Email: "emulator@example.invalid"}
	return gtPayloadCommitJSON{ID: sha, Message: message, URL: base + "/gitea/" + r.fullName() + "/commit/" + sha,
		Author: person, Committer: person, Timestamp: formatTime(when), Added: []string{}, Removed: []string{}, Modified: []string{}}
}

func gtBranchOut(base string, u *gtUser, r *gtRepo, name string) gtBranchJSON {
	sha := headSHA(r.heads, HostGitea, r.fullName(), name)
	return gtBranchJSON{Name: name, Commit: gtCommitOut(base, r, sha, "Emulated head of "+name+"\n", r.updatedAt),
		StatusCheckContexts: []string{}, UserCanPush: u.isAdmin(r), UserCanMerge: u.isAdmin(r)}
}

func (e *Emulator) gtListBranches(w http.ResponseWriter, r *http.Request, u *gtUser) {
	repo := e.gtRepoFor(w, r, u)
	if repo == nil {
		return
	}
	p := gtPage(r)
	start, end := p.bounds(len(repo.branches))
	out := make([]gtBranchJSON, 0, end-start)
	for _, b := range repo.branches[start:end] {
		out = append(out, gtBranchOut(externalBase(r), u, repo, b))
	}
	setGiteaPagination(w, r, p, len(repo.branches))
	writeJSON(w, http.StatusOK, out)
}

func (e *Emulator) gtGetBranch(w http.ResponseWriter, r *http.Request, u *gtUser) {
	repo := e.gtRepoFor(w, r, u)
	if repo == nil {
		return
	}
	name := r.PathValue("branch")
	if !slices.Contains(repo.branches, name) {
		writeGiteaNotFound(w, r, "branch does not exist [name: "+name+"]")
		return
	}
	writeJSON(w, http.StatusOK, gtBranchOut(externalBase(r), u, repo, name))
}

// ---- deploy keys ----

type gtKeyJSON struct {
	ID          int64       `json:"id"`
	KeyID       int64       `json:"key_id"`
	Key         string      `json:"key"`
	URL         string      `json:"url"`
	Title       string      `json:"title"`
	Fingerprint string      `json:"fingerprint"`
	CreatedAt   string      `json:"created_at"`
	ReadOnly    bool        `json:"read_only"`
	Repository  *gtRepoJSON `json:"repository,omitempty"`
}

func gtKeyOut(base string, r *gtRepo, k *gtKey) gtKeyJSON {
	return gtKeyJSON{ID: k.id, KeyID: k.keyID, Key: k.key, Title: k.title, Fingerprint: k.fingerprint,
		URL:       base + GiteaPrefix + "/repos/" + r.fullName() + "/keys/" + strconv.FormatInt(k.id, 10),
		CreatedAt: formatTime(k.createdAt), ReadOnly: k.readOnly}
}

// gtKeyOutWithRepo adds the repository, which Gitea shows to its owner and to site admins.
func gtKeyOutWithRepo(base string, u *gtUser, r *gtRepo, k *gtKey) gtKeyJSON {
	out := gtKeyOut(base, r, k)
	repo := gtRepoOut(base, u, r)
	out.Repository = &repo
	return out
}

func (e *Emulator) gtListKeys(w http.ResponseWriter, r *http.Request, u *gtUser) {
	repo := e.gtAdminRepoFor(w, r, u)
	if repo == nil {
		return
	}
	p := gtPage(r)
	start, end := p.bounds(len(repo.keys))
	out := make([]gtKeyJSON, 0, end-start)
	for _, k := range repo.keys[start:end] {
		out = append(out, gtKeyOutWithRepo(externalBase(r), u, repo, k))
	}
	setGiteaPagination(w, r, p, len(repo.keys))
	writeJSON(w, http.StatusOK, out)
}

type gtKeyWrite struct {
	Title    string `json:"title"`
	Key      string `json:"key"`
	ReadOnly bool   `json:"read_only"`
}

// gtCreateKey is POST /repos/{owner}/{repo}/keys: 201 with the key. read_only defaults to false (a
// read-write key), as in Gitea's CreateKeyOption. The 422 messages are Gitea's HandleAddKeyError and
// HandleCheckKeyStringError; the required-field wording follows Gitea's binding errors (not documented).
// The same key content may be a deploy key of several repositories, sharing one key_id.
func (e *Emulator) gtCreateKey(w http.ResponseWriter, r *http.Request, u *gtUser) {
	repo := e.gtAdminRepoFor(w, r, u)
	if repo == nil {
		return
	}
	var body gtKeyWrite
	if err := decodeBody(r, &body); err != nil && !errors.Is(err, errEmptyBody) {
		writeGiteaError(w, r, http.StatusUnprocessableEntity, "invalid JSON body: "+err.Error())
		return
	}
	switch {
	case strings.TrimSpace(body.Title) == "":
		writeGiteaError(w, r, http.StatusUnprocessableEntity, "[Title]: Required")
		return
	case strings.TrimSpace(body.Key) == "":
		writeGiteaError(w, r, http.StatusUnprocessableEntity, "[Key]: Required")
		return
	}
	parsed, err := parsePublicKey(body.Key)
	if err != nil {
		writeGiteaError(w, r, http.StatusUnprocessableEntity, "Invalid key content: "+err.Error())
		return
	}
	for _, k := range repo.keys {
		switch {
		case k.key == parsed.normalized:
			writeGiteaError(w, r, http.StatusUnprocessableEntity, "This key has already been added to this repository")
			return
		case k.title == body.Title:
			writeGiteaError(w, r, http.StatusUnprocessableEntity, "A key with the same name already exists")
			return
		}
	}
	gt := &e.st.gitea
	keyID := gt.publicKeyID(parsed.normalized)
	k := &gtKey{id: gt.nextKeyID, keyID: keyID, title: body.Title, key: parsed.normalized,
		fingerprint: parsed.fingerprintSHA256, readOnly: body.ReadOnly, createdAt: e.now()}
	gt.nextKeyID++
	repo.keys = append(repo.keys, k)
	writeJSON(w, http.StatusCreated, gtKeyOut(externalBase(r), repo, k))
}

// publicKeyID is the key_id of a key content: the one already in use, or a new one.
func (gt *giteaState) publicKeyID(content string) int64 {
	for _, repo := range gt.repoOrder {
		for _, k := range repo.keys {
			if k.key == content {
				return k.keyID
			}
		}
	}
	id := gt.nextKeyID + 100000 // public key ids live apart from deploy key ids
	return id
}

func (r *gtRepo) key(idText string) (int, *gtKey) {
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil {
		return -1, nil
	}
	for i, k := range r.keys {
		if k.id == id {
			return i, k
		}
	}
	return -1, nil
}

func (e *Emulator) gtGetKey(w http.ResponseWriter, r *http.Request, u *gtUser) {
	repo := e.gtAdminRepoFor(w, r, u)
	if repo == nil {
		return
	}
	_, k := repo.key(r.PathValue("id"))
	if k == nil {
		writeGiteaNotFound(w, r)
		return
	}
	writeJSON(w, http.StatusOK, gtKeyOutWithRepo(externalBase(r), u, repo, k))
}

// gtDeleteKey is DELETE /repos/{owner}/{repo}/keys/{id}: 204, also for a key that does not exist, as
// Gitea's DeleteDeployKey treats a missing key as deleted.
func (e *Emulator) gtDeleteKey(w http.ResponseWriter, r *http.Request, u *gtUser) {
	repo := e.gtAdminRepoFor(w, r, u)
	if repo == nil {
		return
	}
	if i, k := repo.key(r.PathValue("id")); k != nil {
		repo.keys = slices.Delete(repo.keys, i, i+1)
	}
	writeNoContent(w)
}

// ---- seed ----

func (st *state) applyGitea(s *GiteaSeed) error {
	gt := &st.gitea
	for _, u := range s.Users {
		if u.Login == "" || u.Token == "" {
			return fmt.Errorf("user needs a login and a token")
		}
		if gt.userByLogin(u.Login) != nil || gt.orgs[strings.ToLower(u.Login)] != nil {
			return fmt.Errorf("login %q already exists", u.Login)
		}
		id := u.ID
		if id == 0 {
			id = gt.allocID()
		}
		gt.bumpID(id)
		gt.users = append(gt.users, &gtUser{id: id, login: u.Login, token: u.Token, orgs: slices.Clone(u.Orgs)})
	}
	for _, o := range s.Orgs {
		if err := gt.ensureOrg(o); err != nil {
			return err
		}
	}
	for _, rs := range s.Repos {
		if err := gt.addRepo(rs); err != nil {
			return err
		}
	}
	for _, g := range s.Generate {
		if err := g.validate(); err != nil {
			return err
		}
		for _, rs := range g.giteaRepos() {
			if err := gt.addRepo(rs); err != nil {
				return err
			}
		}
	}
	return nil
}

func (gt *giteaState) allocID() int64 { id := gt.nextID; gt.nextID++; return id }

func (gt *giteaState) bumpID(id int64) {
	if id >= gt.nextID {
		gt.nextID = id + 1
	}
}

func (gt *giteaState) ensureOrg(name string) error {
	if name == "" || strings.Contains(name, "/") {
		return fmt.Errorf("invalid organisation %q", name)
	}
	if gt.orgs[strings.ToLower(name)] != nil {
		return nil
	}
	if gt.userByLogin(name) != nil {
		return fmt.Errorf("organisation %q is already a user", name)
	}
	o := &gtOrg{id: gt.allocID(), name: name}
	gt.orgs[strings.ToLower(name)] = o
	gt.orgOrder = append(gt.orgOrder, o)
	return nil
}

func (gt *giteaState) repoByID(id int64) *gtRepo {
	for _, r := range gt.repoOrder {
		if r.id == id {
			return r
		}
	}
	return nil
}

func (gt *giteaState) addRepo(rs GiteaRepoSeed) error {
	owner, name, ok := strings.Cut(rs.FullName, "/")
	if !ok || owner == "" || name == "" || strings.Contains(name, "/") {
		return fmt.Errorf("repo full_name %q is not owner/name", rs.FullName)
	}
	if gt.repos[strings.ToLower(rs.FullName)] != nil {
		return fmt.Errorf("repo %q already exists", rs.FullName)
	}
	if rs.ID != 0 && gt.repoByID(rs.ID) != nil {
		return fmt.Errorf("repo id %d of %q is already used", rs.ID, rs.FullName)
	}
	r := &gtRepo{name: name, private: rs.Private, archived: rs.Archived, fork: rs.Fork, description: rs.Description,
		topics: slices.Clone(rs.Topics), createdAt: seedTime, updatedAt: seedTime}
	if u := gt.userByLogin(owner); u != nil {
		r.ownerLogin, r.ownerID = u.login, u.id
	} else {
		if err := gt.ensureOrg(owner); err != nil {
			return err
		}
		o := gt.orgs[strings.ToLower(owner)]
		r.ownerLogin, r.ownerID, r.ownerIsOrg = o.name, o.id, true
	}
	if r.topics == nil {
		r.topics = []string{}
	}
	branches, err := withBranchCount(rs.DefaultBranch, rs.Branches, rs.BranchCount)
	if err != nil {
		return fmt.Errorf("repo %q: %w", rs.FullName, err)
	}
	r.defaultBranch, r.branches = normaliseBranches(rs.DefaultBranch, branches)
	r.id = rs.ID
	if r.id == 0 {
		r.id = gt.allocID()
	}
	gt.bumpID(r.id)
	gt.repos[strings.ToLower(r.fullName())] = r
	gt.repoOrder = append(gt.repoOrder, r)
	return nil
}

// trialCopy is copyForTrial's part for Gitea: apply only adds, so copying the maps is enough.
func (gt *giteaState) trialCopy() giteaState {
	t := newGiteaState()
	t.users = slices.Clone(gt.users)
	for k, v := range gt.orgs {
		t.orgs[k] = v
	}
	t.orgOrder = slices.Clone(gt.orgOrder)
	for k, v := range gt.repos {
		t.repos[k] = v
	}
	t.repoOrder = slices.Clone(gt.repoOrder)
	t.nextID = gt.nextID
	return t
}
