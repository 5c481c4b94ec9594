package emulator

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// GitLab's REST API (https://HOST/api/v4), the parts the provider uses: the authenticated user, projects
// (by numeric id or URL-encoded full path), branches and deploy keys.

func writeGitLabMessage(w http.ResponseWriter, status int, message any) {
	writeJSON(w, status, map[string]any{"message": message})
}

// gitlabHandler runs with the state locked and the caller authenticated as u.
type gitlabHandler func(w http.ResponseWriter, r *http.Request, u *glUser)

// gitlab wraps a handler with GitLab's auth: a PRIVATE-TOKEN header or "Authorization: Bearer <t>".
// Every request needs a token here, although gitlab.com would show public projects anonymously.
func (e *Emulator) gitlab(h gitlabHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		e.locked(w, func(w http.ResponseWriter) {
			tok := r.Header.Get("PRIVATE-TOKEN")
			if tok == "" {
				tok, _ = bearerToken(r, false)
			}
			u := e.st.gitlab.userByToken(tok)
			if tok == "" || u == nil {
				writeGitLabMessage(w, http.StatusUnauthorized, "401 Unauthorized")
				return
			}
			h(w, r, u)
		})
	}
}

func (e *Emulator) gitlabRoutes() {
	p := GitLabPrefix
	e.api.HandleFunc("GET "+p+"/user", e.gitlab(e.glGetUser))
	e.api.HandleFunc("GET "+p+"/projects/{id}", e.gitlab(e.glGetProject))
	e.api.HandleFunc("GET "+p+"/projects/{id}/repository/branches", e.gitlab(e.glListBranches))
	e.api.HandleFunc("GET "+p+"/projects/{id}/repository/branches/{branch...}", e.gitlab(e.glGetBranch))
	e.api.HandleFunc("GET "+p+"/projects/{id}/deploy_keys", e.gitlab(e.glListKeys))
	e.api.HandleFunc("POST "+p+"/projects/{id}/deploy_keys", e.gitlab(e.glCreateKey))
	e.api.HandleFunc("GET "+p+"/projects/{id}/deploy_keys/{key_id}", e.gitlab(e.glGetKey))
	e.api.HandleFunc("PUT "+p+"/projects/{id}/deploy_keys/{key_id}", e.gitlab(e.glUpdateKey))
	e.api.HandleFunc("DELETE "+p+"/projects/{id}/deploy_keys/{key_id}", e.gitlab(e.glDeleteKey))
}

// ---- access ----

// isMember: the owner of a personal project, or a member of its group or of an ancestor group
// (GitLab memberships are inherited by subgroups).
func (u *glUser) isMember(p *glProject) bool {
	if p.personal {
		return strings.EqualFold(p.namespace, u.username)
	}
	if u.groups == nil {
		return true
	}
	ns := strings.ToLower(p.namespace)
	for _, g := range u.groups {
		g = strings.ToLower(g)
		if ns == g || strings.HasPrefix(ns, g+"/") {
			return true
		}
	}
	return false
}

func (u *glUser) canSee(p *glProject) bool { return p.visibility != "private" || u.isMember(p) }

// project resolves ":id", a numeric id or a full path (the mux has already decoded %2F).
func (gl *gitlabState) project(idOrPath string) *glProject {
	if id, err := strconv.ParseInt(idOrPath, 10, 64); err == nil {
		return gl.projectByID[id]
	}
	return gl.projects[strings.ToLower(idOrPath)]
}

func (e *Emulator) projectFor(w http.ResponseWriter, r *http.Request, u *glUser) *glProject {
	p := e.st.gitlab.project(r.PathValue("id"))
	if p == nil || !u.canSee(p) {
		writeGitLabMessage(w, http.StatusNotFound, "404 Project Not Found")
		return nil
	}
	return p
}

// maintainedProjectFor is projectFor for calls that need the Maintainer role: others get 403.
func (e *Emulator) maintainedProjectFor(w http.ResponseWriter, r *http.Request, u *glUser) *glProject {
	p := e.projectFor(w, r, u)
	if p == nil {
		return nil
	}
	if !u.isMember(p) {
		writeGitLabMessage(w, http.StatusForbidden, "403 Forbidden")
		return nil
	}
	return p
}

