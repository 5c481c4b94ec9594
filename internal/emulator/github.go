package emulator

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// GitHub's REST API in the Enterprise Server layout (https://HOST/api/v3), the parts the provider uses:
// the authenticated user, repositories, branches and deploy keys.

const ghDocs = "https://docs.github.com/rest"

// writeGitHubError writes GitHub's error body: message, documentation_url and status (as a string).
func writeGitHubError(w http.ResponseWriter, status int, message, docURL string) {
	writeJSON(w, status, map[string]any{"message": message, "documentation_url": docURL, "status": strconv.Itoa(status)})
}

type ghValidationError struct {
	Resource string `json:"resource"`
	Code     string `json:"code"`
	Field    string `json:"field"`
	Message  string `json:"message,omitempty"`
}

// writeGitHubValidation is GitHub's 422 "Validation Failed" with its errors list.
func writeGitHubValidation(w http.ResponseWriter, docURL string, errs ...ghValidationError) {
	writeJSON(w, http.StatusUnprocessableEntity, map[string]any{
		"message": "Validation Failed", "errors": errs, "documentation_url": docURL, "status": "422",
	})
}

// githubHandler runs with the state locked and the caller authenticated as u.
type githubHandler func(w http.ResponseWriter, r *http.Request, u *ghUser)

// github wraps a handler with GitHub's auth: "Authorization: Bearer <t>" or "Authorization: token <t>", a
// user's token or an unexpired installation token (github_apps.go). Every request needs a token, as on a
// GitHub Enterprise Server in private mode.
func (e *Emulator) github(h githubHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		e.locked(w, func(w http.ResponseWriter) {
			tok, ok := bearerToken(r, true)
			if !ok {
				writeGitHubError(w, http.StatusUnauthorized, "Requires authentication", ghDocs)
				return
			}
			u := e.st.github.userByToken(tok)
			if u == nil {
				u = e.installationUser(tok) // an expired installation token is unknown too
			}
			if u == nil {
				writeGitHubError(w, http.StatusUnauthorized, "Bad credentials", ghDocs)
				return
			}
			if !e.checkInstallation(w, r, u) {
				return
			}
			h(w, r, u)
		})
	}
}

func (e *Emulator) githubRoutes() {
	p := GitHubPrefix
	e.api.HandleFunc("GET "+p+"/user", e.github(e.ghGetUser))
	e.api.HandleFunc("GET "+p+"/repos/{owner}/{repo}", e.github(e.ghGetRepo))
	e.api.HandleFunc("GET "+p+"/repos/{owner}/{repo}/branches", e.github(e.ghListBranches))
	e.api.HandleFunc("GET "+p+"/repos/{owner}/{repo}/branches/{branch...}", e.github(e.ghGetBranch))
	e.api.HandleFunc("POST "+p+"/repos/{owner}/{repo}/branches/{branch}/rename", e.github(e.ghRenameBranch))
	e.api.HandleFunc("GET "+p+"/repos/{owner}/{repo}/keys", e.github(e.ghListKeys))
	e.api.HandleFunc("POST "+p+"/repos/{owner}/{repo}/keys", e.github(e.ghCreateKey))
	e.api.HandleFunc("GET "+p+"/repos/{owner}/{repo}/keys/{key_id}", e.github(e.ghGetKey))
	e.api.HandleFunc("DELETE "+p+"/repos/{owner}/{repo}/keys/{key_id}", e.github(e.ghDeleteKey))
}

// ---- access ----

// isMember reports whether u may administer the repository: its owner, or a member of its organisation.
func (u *ghUser) isMember(r *ghRepo) bool {
	if u.installation != nil {
		return u.installation.covers(r)
	}
	if r.ownerType == "User" {
		return strings.EqualFold(r.ownerLogin, u.login)
	}
	return u.orgs == nil || slices.ContainsFunc(u.orgs, func(o string) bool { return strings.EqualFold(o, r.ownerLogin) })
}

// canSee: public and internal repositories are visible to every signed-in user of the instance.
func (u *ghUser) canSee(r *ghRepo) bool { return r.visibility != "private" || u.isMember(r) }

// repoFor finds a repository the user can see; GitHub answers 404 (not 403) for private ones.
func (e *Emulator) repoFor(w http.ResponseWriter, r *http.Request, u *ghUser) *ghRepo {
	repo := e.st.github.repos[strings.ToLower(r.PathValue("owner")+"/"+r.PathValue("repo"))]
	if repo == nil || !u.canSee(repo) {
		writeGitHubError(w, http.StatusNotFound, "Not Found", ghDocs+"/repos/repos#get-a-repository")
		return nil
	}
	return repo
}

