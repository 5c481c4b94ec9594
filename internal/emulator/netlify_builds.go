package emulator

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Netlify's side of the push loop: the incoming git hook endpoints (https://api.netlify.com/hooks/github,
// /hooks/gitlab and /hooks/bitbucket), build hook URLs, and the builds they start, served as Netlify's builds
// (GET /sites/{site_id}/builds, GET /builds/{build_id}). Builds finish at once: "ready", or "error"
// with the message a user sees in the deploy log when Netlify cannot check out the branch.

// nlBuild is a build Netlify started for a site: from a git host's push event or a build hook.
type nlBuild struct {
	id           string
	deployID     string
	siteID       string
	branch       string
	sha          string
	source       string // github, gitlab, bitbucket or build_hook
	errorMessage string // "" when the build succeeded
	createdAt    time.Time
}

// NetlifyBuild is a build of a site. State is "ready" or "error"; ErrorMessage says why it failed.
// Source is what started it: "github", "gitlab", "bitbucket" (a push event) or "build_hook".
type NetlifyBuild struct {
	ID           string    `json:"id"`
	DeployID     string    `json:"deploy_id"`
	SiteID       string    `json:"site_id"`
	Branch       string    `json:"branch"`
	SHA          string    `json:"sha"`
	State        string    `json:"state"`
	ErrorMessage string    `json:"error_message,omitempty"`
	Source       string    `json:"source"`
	CreatedAt    time.Time `json:"created_at"`
}

func nlBuildSnapshot(b *nlBuild) NetlifyBuild {
	state := "ready"
	if b.errorMessage != "" {
		state = "error"
	}
	return NetlifyBuild{ID: b.id, DeployID: b.deployID, SiteID: b.siteID, Branch: b.branch, SHA: b.sha, State: state,
		ErrorMessage: b.errorMessage, Source: b.source, CreatedAt: b.createdAt}
}

// Builds returns the builds of a site ("" for every site), oldest first.
func (e *Emulator) Builds(siteID string) []NetlifyBuild {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := []NetlifyBuild{}
	for _, b := range e.st.netlify.builds {
		if siteID == "" || b.siteID == siteID {
			out = append(out, nlBuildSnapshot(b))
		}
	}
	return out
}

func (e *Emulator) netlifyBuildRoutes() {
	p := NetlifyPrefix
	e.api.HandleFunc("GET "+p+"/sites/{site_id}/builds", e.netlify(e.nlListBuilds))
	e.api.HandleFunc("GET "+p+"/builds/{build_id}", e.netlify(e.nlGetBuild))
}

// ---- JSON ----

// nlBuildJSON is Netlify's build (id, deploy_id, sha, done, error, created_at) plus, from its deploy
// object, site_id, branch, deploy_state and error_message.
type nlBuildJSON struct {
	ID           string  `json:"id"`
	DeployID     string  `json:"deploy_id"`
	SHA          *string `json:"sha"`
	Done         bool    `json:"done"`
	Error        *string `json:"error"`
	CreatedAt    string  `json:"created_at"`
	SiteID       string  `json:"site_id"`
	Branch       string  `json:"branch"`
	DeployState  string  `json:"deploy_state"`
	ErrorMessage *string `json:"error_message"`
}

func nlBuildOut(b *nlBuild) nlBuildJSON {
	snap := nlBuildSnapshot(b)
	return nlBuildJSON{ID: b.id, DeployID: b.deployID, SHA: nullable(b.sha), Done: true, Error: nullable(b.errorMessage),
		CreatedAt: formatTimeMillis(b.createdAt), SiteID: b.siteID, Branch: b.branch, DeployState: snap.State,
		ErrorMessage: nullable(b.errorMessage)}
}

func (e *Emulator) nlListBuilds(w http.ResponseWriter, r *http.Request) {
	nl := &e.st.netlify
	_, s := nl.site(r.PathValue("site_id"))
	if s == nil {
		writeNetlifyError(w, http.StatusNotFound, "Not Found")
		return
	}
	var builds []*nlBuild
	for i := len(nl.builds) - 1; i >= 0; i-- { // newest first, as Netlify lists them
		if nl.builds[i].siteID == s.id {
			builds = append(builds, nl.builds[i])
		}
	}
	p := readPage(r, 100)
	start, end := p.bounds(len(builds))
	out := make([]nlBuildJSON, 0, end-start)
	for _, b := range builds[start:end] {
		out = append(out, nlBuildOut(b))
	}
	setNetlifyPagination(w, r, p, len(builds))
	writeJSON(w, http.StatusOK, out)
}

