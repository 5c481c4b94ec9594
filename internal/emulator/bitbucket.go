package emulator

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Bitbucket Cloud's REST API 2.0 (https://api.bitbucket.org/2.0), the parts the provider uses: repositories
// of a workspace, branches (refs/branches) and deploy keys. Written from Atlassian's OpenAPI description
// (api.bitbucket.org/swagger.json, as mirrored by the node-bitbucket project) and the REST intro pages
// (authentication, pagination, errors).
//
// Auth: Basic with the Atlassian account e-mail and an API token (app passwords are retired), or a
// workspace or repository access token as Bearer. Anything else is 401 with Bitbucket's error body
// {"type": "error", "error": {"message": "..."}}.

// bitbucketState is the emulated Bitbucket Cloud.
type bitbucketState struct {
	users          []*bbUser
	tokens         []*bbAccessToken
	workspaces     map[string]*bbWorkspace // by lower-case slug
	workspaceOrder []*bbWorkspace
	repos          map[string]*bbRepo // by lower-case full name: slugs are case-insensitive in URLs
	repoOrder      []*bbRepo
	nextKeyID      int64 // deploy key ids are integers
	seq            int   // feeds the UUIDs of webhooks and deliveries
}

type bbUser struct {
	nickname   string
	email      string
	apiToken   string
	uuid       string
	workspaces []string // nil: member of every workspace
}

// bbAccessToken is a workspace access token (repo == "") or a repository access token.
type bbAccessToken struct {
	token     string
	name      string
	uuid      string
	workspace string // lower-case slug
	repo      string // lower-case full name, "" for a workspace token
}

type bbWorkspace struct {
	slug string
	name string
	uuid string
}

type bbRepo struct {
	workspace   *bbWorkspace
	slug        string
	name        string
	uuid        string
	private     bool
	mainBranch  string
	description string
	language    string
	parent      string // full name of the repository this one was forked from
	createdAt   time.Time
	updatedAt   time.Time
	branches    []string          // sorted, as "git branch --list" orders them
	heads       map[string]string // branch -> commit SHA once a push moved it
	keys        []*bbKey
	hooks       []*bbHook
}

func (r *bbRepo) fullName() string { return r.workspace.slug + "/" + r.slug }

type bbKey struct {
	id        int64
	key       string // "type base64": the comment is kept apart, as Bitbucket answers it
	comment   string
	label     string
	createdAt time.Time
}

func newBitbucketState() bitbucketState {
	return bitbucketState{workspaces: map[string]*bbWorkspace{}, repos: map[string]*bbRepo{}, nextKeyID: 1}
}

// bbUUID is a UUID in braces, as Bitbucket writes every uuid, derived from name so that it is stable.
func bbUUID(name string) string {
	sum := sha256.Sum256([]byte("bitbucket/" + name))
	h := hex.EncodeToString(sum[:16])
	return "{" + h[0:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:32] + "}"
}

// ---- errors ----

// writeBitbucketError writes Bitbucket's error object.
func writeBitbucketError(w http.ResponseWriter, status int, message string) {
	writeJSON(w, status, bbErrorJSON{Type: "error", Error: bbErrorDetailJSON{Message: message}})
}

type bbErrorJSON struct {
	Type  string            `json:"type"`
	Error bbErrorDetailJSON `json:"error"`
}

type bbErrorDetailJSON struct {
	Message string              `json:"message"`
	Detail  string              `json:"detail,omitempty"`
	Fields  map[string][]string `json:"fields,omitempty"`
}

// ---- auth ----

// bbCaller is who a request comes from: an account (API token) or an access token.
type bbCaller struct {
	user  *bbUser
	token *bbAccessToken
}

// canRead: public repositories are readable by anyone signed in; private ones by members of the
// workspace, or by an access token of that workspace or repository.
func (c bbCaller) canRead(r *bbRepo) bool { return !r.private || c.isMember(r) }

// isMember: the caller may administer the repository (deploy keys, webhooks).
func (c bbCaller) isMember(r *bbRepo) bool {
	if c.token != nil {
		ws := strings.ToLower(r.workspace.slug)
		return c.token.workspace == ws && (c.token.repo == "" || c.token.repo == strings.ToLower(r.fullName()))
	}
	return c.user.workspaces == nil || slices.ContainsFunc(c.user.workspaces, func(ws string) bool {
		return strings.EqualFold(ws, r.workspace.slug)
	})
}

// bitbucketHandler runs with the state locked and the caller authenticated.
type bitbucketHandler func(w http.ResponseWriter, r *http.Request, c bbCaller)

