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

// Bitbucket's seed, its Go API for tests and its admin routes.

// BitbucketSeed is the Bitbucket Cloud part of a Seed:
//
//	"bitbucket": {"users": [{"nickname": "demo", "email": "demo@example.com", "api_token": "...", "workspaces": null}],
//	              "access_tokens": [{"token": "...", "workspace": "gitdeploy-demo", "repository": ""}],
//	              "workspaces": ["gitdeploy-demo"],
//	              "repos": [{"full_name": "gitdeploy-demo/website", "private": false, "mainbranch": "main",
//	                         "branches": ["main", "develop"], "description": "...", "parent": ""}]}
//
// A user's "workspaces" nil means member of every workspace. An access token with a "repository"
// ("workspace/repo_slug") is a repository access token, without one a workspace access token. Access
// tokens read and manage webhooks but cannot add, update or delete deploy keys (Bitbucket's
// authentication docs).
type BitbucketSeed struct {
	Users        []BitbucketUserSeed        `json:"users"`
	AccessTokens []BitbucketAccessTokenSeed `json:"access_tokens"`
	Workspaces   []string                   `json:"workspaces"`
	Repos        []BitbucketRepoSeed        `json:"repos"`
	Generate     []GenerateSeed             `json:"generate,omitempty"` // made after Repos
}

// BitbucketUserSeed is an Atlassian account with an API token (Basic auth with the e-mail).
type BitbucketUserSeed struct {
	Nickname   string   `json:"nickname"`
	Email      string   `json:"email"`
	APIToken   string   `json:"api_token"`
	Workspaces []string `json:"workspaces"`
}

// BitbucketAccessTokenSeed is a workspace or repository access token (Bearer).
type BitbucketAccessTokenSeed struct {
	Token      string `json:"token"`
	Name       string `json:"name,omitempty"`
	Workspace  string `json:"workspace"`
	Repository string `json:"repository,omitempty"`
}

// BitbucketRepoSeed is a Bitbucket repository.
type BitbucketRepoSeed struct {
	FullName    string   `json:"full_name"` // workspace/repo_slug
	Private     bool     `json:"private"`
	MainBranch  string   `json:"mainbranch,omitempty"`
	Branches    []string `json:"branches"`
	Description string   `json:"description,omitempty"`
	Language    string   `json:"language,omitempty"`
	Parent      string   `json:"parent,omitempty"`       // full name of the repository it was forked from
	BranchCount int      `json:"branch_count,omitempty"` // adds generated branches up to this many in all
}

// bitbucketRepos expands the generator into repository seeds (forks are forked from the repository before).
func (g GenerateSeed) bitbucketRepos() []BitbucketRepoSeed {
	out := make([]BitbucketRepoSeed, 0, g.Count)
	for i := range g.Count {
		name := fmt.Sprintf(g.pattern(), i+1)
		rs := BitbucketRepoSeed{FullName: g.Owner + "/" + name, MainBranch: g.DefaultBranch,
			Private: picked(i, g.PrivateShare, phasePrivate), Description: "Generated repository " + name,
			Branches: generatedBranches(g.DefaultBranch, nil, g.Branches)}
		if i > 0 && picked(i, g.ForkShare, phaseFork) {
			rs.Parent = g.Owner + "/" + fmt.Sprintf(g.pattern(), i)
		}
		out = append(out, rs)
	}
	return out
}

// ---- snapshots ----

// BitbucketDeployKey is a deploy key of a Bitbucket repository ("workspace/repo_slug"). Key has no comment.
type BitbucketDeployKey struct {
	ID        string    `json:"id"`
	Repo      string    `json:"repo"`
	Label     string    `json:"label"`
	Key       string    `json:"key"`
	Comment   string    `json:"comment"`
	CreatedAt time.Time `json:"created_at"`
}