func (e *Emulator) nlGetBuild(w http.ResponseWriter, r *http.Request) {
	for _, b := range e.st.netlify.builds {
		if b.id == r.PathValue("build_id") {
			writeJSON(w, http.StatusOK, nlBuildOut(b))
			return
		}
	}
	writeNetlifyError(w, http.StatusNotFound, "Not Found")
}

// ---- starting builds ----

// incomingPush is what Netlify reads from a git host's push event.
type incomingPush struct {
	fullName string
	repoID   string
	branch   string // "" for a tag or another kind of ref
	sha      string
}

// parseIncomingPush reads a push event; ok is false for other events (ping, pull requests, tags,
// branch deletions), which Netlify acknowledges without building.
func parseIncomingPush(provider string, r *http.Request) (push incomingPush, ok bool, err error) {
	raw, err := readPayload(r)
	if err != nil {
		return push, false, err
	}
	var ref string
	switch provider {
	case "github":
		if r.Header.Get("X-GitHub-Event") != "push" {
			return push, false, nil
		}
		var ev struct {
			Ref        string `json:"ref"`
			After      string `json:"after"`
			Deleted    bool   `json:"deleted"`
			Repository struct {
				ID       json.Number `json:"id"`
				FullName string      `json:"full_name"`
			} `json:"repository"`
		}
		if err := json.Unmarshal(raw, &ev); err != nil {
			return push, false, err
		}
		if ev.Deleted {
			return push, false, nil
		}
		ref, push.sha, push.fullName, push.repoID = ev.Ref, ev.After, ev.Repository.FullName, ev.Repository.ID.String()
	case "gitlab":
		var ev struct {
			ObjectKind string      `json:"object_kind"`
			Ref        string      `json:"ref"`
			After      string      `json:"after"`
			ProjectID  json.Number `json:"project_id"`
			Project    struct {
				PathWithNamespace string `json:"path_with_namespace"`
			} `json:"project"`
		}
		if err := json.Unmarshal(raw, &ev); err != nil {
			return push, false, err
		}
		if ev.ObjectKind != "push" || ev.After == zeroSHA {
			return push, false, nil
		}
		ref, push.sha, push.fullName, push.repoID = ev.Ref, ev.After, ev.Project.PathWithNamespace, ev.ProjectID.String()
	case "bitbucket":
		if r.Header.Get("X-Event-Key") != "repo:push" {
			return push, false, nil
		}
		var ev struct {
			Push struct {
				Changes []struct {
					New *struct {
						Type   string `json:"type"`
						Name   string `json:"name"`
						Target struct {
							Hash string `json:"hash"`
						} `json:"target"`
					} `json:"new"`
				} `json:"changes"`
			} `json:"push"`
			Repository struct {
				FullName string `json:"full_name"`
			} `json:"repository"`
		}
		if err := json.Unmarshal(raw, &ev); err != nil {
			return push, false, err
		}
		// The first change that leaves a branch behind (a deleted branch has no "new"); the emulated
		// Bitbucket sends one change per push.
		for _, change := range ev.Push.Changes {
			if change.New != nil && change.New.Type == "branch" {
				ref, push.sha = "refs/heads/"+change.New.Name, change.New.Target.Hash
				break
			}
		}
		// Netlify names a Bitbucket repository by "workspace/repo", its repo id too.
		push.fullName, push.repoID = ev.Repository.FullName, ev.Repository.FullName
	default:
		return push, false, nil
	}
	branch, isBranch := strings.CutPrefix(ref, "refs/heads/")
	if !isBranch || branch == "" {
		return push, false, nil
	}
	push.branch = branch
	return push, true, nil
}