// bitbucket wraps a handler with Bitbucket's auth. Bitbucket serves public repositories anonymously (60
// requests an hour); the emulator asks for credentials on every call, like the other hosts here.
func (e *Emulator) bitbucket(h bitbucketHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		e.locked(w, func(w http.ResponseWriter) {
			c, ok := e.st.bitbucket.caller(r)
			if !ok {
				// Bitbucket's wording here is not documented; the shape is its error object.
				writeBitbucketError(w, http.StatusUnauthorized, "Unauthorized")
				return
			}
			h(w, r, c)
		})
	}
}

func (bb *bitbucketState) caller(r *http.Request) (bbCaller, bool) {
	scheme, value, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok {
		return bbCaller{}, false
	}
	value = strings.TrimSpace(value)
	switch {
	case strings.EqualFold(scheme, "basic"):
		raw, err := base64.StdEncoding.DecodeString(value)
		if err != nil {
			return bbCaller{}, false
		}
		// API tokens authenticate the REST API with the account's e-mail, not its username
		// (Atlassian, "Using API tokens").
		email, token, found := strings.Cut(string(raw), ":")
		for _, u := range bb.users {
			if found && token != "" && strings.EqualFold(u.email, email) && u.apiToken == token {
				return bbCaller{user: u}, true
			}
		}
	case strings.EqualFold(scheme, "bearer"):
		for _, t := range bb.tokens {
			if value != "" && t.token == value {
				return bbCaller{token: t}, true
			}
		}
	}
	return bbCaller{}, false
}

// ---- routes ----

func (e *Emulator) bitbucketRoutes() {
	p := BitbucketPrefix + "/repositories"
	e.api.HandleFunc("GET "+BitbucketPrefix+"/user", e.bitbucket(e.bbGetUser))
	e.api.HandleFunc("GET "+p, e.bitbucket(e.bbListAllRepos))
	e.api.HandleFunc("GET "+p+"/{workspace}", e.bitbucket(e.bbListWorkspaceRepos))
	e.api.HandleFunc("GET "+p+"/{workspace}/{repo_slug}", e.bitbucket(e.bbGetRepo))
	e.api.HandleFunc("GET "+p+"/{workspace}/{repo_slug}/refs/branches", e.bitbucket(e.bbListBranches))
	e.api.HandleFunc("GET "+p+"/{workspace}/{repo_slug}/refs/branches/{name...}", e.bitbucket(e.bbGetBranch))
	e.api.HandleFunc("GET "+p+"/{workspace}/{repo_slug}/deploy-keys", e.bitbucket(e.bbListKeys))
	e.api.HandleFunc("POST "+p+"/{workspace}/{repo_slug}/deploy-keys", e.bitbucket(e.bbCreateKey))
	e.api.HandleFunc("GET "+p+"/{workspace}/{repo_slug}/deploy-keys/{key_id}", e.bitbucket(e.bbGetKey))
	e.api.HandleFunc("PUT "+p+"/{workspace}/{repo_slug}/deploy-keys/{key_id}", e.bitbucket(e.bbUpdateKey))
	e.api.HandleFunc("DELETE "+p+"/{workspace}/{repo_slug}/deploy-keys/{key_id}", e.bitbucket(e.bbDeleteKey))
}

// ---- lookups ----

// workspace resolves a workspace slug or "{uuid}".
func (bb *bitbucketState) workspace(ref string) *bbWorkspace {
	if strings.HasPrefix(ref, "{") {
		for _, ws := range bb.workspaceOrder {
			if strings.EqualFold(ws.uuid, ref) {
				return ws
			}
		}
		return nil
	}
	return bb.workspaces[strings.ToLower(ref)]
}

// repo resolves "workspace/slug"; either part may be a "{uuid}", as Bitbucket's paths allow.
func (bb *bitbucketState) repo(workspace, slug string) *bbRepo {
	ws := bb.workspace(workspace)
	if ws == nil {
		return nil
	}
	if strings.HasPrefix(slug, "{") {
		for _, r := range bb.repoOrder {
			if r.workspace == ws && strings.EqualFold(r.uuid, slug) {
				return r
			}
		}
		return nil
	}
	return bb.repos[strings.ToLower(ws.slug+"/"+slug)]
}

// repoFor finds the repository in the path: 404 when there is none, 403 when it is private and the caller
// may not read it (as the OpenAPI description documents for every repository endpoint).
func (e *Emulator) bbRepoFor(w http.ResponseWriter, r *http.Request, c bbCaller) *bbRepo {
	repo := e.st.bitbucket.repo(r.PathValue("workspace"), r.PathValue("repo_slug"))
	if repo == nil {
		writeBitbucketError(w, http.StatusNotFound, "Repository "+r.PathValue("workspace")+"/"+r.PathValue("repo_slug")+" not found")
		return nil
	}
	if !c.canRead(repo) {
		writeBitbucketError(w, http.StatusForbidden, "You do not have access to this repository.")
		return nil
	}
	return repo
}