// ---- user ----

type ghOwnerJSON struct {
	Login     string `json:"login"`
	ID        int64  `json:"id"`
	NodeID    string `json:"node_id"`
	Type      string `json:"type"`
	SiteAdmin bool   `json:"site_admin"`
	URL       string `json:"url"`
	HTMLURL   string `json:"html_url"`
}

func ghNodeID(prefix string, id int64) string {
	return prefix + base64.RawStdEncoding.EncodeToString(fmt.Appendf(nil, "%d", id))
}

func ghOwnerOut(r *http.Request, login string, id int64, typ string) ghOwnerJSON {
	return ownerFor(externalBase(r), login, id, typ)
}

func (e *Emulator) ghGetUser(w http.ResponseWriter, r *http.Request, u *ghUser) {
	writeJSON(w, http.StatusOK, ghOwnerOut(r, u.login, u.id, "User"))
}

// ---- repositories ----

type ghPermissionsJSON struct {
	Admin    bool `json:"admin"`
	Maintain bool `json:"maintain"`
	Push     bool `json:"push"`
	Triage   bool `json:"triage"`
	Pull     bool `json:"pull"`
}

type ghRepoJSON struct {
	ID            int64             `json:"id"`
	NodeID        string            `json:"node_id"`
	Name          string            `json:"name"`
	FullName      string            `json:"full_name"`
	Private       bool              `json:"private"`
	Visibility    string            `json:"visibility"`
	Owner         ghOwnerJSON       `json:"owner"`
	HTMLURL       string            `json:"html_url"`
	Description   *string           `json:"description"`
	Fork          bool              `json:"fork"`
	URL           string            `json:"url"`
	CloneURL      string            `json:"clone_url"`
	SSHURL        string            `json:"ssh_url"`
	GitURL        string            `json:"git_url"`
	SVNURL        string            `json:"svn_url"`
	MirrorURL     *string           `json:"mirror_url"`
	Homepage      *string           `json:"homepage"`
	Language      *string           `json:"language"`
	DefaultBranch string            `json:"default_branch"`
	Archived      bool              `json:"archived"`
	Disabled      bool              `json:"disabled"`
	IsTemplate    bool              `json:"is_template"`
	Topics        []string          `json:"topics"`
	HasIssues     bool              `json:"has_issues"`
	HasProjects   bool              `json:"has_projects"`
	HasWiki       bool              `json:"has_wiki"`
	HasPages      bool              `json:"has_pages"`
	HasDownloads  bool              `json:"has_downloads"`
	HasDiscussion bool              `json:"has_discussions"`
	AllowForking  bool              `json:"allow_forking"`
	License       *struct{}         `json:"license"`
	Size          int               `json:"size"`
	Stargazers    int               `json:"stargazers_count"`
	Watchers      int               `json:"watchers_count"`
	ForksCount    int               `json:"forks_count"`
	OpenIssues    int               `json:"open_issues_count"`
	CreatedAt     string            `json:"created_at"`
	UpdatedAt     string            `json:"updated_at"`
	PushedAt      string            `json:"pushed_at"`
	Permissions   ghPermissionsJSON `json:"permissions"`
}

// ghFullRepoJSON is GET /repos/{owner}/{repo} (GitHub's full-repository): the merge settings come with
// it for those who may change them. Values are GitHub's documented defaults for a new repository; the
// emulator does not let them change.
type ghFullRepoJSON struct {
	ghRepoJSON
	AllowMergeCommit         *bool   `json:"allow_merge_commit,omitempty"`
	AllowSquashMerge         *bool   `json:"allow_squash_merge,omitempty"`
	AllowRebaseMerge         *bool   `json:"allow_rebase_merge,omitempty"`
	AllowAutoMerge           *bool   `json:"allow_auto_merge,omitempty"`
	AllowUpdateBranch        *bool   `json:"allow_update_branch,omitempty"`
	DeleteBranchOnMerge      *bool   `json:"delete_branch_on_merge,omitempty"`
	SquashMergeCommitTitle   *string `json:"squash_merge_commit_title,omitempty"`
	SquashMergeCommitMessage *string `json:"squash_merge_commit_message,omitempty"`
	MergeCommitTitle         *string `json:"merge_commit_title,omitempty"`
	MergeCommitMessage       *string `json:"merge_commit_message,omitempty"`
	WebCommitSignoffRequired bool    `json:"web_commit_signoff_required"`
	NetworkCount             int     `json:"network_count"`
	SubscribersCount         int     `json:"subscribers_count"`
}

