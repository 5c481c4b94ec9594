package emulator

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// seedTime is the creation time of everything that comes from a seed, so that seeded objects are stable.
var seedTime = time.Date(2024, time.January, 2, 3, 4, 5, 0, time.UTC)

// state is everything the emulator knows. It is guarded by Emulator.mu; nothing in it is safe to share.
type state struct {
	netlify     netlifyState
	github      githubState
	gitlab      gitlabState
	dokploy     dokployState
	bitbucket   bitbucketState
	gitea       giteaState
	deliverySeq int // feeds the webhook delivery GUIDs
}

type netlifyState struct {
	tokens     map[string]bool
	accounts   []string
	deployKeys []*nlDeployKey // creation order
	sites      []*nlSite
	buildHooks []*nlBuildHook
	builds     []*nlBuild // oldest first
	envVars    []*nlEnvVar
	seq        int // feeds the deterministic ids and names
}

type nlDeployKey struct {
	id         string
	publicKey  string
	privateKey string
	createdAt  time.Time
}

type nlSite struct {
	id                        string
	name                      string
	customDomain              string
	accountSlug               string
	createdAt                 time.Time
	updatedAt                 time.Time
	domainAliases             []string
	branchDeployCustomDomain  string
	deployPreviewCustomDomain string
	notificationEmail         string
	forceSSL                  *bool // null until written, as on Netlify
	buildImage                string
	functionsRegion           string
	preventNonGitProdDeploys  bool
	prettyURLs                bool
	ignoreHTMLForms           bool
	cdpEnabledContexts        []string
	hudEnabled                *bool
	rumEnabled                *bool
	repo                      nlRepo
}

// nlRepo is a site's repository link and build settings: written as "repo", read as "build_settings".
// Ids are kept as the raw JSON the client sent, because Netlify documents an integer but Bitbucket repo
// ids are "workspace/repo" strings and the GitHub App installation id is sometimes sent as a string.
// Booleans and build setting paths are nil until written: Netlify answers null for them then, and what a
// client wrote, "" included, afterwards (the official provider writes "" for an unset functions_dir and
// would plan a change on every run if it read null back).
type nlRepo struct {
	provider              string
	repoPath              string
	repoBranch            string
	repoURL               string
	repoType              string
	repoOwnerType         string
	deployKeyID           string
	cmd                   *string // the build settings keep "" apart from unset: written "", read ""
	dir                   *string
	base                  *string
	packagePath           *string
	functionsDir          *string
	configurationFilePath *string
	untrustedFlow         string
	repoID                json.RawMessage
	installationID        json.RawMessage
	allowedBranches       []string
	baseRelDir            *bool
	publicRepo            *bool
	privateLogs           *bool
	skipPRs               *bool
	stopBuilds            *bool
	skipAutomaticBuilds   *bool
	linkedAt              time.Time
	updatedAt             time.Time
}

func (r nlRepo) linked() bool { return r.provider != "" || r.repoPath != "" }

type nlBuildHook struct {
	id        string
	siteID    string
	title     string
	branch    string
	createdAt time.Time
	triggered int
}

type githubState struct {
	users      []*ghUser
	orgs       map[string]*ghOrg // by lower-case login
	orgOrder   []*ghOrg
	repos      map[string]*ghRepo // by lower-case full name: GitHub names are case-insensitive
	repoByID   map[int64]*ghRepo
	repoOrder  []*ghRepo
	lists      map[string][]*ghRepo // filtered and sorted owner lists, cleared when repositories change
	nextID     int64                // users, orgs and repos without a seeded id
	nextKeyID  int64                // deploy key ids are unique across the emulated GitHub
	nextHookID int64                // so are webhook ids
	apps       ghAppsState          // GitHub Apps, installations and installation tokens (github_apps.go)
}

type ghUser struct {
	id    int64
	login string
	token string
	orgs  []string // nil: member of every organisation
	// installation is set for the bot user of an app installation: the caller authenticated with an
	// installation token, whose installation decides what it may see and do.
	installation *ghInstallationToken
}

type ghOrg struct {
	id    int64
	login string
}