// bbAdminRepoFor is bbRepoFor for deploy keys and webhooks, which need admin rights: others get 403.
func (e *Emulator) bbAdminRepoFor(w http.ResponseWriter, r *http.Request, c bbCaller) *bbRepo {
	repo := e.bbRepoFor(w, r, c)
	if repo == nil {
		return nil
	}
	if !c.isMember(repo) {
		writeBitbucketError(w, http.StatusForbidden, "You must be an administrator of this repository.")
		return nil
	}
	return repo
}

// ---- pagination ----

// bbMaxPagelen is the largest page Bitbucket serves ("Globally, the minimum length is 10 and the
// maximum is 100"); larger requests are capped here (Bitbucket's answer to them is not documented).
const (
	bbMaxPagelen     = 100
	bbDefaultPagelen = 10
)

type bbPageJSON[T any] struct {
	Pagelen  int    `json:"pagelen"`
	Size     int    `json:"size"`
	Page     int    `json:"page"`
	Next     string `json:"next,omitempty"`
	Previous string `json:"previous,omitempty"`
	Values   []T    `json:"values"`
}

// bbPage cuts one page out of items and links the next and previous pages as Bitbucket does: the
// request's own URL with page replaced.
func bbPage[T any](r *http.Request, items []T) bbPageJSON[T] {
	q := r.URL.Query()
	page, pagelen := 1, bbDefaultPagelen
	if v, err := strconv.Atoi(q.Get("page")); err == nil && v > 0 {
		page = v
	}
	if v, err := strconv.Atoi(q.Get("pagelen")); err == nil && v > 0 {
		pagelen = min(v, bbMaxPagelen)
	}
	p := pageRequest{page: page, perPage: pagelen}
	start, end := p.bounds(len(items))
	out := bbPageJSON[T]{Pagelen: pagelen, Size: len(items), Page: page, Values: append([]T{}, items[start:end]...)}
	link := func(n int) string {
		lq := r.URL.Query()
		lq.Set("page", strconv.Itoa(n))
		u := url.URL{Path: r.URL.Path, RawPath: r.URL.RawPath, RawQuery: lq.Encode()}
		return externalBase(r) + u.RequestURI()
	}
	if end < len(items) {
		out.Next = link(page + 1)
	}
	if page > 1 {
		out.Previous = link(min(page-1, p.lastPage(len(items))))
	}
	return out
}

// ---- JSON ----

type bbLinkJSON struct {
	Href string `json:"href"`
	Name string `json:"name,omitempty"`
}

type bbAccountJSON struct {
	Type        string                `json:"type"`
	UUID        string                `json:"uuid"`
	DisplayName string                `json:"display_name"`
	Nickname    string                `json:"nickname,omitempty"`
	Username    string                `json:"username,omitempty"`
	AccountID   string                `json:"account_id,omitempty"`
	Links       map[string]bbLinkJSON `json:"links"`
}

type bbWorkspaceJSON struct {
	Type  string                `json:"type"`
	UUID  string                `json:"uuid"`
	Slug  string                `json:"slug"`
	Name  string                `json:"name"`
	Links map[string]bbLinkJSON `json:"links"`
}

type bbRepoLinksJSON struct {
	Self         bbLinkJSON   `json:"self"`
	HTML         bbLinkJSON   `json:"html"`
	Avatar       bbLinkJSON   `json:"avatar"`
	PullRequests bbLinkJSON   `json:"pullrequests"`
	Commits      bbLinkJSON   `json:"commits"`
	Forks        bbLinkJSON   `json:"forks"`
	Watchers     bbLinkJSON   `json:"watchers"`
	Downloads    bbLinkJSON   `json:"downloads"`
	Hooks        bbLinkJSON   `json:"hooks"`
	Clone        []bbLinkJSON `json:"clone"`
}

type bbRepoRefJSON struct {
	Type     string                `json:"type"`
	FullName string                `json:"full_name"`
	Name     string                `json:"name"`
	UUID     string                `json:"uuid"`
	Links    map[string]bbLinkJSON `json:"links"`
}

type bbMainBranchJSON struct {
	Type string `json:"type"`
	Name string `json:"name"`
}

type bbRepoJSON struct {
	Type        string            `json:"type"`
	UUID        string            `json:"uuid"`
	FullName    string            `json:"full_name"`
	Name        string            `json:"name"`
	Slug        string            `json:"slug"`
	Description string            `json:"description"`
	IsPrivate   bool              `json:"is_private"`
	SCM         string            `json:"scm"`
	ForkPolicy  string            `json:"fork_policy"`
	Language    string            `json:"language"`
	Size        int               `json:"size"`
	HasIssues   bool              `json:"has_issues"`
	HasWiki     bool              `json:"has_wiki"`
	CreatedOn   string            `json:"created_on"`
	UpdatedOn   string            `json:"updated_on"`
	MainBranch  *bbMainBranchJSON `json:"mainbranch"`
	Owner       bbAccountJSON     `json:"owner"`
	Workspace   bbWorkspaceJSON   `json:"workspace"`
	Parent      *bbRepoRefJSON    `json:"parent,omitempty"`
	Links       bbRepoLinksJSON   `json:"links"`
}

