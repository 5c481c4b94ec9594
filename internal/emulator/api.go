package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The Go API for tests: snapshots (copies, never pointers into the state) and changes made behind the
// provider's back. The admin HTTP API maps onto the same methods.

// ErrNotFound is returned by the Go API when the named object does not exist.
var ErrNotFound = errors.New("not found")

// NetlifyDeployKey is a Netlify deploy key. PrivateKey (OpenSSH PEM) is never served by the emulated
// API, as on Netlify, and is left out of the admin state.
type NetlifyDeployKey struct {
	ID         string    `json:"id"`
	PublicKey  string    `json:"public_key"`
	PrivateKey string    `json:"-"`
	CreatedAt  time.Time `json:"created_at"`
}

// NetlifyBuildSettings is a site's repo link. RepoID and InstallationID are the values as sent by the
// client, as text ("1001", "workspace/repo"; "" when unset).
type NetlifyBuildSettings struct {
	Provider        string   `json:"provider"`
	RepoPath        string   `json:"repo_path"`
	RepoBranch      string   `json:"repo_branch"`
	RepoURL         string   `json:"repo_url"`
	RepoType        string   `json:"repo_type"`
	RepoID          string   `json:"id"`
	DeployKeyID     string   `json:"deploy_key_id"`
	InstallationID  string   `json:"installation_id"`
	Cmd             string   `json:"cmd"`
	Dir             string   `json:"dir"`
	Base            string   `json:"base"`
	FunctionsDir    string   `json:"functions_dir"`
	PackagePath     string   `json:"package_path"`
	AllowedBranches []string `json:"allowed_branches"`
	SkipPRs         bool     `json:"skip_prs"`
	StopBuilds      bool     `json:"stop_builds"`
}

// NetlifySite is a Netlify site. Linked tells whether it has a repository.
type NetlifySite struct {
	ID            string               `json:"id"`
	Name          string               `json:"name"`
	CustomDomain  string               `json:"custom_domain"`
	AccountSlug   string               `json:"account_slug"`
	CreatedAt     time.Time            `json:"created_at"`
	UpdatedAt     time.Time            `json:"updated_at"`
	Linked        bool                 `json:"linked"`
	BuildSettings NetlifyBuildSettings `json:"build_settings"`
}

// NetlifyBuildHook is a site's build hook; Triggered counts POSTs to its URL.
type NetlifyBuildHook struct {
	ID        string    `json:"id"`
	SiteID    string    `json:"site_id"`
	Title     string    `json:"title"`
	Branch    string    `json:"branch"`
	CreatedAt time.Time `json:"created_at"`
	Triggered int       `json:"triggered"`
}

// GitHubDeployKey is a deploy key of a GitHub repository ("owner/name"). Key has no comment.
type GitHubDeployKey struct {
	ID        string    `json:"id"`
	Repo      string    `json:"repo"`
	Title     string    `json:"title"`
	Key       string    `json:"key"`
	ReadOnly  bool      `json:"read_only"`
	AddedBy   string    `json:"added_by"`
	CreatedAt time.Time `json:"created_at"`
}

// GitLabDeployKey is a deploy key as enabled on one GitLab project (path_with_namespace).
type GitLabDeployKey struct {
	ID                string    `json:"id"`
	Project           string    `json:"project"`
	Title             string    `json:"title"`
	Key               string    `json:"key"`
	CanPush           bool      `json:"can_push"`
	Fingerprint       string    `json:"fingerprint"`
	FingerprintSHA256 string    `json:"fingerprint_sha256"`
	CreatedAt         time.Time `json:"created_at"`
}

// GitHubRepo is a GitHub repository with its branches and deploy keys.
type GitHubRepo struct {
	ID            string            `json:"id"`
	FullName      string            `json:"full_name"`
	Visibility    string            `json:"visibility"`
	DefaultBranch string            `json:"default_branch"`
	Archived      bool              `json:"archived"`
	Branches      []string          `json:"branches"`
	DeployKeys    []GitHubDeployKey `json:"deploy_keys"`
	Hooks         []GitHubHook      `json:"hooks"` // secrets left out
}