type ghRepo struct {
	id            int64
	ownerLogin    string
	ownerID       int64
	ownerType     string // "Organization" or "User"
	name          string
	private       bool
	visibility    string
	defaultBranch string
	archived      bool
	fork          bool
	description   string
	topics        []string
	createdAt     time.Time
	pushedAt      time.Time
	branches      []string          // kept sorted, as GitHub lists them
	heads         map[string]string // branch -> commit SHA once a push moved it (else commitSHA)
	renamed       map[string]string // old branch name -> new one, for GitHub's 301 on the old name
	tags          map[string]string // lightweight tags made through the git refs API: name -> SHA
	commits       map[string]string // commit -> parent ("" for a root): every head seen, for the refs API
	keys          []*ghKey
	hooks         []*ghHook
}

func (r *ghRepo) fullName() string { return r.ownerLogin + "/" + r.name }

type ghKey struct {
	id        int64
	title     string
	key       string // "type base64": GitHub drops the comment
	readOnly  bool
	addedBy   string
	createdAt time.Time
}

type gitlabState struct {
	users        []*glUser
	groups       map[string]*glGroup // by lower-case full path
	groupOrder   []*glGroup
	projects     map[string]*glProject // by lower-case path_with_namespace
	projectByID  map[int64]*glProject
	projectOrder []*glProject
	lists        map[string][]*glProject // filtered and sorted project lists, cleared when projects change
	keys         map[int64]*glKey        // deploy keys are shared between projects on GitLab
	nextID       int64
	nextKeyID    int64
	nextHookID   int64
	oauth        oauthState[*glUser] // OAuth applications' grants (oauth.go)
}

type glUser struct {
	id       int64
	username string
	token    string
	groups   []string // nil: member of every group
}

type glGroup struct {
	id       int64
	name     string
	path     string
	fullPath string
	parentID int64
}

type glProject struct {
	id            int64
	name          string
	path          string
	namespace     string // full path of the group or the user
	personal      bool   // namespace is a user's, not a group
	visibility    string
	defaultBranch string
	archived      bool
	description   string
	topics        []string
	forkedFrom    string
	createdAt     time.Time
	lastActivity  time.Time
	branches      []string
	heads         map[string]string // branch -> commit SHA once a push moved it (else commitSHA)
	deployKeys    []*glKeyLink
	hooks         []*glHook
}

func (p *glProject) pathWithNamespace() string { return p.namespace + "/" + p.path }

// glKeyLink is a deploy key enabled on one project; can_push is per project on GitLab.
type glKeyLink struct {
	keyID     int64
	canPush   bool
	createdAt time.Time
}

type glKey struct {
	id                int64
	title             string
	key               string // as given: GitLab keeps the comment
	fingerprint       string
	fingerprintSHA256 string
	createdAt         time.Time
}

func newState() *state {
	return &state{
		netlify: netlifyState{tokens: map[string]bool{}},
		github: githubState{orgs: map[string]*ghOrg{}, repos: map[string]*ghRepo{}, repoByID: map[int64]*ghRepo{},
			nextID: 1, nextKeyID: 1,
			nextHookID: firstHookID, apps: newGhAppsState()},
		gitlab: gitlabState{groups: map[string]*glGroup{}, projects: map[string]*glProject{},
			projectByID: map[int64]*glProject{}, keys: map[int64]*glKey{}, nextID: 1, nextKeyID: 1,
			nextHookID: firstHookID},
		bitbucket: newBitbucketState(),
		gitea:     newGiteaState(),
	}
}

// apply adds the seed's content. It checks everything before changing anything, so a bad seed
// leaves the state as it was.
func (st *state) apply(s *Seed) error {
	if s == nil {
		return nil
	}
	trial := st.copyForTrial()
	if err := trial.applyUnchecked(s); err != nil {
		return err
	}
	return st.applyUnchecked(s)
}