// bbTime is Bitbucket's timestamp: ISO 8601 with microseconds and an offset.
func bbTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000-07:00") }

func bbWeb(base string) string { return base + "/bitbucket" }

func bbAPI(base string) string { return base + BitbucketPrefix }

func bbWorkspaceOut(base string, ws *bbWorkspace) bbWorkspaceJSON {
	return bbWorkspaceJSON{Type: "workspace", UUID: ws.uuid, Slug: ws.slug, Name: ws.name,
		Links: map[string]bbLinkJSON{"self": {Href: bbAPI(base) + "/workspaces/" + ws.slug},
			"html": {Href: bbWeb(base) + "/" + ws.slug + "/"}}}
}

func bbRepoRef(base string, r *bbRepo) bbRepoRefJSON {
	return bbRepoRefJSON{Type: "repository", FullName: r.fullName(), Name: r.name, UUID: r.uuid,
		Links: map[string]bbLinkJSON{"self": {Href: bbAPI(base) + "/repositories/" + r.fullName()},
			"html": {Href: bbWeb(base) + "/" + r.fullName()}}}
}

func (bb *bitbucketState) repoOut(base string, r *bbRepo) bbRepoJSON {
	self := bbAPI(base) + "/repositories/" + r.fullName()
	web := bbWeb(base) + "/" + r.fullName()
	out := bbRepoJSON{Type: "repository", UUID: r.uuid, FullName: r.fullName(), Name: r.name, Slug: r.slug,
		Description: r.description, IsPrivate: r.private, SCM: "git", ForkPolicy: "allow_forks", Language: r.language,
		CreatedOn: bbTime(r.createdAt), UpdatedOn: bbTime(r.updatedAt),
		MainBranch: &bbMainBranchJSON{Type: "branch", Name: r.mainBranch},
		Owner: bbAccountJSON{Type: "team", UUID: r.workspace.uuid, DisplayName: r.workspace.name, Username: r.workspace.slug,
			Links: map[string]bbLinkJSON{"html": {Href: bbWeb(base) + "/" + r.workspace.slug + "/"}}},
		Workspace: bbWorkspaceOut(base, r.workspace),
		Links: bbRepoLinksJSON{Self: bbLinkJSON{Href: self}, HTML: bbLinkJSON{Href: web},
			Avatar:       bbLinkJSON{Href: web + "/avatar/32"},
			PullRequests: bbLinkJSON{Href: self + "/pullrequests"}, Commits: bbLinkJSON{Href: self + "/commits"},
			Forks: bbLinkJSON{Href: self + "/forks"}, Watchers: bbLinkJSON{Href: self + "/watchers"},
			Downloads: bbLinkJSON{Href: self + "/downloads"}, Hooks: bbLinkJSON{Href: self + "/hooks"},
			Clone: []bbLinkJSON{{Name: "https", Href: web + ".git"},
				{Name: "ssh", Href: "git@" + hostOf(base) + ":" + r.fullName() + ".git"}}},
	}
	if r.parent != "" {
		if p := bb.repos[strings.ToLower(r.parent)]; p != nil {
			ref := bbRepoRef(base, p)
			out.Parent = &ref
		}
	}
	return out
}

// ---- user ----

func (e *Emulator) bbGetUser(w http.ResponseWriter, r *http.Request, c bbCaller) {
	base := externalBase(r)
	if c.token != nil {
		// An access token acts as a user of its own, named after the token.
		writeJSON(w, http.StatusOK, bbAccountJSON{Type: "user", UUID: c.token.uuid, DisplayName: c.token.name,
			Links: map[string]bbLinkJSON{}})
		return
	}
	writeJSON(w, http.StatusOK, bbAccountJSON{Type: "user", UUID: c.user.uuid, DisplayName: c.user.nickname,
		Nickname: c.user.nickname, AccountID: strings.Trim(c.user.uuid, "{}"),
		Links: map[string]bbLinkJSON{"html": {Href: bbWeb(base) + "/" + c.user.nickname + "/"}}})
}

// ---- repositories ----

// bbRoleAllows applies ?role= (member, contributor, admin, owner): the emulator has no per-repository
// permissions, so every role means "a repository of a workspace the caller belongs to".
func bbRoleAllows(role string, c bbCaller, r *bbRepo) bool {
	return role == "" || c.isMember(r)
}

