package emulator

import (
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// Dokploy's deploy webhook and deployments.
//
// The webhook (apps/dokploy/pages/api/deploy/[refreshToken].ts) is a Next.js API route: any method, no
// API key (the refresh token in the path is the secret), the body parsed by Next.js (JSON or a form).
// Its answers, in the order it checks:
//
//	x-github-event: ping                       200 {"message": "Ping received, webhook is active"}
//	no application with that token             404 {"message": "Application Not Found"}
//	autoDeploy off (false or null)             400 {"message": "Automatic deployments are disabled for this application"}
//	branch or watch paths do not match         301 {"message": "Branch Not Match"} / {"message": "Watch Paths Not Match"}
//	queued                                     200 {"message": "Application deployed successfully"}
//
// The git host is told apart by its event header (x-github-event, x-gitlab-event, x-gitea-event,
// Bitbucket's x-event-key: repo:push) and the branch read from that host's payload: "ref" with
// "refs/heads/" removed (GitHub, Gitea, GitLab), push.changes[0].new.name (Bitbucket). A request
// without any of those headers has no branch, so it never matches.
//
// A queued deployment runs at once here. An application linked through a git-provider connection is
// cloned with the connection's credentials (dokploy_reach.go). For a "git" source
// (application.saveGitProvider) it does what
// packages/server/src/utils/providers/git.ts's clone does: the URL must name a repository of the
// emulated GitHub or GitLab (the SSH clone URL they report, or their HTTP clone URL), the branch must
// exist, and over SSH the application's SSH key must be installed on that repository as a deploy key;
// over HTTPS the repository must be public. The deployment ends "done", or "error" with git's message in
// its log (deployment.readLogs) — Dokploy leaves errorMessage null for a failed build.

func (e *Emulator) dkDeployHook(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("X-GitHub-Event") == "ping" {
		writeNextJSON(w, http.StatusOK, map[string]string{"message": "Ping received, webhook is active"})
		return
	}
	body, ok := readNextBody(w, r)
	if !ok {
		return
	}
	e.locked(w, func(w http.ResponseWriter) {
		status, message := e.reach(r).receiveHook(r.PathValue("refreshToken"), r.Header, body)
		writeNextJSON(w, status, map[string]string{"message": message})
	})
}

// readNextBody parses a body as Next.js's API routes do: JSON, a URL-encoded form (an object of its
// fields: GitHub's form deliveries arrive as {"payload": "<json>"}), or else a plain string. Invalid
// JSON is Next.js's 400 "Invalid JSON".
func readNextBody(w http.ResponseWriter, r *http.Request) (any, bool) {
	data, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		http.Error(w, "Invalid body", http.StatusBadRequest)
		return nil, false
	}
	mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mediaType {
	case "application/json", "application/ld+json":
		if strings.TrimSpace(string(data)) == "" {
			return map[string]any{}, true
		}
		var doc any
		if err := json.Unmarshal(data, &doc); err != nil {
			http.Error(w, "Invalid JSON", http.StatusBadRequest)
			return nil, false
		}
		return doc, true
	case "application/x-www-form-urlencoded":
		form, err := url.ParseQuery(string(data))
		if err != nil {
			http.Error(w, "Invalid body", http.StatusBadRequest)
			return nil, false
		}
		out := map[string]any{}
		for k, v := range form {
			out[k] = v[len(v)-1]
		}
		return out, true
	}
	return string(data), true
}

// jsonPath follows object members and array indexes through a decoded JSON document (nil when any
// step is missing), like JavaScript's optional chaining.
func jsonPath(doc any, steps ...any) any {
	for _, s := range steps {
		switch k := s.(type) {
		case string:
			obj, ok := doc.(map[string]any)
			if !ok {
				return nil
			}
			doc = obj[k]
		case int:
			arr, ok := doc.([]any)
			if !ok || k >= len(arr) {
				return nil
			}
			doc = arr[k]
		}
	}
	return doc
}

func jsonString(doc any, steps ...any) string { s, _ := jsonPath(doc, steps...).(string); return s }

