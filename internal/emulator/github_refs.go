package emulator

import (
	"errors"
	"net/http"
	"slices"
	"strings"
)

// GitHub's git references API (docs.github.com/rest/git/refs): get a reference, list matching
// references, create, update and delete one. Branches are the emulator's branches: a ref created under
// refs/heads/ is a branch GET /branches/{branch} sees, deleting it deletes the branch, and moving it moves
// the branch's head. Lightweight tags (refs/tags/) are kept too; other namespaces are not modelled.
//
// Facts from the docs: the ref in the URL is heads/<branch> or tags/<tag> (no "refs/"); a ref that does
// not exist answers 404 on GET; matching-refs returns every ref whose name starts with the given one
// (all refs for an empty one), [] when none do, and is not paginated (go-github v89's ListMatchingRefs
// takes no list options); POST needs a ref that starts with "refs" and has at least two slashes. Answers
// seen from github.com (issue threads and clients' fakes): 422 "Reference already exists" (and
// integrations/github's github_branch relies on that text), 422 "Reference update failed" for a ref
// without refs/, 422 "Reference does not exist" on DELETE of a missing ref, 422 "Update is not a fast
// forward" for PATCH without force. Not confirmed: 422 "Object does not exist" for an unknown sha, and
// the refusal to delete the default branch.

const ghRefsDocs = ghDocs + "/git/refs"

type ghGitObjectJSON struct {
	Type string `json:"type"`
	SHA  string `json:"sha"`
	URL  string `json:"url"`
}

type ghRefJSON struct {
	Ref    string          `json:"ref"`
	NodeID string          `json:"node_id"`
	URL    string          `json:"url"`
	Object ghGitObjectJSON `json:"object"`
}

func (e *Emulator) githubRefRoutes() {
	p := GitHubPrefix + "/repos/{owner}/{repo}/git"
	e.api.HandleFunc("GET "+p+"/ref/{ref...}", e.github(e.ghGetRef))
	e.api.HandleFunc("GET "+p+"/matching-refs/{ref...}", e.github(e.ghListMatchingRefs))
	e.api.HandleFunc("POST "+p+"/refs", e.github(e.ghCreateRef))
	e.api.HandleFunc("PATCH "+p+"/refs/{ref...}", e.github(e.ghUpdateRef))
	e.api.HandleFunc("DELETE "+p+"/refs/{ref...}", e.github(e.ghDeleteRef))
}

// ghRef is one reference: its full name and the commit it points at.
type ghRef struct{ name, sha string }

// refs lists the repository's references sorted by name, as git does: branches, then tags.
func (repo *ghRepo) refs() []ghRef {
	out := make([]ghRef, 0, len(repo.branches)+len(repo.tags))
	for _, b := range repo.branches {
		out = append(out, ghRef{"refs/heads/" + b, headSHA(repo.heads, HostGitHub, repo.fullName(), b)})
	}
	for t, sha := range repo.tags {
		out = append(out, ghRef{"refs/tags/" + t, sha})
	}
	slices.SortFunc(out, func(a, b ghRef) int { return strings.Compare(a.name, b.name) })
	return out
}

// splitRef splits "refs/heads/x" or "refs/tags/x" into its namespace ("heads", "tags") and name; ok is
// false for other namespaces or an empty name.
func splitRef(full string) (namespace, name string, ok bool) {
	rest, found := strings.CutPrefix(full, "refs/")
	if !found {
		return "", "", false
	}
	namespace, name, found = strings.Cut(rest, "/")
	return namespace, name, found && name != "" && (namespace == "heads" || namespace == "tags")
}

// ref finds a reference by its full name.
func (repo *ghRepo) ref(full string) (ghRef, bool) {
	namespace, name, ok := splitRef(full)
	if !ok {
		return ghRef{}, false
	}
	if namespace == "heads" {
		if !slices.Contains(repo.branches, name) {
			return ghRef{}, false
		}
		return ghRef{full, headSHA(repo.heads, HostGitHub, repo.fullName(), name)}, true
	}
	sha, found := repo.tags[name]
	return ghRef{full, sha}, found
}