// GitLabProject is a GitLab project with its branches and deploy keys.
type GitLabProject struct {
	ID                string            `json:"id"`
	PathWithNamespace string            `json:"path_with_namespace"`
	Visibility        string            `json:"visibility"`
	DefaultBranch     string            `json:"default_branch"`
	Archived          bool              `json:"archived"`
	Branches          []string          `json:"branches"`
	DeployKeys        []GitLabDeployKey `json:"deploy_keys"`
	Hooks             []GitLabHook      `json:"hooks"` // tokens left out
}

// State is every object of every system (no tokens), as served by GET /_emulator/state.
type State struct {
	Netlify struct {
		Accounts   []string           `json:"accounts"`
		DeployKeys []NetlifyDeployKey `json:"deploy_keys"`
		Sites      []NetlifySite      `json:"sites"`
		BuildHooks []NetlifyBuildHook `json:"build_hooks"`
		Builds     []NetlifyBuild     `json:"builds"`
	} `json:"netlify"`
	GitHub struct {
		Users []string     `json:"users"`
		Orgs  []string     `json:"orgs"`
		Repos []GitHubRepo `json:"repos"`
	} `json:"github"`
	GitLab struct {
		Users    []string        `json:"users"`
		Groups   []string        `json:"groups"`
		Projects []GitLabProject `json:"projects"`
	} `json:"gitlab"`
	Dokploy   DokployState `json:"dokploy"`
	Bitbucket struct {
		Users      []string        `json:"users"`
		Workspaces []string        `json:"workspaces"`
		Repos      []BitbucketRepo `json:"repos"`
	} `json:"bitbucket"`
	Gitea struct {
		Users []string    `json:"users"`
		Orgs  []string    `json:"orgs"`
		Repos []GiteaRepo `json:"repos"`
	} `json:"gitea"`
}

// State returns a snapshot of everything.
func (e *Emulator) State() State {
	e.mu.Lock()
	defer e.mu.Unlock()
	var s State
	nl := &e.st.netlify
	s.Netlify.Accounts = slices.Clone(nl.accounts)
	s.Netlify.DeployKeys = nlDeployKeySnapshots(nl)
	s.Netlify.Sites = nlSiteSnapshots(nl)
	s.Netlify.BuildHooks = nlBuildHookSnapshots(nl, "")
	s.Netlify.Builds = []NetlifyBuild{}
	for _, b := range nl.builds {
		s.Netlify.Builds = append(s.Netlify.Builds, nlBuildSnapshot(b))
	}
	gh := &e.st.github
	s.GitHub.Users, s.GitHub.Orgs, s.GitHub.Repos = []string{}, []string{}, []GitHubRepo{}
	for _, u := range gh.users {
		s.GitHub.Users = append(s.GitHub.Users, u.login)
	}
	for _, o := range gh.orgOrder {
		s.GitHub.Orgs = append(s.GitHub.Orgs, o.login)
	}
	for _, r := range gh.repoOrder {
		s.GitHub.Repos = append(s.GitHub.Repos, GitHubRepo{ID: strconv.FormatInt(r.id, 10), FullName: r.fullName(),
			Visibility: r.visibility, DefaultBranch: r.defaultBranch, Archived: r.archived,
			Branches: slices.Clone(r.branches), DeployKeys: ghKeySnapshots(r), Hooks: withoutSecrets(ghHookSnapshots(r))})
	}
	gl := &e.st.gitlab
	s.GitLab.Users, s.GitLab.Groups, s.GitLab.Projects = []string{}, []string{}, []GitLabProject{}
	for _, u := range gl.users {
		s.GitLab.Users = append(s.GitLab.Users, u.username)
	}
	for _, g := range gl.groupOrder {
		s.GitLab.Groups = append(s.GitLab.Groups, g.fullPath)
	}
	for _, p := range gl.projectOrder {
		s.GitLab.Projects = append(s.GitLab.Projects, GitLabProject{ID: strconv.FormatInt(p.id, 10),
			PathWithNamespace: p.pathWithNamespace(), Visibility: p.visibility, DefaultBranch: p.defaultBranch,
			Archived: p.archived, Branches: slices.Clone(p.branches), DeployKeys: gl.keySnapshots(p),
			Hooks: withoutTokens(glHookSnapshots(p))})
	}
	s.Dokploy = e.st.dokploy.snapshot()
	s.Bitbucket.Users, s.Bitbucket.Workspaces, s.Bitbucket.Repos = e.st.bitbucket.snapshot()
	s.Gitea.Users, s.Gitea.Orgs, s.Gitea.Repos = e.st.gitea.snapshot()
	return s
}