func (e *Emulator) bbWriteRepoList(w http.ResponseWriter, r *http.Request, c bbCaller, keep func(*bbRepo) bool) {
	role := r.URL.Query().Get("role")
	switch role {
	case "", "member", "contributor", "admin", "owner":
	default:
		writeBitbucketError(w, http.StatusBadRequest, "Invalid role: "+role)
		return
	}
	private, filtered, ok := bbPrivateFilter(r.URL.Query().Get("q"))
	if !ok {
		writeBitbucketError(w, http.StatusBadRequest, "Invalid query: the emulator understands only is_private = true|false")
		return
	}
	bb := &e.st.bitbucket
	var repos []*bbRepo
	for _, repo := range bb.repoOrder {
		if keep(repo) && c.canRead(repo) && bbRoleAllows(role, c, repo) && (!filtered || repo.private == private) {
			repos = append(repos, repo)
		}
	}
	// sort understands the fields listings are sorted by.
	sortBitbucketRepos(repos, r.URL.Query().Get("sort"))
	page := bbPage(r, repos)
	base := externalBase(r)
	out := bbPageJSON[bbRepoJSON]{Pagelen: page.Pagelen, Size: page.Size, Page: page.Page, Next: page.Next,
		Previous: page.Previous, Values: make([]bbRepoJSON, 0, len(page.Values))}
	for _, repo := range page.Values {
		out.Values = append(out.Values, bb.repoOut(base, repo))
	}
	writeJSON(w, http.StatusOK, out)
}

// bbPrivateFilter reads the one q filter of Bitbucket's query language that the emulator knows,
// "is_private = true" or "= false" (filtered false without q; ok false for anything else).
func bbPrivateFilter(q string) (private, filtered, ok bool) {
	if strings.TrimSpace(q) == "" {
		return false, false, true
	}
	field, value, found := strings.Cut(q, "=")
	if !found || strings.TrimSpace(field) != "is_private" {
		return false, false, false
	}
	switch strings.TrimSpace(value) {
	case "true":
		return true, true, true
	case "false":
		return false, true, true
	}
	return false, false, false
}

// sortBitbucketRepos orders by sort ("created_on", "updated_on", "name", "full_name", "-" for descending);
// without one, in creation order.
func sortBitbucketRepos(repos []*bbRepo, sortBy string) {
	desc := strings.HasPrefix(sortBy, "-")
	field := strings.TrimPrefix(sortBy, "-")
	slices.SortStableFunc(repos, func(a, b *bbRepo) int {
		var c int
		switch field {
		case "name", "slug":
			c = strings.Compare(strings.ToLower(a.slug), strings.ToLower(b.slug))
		case "full_name":
			c = strings.Compare(strings.ToLower(a.fullName()), strings.ToLower(b.fullName()))
		case "updated_on":
			c = a.updatedAt.Compare(b.updatedAt)
		case "created_on":
			c = a.createdAt.Compare(b.createdAt)
		}
		if desc {
			return -c
		}
		return c
	})
}

// bbListAllRepos is GET /repositories: with ?role=, the repositories the caller has that role on.
func (e *Emulator) bbListAllRepos(w http.ResponseWriter, r *http.Request, c bbCaller) {
	e.bbWriteRepoList(w, r, c, func(*bbRepo) bool { return true })
}

func (e *Emulator) bbListWorkspaceRepos(w http.ResponseWriter, r *http.Request, c bbCaller) {
	ws := e.st.bitbucket.workspace(r.PathValue("workspace"))
	if ws == nil {
		writeBitbucketError(w, http.StatusNotFound, "No workspace with identifier '"+r.PathValue("workspace")+"'.")
		return
	}
	e.bbWriteRepoList(w, r, c, func(repo *bbRepo) bool { return repo.workspace == ws })
}

func (e *Emulator) bbGetRepo(w http.ResponseWriter, r *http.Request, c bbCaller) {
	if repo := e.bbRepoFor(w, r, c); repo != nil {
		writeJSON(w, http.StatusOK, e.st.bitbucket.repoOut(externalBase(r), repo))
	}
}

// ---- branches ----

type bbAuthorJSON struct {
	Type string `json:"type"`
	Raw  string `json:"raw"`
}

type bbCommitJSON struct {
	Type       string                `json:"type"`
	Hash       string                `json:"hash"`
	Date       string                `json:"date"`
	Message    string                `json:"message"`
	Author     bbAuthorJSON          `json:"author"`
	Parents    []bbCommitRefJSON     `json:"parents"`
	Repository *bbRepoRefJSON        `json:"repository,omitempty"`
	Links      map[string]bbLinkJSON `json:"links"`
}

type bbCommitRefJSON struct {
	Type  string                `json:"type"`
	Hash  string                `json:"hash"`
	Links map[string]bbLinkJSON `json:"links"`
}

type bbBranchJSON struct {
	Type                 string                `json:"type"`
	Name                 string                `json:"name"`
	Target               bbCommitJSON          `json:"target"`
	Links                map[string]bbLinkJSON `json:"links"`
	MergeStrategies      []string              `json:"merge_strategies"`
	DefaultMergeStrategy string                `json:"default_merge_strategy"`
}