// recordCommit remembers that sha exists in the repository and descends from parent ("" for a root).
func (repo *ghRepo) recordCommit(sha, parent string) {
	if repo.commits == nil {
		repo.commits = map[string]string{}
	}
	if parent != "" {
		if _, known := repo.commits[parent]; !known {
			repo.commits[parent] = ""
		}
	}
	repo.commits[sha] = parent
}

// knownCommit: a commit the repository has, as far as the emulator knows (every head ever seen).
func (repo *ghRepo) knownCommit(sha string) bool {
	if _, ok := repo.commits[sha]; ok {
		return true
	}
	return slices.ContainsFunc(repo.refs(), func(r ghRef) bool { return r.sha == sha })
}

// descendsFrom tells whether ancestor is sha or one of its ancestors.
func (repo *ghRepo) descendsFrom(sha, ancestor string) bool {
	for range len(repo.commits) + 1 {
		if sha == ancestor {
			return true
		}
		parent, ok := repo.commits[sha]
		if !ok || parent == "" {
			return false
		}
		sha = parent
	}
	return false
}

// setRef points a reference at sha, creating the branch or tag when it is new.
func (repo *ghRepo) setRef(full, sha string) {
	namespace, name, _ := splitRef(full)
	if namespace == "tags" {
		if repo.tags == nil {
			repo.tags = map[string]string{}
		}
		repo.tags[name] = sha
		return
	}
	if !slices.Contains(repo.branches, name) {
		repo.branches = append(repo.branches, name)
		slices.Sort(repo.branches)
		delete(repo.renamed, name) // the name is a branch again: no more redirect to where it went
	}
	if repo.heads == nil {
		repo.heads = map[string]string{}
	}
	repo.heads[name] = sha
}

func ghRefOut(r *http.Request, repo *ghRepo, ref ghRef) ghRefJSON {
	api := externalBase(r) + GitHubPrefix + "/repos/" + repo.fullName()
	return ghRefJSON{Ref: ref.name, NodeID: ghNodeID("REF_", repo.id) + "_" + ref.name, URL: api + "/git/" + ref.name,
		Object: ghGitObjectJSON{Type: "commit", SHA: ref.sha, URL: api + "/git/commits/" + ref.sha}}
}

func (e *Emulator) ghGetRef(w http.ResponseWriter, r *http.Request, u *ghUser) {
	repo := e.repoFor(w, r, u)
	if repo == nil {
		return
	}
	ref, ok := repo.ref("refs/" + r.PathValue("ref"))
	if !ok {
		writeGitHubError(w, http.StatusNotFound, "Not Found", ghRefsDocs+"#get-a-reference")
		return
	}
	writeJSON(w, http.StatusOK, ghRefOut(r, repo, ref))
}

