package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Gitea's seed, its Go API for tests and its admin routes.

// GiteaSeed is the Gitea part of a Seed:
//
//	"gitea": {"users": [{"login": "demo", "token": "...", "orgs": ["gitdeploy-demo"]}],
//	          "orgs": ["gitdeploy-demo"],
//	          "repos": [{"full_name": "gitdeploy-demo/website", "id": 3001, "private": false,
//	                     "default_branch": "main", "branches": ["main", "develop"]}]}
//
// A user's "orgs" nil means member of every organisation. A repository whose owner is neither a user nor
// a declared organisation creates the organisation.
type GiteaSeed struct {
	Users    []GiteaUserSeed `json:"users"`
	Orgs     []string        `json:"orgs"`
	Repos    []GiteaRepoSeed `json:"repos"`
	Generate []GenerateSeed  `json:"generate,omitempty"` // made after Repos
}

// GiteaUserSeed is a Gitea user and its access token.
type GiteaUserSeed struct {
	Login string   `json:"login"`
	Token string   `json:"token"`
	ID    int64    `json:"id,omitempty"`
	Orgs  []string `json:"orgs"`
}

// GiteaRepoSeed is a Gitea repository.
type GiteaRepoSeed struct {
	FullName      string   `json:"full_name"`
	ID            int64    `json:"id,omitempty"`
	Private       bool     `json:"private"`
	DefaultBranch string   `json:"default_branch,omitempty"`
	Branches      []string `json:"branches"`
	Archived      bool     `json:"archived"`
	Fork          bool     `json:"fork"`
	Description   string   `json:"description,omitempty"`
	Topics        []string `json:"topics"`
	BranchCount   int      `json:"branch_count,omitempty"` // adds generated branches up to this many in all
}

// giteaRepos expands the generator into repository seeds.
func (g GenerateSeed) giteaRepos() []GiteaRepoSeed {
	out := make([]GiteaRepoSeed, 0, g.Count)
	for i := range g.Count {
		name := fmt.Sprintf(g.pattern(), i+1)
		out = append(out, GiteaRepoSeed{FullName: g.Owner + "/" + name, DefaultBranch: g.DefaultBranch,
			Private: picked(i, g.PrivateShare, phasePrivate), Archived: picked(i, g.ArchivedShare, phaseArchived),
			Fork: picked(i, g.ForkShare, phaseFork), Description: "Generated repository " + name,
			Branches: generatedBranches(g.DefaultBranch, nil, g.Branches)})
	}
	return out
}

// ---- snapshots ----

// GiteaDeployKey is a deploy key of a Gitea repository ("owner/name"). Key has no comment.
type GiteaDeployKey struct {
	ID        string    `json:"id"`
	Repo      string    `json:"repo"`
	Title     string    `json:"title"`
	Key       string    `json:"key"`
	ReadOnly  bool      `json:"read_only"`
	CreatedAt time.Time `json:"created_at"`
}

// GiteaHook is a webhook of a Gitea repository. Secret is in clear ("" when none).
type GiteaHook struct {
	ID           string    `json:"id"`
	Repo         string    `json:"repo"`
	Type         string    `json:"type"`
	URL          string    `json:"url"`
	ContentType  string    `json:"content_type"`
	Secret       string    `json:"secret,omitempty"`
	Events       []string  `json:"events"`
	BranchFilter string    `json:"branch_filter"`
	Active       bool      `json:"active"`
	CreatedAt    time.Time `json:"created_at"`
}

// GiteaRepo is a Gitea repository with its branches, deploy keys and webhooks.
type GiteaRepo struct {
	ID            string           `json:"id"`
	FullName      string           `json:"full_name"`
	Private       bool             `json:"private"`
	DefaultBranch string           `json:"default_branch"`
	Branches      []string         `json:"branches"`
	DeployKeys    []GiteaDeployKey `json:"deploy_keys"`
	Hooks         []GiteaHook      `json:"hooks"` // secrets left out
}

func gtKeySnapshots(r *gtRepo) []GiteaDeployKey {
	out := []GiteaDeployKey{}
	for _, k := range r.keys {
		out = append(out, GiteaDeployKey{ID: strconv.FormatInt(k.id, 10), Repo: r.fullName(), Title: k.title,
			Key: k.key, ReadOnly: k.readOnly, CreatedAt: k.createdAt})
	}
	return out
}

func gtHookSnapshots(r *gtRepo) []GiteaHook {
	out := []GiteaHook{}
	for _, h := range r.hooks {
		out = append(out, GiteaHook{ID: strconv.FormatInt(h.id, 10), Repo: r.fullName(), Type: h.typ, URL: h.url,
			ContentType: h.contentType, Secret: h.secret, Events: h.eventsArray(), BranchFilter: h.branchFilter,
			Active: h.active, CreatedAt: h.createdAt})
	}
	return out
}

func (gt *giteaState) snapshot() (users, orgs []string, repos []GiteaRepo) {
	users, orgs, repos = []string{}, []string{}, []GiteaRepo{}
	for _, u := range gt.users {
		users = append(users, u.login)
	}
	for _, o := range gt.orgOrder {
		orgs = append(orgs, o.name)
	}
	for _, r := range gt.repoOrder {
		hooks := gtHookSnapshots(r)
		for i := range hooks {
			hooks[i].Secret = ""
		}
		repos = append(repos, GiteaRepo{ID: strconv.FormatInt(r.id, 10), FullName: r.fullName(), Private: r.private,
			DefaultBranch: r.defaultBranch, Branches: slices.Clone(r.branches), DeployKeys: gtKeySnapshots(r), Hooks: hooks})
	}
	return users, orgs, repos
}