func bbCommitOut(base string, r *bbRepo, sha, message string, when time.Time) bbCommitJSON {
	self := bbAPI(base) + "/repositories/" + r.fullName() + "/commit/" + sha
	ref := bbRepoRef(base, r)
	return bbCommitJSON{Type: "commit", Hash: sha, Date: bbTime(when), Message: message,
		Author:  bbAuthorJSON{Type: "author", Raw: "gitdeploy emulator <emulator@example.invalid>"},
		Parents: []bbCommitRefJSON{}, Repository: &ref,
		Links: map[string]bbLinkJSON{"self": {Href: self}, "html": {Href: bbWeb(base) + "/" + r.fullName() + "/commits/" + sha}}}
}

func bbBranchOut(base string, r *bbRepo, name string) bbBranchJSON {
	sha := headSHA(r.heads, HostBitbucket, r.fullName(), name)
	self := bbAPI(base) + "/repositories/" + r.fullName() + "/refs/branches/" + name
	return bbBranchJSON{Type: "branch", Name: name, Target: bbCommitOut(base, r, sha, "Emulated head of "+name+"\n", r.updatedAt),
		Links: map[string]bbLinkJSON{"self": {Href: self},
			"commits": {Href: bbAPI(base) + "/repositories/" + r.fullName() + "/commits/" + name},
			"html":    {Href: bbWeb(base) + "/" + r.fullName() + "/branch/" + name}},
		MergeStrategies: []string{"merge_commit", "squash", "fast_forward"}, DefaultMergeStrategy: "merge_commit"}
}

func (e *Emulator) bbListBranches(w http.ResponseWriter, r *http.Request, c bbCaller) {
	repo := e.bbRepoFor(w, r, c)
	if repo == nil {
		return
	}
	page := bbPage(r, repo.branches)
	base := externalBase(r)
	out := bbPageJSON[bbBranchJSON]{Pagelen: page.Pagelen, Size: page.Size, Page: page.Page, Next: page.Next,
		Previous: page.Previous, Values: make([]bbBranchJSON, 0, len(page.Values))}
	for _, b := range page.Values {
		out.Values = append(out.Values, bbBranchOut(base, repo, b))
	}
	writeJSON(w, http.StatusOK, out)
}

func (e *Emulator) bbGetBranch(w http.ResponseWriter, r *http.Request, c bbCaller) {
	repo := e.bbRepoFor(w, r, c)
	if repo == nil {
		return
	}
	name := r.PathValue("name")
	if !slices.Contains(repo.branches, name) {
		writeBitbucketError(w, http.StatusNotFound, "Branch \""+name+"\" does not exist.")
		return
	}
	writeJSON(w, http.StatusOK, bbBranchOut(externalBase(r), repo, name))
}

// ---- deploy keys ----

type bbKeyJSON struct {
	Type       string                `json:"type"`
	ID         int64                 `json:"id"`
	Key        string                `json:"key"`
	Label      string                `json:"label"`
	Comment    string                `json:"comment"`
	CreatedOn  string                `json:"created_on"`
	LastUsed   *string               `json:"last_used"`
	Repository bbRepoRefJSON         `json:"repository"`
	Links      map[string]bbLinkJSON `json:"links"`
}

func bbKeyOut(base string, r *bbRepo, k *bbKey) bbKeyJSON {
	return bbKeyJSON{Type: "deploy_key", ID: k.id, Key: k.key, Label: k.label, Comment: k.comment,
		CreatedOn: bbTime(k.createdAt), Repository: bbRepoRef(base, r),
		Links: map[string]bbLinkJSON{"self": {Href: bbAPI(base) + "/repositories/" + r.fullName() + "/deploy-keys/" + strconv.FormatInt(k.id, 10)}}}
}

func (e *Emulator) bbListKeys(w http.ResponseWriter, r *http.Request, c bbCaller) {
	repo := e.bbAdminRepoFor(w, r, c)
	if repo == nil {
		return
	}
	page := bbPage(r, repo.keys)
	base := externalBase(r)
	out := bbPageJSON[bbKeyJSON]{Pagelen: page.Pagelen, Size: page.Size, Page: page.Page, Next: page.Next,
		Previous: page.Previous, Values: make([]bbKeyJSON, 0, len(page.Values))}
	for _, k := range page.Values {
		out.Values = append(out.Values, bbKeyOut(base, repo, k))
	}
	writeJSON(w, http.StatusOK, out)
}

type bbKeyWrite struct {
	Key   *string `json:"key"`
	Label *string `json:"label"`
}