// readPayload is the event's JSON: the body, or its "payload" field when form-encoded.
func readPayload(r *http.Request) ([]byte, error) {
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		if err := r.ParseForm(); err != nil {
			return nil, err
		}
		return []byte(r.PostForm.Get("payload")), nil
	}
	var raw json.RawMessage
	if err := decodeBody(r, &raw); err != nil {
		return nil, err
	}
	return raw, nil
}

// nlIncomingGitHook receives a git host's event and starts a build for every site linked to the
// repository whose production branch or allowed branches include the pushed branch.
func (e *Emulator) nlIncomingGitHook(w http.ResponseWriter, r *http.Request) {
	provider := r.PathValue("provider")
	if !slices.Contains(nlProviders[:3], provider) { // github, gitlab, bitbucket
		writeNetlifyError(w, http.StatusNotFound, "Not Found")
		return
	}
	push, ok, err := parseIncomingPush(provider, r)
	if err != nil {
		writeNetlifyError(w, http.StatusBadRequest, "invalid payload: "+err.Error())
		return
	}
	e.locked(w, func(w http.ResponseWriter) {
		if ok {
			now := e.now()
			for _, s := range e.st.netlify.sitesFor(provider, push) {
				e.st.startBuild(s, push.branch, push.sha, provider, now)
			}
		}
		w.WriteHeader(http.StatusNoContent) // what GitHub and GitLab see from Netlify (seed 001)
	})
}

// sitesFor finds the sites linked to the pushed repository (by repo_path or repository id) that build
// the pushed branch. A site with stop_builds set is left out: Netlify documents that it then does not
// build the project automatically (build hooks still start builds here; that part is not documented).
func (nl *netlifyState) sitesFor(provider string, push incomingPush) []*nlSite {
	var out []*nlSite
	for _, s := range nl.sites {
		rp := s.repo
		if rp.provider != provider || (rp.stopBuilds != nil && *rp.stopBuilds) {
			continue
		}
		sameRepo := (rp.repoPath != "" && strings.EqualFold(rp.repoPath, push.fullName)) ||
			(push.repoID != "" && rawText(rp.repoID) == push.repoID)
		if sameRepo && (push.branch == rp.repoBranch || slices.Contains(rp.allowedBranches, push.branch)) {
			out = append(out, s)
		}
	}
	return out
}

// nlTriggerBuildHook is POST /netlify/build_hooks/{id} (the hook's url; no token, the id is the secret).
// trigger_branch in the query overrides the hook's branch, as on Netlify.
func (e *Emulator) nlTriggerBuildHook(w http.ResponseWriter, r *http.Request) {
	e.locked(w, func(w http.ResponseWriter) {
		nl := &e.st.netlify
		for _, h := range nl.buildHooks {
			if h.id != r.PathValue("id") {
				continue
			}
			h.triggered++
			if _, s := nl.site(h.siteID); s != nil {
				branch := h.branch
				if b := r.URL.Query().Get("trigger_branch"); b != "" {
					branch = b
				}
				if branch == "" {
					branch = s.repo.repoBranch
				}
				e.st.startBuild(s, branch, "", "build_hook", e.now())
			}
			w.WriteHeader(http.StatusOK)
			return
		}
		writeNetlifyError(w, http.StatusNotFound, "Not Found")
	})
}

// startBuild records a build of branch for s; it fails when Netlify could not check the branch out.
// sha is the pushed commit ("" for the branch's current head).
func (st *state) startBuild(s *nlSite, branch, sha, source string, now time.Time) {
	failure, head := st.checkout(s, branch)
	if sha == "" {
		sha = head
	}
	nl := &st.netlify
	nl.seq++
	nl.builds = append(nl.builds, &nlBuild{id: netlifyHexID("build", nl.seq), deployID: netlifyHexID("deploy", nl.seq),
		siteID: s.id, branch: branch, sha: sha, source: source, errorMessage: failure, createdAt: now})
}