// ---- user ----

type glUserJSON struct {
	ID        int64  `json:"id"`
	Username  string `json:"username"`
	Name      string `json:"name"`
	State     string `json:"state"`
	WebURL    string `json:"web_url"`
	AvatarURL string `json:"avatar_url"`
}

func (e *Emulator) glGetUser(w http.ResponseWriter, r *http.Request, u *glUser) {
	writeJSON(w, http.StatusOK, glUserJSON{ID: u.id, Username: u.username, Name: u.username, State: "active",
		WebURL: externalBase(r) + "/gitlab/" + u.username, AvatarURL: ""})
}

// ---- projects ----

type glNamespaceJSON struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Path     string `json:"path"`
	Kind     string `json:"kind"`
	FullPath string `json:"full_path"`
	ParentID *int64 `json:"parent_id"`
	WebURL   string `json:"web_url"`
}

type glForkParentJSON struct {
	ID                int64  `json:"id"`
	Name              string `json:"name"`
	Path              string `json:"path"`
	PathWithNamespace string `json:"path_with_namespace"`
	WebURL            string `json:"web_url"`
}

type glProjectJSON struct {
	ID                int64             `json:"id"`
	Description       *string           `json:"description"`
	Name              string            `json:"name"`
	NameWithNamespace string            `json:"name_with_namespace"`
	Path              string            `json:"path"`
	PathWithNamespace string            `json:"path_with_namespace"`
	CreatedAt         string            `json:"created_at"`
	DefaultBranch     string            `json:"default_branch"`
	Topics            []string          `json:"topics"`
	TagList           []string          `json:"tag_list"`
	SSHURLToRepo      string            `json:"ssh_url_to_repo"`
	HTTPURLToRepo     string            `json:"http_url_to_repo"`
	WebURL            string            `json:"web_url"`
	Visibility        string            `json:"visibility"`
	Archived          bool              `json:"archived"`
	EmptyRepo         bool              `json:"empty_repo"`
	LastActivityAt    string            `json:"last_activity_at"`
	Namespace         glNamespaceJSON   `json:"namespace"`
	ForkedFromProject *glForkParentJSON `json:"forked_from_project,omitempty"`
}

func (gl *gitlabState) namespaceOut(r *http.Request, fullPath string) glNamespaceJSON {
	web := externalBase(r) + "/gitlab/"
	if g := gl.groups[strings.ToLower(fullPath)]; g != nil {
		ns := glNamespaceJSON{ID: g.id, Name: g.name, Path: g.path, Kind: "group", FullPath: g.fullPath,
			WebURL: web + "groups/" + g.fullPath}
		if g.parentID != 0 {
			parent := g.parentID
			ns.ParentID = &parent
		}
		return ns
	}
	var id int64
	if u := gl.userByUsername(fullPath); u != nil {
		id = u.id
	}
	return glNamespaceJSON{ID: id, Name: fullPath, Path: fullPath, Kind: "user", FullPath: fullPath, WebURL: web + fullPath}
}

func (gl *gitlabState) projectOut(r *http.Request, p *glProject) glProjectJSON {
	base := externalBase(r) + "/gitlab/"
	full := p.pathWithNamespace()
	out := glProjectJSON{
		ID: p.id, Description: nullable(p.description), Name: p.name,
		NameWithNamespace: strings.ReplaceAll(full, "/", " / "), Path: p.path, PathWithNamespace: full,
		CreatedAt: formatTimeMillis(p.createdAt), DefaultBranch: p.defaultBranch,
		Topics: slices.Clone(p.topics), TagList: slices.Clone(p.topics),
		SSHURLToRepo: "git@" + hostOnly(r) + ":" + full + ".git", HTTPURLToRepo: base + full + ".git",
		WebURL: base + full, Visibility: p.visibility, Archived: p.archived,
		LastActivityAt: formatTimeMillis(p.lastActivity), Namespace: gl.namespaceOut(r, p.namespace),
	}
	if p.forkedFrom != "" {
		parent := &glForkParentJSON{PathWithNamespace: p.forkedFrom, WebURL: base + p.forkedFrom}
		_, parent.Path, _ = cutLast(p.forkedFrom, "/")
		parent.Name = parent.Path
		if pp := gl.projects[strings.ToLower(p.forkedFrom)]; pp != nil {
			parent.ID = pp.id
		}
		out.ForkedFromProject = parent
	}
	return out
}