func (e *Emulator) ghListMatchingRefs(w http.ResponseWriter, r *http.Request, u *ghUser) {
	repo := e.repoFor(w, r, u)
	if repo == nil {
		return
	}
	prefix := "refs/" + r.PathValue("ref")
	out := []ghRefJSON{}
	for _, ref := range repo.refs() {
		if strings.HasPrefix(ref.name, prefix) {
			out = append(out, ghRefOut(r, repo, ref))
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// writableRepoFor is repoFor for changes: push access is needed (others get 404, as for deploy keys),
// and an archived repository refuses every change with 403.
func (e *Emulator) writableRepoFor(w http.ResponseWriter, r *http.Request, u *ghUser, docURL string) *ghRepo {
	repo := e.repoFor(w, r, u)
	if repo == nil {
		return nil
	}
	if !u.isMember(repo) {
		writeGitHubError(w, http.StatusNotFound, "Not Found", docURL)
		return nil
	}
	if repo.archived {
		writeGitHubError(w, http.StatusForbidden, "Repository was archived so is read-only.", docURL)
		return nil
	}
	return repo
}

// decodeRefBody reads a JSON body; it answers 400 for one that does not parse, as GitHub does.
func decodeRefBody(w http.ResponseWriter, r *http.Request, v any, docURL string) bool {
	if err := decodeBody(r, v); err != nil && !errors.Is(err, errEmptyBody) {
		writeGitHubError(w, http.StatusBadRequest, "Problems parsing JSON", docURL)
		return false
	}
	return true
}

func (e *Emulator) ghCreateRef(w http.ResponseWriter, r *http.Request, u *ghUser) {
	const docURL = ghRefsDocs + "#create-a-reference"
	repo := e.writableRepoFor(w, r, u, docURL)
	if repo == nil {
		return
	}
	var body struct {
		Ref *string `json:"ref"`
		SHA *string `json:"sha"`
	}
	if !decodeRefBody(w, r, &body, docURL) {
		return
	}
	switch {
	case body.Ref == nil:
		writeGitHubError(w, http.StatusUnprocessableEntity, "Invalid request.\n\n\"ref\" wasn't supplied.", docURL)
		return
	case body.SHA == nil:
		writeGitHubError(w, http.StatusUnprocessableEntity, "Invalid request.\n\n\"sha\" wasn't supplied.", docURL)
		return
	}
	full := *body.Ref
	if _, _, ok := splitRef(full); !ok {
		// Not refs/<namespace>/<name> (or a namespace the emulator does not keep).
		writeGitHubError(w, http.StatusUnprocessableEntity, "Reference update failed", docURL)
		return
	}
	if _, exists := repo.ref(full); exists {
		writeGitHubError(w, http.StatusUnprocessableEntity, "Reference already exists", docURL)
		return
	}
	if !repo.knownCommit(*body.SHA) {
		writeGitHubError(w, http.StatusUnprocessableEntity, "Object does not exist", docURL)
		return
	}
	repo.setRef(full, *body.SHA)
	ref, _ := repo.ref(full)
	out := ghRefOut(r, repo, ref)
	w.Header().Set("Location", out.URL)
	writeJSON(w, http.StatusCreated, out)
}

func (e *Emulator) ghUpdateRef(w http.ResponseWriter, r *http.Request, u *ghUser) {
	const docURL = ghRefsDocs + "#update-a-reference"
	repo := e.writableRepoFor(w, r, u, docURL)
	if repo == nil {
		return
	}
	var body struct {
		SHA   *string `json:"sha"`
		Force bool    `json:"force"`
	}
	if !decodeRefBody(w, r, &body, docURL) {
		return
	}
	if body.SHA == nil {
		writeGitHubError(w, http.StatusUnprocessableEntity, "Invalid request.\n\n\"sha\" wasn't supplied.", docURL)
		return
	}
	full := "refs/" + r.PathValue("ref")
	current, ok := repo.ref(full)
	if !ok {
		writeGitHubError(w, http.StatusUnprocessableEntity, "Reference does not exist", docURL)
		return
	}
	if !repo.knownCommit(*body.SHA) {
		writeGitHubError(w, http.StatusUnprocessableEntity, "Object does not exist", docURL)
		return
	}
	if !body.Force && !repo.descendsFrom(*body.SHA, current.sha) {
		writeGitHubError(w, http.StatusUnprocessableEntity, "Update is not a fast forward", docURL)
		return
	}
	repo.setRef(full, *body.SHA)
	ref, _ := repo.ref(full)
	writeJSON(w, http.StatusOK, ghRefOut(r, repo, ref))
}

// ghDeleteRef deletes a branch or a tag: 204. The default branch cannot be deleted (GitHub refuses a push
// that deletes it; the message here is not confirmed).
func (e *Emulator) ghDeleteRef(w http.ResponseWriter, r *http.Request, u *ghUser) {
	const docURL = ghRefsDocs + "#delete-a-reference"
	repo := e.writableRepoFor(w, r, u, docURL)
	if repo == nil {
		return
	}
	full := "refs/" + r.PathValue("ref")
	if _, ok := repo.ref(full); !ok {
		writeGitHubError(w, http.StatusUnprocessableEntity, "Reference does not exist", docURL)
		return
	}
	namespace, name, _ := splitRef(full)
	if namespace == "tags" {
		delete(repo.tags, name)
		writeNoContent(w)
		return
	}
	if name == repo.defaultBranch {
		writeGitHubError(w, http.StatusUnprocessableEntity, "Cannot delete the default branch", docURL)
		return
	}
	i := slices.Index(repo.branches, name)
	repo.branches = slices.Delete(repo.branches, i, i+1)
	delete(repo.heads, name) // a branch created again starts from its seeded head, as DeleteBranch does
	writeNoContent(w)
}