// BitbucketHook is a webhook of a Bitbucket repository. Secret is in clear ("" when none).
type BitbucketHook struct {
	UUID        string    `json:"uuid"`
	Repo        string    `json:"repo"`
	URL         string    `json:"url"`
	Description string    `json:"description"`
	Active      bool      `json:"active"`
	Events      []string  `json:"events"`
	Secret      string    `json:"secret,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
}

// BitbucketRepo is a Bitbucket repository with its branches, deploy keys and webhooks.
type BitbucketRepo struct {
	UUID       string               `json:"uuid"`
	FullName   string               `json:"full_name"`
	Private    bool                 `json:"is_private"`
	MainBranch string               `json:"mainbranch"`
	Branches   []string             `json:"branches"`
	DeployKeys []BitbucketDeployKey `json:"deploy_keys"`
	Hooks      []BitbucketHook      `json:"hooks"` // secrets left out
}

func bbKeySnapshots(r *bbRepo) []BitbucketDeployKey {
	out := []BitbucketDeployKey{}
	for _, k := range r.keys {
		out = append(out, BitbucketDeployKey{ID: strconv.FormatInt(k.id, 10), Repo: r.fullName(), Label: k.label,
			Key: k.key, Comment: k.comment, CreatedAt: k.createdAt})
	}
	return out
}

func bbHookSnapshots(r *bbRepo) []BitbucketHook {
	out := []BitbucketHook{}
	for _, h := range r.hooks {
		out = append(out, BitbucketHook{UUID: h.uuid, Repo: r.fullName(), URL: h.url, Description: h.description,
			Active: h.active, Events: slices.Clone(h.events), Secret: h.secret, CreatedAt: h.createdAt})
	}
	return out
}

// bitbucketSnapshot fills State.Bitbucket.
func (bb *bitbucketState) snapshot() (users, workspaces []string, repos []BitbucketRepo) {
	users, workspaces, repos = []string{}, []string{}, []BitbucketRepo{}
	for _, u := range bb.users {
		users = append(users, u.nickname)
	}
	for _, ws := range bb.workspaceOrder {
		workspaces = append(workspaces, ws.slug)
	}
	for _, r := range bb.repoOrder {
		hooks := bbHookSnapshots(r)
		for i := range hooks {
			hooks[i].Secret = ""
		}
		repos = append(repos, BitbucketRepo{UUID: r.uuid, FullName: r.fullName(), Private: r.private,
			MainBranch: r.mainBranch, Branches: slices.Clone(r.branches), DeployKeys: bbKeySnapshots(r), Hooks: hooks})
	}
	return users, workspaces, repos
}

// bitbucketRepo finds "workspace/repo_slug" for the Go API.
func (bb *bitbucketState) byFullName(repo string) *bbRepo {
	ws, slug, ok := strings.Cut(repo, "/")
	if !ok {
		return nil
	}
	return bb.repo(ws, slug)
}

// BitbucketDeployKeys returns the deploy keys of a repository ("workspace/repo_slug"); nil for an unknown
// repository.
func (e *Emulator) BitbucketDeployKeys(repo string) []BitbucketDeployKey {
	e.mu.Lock()
	defer e.mu.Unlock()
	r := e.st.bitbucket.byFullName(repo)
	if r == nil {
		return nil
	}
	return bbKeySnapshots(r)
}

// DeleteBitbucketDeployKey removes a deploy key from a repository; false when there is none.
func (e *Emulator) DeleteBitbucketDeployKey(repo, id string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	r := e.st.bitbucket.byFullName(repo)
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

// BitbucketHooks returns the webhooks of a repository, secrets in clear; nil for an unknown repository.
func (e *Emulator) BitbucketHooks(repo string) []BitbucketHook {
	e.mu.Lock()
	defer e.mu.Unlock()
	r := e.st.bitbucket.byFullName(repo)
	if r == nil {
		return nil
	}
	return bbHookSnapshots(r)
}

// UpdateBitbucketHook changes a webhook as PUT .../hooks/{uid} does, e.g. map[string]any{"active": false}
// or {"events": ["repo:push"]}; a "secret" of nil removes the secret. ErrNotFound for an unknown
// repository or hook.
func (e *Emulator) UpdateBitbucketHook(repo, uid string, patch map[string]any) error {
	data, err := json.Marshal(patch)
	if err != nil {
		return fmt.Errorf("encode patch: %w", err)
	}
	var body bbHookWrite
	if err := json.Unmarshal(data, &body); err != nil {
		return fmt.Errorf("patch does not fit a Bitbucket hook: %w", err)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	r := e.st.bitbucket.byFullName(repo)
	if r == nil {
		return fmt.Errorf("bitbucket repository %q: %w", repo, ErrNotFound)
	}
	_, h := r.hook(uid)
	if h == nil {
		return fmt.Errorf("bitbucket hook %s of %s: %w", uid, repo, ErrNotFound)
	}
	if problem := h.apply(&body, false); problem != "" {
		return fmt.Errorf("bitbucket hook %s of %s: %s", uid, repo, problem)
	}
	return nil
}

// DeleteBitbucketHook removes a webhook; false when there is none.
func (e *Emulator) DeleteBitbucketHook(repo, uid string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	r := e.st.bitbucket.byFullName(repo)
	if r == nil {
		return false
	}
	i, _ := r.hook(uid)
	if i < 0 {
		return false
	}
	r.hooks = slices.Delete(r.hooks, i, i+1)
	return true
}

// ---- Netlify's clone check ----

// repoForLink finds the repository a Netlify site links: by repo_path, else by its id, which Netlify
// writes as "workspace/repo" for Bitbucket.
func (bb *bitbucketState) repoForLink(rp nlRepo) *bbRepo {
	if r := bb.byFullName(rp.repoPath); r != nil {
		return r
	}
	return bb.byFullName(rawText(rp.repoID))
}

func (st *state) bitbucketKeyInstalled(r *bbRepo, deployKeyID string) bool {
	want := st.netlify.netlifyKey(deployKeyID)
	return want != "" && slices.ContainsFunc(r.keys, func(k *bbKey) bool { return k.key == want })
}

// ---- admin routes ----

// DELETE /_emulator/bitbucket/repositories/{workspace}/{repo_slug}/deploy-keys/{id}  DeleteBitbucketDeployKey
// POST   /_emulator/bitbucket/repositories/{workspace}/{repo_slug}/branches          AddBranch; DELETE .../branches/{branch}
// GET    /_emulator/bitbucket/repositories/{workspace}/{repo_slug}/hooks             BitbucketHooks (secrets in clear)
// PUT    /_emulator/bitbucket/repositories/{workspace}/{repo_slug}/hooks/{uid}       UpdateBitbucketHook; DELETE: DeleteBitbucketHook.
func (e *Emulator) adminBitbucketRoutes() {
	a := AdminPrefix + "/bitbucket/repositories/{workspace}/{repo_slug}"
	m := e.admin
	repo := func(r *http.Request) string { return r.PathValue("workspace") + "/" + r.PathValue("repo_slug") }
	m.HandleFunc("DELETE "+a+"/deploy-keys/{id}", func(w http.ResponseWriter, r *http.Request) {
		adminFound(w, e.DeleteBitbucketDeployKey(repo(r), r.PathValue("id")))
	})
	m.HandleFunc("POST "+a+"/branches", func(w http.ResponseWriter, r *http.Request) {
		e.adminAddBranch(w, r, HostBitbucket, repo(r))
	})
	m.HandleFunc("DELETE "+a+"/branches/{branch...}", func(w http.ResponseWriter, r *http.Request) {
		adminResult(w, e.DeleteBranch(HostBitbucket, repo(r), r.PathValue("branch")))
	})
	m.HandleFunc("GET "+a+"/hooks", func(w http.ResponseWriter, r *http.Request) {
		adminList(w, e.BitbucketHooks(repo(r)))
	})
	m.HandleFunc("PUT "+a+"/hooks/{uid}", func(w http.ResponseWriter, r *http.Request) {
		var patch map[string]any
		if err := decodeBody(r, &patch); err != nil {
			writeAdminError(w, http.StatusBadRequest, "patch: "+err.Error())
			return
		}
		adminResult(w, e.UpdateBitbucketHook(repo(r), r.PathValue("uid"), patch))
	})
	m.HandleFunc("DELETE "+a+"/hooks/{uid}", func(w http.ResponseWriter, r *http.Request) {
		adminFound(w, e.DeleteBitbucketHook(repo(r), r.PathValue("uid")))
	})
}