// hookProvider names the git host from the event headers, as getProviderByHeader does.
func hookProvider(h http.Header) string {
	switch {
	case h.Get("X-GitHub-Event") != "":
		return "github"
	case h.Get("X-Gitea-Event") != "":
		return "gitea"
	case h.Get("X-Gitlab-Event") != "":
		return "gitlab"
	case strings.Contains(h.Get("X-Event-Key"), "repo:push"):
		return "bitbucket"
	case h.Get("X-SoftServe-Event") != "":
		return "soft-serve"
	}
	return ""
}

// hookBranch is extractBranchName: "" when the payload names none.
func hookBranch(h http.Header, body any) (string, bool) {
	switch {
	case h.Get("X-GitHub-Event") != "" || h.Get("X-Gitea-Event") != "",
		h.Get("X-Gitlab-Event") != "" || strings.Contains(h.Get("X-SoftServe-Event"), "push"):
		// JavaScript's replace() removes the first occurrence, wherever it is.
		return strings.Replace(jsonString(body, "ref"), "refs/heads/", "", 1), true
	case strings.Contains(h.Get("X-Event-Key"), "repo:push"):
		if _, ok := jsonPath(body, "push", "changes").([]any); !ok {
			return "", false // push.changes[0] on undefined throws: the handler answers 400
		}
		return jsonString(body, "push", "changes", 0, "new", "name"), true
	}
	return "", true
}

// hookCommit is extractCommitMessage and extractHash.
func hookCommit(h http.Header, body any) (title, hash string) {
	firstCommit := func(field string) string {
		if s := jsonString(body, "commits", 0, field); s != "" {
			return s
		}
		return "NEW COMMIT"
	}
	switch {
	case h.Get("X-GitHub-Event") != "":
		if jsonPath(body, "head_commit") == nil {
			return "NEW COMMIT", ""
		}
		return jsonString(body, "head_commit", "message"), jsonString(body, "head_commit", "id")
	case h.Get("X-Gitlab-Event") != "":
		hash = jsonString(body, "checkout_sha")
		if hash == "" {
			hash = firstCommit("id")
		}
		return firstCommit("message"), hash
	case strings.Contains(h.Get("X-Event-Key"), "repo:push"):
		if jsonPath(body, "push", "changes", 0) == nil {
			return "NEW COMMIT", "NEW COMMIT"
		}
		return jsonString(body, "push", "changes", 0, "new", "target", "message"),
			jsonString(body, "push", "changes", 0, "new", "target", "hash")
	case h.Get("X-Gitea-Event") != "":
		hash = jsonString(body, "after")
		if hash == "" {
			hash = "NEW COMMIT"
		}
		return firstCommit("message"), hash
	}
	return "NEW CHANGES", ""
}