// GiteaDeployKeys returns the deploy keys of a repository ("owner/name"); nil for an unknown repository.
func (e *Emulator) GiteaDeployKeys(repo string) []GiteaDeployKey {
	e.mu.Lock()
	defer e.mu.Unlock()
	r := e.st.gitea.repos[strings.ToLower(repo)]
	if r == nil {
		return nil
	}
	return gtKeySnapshots(r)
}

// DeleteGiteaDeployKey removes a deploy key from a repository; false when there is none.
func (e *Emulator) DeleteGiteaDeployKey(repo, id string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	r := e.st.gitea.repos[strings.ToLower(repo)]
	if r == nil {
		return false
	}
	i, _ := r.key(id)
	if i < 0 {
		return false
	}
	r.keys = slices.Delete(r.keys, i, i+1)
	return true
}

// GiteaHooks returns the webhooks of a repository, secrets in clear; nil for an unknown repository.
func (e *Emulator) GiteaHooks(repo string) []GiteaHook {
	e.mu.Lock()
	defer e.mu.Unlock()
	r := e.st.gitea.repos[strings.ToLower(repo)]
	if r == nil {
		return nil
	}
	return gtHookSnapshots(r)
}

// UpdateGiteaHook changes a webhook as PATCH /repos/{owner}/{repo}/hooks/{id} does, e.g.
// map[string]any{"active": false, "events": []string{"push"}} (events and branch_filter are always
// replaced, as on Gitea). ErrNotFound for an unknown repository or hook.
func (e *Emulator) UpdateGiteaHook(repo, id string, patch map[string]any) error {
	data, err := json.Marshal(patch)
	if err != nil {
		return fmt.Errorf("encode patch: %w", err)
	}
	var body gtHookWrite
	if err := json.Unmarshal(data, &body); err != nil {
		return fmt.Errorf("patch does not fit a Gitea hook: %w", err)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	r := e.st.gitea.repos[strings.ToLower(repo)]
	if r == nil {
		return fmt.Errorf("gitea repository %q: %w", repo, ErrNotFound)
	}
	_, h := r.hook(id)
	if h == nil {
		return fmt.Errorf("gitea hook %s of %s: %w", id, repo, ErrNotFound)
	}
	if problem := h.edit(&body, e.now()); problem != nil {
		return fmt.Errorf("gitea hook %s of %s: %w", id, repo, problem)
	}
	return nil
}

// DeleteGiteaHook removes a webhook; false when there is none.
func (e *Emulator) DeleteGiteaHook(repo, id string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	r := e.st.gitea.repos[strings.ToLower(repo)]
	if r == nil {
		return false
	}
	i, _ := r.hook(id)
	if i < 0 {
		return false
	}
	r.hooks = slices.Delete(r.hooks, i, i+1)
	return true
}

// ---- admin routes ----

// DELETE /_emulator/gitea/repos/{owner}/{repo}/keys/{id}    DeleteGiteaDeployKey
// POST   /_emulator/gitea/repos/{owner}/{repo}/branches     AddBranch; DELETE .../branches/{branch}
// GET    /_emulator/gitea/repos/{owner}/{repo}/hooks        GiteaHooks (secrets in clear)
// PATCH  /_emulator/gitea/repos/{owner}/{repo}/hooks/{id}   UpdateGiteaHook; DELETE: DeleteGiteaHook.
func (e *Emulator) adminGiteaRoutes() {
	a := AdminPrefix + "/gitea/repos/{owner}/{repo}"
	m := e.admin
	repo := func(r *http.Request) string { return r.PathValue("owner") + "/" + r.PathValue("repo") }
	m.HandleFunc("DELETE "+a+"/keys/{id}", func(w http.ResponseWriter, r *http.Request) {
		adminFound(w, e.DeleteGiteaDeployKey(repo(r), r.PathValue("id")))
	})
	m.HandleFunc("POST "+a+"/branches", func(w http.ResponseWriter, r *http.Request) {
		e.adminAddBranch(w, r, HostGitea, repo(r))
	})
	m.HandleFunc("DELETE "+a+"/branches/{branch...}", func(w http.ResponseWriter, r *http.Request) {
		adminResult(w, e.DeleteBranch(HostGitea, repo(r), r.PathValue("branch")))
	})
	m.HandleFunc("GET "+a+"/hooks", func(w http.ResponseWriter, r *http.Request) {
		adminList(w, e.GiteaHooks(repo(r)))
	})
	m.HandleFunc("PATCH "+a+"/hooks/{id}", func(w http.ResponseWriter, r *http.Request) {
		var patch map[string]any
		if err := decodeBody(r, &patch); err != nil {
			writeAdminError(w, http.StatusBadRequest, "patch: "+err.Error())
			return
		}
		adminResult(w, e.UpdateGiteaHook(repo(r), r.PathValue("id"), patch))
	})
	m.HandleFunc("DELETE "+a+"/hooks/{id}", func(w http.ResponseWriter, r *http.Request) {
		adminFound(w, e.DeleteGiteaHook(repo(r), r.PathValue("id")))
	})
}