// copyForTrial is a cheap copy good enough to dry-run a seed: apply only ever adds objects, so copying
// the maps and counters (not the objects) is enough.
func (st *state) copyForTrial() *state {
	t := newState()
	for tok := range st.netlify.tokens {
		t.netlify.tokens[tok] = true
	}
	t.github.users = slices.Clone(st.github.users)
	for k, v := range st.github.orgs {
		t.github.orgs[k] = v
	}
	t.github.orgOrder = slices.Clone(st.github.orgOrder)
	for k, v := range st.github.repos {
		cp := &ghRepo{id: v.id, ownerLogin: v.ownerLogin, name: v.name}
		t.github.repos[k] = cp
		t.github.repoByID[v.id] = cp
	}
	t.github.nextID = st.github.nextID
	t.github.apps = st.github.apps.trialCopy()
	t.gitlab.users = slices.Clone(st.gitlab.users)
	for k, v := range st.gitlab.groups {
		t.gitlab.groups[k] = v
	}
	for k, v := range st.gitlab.projects {
		cp := &glProject{id: v.id, path: v.path, namespace: v.namespace}
		t.gitlab.projects[k] = cp
		t.gitlab.projectByID[v.id] = cp
	}
	t.gitlab.nextID = st.gitlab.nextID
	st.copyDokployForTrial(t)
	t.bitbucket = st.bitbucket.trialCopy()
	t.gitea = st.gitea.trialCopy()
	return t
}

func (st *state) applyUnchecked(s *Seed) error {
	for _, tok := range s.Netlify.Tokens {
		if tok == "" {
			return fmt.Errorf("netlify: empty token")
		}
		st.netlify.tokens[tok] = true
	}
	for _, a := range s.Netlify.Accounts {
		if a == "" {
			return fmt.Errorf("netlify: empty account slug")
		}
		if !slices.Contains(st.netlify.accounts, a) {
			st.netlify.accounts = append(st.netlify.accounts, a)
		}
	}
	if err := st.applyGitHub(&s.GitHub); err != nil {
		return fmt.Errorf("github: %w", err)
	}
	if err := st.applyGitLab(&s.GitLab); err != nil {
		return fmt.Errorf("gitlab: %w", err)
	}
	if err := st.applyDokploy(&s.Dokploy); err != nil {
		return fmt.Errorf("dokploy: %w", err)
	}
	if err := st.applyBitbucket(&s.Bitbucket); err != nil {
		return fmt.Errorf("bitbucket: %w", err)
	}
	if err := st.applyGitea(&s.Gitea); err != nil {
		return fmt.Errorf("gitea: %w", err)
	}
	return nil
}

func (st *state) applyGitHub(s *GitHubSeed) error {
	gh := &st.github
	for _, u := range s.Users {
		if u.Login == "" || u.Token == "" {
			return fmt.Errorf("user needs a login and a token")
		}
		if gh.userByLogin(u.Login) != nil || gh.orgs[strings.ToLower(u.Login)] != nil {
			return fmt.Errorf("login %q already exists", u.Login)
		}
		id := u.ID
		if id == 0 {
			id = gh.allocID()
		}
		gh.bumpID(id)
		gh.users = append(gh.users, &ghUser{id: id, login: u.Login, token: u.Token, orgs: slices.Clone(u.Orgs)})
	}
	for _, o := range s.Orgs {
		if err := gh.ensureOrg(o); err != nil {
			return err
		}
	}
	for _, rs := range s.Repos {
		if err := gh.addRepo(rs); err != nil {
			return err
		}
	}
	for _, g := range s.Generate {
		if err := g.validate(); err != nil {
			return err
		}
		for _, rs := range g.githubRepos() {
			if err := gh.addRepo(rs); err != nil {
				return err
			}
		}
	}
	return gh.applyApps(s)
}

func (gh *githubState) allocID() int64 { id := gh.nextID; gh.nextID++; return id }

func (gh *githubState) bumpID(id int64) {
	if id >= gh.nextID {
		gh.nextID = id + 1
	}
}

func (gh *githubState) userByLogin(login string) *ghUser {
	for _, u := range gh.users {
		if strings.EqualFold(u.login, login) {
			return u
		}
	}
	return nil
}

func (gh *githubState) userByToken(token string) *ghUser {
	for _, u := range gh.users {
		if u.token == token {
			return u
		}
	}
	return nil
}

func (gh *githubState) ensureOrg(login string) error {
	if login == "" || strings.Contains(login, "/") {
		return fmt.Errorf("invalid organisation %q", login)
	}
	if gh.orgs[strings.ToLower(login)] != nil {
		return nil
	}
	if gh.userByLogin(login) != nil {
		return fmt.Errorf("organisation %q is already a user", login)
	}
	o := &ghOrg{id: gh.allocID(), login: login}
	gh.orgs[strings.ToLower(login)] = o
	gh.orgOrder = append(gh.orgOrder, o)
	return nil
}