// modifiedFiles is what the handler passes to shouldDeploy: every commit's "modified" list.
func modifiedFiles(body any) []string {
	var out []string
	commits, _ := jsonPath(body, "commits").([]any)
	for _, c := range commits {
		files, _ := jsonPath(c, "modified").([]any)
		for _, f := range files {
			if s, ok := f.(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

// shouldDeploy is Dokploy's watch-path filter: no watch paths, or some modified file matches some
// pattern (micromatch.some). Patterns support *, ** and ?; micromatch's braces, extglobs and negations
// are not emulated.
func shouldDeploy(watchPaths, files []string) bool {
	if len(watchPaths) == 0 {
		return true
	}
	for _, p := range watchPaths {
		re := watchPathRegexp(p)
		for _, f := range files {
			if re.MatchString(f) {
				return true
			}
		}
	}
	return false
}

func watchPathRegexp(pattern string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("^")
	for i := 0; i < len(pattern); i++ {
		switch c := pattern[i]; c {
		case '*':
			if i+1 < len(pattern) && pattern[i+1] == '*' {
				i++
				if i+1 < len(pattern) && pattern[i+1] == '/' {
					i++
					b.WriteString("(?:.*/)?") // "**/" also matches no directory at all
				} else {
					b.WriteString(".*")
				}
			} else {
				b.WriteString("[^/]*")
			}
		case '?':
			b.WriteString("[^/]")
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}

// receiveHook runs the webhook's checks and queues a deployment; it returns the answer.
func (x dkReach) receiveHook(token string, h http.Header, body any) (int, string) {
	dk := &x.st.dokploy
	var a *dkApplication
	for _, app := range dk.applications {
		if token != "" && app.str("refreshToken") == token {
			a = app
			break
		}
	}
	if a == nil {
		return http.StatusNotFound, "Application Not Found"
	}
	if !a.boolean("autoDeploy") {
		return http.StatusBadRequest, "Automatic deployments are disabled for this application"
	}
	const branchNotMatch, watchNotMatch = "Branch Not Match", "Watch Paths Not Match"
	title, hash := hookCommit(h, body)
	branch, ok := hookBranch(h, body)
	if !ok {
		return http.StatusBadRequest, "Error deploying Application"
	}
	watch := a.strs("watchPaths")
	switch a.str("sourceType") {
	case "docker":
		if a.str("dockerImage") == "" {
			return http.StatusMovedPermanently, "Application Docker Image Name Not Found"
		}
	case "github":
		if !shouldDeploy(watch, modifiedFiles(body)) {
			return http.StatusMovedPermanently, watchNotMatch
		}
		if branch == "" || branch != a.str("branch") {
			return http.StatusMovedPermanently, branchNotMatch
		}
	case "git":
		if branch == "" || branch != a.str("customGitBranch") {
			return http.StatusMovedPermanently, branchNotMatch
		}
		var files []string
		if p := hookProvider(h); p != "" && p != "bitbucket" {
			files = modifiedFiles(body)
		}
		if !shouldDeploy(watch, files) {
			return http.StatusMovedPermanently, watchNotMatch
		}
	case "gitlab", "gitea":
		if !shouldDeploy(watch, modifiedFiles(body)) {
			return http.StatusMovedPermanently, watchNotMatch
		}
		if branch == "" || branch != a.str(a.str("sourceType")+"Branch") {
			return http.StatusMovedPermanently, branchNotMatch
		}
	case "bitbucket":
		if branch == "" || branch != a.str("bitbucketBranch") {
			return http.StatusMovedPermanently, branchNotMatch
		}
		// Dokploy reads the changed paths from Bitbucket's API with the connection's credentials;
		// connections are not emulated, so no path is known.
		if !shouldDeploy(watch, nil) {
			return http.StatusMovedPermanently, watchNotMatch
		}
	}
	description := ""
	if hash != "" {
		description = "Hash: " + hash
	}
	x.deployApplication(a, title, description)
	return http.StatusOK, "Application deployed successfully"
}

// keptDeployments is how many earlier deployments Dokploy keeps when it starts a new one
// (removeLastTenDeployments).
const keptDeployments = 10

// deployApplication records a deployment of a and runs it to its end at once.
func (x dkReach) deployApplication(a *dkApplication, title, description string) {
	dk := &x.st.dokploy
	now := x.now
	if earlier := dk.deploymentsOf(a.id()); len(earlier) > keptDeployments {
		drop := earlier[:len(earlier)-keptDeployments] // oldest first
		dk.deployments = slices.DeleteFunc(dk.deployments, func(d *dkDeployment) bool { return slices.Contains(drop, d) })
	}
	if title == "" {
		title = "Deployment"
	}
	appName := a.str("appName")
	d := &dkDeployment{id: dk.next("deployment"), applicationID: a.id(), title: title, description: description,
		logPath:   "/etc/dokploy/logs/" + appName + "/" + appName + "-" + now.Format("2006-01-02:15:04:05") + ".log",
		createdAt: now, finishedAt: now}
	dk.deployments = append(dk.deployments, d)

	log := []string{"Initializing deployment"}
	cloneLog, failed, sha := x.cloneSource(a)
	log = append(log, cloneLog...)
	if failed {
		d.status = "error"
		log = append(log, "", "Error occurred ❌, check the logs for details.")
	} else {
		d.status = "done"
		log = append(log, "Build "+a.str("buildType")+" (not emulated): ✅")
		if sha != "" {
			d.description = "Commit: " + sha // getGitCommitInfo after a successful clone
		}
	}
	d.log = strings.Join(log, "\n") + "\n"
	a.set("applicationStatus", d.status)
}

// cloneSource is the clone step: its log lines, whether it failed, and the commit it checked out.
func (x dkReach) cloneSource(a *dkApplication) (log []string, failed bool, sha string) {
	st, now := x.st, x.now
	switch a.str("sourceType") {
	case "git":
	case kindGitHub, kindGitLab, kindGitea, kindBitbucket:
		res := x.cloneThroughConnection(a) // dokploy_reach.go
		return res.log, res.failed, res.sha
	default:
		return nil, false, "" // docker images and dropped archives are not checked
	}
	gitURL, branch, keyID := a.str("customGitUrl"), a.str("customGitBranch"), a.str("customGitSSHKeyId")
	if gitURL == "" || branch == "" {
		return []string{"Error: ❌ Repository not found"}, true, ""
	}
	target, ok := parseCloneURL(gitURL)
	if !target.http && keyID == "" {
		return []string{"Error: ❌ You are trying to clone a ssh repository without a ssh key, please set a ssh key"}, true, ""
	}
	var publicKey string
	if k := st.dokploy.sshKey(keyID); k != nil {
		k.lastUsedAt = ptrString(formatTimeMillis(now)) // the clone marks the key as used
		if parsed, err := parsePublicKey(k.publicKey); err == nil {
			publicKey = parsed.normalized
		}
	}
	codePath := "/etc/dokploy/applications/" + a.str("appName") + "/code"
	log = []string{"Cloning Repo Custom " + gitURL + " to " + codePath + ": ✅", "Cloning into '" + codePath + "'..."}
	cloneFailed := "❌ [ERROR] Fail to clone the repository " + gitURL
	denied := "fatal: could not read Username for '" + target.origin + "': No such device or address"
	if !target.http {
		denied = "git@" + target.host + ": Permission denied (publickey).\r\nfatal: Could not read from remote repository.\n\n" +
			"Please make sure you have the correct access rights\nand the repository exists."
	}
	if !ok {
		return append(log, denied, cloneFailed), true, ""
	}
	branchMissing := false
	for _, host := range target.hosts {
		repo := st.gitRepository(host, target.path)
		if repo == nil {
			continue
		}
		if target.http && !repo.public || !target.http && (publicKey == "" || !slices.Contains(repo.keys, publicKey)) {
			continue
		}
		if !slices.Contains(repo.branches, branch) {
			branchMissing = true
			continue
		}
		return log, false, repo.head(branch)
	}
	if branchMissing {
		return append(log, "warning: Could not find remote branch "+branch+" to clone.",
			"fatal: Remote branch "+branch+" not found in upstream origin", cloneFailed), true, ""
	}
	return append(log, denied, cloneFailed), true, ""
}

// cloneTarget is a clone URL taken apart.
type cloneTarget struct {
	http   bool
	host   string   // for messages
	origin string   // scheme://host, for messages
	path   string   // owner/name or group/…/name, without ".git"
	hosts  []string // the emulated git hosts it may name: HostGitHub, HostGitLab
}

// parseCloneURL reads git@host:path.git, ssh://git@host[:port]/path.git and http(s)://host/path(.git).
// The emulated hosts report the same host name in their SSH URLs, so a URL on another host than
// github.com, gitlab.com or bitbucket.org may name a repository of any of them: each is tried, GitHub first,
// and the one the key opens is cloned. Their HTTP clone URLs carry /github/, /gitlab/, /bitbucket/ or
// /gitea/ after the host.
func parseCloneURL(raw string) (cloneTarget, bool) {
	t := cloneTarget{hosts: []string{HostGitHub, HostGitLab, HostBitbucket, HostGitea}}
	var p string
	switch {
	case strings.HasPrefix(raw, "http://") || strings.HasPrefix(raw, "https://"):
		u, err := url.Parse(raw)
		if err != nil {
			return t, false
		}
		t.http, t.host, t.origin, p = true, u.Hostname(), u.Scheme+"://"+u.Host, u.Path
		p = strings.Trim(p, "/")
		for _, h := range []string{HostGitHub, HostGitLab, HostBitbucket, HostGitea} {
			if rest, found := strings.CutPrefix(p, h+"/"); found {
				t.hosts, p = []string{h}, rest
				break
			}
		}
	case strings.HasPrefix(raw, "ssh://"):
		u, err := url.Parse(raw)
		if err != nil {
			return t, false
		}
		t.host, p = u.Hostname(), u.Path
	default:
		userHost, rest, found := strings.Cut(raw, ":")
		if !found {
			return t, false
		}
		_, host, hasUser := strings.Cut(userHost, "@")
		if !hasUser {
			host = userHost
		}
		t.host, p = host, rest
	}
	switch strings.ToLower(t.host) {
	case "github.com":
		t.hosts = []string{HostGitHub}
	case "gitlab.com":
		t.hosts = []string{HostGitLab}
	case "bitbucket.org":
		t.hosts = []string{HostBitbucket}
	}
	t.path = strings.TrimSuffix(strings.Trim(p, "/"), ".git")
	return t, t.path != "" && strings.Contains(t.path, "/")
}

// gitRepo is what a clone needs to know about a repository of an emulated git host.
type gitRepo struct {
	public   bool
	branches []string
	keys     []string // normalised public keys of its deploy keys
	head     func(branch string) string
}

// gitRepository looks a repository up on an emulated git host (nil when there is none).
func (st *state) gitRepository(host, path string) *gitRepo {
	switch host {
	case HostGitHub:
		r := st.github.repos[strings.ToLower(path)]
		if r == nil {
			return nil
		}
		out := &gitRepo{public: r.visibility == "public", branches: r.branches,
			head: func(b string) string { return headSHA(r.heads, HostGitHub, r.fullName(), b) }}
		for _, k := range r.keys {
			out.keys = append(out.keys, k.key)
		}
		return out
	case HostGitLab:
		p := st.gitlab.projects[strings.ToLower(path)]
		if p == nil {
			return nil
		}
		out := &gitRepo{public: p.visibility == "public", branches: p.branches,
			head: func(b string) string { return headSHA(p.heads, HostGitLab, p.pathWithNamespace(), b) }}
		for _, link := range p.deployKeys {
			if parsed, err := parsePublicKey(st.gitlab.keys[link.keyID].key); err == nil {
				out.keys = append(out.keys, parsed.normalized)
			}
		}
		return out
	case HostBitbucket:
		r := st.bitbucket.repos[strings.ToLower(path)]
		if r == nil {
			return nil
		}
		out := &gitRepo{public: !r.private, branches: r.branches,
			head: func(b string) string { return headSHA(r.heads, HostBitbucket, r.fullName(), b) }}
		for _, k := range r.keys {
			if parsed, err := parsePublicKey(k.key); err == nil {
				out.keys = append(out.keys, parsed.normalized)
			}
		}
		return out
	case HostGitea:
		r := st.gitea.repos[strings.ToLower(path)]
		if r == nil {
			return nil
		}
		out := &gitRepo{public: !r.private, branches: r.branches,
			head: func(b string) string { return headSHA(r.heads, HostGitea, r.fullName(), b) }}
		for _, k := range r.keys {
			if parsed, err := parsePublicKey(k.key); err == nil {
				out.keys = append(out.keys, parsed.normalized)
			}
		}
		return out
	}
	return nil
}

// ---- deployment router ----

// dkDeploymentAll is deployment.all: an application's deployments, newest first; [] for an unknown
// application (a plain query, no lookup of the application).
func (e *Emulator) dkDeploymentAll(w http.ResponseWriter, _ *http.Request, in dkInput) {
	v, err := in.validate(reqStr("applicationId", 1))
	if err != nil {
		fail(w, err)
		return
	}
	list := e.st.dokploy.deploymentsOf(v.str("applicationId"))
	out := make([]dkDeploymentJSON, 0, len(list))
	for i := len(list) - 1; i >= 0; i-- {
		out = append(out, deploymentOut(list[i]))
	}
	writeDokployResult(w, out)
}

// dkDeploymentReadLogs is deployment.readLogs: the last tail lines (default 100) of the log, as a JSON
// string; 404 "Deployment not found".
func (e *Emulator) dkDeploymentReadLogs(w http.ResponseWriter, _ *http.Request, in dkInput) {
	v, err := in.validate(reqStr("deploymentId", 1),
		dkField{name: "tail", typ: tInt, minNum: ptrFloat(1), maxNum: ptrFloat(10000)})
	if err != nil {
		fail(w, err)
		return
	}
	tail := 100
	if n, ok := v["tail"].(float64); ok {
		tail = int(n)
	}
	for _, d := range e.st.dokploy.deployments {
		if d.id == v.str("deploymentId") {
			lines := strings.Split(strings.TrimSuffix(d.log, "\n"), "\n")
			lines = lines[max(0, len(lines)-tail):]
			writeDokployResult(w, strings.Join(lines, "\n")+"\n")
			return
		}
	}
	fail(w, dkErr(dkNotFound, "Deployment not found"))
}