// bbKeyWriter is bbAdminRepoFor for the calls that change deploy keys, which Bitbucket's authentication
// docs list as inaccessible to access tokens. The answer's wording is not documented.
func (e *Emulator) bbKeyWriter(w http.ResponseWriter, r *http.Request, c bbCaller) *bbRepo {
	repo := e.bbAdminRepoFor(w, r, c)
	if repo != nil && c.token != nil {
		writeBitbucketError(w, http.StatusForbidden, "Access tokens cannot add, update or delete deploy keys.")
		return nil
	}
	return repo
}

// splitKeyComment parses an OpenSSH public key line into its normalised form and its comment.
func splitKeyComment(text string) (normalized, comment string, err error) {
	parsed, err := parsePublicKey(text)
	if err != nil {
		return "", "", err
	}
	fields := strings.Fields(strings.TrimSpace(text))
	if len(fields) > 2 {
		comment = strings.Join(fields[2:], " ")
	}
	return parsed.normalized, comment, nil
}

// bbCreateKey is POST .../deploy-keys: 200 with the key (the OpenAPI description documents 200, not 201).
// Keys are always read-only on Bitbucket. The same key twice on one repository is a 400 whose message
// follows what Bitbucket answered in 2018 (ansible/ansible#27467); the same key on other repositories is
// allowed (not confirmed by Atlassian's docs).
func (e *Emulator) bbCreateKey(w http.ResponseWriter, r *http.Request, c bbCaller) {
	repo := e.bbKeyWriter(w, r, c)
	if repo == nil {
		return
	}
	var body bbKeyWrite
	if err := decodeBody(r, &body); err != nil {
		writeBitbucketError(w, http.StatusBadRequest, "Invalid deploy key inputs: the body must be a JSON object")
		return
	}
	if body.Key == nil || strings.TrimSpace(*body.Key) == "" {
		writeBitbucketError(w, http.StatusBadRequest, "key: This field is required.")
		return
	}
	normalized, comment, err := splitKeyComment(*body.Key)
	if err != nil {
		writeBitbucketError(w, http.StatusBadRequest, "key: Invalid SSH key")
		return
	}
	if slices.ContainsFunc(repo.keys, func(k *bbKey) bool { return k.key == normalized }) {
		writeBitbucketError(w, http.StatusBadRequest, "Someone has already added that access key to this repository.")
		return
	}
	bb := &e.st.bitbucket
	k := &bbKey{id: bb.nextKeyID, key: normalized, comment: comment, createdAt: e.now()}
	bb.nextKeyID++
	if body.Label != nil {
		k.label = *body.Label
	}
	repo.keys = append(repo.keys, k)
	writeJSON(w, http.StatusOK, bbKeyOut(externalBase(r), repo, k))
}