// ---- Netlify ----

func nlDeployKeySnapshots(nl *netlifyState) []NetlifyDeployKey {
	out := []NetlifyDeployKey{}
	for _, k := range nl.deployKeys {
		out = append(out, NetlifyDeployKey{ID: k.id, PublicKey: k.publicKey, PrivateKey: k.privateKey, CreatedAt: k.createdAt})
	}
	return out
}

// rawText turns a raw JSON value into text: a JSON string's content, a number as written.
func rawText(raw json.RawMessage) string {
	if raw == nil {
		return ""
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s
	}
	return string(raw)
}

func nlSiteSnapshot(s *nlSite) NetlifySite {
	rp := s.repo
	return NetlifySite{ID: s.id, Name: s.name, CustomDomain: s.customDomain, AccountSlug: s.accountSlug,
		CreatedAt: s.createdAt, UpdatedAt: s.updatedAt, Linked: rp.linked(),
		BuildSettings: NetlifyBuildSettings{Provider: rp.provider, RepoPath: rp.repoPath, RepoBranch: rp.repoBranch,
			RepoURL: rp.repoURL, RepoType: rp.repoType, RepoID: rawText(rp.repoID), DeployKeyID: rp.deployKeyID,
			InstallationID: rawText(rp.installationID), Cmd: deref(rp.cmd), Dir: deref(rp.dir), Base: deref(rp.base),
			FunctionsDir: deref(rp.functionsDir), PackagePath: deref(rp.packagePath), AllowedBranches: slices.Clone(rp.allowedBranches),
			SkipPRs: rp.skipPRs != nil && *rp.skipPRs, StopBuilds: rp.stopBuilds != nil && *rp.stopBuilds}}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func nlSiteSnapshots(nl *netlifyState) []NetlifySite {
	out := []NetlifySite{}
	for _, s := range nl.sites {
		out = append(out, nlSiteSnapshot(s))
	}
	return out
}

func nlBuildHookSnapshots(nl *netlifyState, siteID string) []NetlifyBuildHook {
	out := []NetlifyBuildHook{}
	for _, h := range nl.buildHooks {
		if siteID == "" || h.siteID == siteID {
			out = append(out, NetlifyBuildHook{ID: h.id, SiteID: h.siteID, Title: h.title, Branch: h.branch,
				CreatedAt: h.createdAt, Triggered: h.triggered})
		}
	}
	return out
}

// NetlifyDeployKeys returns every Netlify deploy key, oldest first.
func (e *Emulator) NetlifyDeployKeys() []NetlifyDeployKey {
	e.mu.Lock()
	defer e.mu.Unlock()
	return nlDeployKeySnapshots(&e.st.netlify)
}

// DeleteNetlifyDeployKey deletes a Netlify deploy key; false when there is none with that id.
func (e *Emulator) DeleteNetlifyDeployKey(id string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.st.netlify.removeDeployKey(id)
}

// NetlifySites returns every Netlify site, oldest first.
func (e *Emulator) NetlifySites() []NetlifySite {
	e.mu.Lock()
	defer e.mu.Unlock()
	return nlSiteSnapshots(&e.st.netlify)
}

// NetlifySite returns one site by id (or netlify.app host / custom domain).
func (e *Emulator) NetlifySite(id string) (NetlifySite, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	_, s := e.st.netlify.site(id)
	if s == nil {
		return NetlifySite{}, false
	}
	return nlSiteSnapshot(s), true
}

// DeleteNetlifySite deletes a site and its build hooks; false when there is no such site.
func (e *Emulator) DeleteNetlifySite(id string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.st.netlify.removeSite(id)
}

// UpdateNetlifySite changes a site as PATCH /sites/{id} does, e.g.
// map[string]any{"repo": map[string]any{"repo_branch": "develop"}}. It returns ErrNotFound for an unknown
// site, and an error for a taken name or an invalid value.
func (e *Emulator) UpdateNetlifySite(id string, patch map[string]any) error {
	data, err := json.Marshal(patch)
	if err != nil {
		return fmt.Errorf("encode patch: %w", err)
	}
	var body nlSiteWrite
	if err := json.Unmarshal(data, &body); err != nil {
		return fmt.Errorf("patch does not fit a site: %w", err)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	_, s := e.st.netlify.site(id)
	if s == nil {
		return fmt.Errorf("netlify site %q: %w", id, ErrNotFound)
	}
	if _, err := e.st.netlify.updateSite(s, &body, e.now()); err != nil {
		return fmt.Errorf("netlify site %q: %w", id, err)
	}
	return nil
}

// NetlifyBuildHooks returns the build hooks of a site ("" for every site).
func (e *Emulator) NetlifyBuildHooks(siteID string) []NetlifyBuildHook {
	e.mu.Lock()
	defer e.mu.Unlock()
	return nlBuildHookSnapshots(&e.st.netlify, siteID)
}

// ---- GitHub ----

func ghKeySnapshots(r *ghRepo) []GitHubDeployKey {
	out := []GitHubDeployKey{}
	for _, k := range r.keys {
		out = append(out, GitHubDeployKey{ID: strconv.FormatInt(k.id, 10), Repo: r.fullName(), Title: k.title,
			Key: k.key, ReadOnly: k.readOnly, AddedBy: k.addedBy, CreatedAt: k.createdAt})
	}
	return out
}

// GitHubDeployKeys returns the deploy keys of a repository ("owner/name"); nil for an unknown repository.
func (e *Emulator) GitHubDeployKeys(repo string) []GitHubDeployKey {
	e.mu.Lock()
	defer e.mu.Unlock()
	r := e.st.github.repos[strings.ToLower(repo)]
	if r == nil {
		return nil
	}
	return ghKeySnapshots(r)
}

// DeleteGitHubDeployKey removes a deploy key from a repository; false when there is none.
func (e *Emulator) DeleteGitHubDeployKey(repo string, id string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	r := e.st.github.repos[strings.ToLower(repo)]
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

// ---- GitLab ----

func (gl *gitlabState) keySnapshots(p *glProject) []GitLabDeployKey {
	out := []GitLabDeployKey{}
	for _, link := range p.deployKeys {
		k := gl.keys[link.keyID]
		out = append(out, GitLabDeployKey{ID: strconv.FormatInt(k.id, 10), Project: p.pathWithNamespace(),
			Title: k.title, Key: k.key, CanPush: link.canPush, Fingerprint: k.fingerprint,
			FingerprintSHA256: k.fingerprintSHA256, CreatedAt: k.createdAt})
	}
	return out
}

// GitLabDeployKeys returns the deploy keys enabled on a project (full path or numeric id); nil for an
// unknown project.
func (e *Emulator) GitLabDeployKeys(project string) []GitLabDeployKey {
	e.mu.Lock()
	defer e.mu.Unlock()
	p := e.st.gitlab.project(project)
	if p == nil {
		return nil
	}
	return e.st.gitlab.keySnapshots(p)
}

// RenameGitLabDeployKey changes a deploy key's title behind the provider's back, as a maintainer can in
// GitLab's settings; false when the key is not enabled on the project.
func (e *Emulator) RenameGitLabDeployKey(project, id, title string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	p := e.st.gitlab.project(project)
	if p == nil {
		return false
	}
	_, link := p.keyLink(id)
	if link == nil {
		return false
	}
	e.st.gitlab.keys[link.keyID].title = title
	return true
}

// DeleteGitLabDeployKey removes a deploy key from a project (and from GitLab when no other project uses
// it); false when the key is not enabled there.
func (e *Emulator) DeleteGitLabDeployKey(project string, id string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	p := e.st.gitlab.project(project)
	if p == nil {
		return false
	}
	return e.st.gitlab.unlinkKey(p, id)
}

// ---- branches ----

// Git host names for the branch methods and Push.
const (
	HostGitHub    = "github"
	HostGitLab    = "gitlab"
	HostBitbucket = "bitbucket"
	HostGitea     = "gitea"
)

// errUnknownHost names the hosts the branch methods and Push know.
func errUnknownHost(host string) error {
	return fmt.Errorf("unknown git host %q (want %q, %q, %q or %q)", host, HostGitHub, HostGitLab, HostBitbucket, HostGitea)
}

// branchesOf returns a pointer to the branch list and the default branch of a repository.
func (st *state) branchesOf(host, repo string) (*[]string, string, error) {
	branches, _, defaultBranch, err := st.branchesAndHeads(host, repo)
	return branches, defaultBranch, err
}

// branchesAndHeads also returns the moved heads.
func (st *state) branchesAndHeads(host, repo string) (*[]string, map[string]string, string, error) {
	switch host {
	case HostGitHub:
		if r := st.github.repos[strings.ToLower(repo)]; r != nil {
			return &r.branches, r.heads, r.defaultBranch, nil
		}
	case HostGitLab:
		if p := st.gitlab.project(repo); p != nil {
			return &p.branches, p.heads, p.defaultBranch, nil
		}
	case HostBitbucket:
		if r := st.bitbucket.byFullName(repo); r != nil {
			return &r.branches, r.heads, r.mainBranch, nil
		}
	case HostGitea:
		if r := st.gitea.repos[strings.ToLower(repo)]; r != nil {
			return &r.branches, r.heads, r.defaultBranch, nil
		}
	default:
		return nil, nil, "", errUnknownHost(host)
	}
	return nil, nil, "", fmt.Errorf("%s repository %q: %w", host, repo, ErrNotFound)
}

// Branches returns the branch names of a repository on "github", "gitlab", "bitbucket" or "gitea", sorted.
func (e *Emulator) Branches(host, repo string) ([]string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	branches, _, err := e.st.branchesOf(host, repo)
	if err != nil {
		return nil, err
	}
	return slices.Clone(*branches), nil
}

// AddBranch creates a branch (no error when it exists already).
func (e *Emulator) AddBranch(host, repo, branch string) error {
	if branch == "" {
		return errors.New("empty branch name")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	branches, _, err := e.st.branchesOf(host, repo)
	if err != nil {
		return err
	}
	if !slices.Contains(*branches, branch) {
		*branches = append(*branches, branch)
		slices.Sort(*branches)
	}
	if p := e.st.gitlab.project(repo); host == HostGitLab && p != nil {
		p.touch(e.now())
		e.st.gitlab.lists = nil
	}
	return nil
}

// RenameGitHubBranch renames a branch of a GitHub repository behind the provider's back, as GitHub's
// settings page does; GitHub then answers the old name with a 301 to the new one.
func (e *Emulator) RenameGitHubBranch(repo, from, to string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	r := e.st.github.repos[strings.ToLower(repo)]
	if r == nil {
		return fmt.Errorf("repository %s: %w", repo, ErrNotFound)
	}
	return r.renameBranch(from, to)
}

// DeleteBranch deletes a branch. The default branch cannot be deleted, as on both hosts; an unknown
// branch gives ErrNotFound.
func (e *Emulator) DeleteBranch(host, repo, branch string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	branches, heads, defaultBranch, err := e.st.branchesAndHeads(host, repo)
	if err != nil {
		return err
	}
	if branch == defaultBranch {
		return fmt.Errorf("branch %q is the default branch of %s", branch, repo)
	}
	i := slices.Index(*branches, branch)
	if i < 0 {
		return fmt.Errorf("branch %q of %s: %w", branch, repo, ErrNotFound)
	}
	*branches = slices.Delete(*branches, i, i+1)
	delete(heads, branch) // a branch created again starts from its seeded head
	return nil
}