func ghFullRepoOut(r *http.Request, u *ghUser, repo *ghRepo) ghFullRepoJSON {
	out := ghFullRepoJSON{ghRepoJSON: ghRepoOut(r, u, repo)}
	if u.isMember(repo) {
		yes, no := true, false
		out.AllowMergeCommit, out.AllowSquashMerge, out.AllowRebaseMerge = &yes, &yes, &yes
		out.AllowAutoMerge, out.AllowUpdateBranch, out.DeleteBranchOnMerge = &no, &no, &no
		out.SquashMergeCommitTitle, out.SquashMergeCommitMessage = nullable("COMMIT_OR_PR_TITLE"), nullable("COMMIT_MESSAGES")
		out.MergeCommitTitle, out.MergeCommitMessage = nullable("MERGE_MESSAGE"), nullable("PR_TITLE")
	}
	return out
}

func ghRepoOut(r *http.Request, u *ghUser, repo *ghRepo) ghRepoJSON {
	base := externalBase(r)
	full := repo.fullName()
	member := u.isMember(repo)
	return ghRepoJSON{
		ID: repo.id, NodeID: ghNodeID("R_", repo.id), Name: repo.name, FullName: full,
		Private: repo.private, Visibility: repo.visibility,
		Owner:   ghOwnerOut(r, repo.ownerLogin, repo.ownerID, repo.ownerType),
		HTMLURL: base + "/github/" + full, Description: nullable(repo.description), Fork: repo.fork,
		URL: base + GitHubPrefix + "/repos/" + full, CloneURL: base + "/github/" + full + ".git",
		SSHURL: "git@" + hostOnly(r) + ":" + full + ".git", GitURL: "git://" + hostOnly(r) + "/" + full + ".git",
		SVNURL:        base + "/github/" + full,
		DefaultBranch: repo.defaultBranch, Archived: repo.archived, Topics: slices.Clone(repo.topics),
		HasIssues: true, HasProjects: true, HasWiki: true, HasDownloads: true, AllowForking: repo.visibility == "public",
		CreatedAt: formatTime(repo.createdAt), UpdatedAt: formatTime(repo.pushedAt), PushedAt: formatTime(repo.pushedAt),
		Permissions: ghPermissionsJSON{Admin: member, Maintain: member, Push: member, Triage: member, Pull: true},
	}
}

func (e *Emulator) ghGetRepo(w http.ResponseWriter, r *http.Request, u *ghUser) {
	if repo := e.repoFor(w, r, u); repo != nil {
		writeJSON(w, http.StatusOK, ghFullRepoOut(r, u, repo))
	}
}

// ---- branches ----

type ghCommitRefJSON struct {
	SHA string `json:"sha"`
	URL string `json:"url"`
}

type ghBranchJSON struct {
	Name      string          `json:"name"`
	Commit    ghCommitRefJSON `json:"commit"`
	Protected bool            `json:"protected"`
}

type ghBranchDetailJSON struct {
	Name          string            `json:"name"`
	Commit        ghCommitRefJSON   `json:"commit"`
	Links         map[string]string `json:"_links"`
	Protected     bool              `json:"protected"`
	ProtectionURL string            `json:"protection_url"`
}

func ghBranchOut(r *http.Request, repo *ghRepo, branch string) ghBranchJSON {
	sha := headSHA(repo.heads, HostGitHub, repo.fullName(), branch)
	return ghBranchJSON{Name: branch, Commit: ghCommitRefJSON{SHA: sha,
		URL: externalBase(r) + GitHubPrefix + "/repos/" + repo.fullName() + "/commits/" + sha}}
}

func (e *Emulator) ghListBranches(w http.ResponseWriter, r *http.Request, u *ghUser) {
	repo := e.repoFor(w, r, u)
	if repo == nil {
		return
	}
	p := readPage(r, 30)
	start, end := p.bounds(len(repo.branches))
	out := make([]ghBranchJSON, 0, end-start)
	for _, b := range repo.branches[start:end] {
		out = append(out, ghBranchOut(r, repo, b))
	}
	setGitHubPagination(w, r, p, len(repo.branches))
	writeJSON(w, http.StatusOK, out)
}