func (e *Emulator) glGetProject(w http.ResponseWriter, r *http.Request, u *glUser) {
	if p := e.projectFor(w, r, u); p != nil {
		writeJSON(w, http.StatusOK, e.st.gitlab.projectOut(r, p))
	}
}

// ---- branches ----

type glCommitJSON struct {
	ID             string   `json:"id"`
	ShortID        string   `json:"short_id"`
	CreatedAt      string   `json:"created_at"`
	ParentIDs      []string `json:"parent_ids"`
	Title          string   `json:"title"`
	Message        string   `json:"message"`
	AuthorName     string   `json:"author_name"`
	AuthorEmail    string   `json:"author_email"`
	AuthoredDate   string   `json:"authored_date"`
	CommitterName  string   `json:"committer_name"`
	CommitterEmail string   `json:"committer_email"`
	CommittedDate  string   `json:"committed_date"`
	WebURL         string   `json:"web_url"`
}

type glBranchJSON struct {
	Name               string       `json:"name"`
	Merged             bool         `json:"merged"`
	Protected          bool         `json:"protected"`
	Default            bool         `json:"default"`
	DevelopersCanPush  bool         `json:"developers_can_push"`
	DevelopersCanMerge bool         `json:"developers_can_merge"`
	CanPush            bool         `json:"can_push"`
	WebURL             string       `json:"web_url"`
	Commit             glCommitJSON `json:"commit"`
}

func glBranchOut(r *http.Request, u *glUser, p *glProject, name string) glBranchJSON {
	full := p.pathWithNamespace()
	sha := headSHA(p.heads, HostGitLab, full, name)
	when := formatTimeMillis(p.lastActivity)
	web := externalBase(r) + "/gitlab/" + full
	return glBranchJSON{
		Name: name, Default: name == p.defaultBranch,
		Protected: name == p.defaultBranch, // GitLab protects the default branch by default
		CanPush:   u.isMember(p), WebURL: web + "/-/tree/" + name,
		Commit: glCommitJSON{ID: sha, ShortID: sha[:8], CreatedAt: when, ParentIDs: []string{},
			Title: "Emulated head of " + name, Message: "Emulated head of " + name,
			AuthorName: "gitdeploy emulator", AuthorEmail: "emulator@example.invalid", AuthoredDate: when,
			CommitterName: "gitdeploy emulator", CommitterEmail: "emulator@example.invalid", CommittedDate: when,
			WebURL: web + "/-/commit/" + sha},
	}
}

func (e *Emulator) glListBranches(w http.ResponseWriter, r *http.Request, u *glUser) {
	p := e.projectFor(w, r, u)
	if p == nil {
		return
	}
	search := strings.ToLower(r.URL.Query().Get("search"))
	var names []string
	for _, b := range p.branches {
		if search == "" || strings.Contains(strings.ToLower(b), search) {
			names = append(names, b)
		}
	}
	pg := readPage(r, 20)
	start, end := pg.bounds(len(names))
	out := make([]glBranchJSON, 0, end-start)
	for _, b := range names[start:end] {
		out = append(out, glBranchOut(r, u, p, b))
	}
	setGitLabPagination(w, r, pg, len(names))
	writeJSON(w, http.StatusOK, out)
}