func (gh *githubState) addRepo(rs GitHubRepoSeed) error {
	owner, name, ok := strings.Cut(rs.FullName, "/")
	if !ok || owner == "" || name == "" || strings.Contains(name, "/") {
		return fmt.Errorf("repo full_name %q is not owner/name", rs.FullName)
	}
	if gh.repos[strings.ToLower(rs.FullName)] != nil {
		return fmt.Errorf("repo %q already exists", rs.FullName)
	}
	if r := gh.repoByID[rs.ID]; rs.ID != 0 && r != nil {
		return fmt.Errorf("repo id %d of %q is already used by %q", rs.ID, rs.FullName, r.fullName())
	}
	r := &ghRepo{name: name, private: rs.Private, archived: rs.Archived, fork: rs.Fork,
		description: rs.Description, topics: slices.Clone(rs.Topics), createdAt: seedTime, pushedAt: seedTime}
	if u := gh.userByLogin(owner); u != nil {
		r.ownerLogin, r.ownerID, r.ownerType = u.login, u.id, "User"
	} else {
		if err := gh.ensureOrg(owner); err != nil {
			return err
		}
		o := gh.orgs[strings.ToLower(owner)]
		r.ownerLogin, r.ownerID, r.ownerType = o.login, o.id, "Organization"
	}
	switch rs.Visibility {
	case "":
		r.visibility = "public"
		if rs.Private {
			r.visibility = "private"
		}
	case "public", "private", "internal":
		r.visibility = rs.Visibility
		r.private = rs.Visibility != "public"
	default:
		return fmt.Errorf("repo %q: visibility %q is not public, private or internal", rs.FullName, rs.Visibility)
	}
	branches, err := withBranchCount(rs.DefaultBranch, rs.Branches, rs.BranchCount)
	if err != nil {
		return fmt.Errorf("repo %q: %w", rs.FullName, err)
	}
	r.defaultBranch, r.branches = normaliseBranches(rs.DefaultBranch, branches)
	r.id = rs.ID
	if r.id == 0 {
		r.id = gh.allocID()
	}
	gh.bumpID(r.id)
	if r.topics == nil {
		r.topics = []string{}
	}
	gh.repos[strings.ToLower(r.fullName())] = r
	gh.repoByID[r.id] = r
	gh.repoOrder = append(gh.repoOrder, r)
	gh.lists = nil
	return nil
}

// withBranchCount adds generated branches up to count in all (0: the branches as given).
func withBranchCount(defaultBranch string, branches []string, count int) ([]string, error) {
	if count < 0 || count > maxGenerated {
		return nil, fmt.Errorf("branch_count must be between 0 and %d", maxGenerated)
	}
	if count <= len(branches) {
		return branches, nil
	}
	return generatedBranches(defaultBranch, branches, count), nil
}

// normaliseBranches defaults the default branch to "main", makes sure it is a branch, and sorts.
func normaliseBranches(defaultBranch string, branches []string) (string, []string) {
	if defaultBranch == "" {
		defaultBranch = "main"
	}
	out := slices.Clone(branches)
	if !slices.Contains(out, defaultBranch) {
		out = append(out, defaultBranch)
	}
	slices.Sort(out)
	return defaultBranch, slices.Compact(out)
}

func (st *state) applyGitLab(s *GitLabSeed) error {
	gl := &st.gitlab
	for _, u := range s.Users {
		if u.Username == "" || u.Token == "" {
			return fmt.Errorf("user needs a username and a token")
		}
		if gl.userByUsername(u.Username) != nil || gl.groups[strings.ToLower(u.Username)] != nil {
			return fmt.Errorf("username %q already exists", u.Username)
		}
		id := u.ID
		if id == 0 {
			id = gl.allocID()
		}
		gl.bumpID(id)
		gl.users = append(gl.users, &glUser{id: id, username: u.Username, token: u.Token, groups: slices.Clone(u.Groups)})
	}
	for _, g := range s.Groups {
		if err := gl.ensureGroup(g); err != nil {
			return err
		}
	}
	for _, ps := range s.Projects {
		if err := gl.addProject(ps); err != nil {
			return err
		}
	}
	for _, g := range s.Generate {
		if err := g.validate(); err != nil {
			return err
		}
		for _, ps := range g.gitlabProjects() {
			if err := gl.addProject(ps); err != nil {
				return err
			}
		}
	}
	return nil
}