func (e *Emulator) ghGetBranch(w http.ResponseWriter, r *http.Request, u *ghUser) {
	repo := e.repoFor(w, r, u)
	if repo == nil {
		return
	}
	name := r.PathValue("branch")
	if !slices.Contains(repo.branches, name) {
		if to, ok := repo.renamed[name]; ok {
			// A renamed branch answers 301 to its new name, with GitHub's redirect body.
			target := externalBase(r) + GitHubPrefix + "/repos/" + repo.fullName() + "/branches/" + to
			w.Header().Set("Location", target)
			writeJSON(w, http.StatusMovedPermanently, map[string]string{"message": "Moved Permanently", "url": target,
				"documentation_url": ghDocs + "/overview/resources-in-the-rest-api#http-redirects"})
			return
		}
		writeGitHubError(w, http.StatusNotFound, "Branch not found", ghDocs+"/branches/branches#get-a-branch")
		return
	}
	b := ghBranchOut(r, repo, name)
	self := externalBase(r) + GitHubPrefix + "/repos/" + repo.fullName() + "/branches/" + name
	writeJSON(w, http.StatusOK, ghBranchDetailJSON{
		Name: b.Name, Commit: b.Commit, Protected: false, ProtectionURL: self + "/protection",
		Links: map[string]string{"self": self, "html": externalBase(r) + "/github/" + repo.fullName() + "/tree/" + name},
	})
}

// ghRenameBranch follows POST /repos/{owner}/{repo}/branches/{branch}/rename {"new_name"} → 201 with the
// renamed branch. The old name then answers 301 to the new one.
func (e *Emulator) ghRenameBranch(w http.ResponseWriter, r *http.Request, u *ghUser) {
	const anchor = "/branches/branches#rename-a-branch"
	repo := e.adminRepoFor(w, r, u)
	if repo == nil {
		return
	}
	var body struct {
		NewName *string `json:"new_name"`
	}
	if err := decodeBody(r, &body); err != nil || body.NewName == nil || *body.NewName == "" {
		writeGitHubError(w, http.StatusUnprocessableEntity, "Invalid request.\n\n\"new_name\" wasn't supplied.", ghDocs+anchor)
		return
	}
	if err := repo.renameBranch(r.PathValue("branch"), *body.NewName); err != nil {
		writeGitHubError(w, http.StatusNotFound, "Branch not found", ghDocs+anchor)
		return
	}
	b := ghBranchOut(r, repo, *body.NewName)
	writeJSON(w, http.StatusCreated, b)
}

// renameBranch renames a branch (and the default branch with it) and remembers the old name.
func (repo *ghRepo) renameBranch(from, to string) error {
	i := slices.Index(repo.branches, from)
	if i < 0 {
		return ErrNotFound
	}
	sha := headSHA(repo.heads, HostGitHub, repo.fullName(), from) // a rename keeps the branch's commit
	repo.branches[i] = to
	slices.Sort(repo.branches)
	if repo.defaultBranch == from {
		repo.defaultBranch = to
	}
	if repo.heads == nil {
		repo.heads = map[string]string{}
	}
	delete(repo.heads, from)
	repo.heads[to] = sha
	if repo.renamed == nil {
		repo.renamed = map[string]string{}
	}
	repo.renamed[from] = to
	return nil
}

// ---- deploy keys ----

const ghKeysDocs = ghDocs + "/deploy-keys/deploy-keys"

type ghKeyJSON struct {
	ID        int64   `json:"id"`
	Key       string  `json:"key"`
	URL       string  `json:"url"`
	Title     string  `json:"title"`
	Verified  bool    `json:"verified"`
	CreatedAt string  `json:"created_at"`
	ReadOnly  bool    `json:"read_only"`
	AddedBy   string  `json:"added_by"`
	LastUsed  *string `json:"last_used"`
	Enabled   bool    `json:"enabled"`
}

func ghKeyOut(r *http.Request, repo *ghRepo, k *ghKey) ghKeyJSON {
	return ghKeyJSON{ID: k.id, Key: k.key, Title: k.title, Verified: true, CreatedAt: formatTime(k.createdAt),
		URL:      externalBase(r) + GitHubPrefix + "/repos/" + repo.fullName() + "/keys/" + strconv.FormatInt(k.id, 10),
		ReadOnly: k.readOnly, AddedBy: k.addedBy, Enabled: true}
}

// adminRepoFor is repoFor for the deploy key endpoints, which need admin rights: others get 404.
func (e *Emulator) adminRepoFor(w http.ResponseWriter, r *http.Request, u *ghUser) *ghRepo {
	repo := e.repoFor(w, r, u)
	if repo == nil {
		return nil
	}
	if !u.isMember(repo) {
		writeGitHubError(w, http.StatusNotFound, "Not Found", ghKeysDocs)
		return nil
	}
	return repo
}