func (e *Emulator) glGetBranch(w http.ResponseWriter, r *http.Request, u *glUser) {
	p := e.projectFor(w, r, u)
	if p == nil {
		return
	}
	name := r.PathValue("branch")
	if !slices.Contains(p.branches, name) {
		writeGitLabMessage(w, http.StatusNotFound, "404 Branch Not Found")
		return
	}
	writeJSON(w, http.StatusOK, glBranchOut(r, u, p, name))
}

// ---- deploy keys ----

type glKeyJSON struct {
	ID                int64   `json:"id"`
	Title             string  `json:"title"`
	Key               string  `json:"key"`
	CreatedAt         string  `json:"created_at"`
	ExpiresAt         *string `json:"expires_at"`
	CanPush           bool    `json:"can_push"`
	Fingerprint       string  `json:"fingerprint"`
	FingerprintSHA256 string  `json:"fingerprint_sha256"`
}

func glKeyOut(k *glKey, link *glKeyLink) glKeyJSON {
	return glKeyJSON{ID: k.id, Title: k.title, Key: k.key, CreatedAt: formatTimeMillis(k.createdAt),
		CanPush: link.canPush, Fingerprint: k.fingerprint, FingerprintSHA256: k.fingerprintSHA256}
}

func (e *Emulator) glListKeys(w http.ResponseWriter, r *http.Request, u *glUser) {
	p := e.maintainedProjectFor(w, r, u)
	if p == nil {
		return
	}
	links := listed(e, p.deployKeys)
	pg := readPage(r, 20)
	start, end := pg.bounds(len(links))
	out := make([]glKeyJSON, 0, end-start)
	for _, link := range links[start:end] {
		out = append(out, glKeyOut(e.st.gitlab.keys[link.keyID], link))
	}
	setGitLabPagination(w, r, pg, len(links))
	writeJSON(w, http.StatusOK, out)
}

type glKeyWrite struct {
	Title   *string `json:"title"`
	Key     *string `json:"key"`
	CanPush *bool   `json:"can_push"`
}

// glCreateKey follows GitLab's POST /projects/:id/deploy_keys: the exact key already enabled on the
// project is answered as is; the exact key of another project the user can reach is enabled here too
// (same id: deploy keys are shared on GitLab); otherwise a new key is made, and a key whose fingerprint
// is already known (for example the same key with another comment) is refused with 400.
func (e *Emulator) glCreateKey(w http.ResponseWriter, r *http.Request, u *glUser) {
	p := e.maintainedProjectFor(w, r, u)
	if p == nil {
		return
	}
	var body glKeyWrite
	if err := decodeBody(r, &body); err != nil && !errors.Is(err, errEmptyBody) {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "body is not valid JSON"})
		return
	}
	var missing []string
	if body.Key == nil || strings.TrimSpace(*body.Key) == "" {
		missing = append(missing, "key is missing")
	}
	if body.Title == nil || *body.Title == "" {
		missing = append(missing, "title is missing")
	}
	if len(missing) > 0 {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": strings.Join(missing, ", ")})
		return
	}
	text := strings.TrimSpace(*body.Key)
	canPush := body.CanPush != nil && *body.CanPush
	gl := &e.st.gitlab
	for _, link := range p.deployKeys {
		if k := gl.keys[link.keyID]; k.key == text {
			writeJSON(w, http.StatusCreated, glKeyOut(k, link))
			return
		}
	}
	if k := gl.accessibleKeyByText(u, text); k != nil {
		link := &glKeyLink{keyID: k.id, canPush: canPush, createdAt: e.now()}
		p.deployKeys = append(p.deployKeys, link)
		e.recordBirth(link)
		writeJSON(w, http.StatusCreated, glKeyOut(k, link))
		return
	}
	parsed, err := parsePublicKey(text)
	if err != nil {
		writeGitLabMessage(w, http.StatusBadRequest, map[string][]string{"deploy_key.key": {"is invalid"}})
		return
	}
	for _, k := range gl.keys {
		if k.fingerprintSHA256 == parsed.fingerprintSHA256 {
			writeGitLabMessage(w, http.StatusBadRequest, map[string][]string{"deploy_key.fingerprint_sha256": {"has already been taken"}})
			return
		}
	}
	now := e.now()
	k := &glKey{id: gl.nextKeyID, title: *body.Title, key: text, fingerprint: parsed.fingerprintMD5,
		fingerprintSHA256: parsed.fingerprintSHA256, createdAt: now}
	gl.nextKeyID++
	gl.keys[k.id] = k
	link := &glKeyLink{keyID: k.id, canPush: canPush, createdAt: now}
	p.deployKeys = append(p.deployKeys, link)
	e.recordBirth(link)
	writeJSON(w, http.StatusCreated, glKeyOut(k, link))
}