func (gl *gitlabState) allocID() int64 { id := gl.nextID; gl.nextID++; return id }

func (gl *gitlabState) bumpID(id int64) {
	if id >= gl.nextID {
		gl.nextID = id + 1
	}
}

func (gl *gitlabState) userByUsername(name string) *glUser {
	for _, u := range gl.users {
		if strings.EqualFold(u.username, name) {
			return u
		}
	}
	return nil
}

func (gl *gitlabState) userByToken(token string) *glUser {
	for _, u := range gl.users {
		if u.token == token {
			return u
		}
	}
	if u, ok := gl.oauth.userByAccessToken(token); ok {
		return u
	}
	return nil
}

// ensureGroup creates the group and its missing parents.
func (gl *gitlabState) ensureGroup(fullPath string) error {
	if fullPath == "" || strings.HasPrefix(fullPath, "/") || strings.HasSuffix(fullPath, "/") || strings.Contains(fullPath, "//") {
		return fmt.Errorf("invalid group path %q", fullPath)
	}
	if gl.groups[strings.ToLower(fullPath)] != nil {
		return nil
	}
	var parentID int64
	parent, path, nested := cutLast(fullPath, "/")
	if nested {
		if err := gl.ensureGroup(parent); err != nil {
			return err
		}
		parentID = gl.groups[strings.ToLower(parent)].id
	} else if gl.userByUsername(fullPath) != nil {
		return fmt.Errorf("group %q is already a user", fullPath)
	}
	g := &glGroup{id: gl.allocID(), name: path, path: path, fullPath: fullPath, parentID: parentID}
	gl.groups[strings.ToLower(fullPath)] = g
	gl.groupOrder = append(gl.groupOrder, g)
	return nil
}

func cutLast(s, sep string) (before, after string, found bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return "", s, false
	}
	return s[:i], s[i+len(sep):], true
}

func (gl *gitlabState) addProject(ps GitLabProjectSeed) error {
	namespace, path, ok := cutLast(ps.PathWithNamespace, "/")
	if !ok || namespace == "" || path == "" {
		return fmt.Errorf("project path_with_namespace %q is not namespace/path", ps.PathWithNamespace)
	}
	if gl.projects[strings.ToLower(ps.PathWithNamespace)] != nil {
		return fmt.Errorf("project %q already exists", ps.PathWithNamespace)
	}
	if ps.ID != 0 && gl.projectByID[ps.ID] != nil {
		return fmt.Errorf("project id %d of %q is already used", ps.ID, ps.PathWithNamespace)
	}
	personal := false
	if u := gl.userByUsername(namespace); u != nil {
		namespace, personal = u.username, true
	} else {
		if err := gl.ensureGroup(namespace); err != nil {
			return err
		}
		namespace = gl.groups[strings.ToLower(namespace)].fullPath
	}
	p := &glProject{name: path, path: path, namespace: namespace, personal: personal, visibility: ps.Visibility, archived: ps.Archived,
		description: ps.Description, topics: slices.Clone(ps.Topics), forkedFrom: ps.ForkedFrom,
		createdAt: seedTime, lastActivity: seedTime}
	switch p.visibility {
	case "":
		p.visibility = "private"
	case "public", "internal", "private":
	default:
		return fmt.Errorf("project %q: visibility %q is not public, internal or private", ps.PathWithNamespace, ps.Visibility)
	}
	if p.topics == nil {
		p.topics = []string{}
	}
	branches, err := withBranchCount(ps.DefaultBranch, ps.Branches, ps.BranchCount)
	if err != nil {
		return fmt.Errorf("project %q: %w", ps.PathWithNamespace, err)
	}
	p.defaultBranch, p.branches = normaliseBranches(ps.DefaultBranch, branches)
	p.id = ps.ID
	if p.id == 0 {
		p.id = gl.allocID()
	}
	gl.bumpID(p.id)
	gl.projects[strings.ToLower(p.pathWithNamespace())] = p
	gl.projectByID[p.id] = p
	gl.projectOrder = append(gl.projectOrder, p)
	gl.lists = nil
	return nil
}