// checkout is what Netlify's build does first: fetch the branch with the site's credentials. It returns
// the failure message ("" on success) and the branch's head.
func (st *state) checkout(s *nlSite, branch string) (failure, head string) {
	rp := s.repo
	if !rp.linked() {
		return "Failed during stage 'preparing repo': the site is not linked to a repository", ""
	}
	denied := permissionDenied(sshHost(rp.repoURL, rp.provider))
	switch rp.provider {
	case "github":
		repo := st.github.repoForLink(rp)
		if repo == nil {
			return denied, ""
		}
		if repo.visibility != "public" && rawText(rp.installationID) == "" && !st.githubKeyInstalled(repo, rp.deployKeyID) {
			return denied, ""
		}
		if !slices.Contains(repo.branches, branch) {
			return missingRef(branch), ""
		}
		return "", headSHA(repo.heads, HostGitHub, repo.fullName(), branch)
	case "gitlab":
		p := st.gitlab.projectForLink(rp)
		// The GitHub App installation does not reach GitLab: only a deploy key opens a private project.
		if p == nil || (p.visibility != "public" && !st.gitlabKeyInstalled(p, rp.deployKeyID)) {
			return denied, ""
		}
		if !slices.Contains(p.branches, branch) {
			return missingRef(branch), ""
		}
		return "", headSHA(p.heads, HostGitLab, p.pathWithNamespace(), branch)
	case "bitbucket":
		repo := st.bitbucket.repoForLink(rp)
		if repo == nil || (repo.private && !st.bitbucketKeyInstalled(repo, rp.deployKeyID)) {
			return denied, ""
		}
		if !slices.Contains(repo.branches, branch) {
			return missingRef(branch), ""
		}
		return "", headSHA(repo.heads, HostBitbucket, repo.fullName(), branch)
	}
	return "", "" // manual repositories are not emulated: the build succeeds
}

func (gh *githubState) repoForLink(rp nlRepo) *ghRepo {
	if r := gh.repos[strings.ToLower(rp.repoPath)]; r != nil {
		return r
	}
	id, err := strconv.ParseInt(rawText(rp.repoID), 10, 64)
	if err != nil {
		return nil
	}
	return gh.repoByID[id]
}

func (gl *gitlabState) projectForLink(rp nlRepo) *glProject {
	if p := gl.projects[strings.ToLower(rp.repoPath)]; p != nil {
		return p
	}
	if id := rawText(rp.repoID); id != "" {
		if p := gl.project(id); p != nil {
			return p
		}
	}
	return nil
}

// netlifyKey is the normalised public key of a Netlify deploy key ("" when it does not exist).
func (nl *netlifyState) netlifyKey(id string) string {
	_, k := nl.deployKey(id)
	if k == nil {
		return ""
	}
	parsed, err := parsePublicKey(k.publicKey)
	if err != nil {
		return ""
	}
	return parsed.normalized
}

func (st *state) githubKeyInstalled(repo *ghRepo, deployKeyID string) bool {
	want := st.netlify.netlifyKey(deployKeyID)
	return want != "" && slices.ContainsFunc(repo.keys, func(k *ghKey) bool { return k.key == want })
}

func (st *state) gitlabKeyInstalled(p *glProject, deployKeyID string) bool {
	want := st.netlify.netlifyKey(deployKeyID)
	if want == "" {
		return false
	}
	return slices.ContainsFunc(p.deployKeys, func(link *glKeyLink) bool {
		parsed, err := parsePublicKey(st.gitlab.keys[link.keyID].key)
		return err == nil && parsed.normalized == want
	})
}

// sshHost is the host Netlify's git clone talks to: from repo_url, else the provider's public host.
func sshHost(repoURL, provider string) string {
	if rest, ok := strings.CutPrefix(repoURL, "git@"); ok {
		if host, _, found := strings.Cut(rest, ":"); found {
			return host
		}
	}
	if u, err := url.Parse(repoURL); err == nil && u.Hostname() != "" {
		return u.Hostname()
	}
	return provider + ".com"
}

func permissionDenied(host string) string {
	return "Failed during stage 'preparing repo': error checking for ref: git@" + host + ": Permission denied (publickey).\n" +
		"fatal: Could not read from remote repository.\n\nPlease make sure you have the correct access rights\n" +
		"and the repository exists.\n: exit status 128"
}

func missingRef(branch string) string {
	return "Failed during stage 'preparing repo': error checking for ref refs/heads/" + branch +
		": fatal: couldn't find remote ref refs/heads/" + branch + ": exit status 128"
}