// accessibleKeyByText finds a deploy key with exactly this text enabled on a project the user maintains.
func (gl *gitlabState) accessibleKeyByText(u *glUser, text string) *glKey {
	for _, p := range gl.projectOrder {
		if !u.isMember(p) {
			continue
		}
		for _, link := range p.deployKeys {
			if k := gl.keys[link.keyID]; k.key == text {
				return k
			}
		}
	}
	return nil
}

func (p *glProject) keyLink(idText string) (int, *glKeyLink) {
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil {
		return -1, nil
	}
	for i, link := range p.deployKeys {
		if link.keyID == id {
			return i, link
		}
	}
	return -1, nil
}

func (e *Emulator) glGetKey(w http.ResponseWriter, r *http.Request, u *glUser) {
	p := e.maintainedProjectFor(w, r, u)
	if p == nil {
		return
	}
	_, link := p.keyLink(r.PathValue("key_id"))
	if link == nil {
		writeGitLabMessage(w, http.StatusNotFound, "404 Deploy Key Not Found")
		return
	}
	writeJSON(w, http.StatusOK, glKeyOut(e.st.gitlab.keys[link.keyID], link))
}

// glUpdateKey follows GitLab's PUT /projects/:id/deploy_keys/:key_id: title renames the key itself (a key
// shared by several projects has one title), can_push is this project's link.
func (e *Emulator) glUpdateKey(w http.ResponseWriter, r *http.Request, u *glUser) {
	p := e.maintainedProjectFor(w, r, u)
	if p == nil {
		return
	}
	_, link := p.keyLink(r.PathValue("key_id"))
	if link == nil {
		writeGitLabMessage(w, http.StatusNotFound, "404 Deploy Key Not Found")
		return
	}
	var body glKeyWrite
	if err := decodeBody(r, &body); err != nil && !errors.Is(err, errEmptyBody) {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "body is not valid JSON"})
		return
	}
	if body.Title != nil && *body.Title == "" {
		writeGitLabMessage(w, http.StatusBadRequest, map[string][]string{"title": {"can't be blank"}})
		return
	}
	k := e.st.gitlab.keys[link.keyID]
	if body.Title != nil {
		k.title = *body.Title
	}
	if body.CanPush != nil {
		link.canPush = *body.CanPush
	}
	writeJSON(w, http.StatusOK, glKeyOut(k, link))
}

func (e *Emulator) glDeleteKey(w http.ResponseWriter, r *http.Request, u *glUser) {
	p := e.maintainedProjectFor(w, r, u)
	if p == nil {
		return
	}
	if !e.st.gitlab.unlinkKey(p, r.PathValue("key_id")) {
		writeGitLabMessage(w, http.StatusNotFound, "404 Deploy Key Not Found")
		return
	}
	writeNoContent(w)
}

// unlinkKey removes a deploy key from a project; GitLab deletes the key itself when no project uses it
// any more.
func (gl *gitlabState) unlinkKey(p *glProject, idText string) bool {
	i, link := p.keyLink(idText)
	if link == nil {
		return false
	}
	p.deployKeys = slices.Delete(p.deployKeys, i, i+1)
	for _, other := range gl.projectOrder {
		for _, l := range other.deployKeys {
			if l.keyID == link.keyID {
				return true
			}
		}
	}
	delete(gl.keys, link.keyID)
	return true
}

// touch records activity on a project (branch changes).
func (p *glProject) touch(now time.Time) { p.lastActivity = now }