func (e *Emulator) ghListKeys(w http.ResponseWriter, r *http.Request, u *ghUser) {
	repo := e.adminRepoFor(w, r, u)
	if repo == nil {
		return
	}
	keys := listed(e, repo.keys)
	p := readPage(r, 30)
	start, end := p.bounds(len(keys))
	out := make([]ghKeyJSON, 0, end-start)
	for _, k := range keys[start:end] {
		out = append(out, ghKeyOut(r, repo, k))
	}
	setGitHubPagination(w, r, p, len(keys))
	writeJSON(w, http.StatusOK, out)
}

type ghKeyWrite struct {
	Title    *string `json:"title"`
	Key      *string `json:"key"`
	ReadOnly *bool   `json:"read_only"`
}

func (e *Emulator) ghCreateKey(w http.ResponseWriter, r *http.Request, u *ghUser) {
	repo := e.adminRepoFor(w, r, u)
	if repo == nil {
		return
	}
	var body ghKeyWrite
	if err := decodeBody(r, &body); err != nil {
		if errors.Is(err, errEmptyBody) {
			writeGitHubError(w, http.StatusUnprocessableEntity, "Invalid request.\n\n\"key\" wasn't supplied.", ghKeysDocs+"#create-a-deploy-key")
			return
		}
		writeGitHubError(w, http.StatusBadRequest, "Problems parsing JSON", ghKeysDocs+"#create-a-deploy-key")
		return
	}
	if body.Key == nil || strings.TrimSpace(*body.Key) == "" {
		writeGitHubError(w, http.StatusUnprocessableEntity, "Invalid request.\n\n\"key\" wasn't supplied.", ghKeysDocs+"#create-a-deploy-key")
		return
	}
	if repo.archived {
		writeGitHubError(w, http.StatusForbidden, "Repository was archived so is read-only.", ghKeysDocs+"#create-a-deploy-key")
		return
	}
	parsed, err := parsePublicKey(*body.Key)
	if err != nil {
		writeGitHubValidation(w, ghKeysDocs+"#create-a-deploy-key", ghValidationError{Resource: "PublicKey", Code: "custom",
			Field: "key", Message: "key is invalid. You must supply a key in OpenSSH public key format"})
		return
	}
	// A deploy key can be used by one repository only across the whole of GitHub.
	for _, other := range e.st.github.repoOrder {
		for _, k := range other.keys {
			if k.key == parsed.normalized {
				writeGitHubValidation(w, ghKeysDocs+"#create-a-deploy-key", ghValidationError{Resource: "PublicKey",
					Code: "custom", Field: "key", Message: "key is already in use"})
				return
			}
		}
	}
	gh := &e.st.github
	k := &ghKey{id: gh.nextKeyID, key: parsed.normalized, readOnly: false, addedBy: u.login, createdAt: e.now()}
	gh.nextKeyID++
	if body.Title != nil {
		k.title = *body.Title
	}
	if body.ReadOnly != nil { // documented: without read_only the key can read and write
		k.readOnly = *body.ReadOnly
	}
	repo.keys = append(repo.keys, k)
	e.recordBirth(k)
	writeJSON(w, http.StatusCreated, ghKeyOut(r, repo, k))
}

func (repo *ghRepo) key(idText string) (int, *ghKey) {
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil {
		return -1, nil
	}
	for i, k := range repo.keys {
		if k.id == id {
			return i, k
		}
	}
	return -1, nil
}

func (e *Emulator) ghGetKey(w http.ResponseWriter, r *http.Request, u *ghUser) {
	repo := e.adminRepoFor(w, r, u)
	if repo == nil {
		return
	}
	_, k := repo.key(r.PathValue("key_id"))
	if k == nil {
		writeGitHubError(w, http.StatusNotFound, "Not Found", ghKeysDocs+"#get-a-deploy-key")
		return
	}
	writeJSON(w, http.StatusOK, ghKeyOut(r, repo, k))
}

func (e *Emulator) ghDeleteKey(w http.ResponseWriter, r *http.Request, u *ghUser) {
	repo := e.adminRepoFor(w, r, u)
	if repo == nil {
		return
	}
	i, k := repo.key(r.PathValue("key_id"))
	if k == nil {
		writeGitHubError(w, http.StatusNotFound, "Not Found", ghKeysDocs+"#delete-a-deploy-key")
		return
	}
	repo.keys = slices.Delete(repo.keys, i, i+1)
	writeNoContent(w)
}