func (r *bbRepo) key(idText string) (int, *bbKey) {
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

func (e *Emulator) bbGetKey(w http.ResponseWriter, r *http.Request, c bbCaller) {
	repo := e.bbAdminRepoFor(w, r, c)
	if repo == nil {
		return
	}
	_, k := repo.key(r.PathValue("key_id"))
	if k == nil {
		writeBitbucketError(w, http.StatusNotFound, "Deploy key not found")
		return
	}
	writeJSON(w, http.StatusOK, bbKeyOut(externalBase(r), repo, k))
}

// bbUpdateKey is PUT .../deploy-keys/{key_id}: "The same key needs to be passed in but the comment and
// label can change." (Bitbucket's docs).
func (e *Emulator) bbUpdateKey(w http.ResponseWriter, r *http.Request, c bbCaller) {
	repo := e.bbKeyWriter(w, r, c)
	if repo == nil {
		return
	}
	_, k := repo.key(r.PathValue("key_id"))
	if k == nil {
		writeBitbucketError(w, http.StatusNotFound, "Deploy key not found")
		return
	}
	var body bbKeyWrite
	if err := decodeBody(r, &body); err != nil {
		writeBitbucketError(w, http.StatusBadRequest, "the body must be a JSON object")
		return
	}
	comment := k.comment
	if body.Key != nil {
		normalized, newComment, err := splitKeyComment(*body.Key)
		if err != nil || normalized != k.key {
			writeBitbucketError(w, http.StatusBadRequest, "key: The key of a deploy key cannot be changed.")
			return
		}
		comment = newComment
	}
	k.comment = comment
	if body.Label != nil {
		k.label = *body.Label
	}
	writeJSON(w, http.StatusOK, bbKeyOut(externalBase(r), repo, k))
}

func (e *Emulator) bbDeleteKey(w http.ResponseWriter, r *http.Request, c bbCaller) {
	repo := e.bbKeyWriter(w, r, c)
	if repo == nil {
		return
	}
	i, k := repo.key(r.PathValue("key_id"))
	if k == nil {
		writeBitbucketError(w, http.StatusNotFound, "Deploy key not found")
		return
	}
	repo.keys = slices.Delete(repo.keys, i, i+1)
	writeNoContent(w)
}

// ---- seed ----

func (st *state) applyBitbucket(s *BitbucketSeed) error {
	bb := &st.bitbucket
	for _, u := range s.Users {
		if u.Nickname == "" || u.Email == "" || u.APIToken == "" {
			return fmt.Errorf("user needs a nickname, an email and an api_token")
		}
		if slices.ContainsFunc(bb.users, func(o *bbUser) bool { return strings.EqualFold(o.email, u.Email) }) {
			return fmt.Errorf("user %q already exists", u.Email)
		}
		bb.users = append(bb.users, &bbUser{nickname: u.Nickname, email: u.Email, apiToken: u.APIToken,
			uuid: bbUUID("user/" + u.Nickname), workspaces: slices.Clone(u.Workspaces)})
	}
	for _, ws := range s.Workspaces {
		if err := bb.ensureWorkspace(ws); err != nil {
			return err
		}
	}
	for _, rs := range s.Repos {
		if err := bb.addRepo(rs); err != nil {
			return err
		}
	}
	for _, g := range s.Generate {
		if err := g.validate(); err != nil {
			return err
		}
		for _, rs := range g.bitbucketRepos() {
			if err := bb.addRepo(rs); err != nil {
				return err
			}
		}
	}
	// Access tokens last: a repository token needs its repository.
	for _, t := range s.AccessTokens {
		if t.Token == "" || t.Workspace == "" {
			return fmt.Errorf("access token needs a token and a workspace")
		}
		if bb.workspace(t.Workspace) == nil {
			return fmt.Errorf("access token: no workspace %q", t.Workspace)
		}
		tok := &bbAccessToken{token: t.Token, name: t.Name, workspace: strings.ToLower(t.Workspace),
			uuid: bbUUID("token/" + t.Token)}
		if tok.name == "" {
			tok.name = "gitdeploy"
		}
		if t.Repository != "" {
			ws, slug, _ := strings.Cut(t.Repository, "/")
			if !strings.EqualFold(ws, t.Workspace) || bb.repo(ws, slug) == nil {
				return fmt.Errorf("access token: no repository %q in workspace %q", t.Repository, t.Workspace)
			}
			tok.repo = strings.ToLower(t.Repository)
		}
		bb.tokens = append(bb.tokens, tok)
	}
	return nil
}

func (bb *bitbucketState) ensureWorkspace(slug string) error {
	if slug == "" || strings.ContainsAny(slug, "/{} ") {
		return fmt.Errorf("invalid workspace %q", slug)
	}
	if bb.workspaces[strings.ToLower(slug)] != nil {
		return nil
	}
	ws := &bbWorkspace{slug: slug, name: slug, uuid: bbUUID("workspace/" + strings.ToLower(slug))}
	bb.workspaces[strings.ToLower(slug)] = ws
	bb.workspaceOrder = append(bb.workspaceOrder, ws)
	return nil
}

func (bb *bitbucketState) addRepo(rs BitbucketRepoSeed) error {
	workspace, slug, ok := strings.Cut(rs.FullName, "/")
	if !ok || workspace == "" || slug == "" || strings.ContainsAny(slug, "/{} ") {
		return fmt.Errorf("repo full_name %q is not workspace/repo_slug", rs.FullName)
	}
	if bb.repos[strings.ToLower(rs.FullName)] != nil {
		return fmt.Errorf("repo %q already exists", rs.FullName)
	}
	if err := bb.ensureWorkspace(workspace); err != nil {
		return err
	}
	branches, err := withBranchCount(rs.MainBranch, rs.Branches, rs.BranchCount)
	if err != nil {
		return fmt.Errorf("repo %q: %w", rs.FullName, err)
	}
	r := &bbRepo{workspace: bb.workspaces[strings.ToLower(workspace)], slug: slug, name: slug, private: rs.Private,
		description: rs.Description, language: rs.Language, parent: rs.Parent, createdAt: seedTime, updatedAt: seedTime,
		uuid: bbUUID("repo/" + strings.ToLower(rs.FullName))}
	r.mainBranch, r.branches = normaliseBranches(rs.MainBranch, branches)
	bb.repos[strings.ToLower(r.fullName())] = r
	bb.repoOrder = append(bb.repoOrder, r)
	return nil
}

// trialCopy is copyForTrial's part for Bitbucket: apply only adds, so copying the maps is enough.
func (bb *bitbucketState) trialCopy() bitbucketState {
	t := newBitbucketState()
	t.users = slices.Clone(bb.users)
	t.tokens = slices.Clone(bb.tokens)
	for k, v := range bb.workspaces {
		t.workspaces[k] = v
	}
	t.workspaceOrder = slices.Clone(bb.workspaceOrder)
	for k, v := range bb.repos {
		t.repos[k] = v
	}
	t.repoOrder = slices.Clone(bb.repoOrder)
	return t
}
