package emulator

import (
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// hookCall posts to a deploy URL with the given headers and body (a string, sent as JSON unless a
// Content-Type header says otherwise).
func (ts *testServer) hookCall(token string, header map[string]string, body string) (int, string) {
	ts.t.Helper()
	req := must(http.NewRequest("POST", ts.srv.URL+DokployPrefix+"/deploy/"+token, strings.NewReader(body)))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp := must(ts.srv.Client().Do(req))
	defer func() { _ = resp.Body.Close() }()
	var out struct {
		Message string `json:"message"`
	}
	r := response{status: resp.StatusCode, body: must(io.ReadAll(resp.Body))}
	r.want(ts.t, resp.StatusCode, &out)
	return resp.StatusCode, out.Message
}

// dkLinkApp creates an application building gitURL's branch over SSH with key.
func (ts *testServer) dkLinkApp(name, gitURL, branch, keyID string) dkApp {
	ts.t.Helper()
	app := ts.dkCreateApp(name)
	ts.dk("application.saveGitProvider", map[string]any{"applicationId": app.ApplicationID, "customGitBuildPath": nil,
		"customGitUrl": gitURL, "customGitBranch": branch, "watchPaths": nil, "customGitSSHKeyId": keyID}).want(ts.t, 200, nil)
	return ts.dkGetApp(app.ApplicationID)
}

func githubPush(ref string, modified ...string) string {
	files := `"` + strings.Join(modified, `","`) + `"`
	if len(modified) == 0 {
		files = ""
	}
	return `{"ref":"` + ref + `","after":"abc123","head_commit":{"id":"abc123","message":"Fix the footer"},` +
		`"commits":[{"id":"abc123","modified":[` + files + `]}]}`
}

func TestDokployDeployHookAnswers(t *testing.T) {
	ts := newTestServer(t, nil)
	key := ts.dkCreateSSHKey("k")
	app := ts.dkLinkApp("hooked", "git@127.0.0.1:gitdeploy-demo/website.git", "main", key.SSHKeyID)
	gh := map[string]string{"X-GitHub-Event": "push"}
	count := func() int { return len(ts.emu.DokployDeployments(app.ApplicationID)) }

	cases := []struct {
		name    string
		token   string
		header  map[string]string
		body    string
		status  int
		message string
	}{
		{"ping", "anything", map[string]string{"X-GitHub-Event": "ping"}, `{}`, 200, "Ping received, webhook is active"},
		{"unknown token", "nope", gh, githubPush("refs/heads/main"), 404, "Application Not Found"},
		{"other branch", app.RefreshToken, gh, githubPush("refs/heads/develop"), 301, "Branch Not Match"},
		{"no event header", app.RefreshToken, nil, githubPush("refs/heads/main"), 301, "Branch Not Match"},
		{"tag", app.RefreshToken, gh, githubPush("refs/tags/v1"), 301, "Branch Not Match"},
		{"GitHub form delivery", app.RefreshToken, map[string]string{"X-GitHub-Event": "push",
			"Content-Type": "application/x-www-form-urlencoded"}, "payload=" + url.QueryEscape(githubPush("refs/heads/main")),
			301, "Branch Not Match"},
		{"bitbucket without changes", app.RefreshToken, map[string]string{"X-Event-Key": "repo:push"}, `{}`, 400,
			"Error deploying Application"},
	}
	for _, c := range cases {
		status, message := ts.hookCall(c.token, c.header, c.body)
		if status != c.status || message != c.message {
			t.Errorf("%s: %d %q, want %d %q", c.name, status, message, c.status, c.message)
		}
	}
	if n := count(); n != 0 {
		t.Fatalf("%d deployments recorded by refused deliveries", n)
	}

	// Each git host's push format is read as Dokploy reads it.
	for _, c := range []struct {
		name   string
		header map[string]string
		body   string
	}{
		{"github", gh, githubPush("refs/heads/main", "README.md")},
		{"gitlab", map[string]string{"X-Gitlab-Event": "Push Hook"}, `{"ref":"refs/heads/main","checkout_sha":"def456","commits":[{"id":"def456","message":"m","modified":["x"]}]}`},
		{"gitea", map[string]string{"X-Gitea-Event": "push"}, `{"ref":"refs/heads/main","after":"aaa","commits":[]}`},
		{"bitbucket", map[string]string{"X-Event-Key": "repo:push"}, `{"push":{"changes":[{"new":{"name":"main","target":{"hash":"bbb","message":"m"}}}]}}`},
	} {
		before := count()
		status, message := ts.hookCall(app.RefreshToken, c.header, c.body)
		if status != 200 || message != "Application deployed successfully" || count() != before+1 {
			t.Errorf("%s push: %d %q, %d deployments", c.name, status, message, count())
		}
	}
	deps := ts.emu.DokployDeployments(app.ApplicationID)
	if deps[0].Title != "Fix the footer" || deps[1].Title != "m" {
		t.Errorf("titles = %q, %q", deps[0].Title, deps[1].Title)
	}

	// Watch paths: a push touching none of them is not deployed.
	if err := ts.emu.UpdateDokployApplication(app.ApplicationID, map[string]any{"watchPaths": []string{"src/**", "*.go"}}); err != nil {
		t.Fatal(err)
	}
	if status, message := ts.hookCall(app.RefreshToken, gh, githubPush("refs/heads/main", "docs/a.md")); status != 301 || message != "Watch Paths Not Match" {
		t.Errorf("watch paths: %d %q", status, message)
	}
	if status, _ := ts.hookCall(app.RefreshToken, gh, githubPush("refs/heads/main", "src/a/b.ts")); status != 200 {
		t.Errorf("a push in src/ answered %d", status)
	}

	// Automatic deployments off, and a rotated token.
	if err := ts.emu.UpdateDokployApplication(app.ApplicationID, map[string]any{"autoDeploy": false}); err != nil {
		t.Fatal(err)
	}
	if status, message := ts.hookCall(app.RefreshToken, gh, githubPush("refs/heads/main")); status != 400 ||
		message != "Automatic deployments are disabled for this application" {
		t.Errorf("autoDeploy off: %d %q", status, message)
	}
	ts.dk("application.refreshToken", map[string]any{"applicationId": app.ApplicationID}).want(t, 200, nil)
	if status, _ := ts.hookCall(app.RefreshToken, gh, githubPush("refs/heads/main")); status != 404 {
		t.Errorf("old token answered %d after rotation", status)
	}
	// Delivered to a deploy URL, the hook is not an API call: no key needed, not paced.
	if ts.emu.RequestCounts()["/dokploy/api/deploy/{refreshToken}"] == 0 {
		t.Error("deploy hook requests are not counted")
	}
}

func TestShouldDeploy(t *testing.T) {
	for _, c := range []struct {
		patterns, files []string
		want            bool
	}{
		{nil, nil, true},
		{[]string{"src/**"}, []string{"src/a/b.go"}, true},
		{[]string{"src/**"}, []string{"docs/a"}, false},
		{[]string{"**/*.md"}, []string{"README.md"}, true},
		{[]string{"*.md"}, []string{"docs/README.md"}, false},
		{[]string{"a?.txt"}, []string{"ab.txt"}, true},
		{[]string{"src/**"}, nil, false},
	} {
		if got := shouldDeploy(c.patterns, c.files); got != c.want {
			t.Errorf("shouldDeploy(%q, %q) = %v", c.patterns, c.files, got)
		}
	}
}

func TestDokployManualDeployAndDeployments(t *testing.T) {
	ts := newTestServer(t, nil)
	app := ts.dkCreateApp("manual")
	resp := ts.dk("application.deploy", map[string]any{"applicationId": app.ApplicationID})
	resp.want(t, 200, nil)
	if len(resp.body) != 0 || resp.header.Get("Content-Type") != "application/json" {
		t.Errorf("application.deploy answered %q (%s)", resp.body, resp.header.Get("Content-Type"))
	}
	ts.dk("application.deploy", map[string]any{"applicationId": "nope"}).wantError(t, 404, "NOT_FOUND", "Application not found")

	var deps []dkDeploymentJSON
	ts.dk("deployment.all", url.Values{"applicationId": {app.ApplicationID}}).want(t, 200, &deps)
	// A new application builds from a GitHub connection it does not have.
	if len(deps) != 1 || deps[0].Title != "Manual deployment" || deps[0].Status != "error" || deps[0].ErrorMessage != nil ||
		deps[0].FinishedAt == nil || !strings.HasPrefix(deps[0].LogPath, "/etc/dokploy/logs/"+app.AppName+"/") {
		t.Fatalf("deployment.all = %+v", deps)
	}
	var log string
	ts.dk("deployment.readLogs", url.Values{"deploymentId": {deps[0].DeploymentID}}).want(t, 200, &log)
	if !strings.Contains(log, "Github Provider not found") {
		t.Errorf("log = %q", log)
	}
	ts.dk("deployment.readLogs", url.Values{"deploymentId": {deps[0].DeploymentID}, "tail": {"1"}}).want(t, 200, &log)
	if log != "Error occurred ❌, check the logs for details.\n" {
		t.Errorf("tail 1 = %q", log)
	}
	ts.dk("deployment.readLogs", url.Values{"deploymentId": {"nope"}}).wantError(t, 404, "NOT_FOUND", "Deployment not found")
	ts.dk("deployment.all", url.Values{"applicationId": {"nope"}}).want(t, 200, &deps)
	if len(deps) != 0 {
		t.Errorf("unknown application has deployments: %+v", deps)
	}

	// Dokploy keeps the ten latest deployments when it starts another.
	for i := range 12 {
		ts.dk("application.deploy", map[string]any{"applicationId": app.ApplicationID, "title": "d" + strconv.Itoa(i)}).want(t, 200, nil)
	}
	ts.dk("deployment.all", url.Values{"applicationId": {app.ApplicationID}}).want(t, 200, &deps)
	if len(deps) != keptDeployments+1 || deps[0].Title != "d11" || deps[len(deps)-1].Title != "d1" {
		t.Errorf("%d deployments kept, newest %q, oldest %q", len(deps), deps[0].Title, deps[len(deps)-1].Title)
	}
	ts.dk("application.delete", map[string]any{"applicationId": app.ApplicationID}).want(t, 200, nil)
	if len(ts.emu.DokployDeployments(app.ApplicationID)) != 0 {
		t.Error("deployments outlived their application")
	}
}

// TestDokployPushChain is the whole loop on each git host: a Dokploy SSH key installed as a deploy key,
// an application building the repository over SSH, a webhook to its deploy URL; a push delivers to
// Dokploy, which records a deployment that succeeds, and fails once the key or the branch is gone.
func TestDokployPushChain(t *testing.T) {
	for _, host := range []string{HostGitHub, HostGitLab} {
		t.Run(host, func(t *testing.T) {
			ts := newTestServer(t, nil)
			key := ts.dkCreateSSHKey("deploy key")
			var sshURL, keysPath, hooksPath, auth, repo string
			var keyBody map[string]any
			switch host {
			case HostGitHub:
				repo = "gitdeploy-demo/private-app"
				var r struct {
					SSHURL string `json:"ssh_url"`
				}
				ts.do("GET", "/github/api/v3/repos/"+repo, githubAuth, nil).want(t, 200, &r)
				sshURL, auth = r.SSHURL, githubAuth
				keysPath, hooksPath = "/github/api/v3/repos/"+repo+"/keys", "/github/api/v3/repos/"+repo+"/hooks"
				keyBody = map[string]any{"title": "dokploy", "key": key.PublicKey, "read_only": true}
			case HostGitLab:
				repo = "gitdeploy-demo/frontend/app"
				var p struct {
					SSHURL string `json:"ssh_url_to_repo"`
				}
				encoded := url.PathEscape(repo)
				ts.do("GET", "/gitlab/api/v4/projects/"+encoded, gitlabAuth, nil).want(t, 200, &p)
				sshURL, auth = p.SSHURL, gitlabAuth
				keysPath, hooksPath = "/gitlab/api/v4/projects/"+encoded+"/deploy_keys", "/gitlab/api/v4/projects/"+encoded+"/hooks"
				keyBody = map[string]any{"title": "dokploy", "key": key.PublicKey, "can_push": false}
			}
			var installed struct {
				ID int64 `json:"id"`
			}
			ts.do("POST", keysPath, auth, keyBody).want(t, http.StatusCreated, &installed)
			app := ts.dkLinkApp("chain-"+host, sshURL, "main", key.SSHKeyID)
			deployURL := ts.srv.URL + "/dokploy/api/deploy/" + app.RefreshToken
			hook := map[string]any{"url": deployURL, "push_events": true}
			if host == HostGitHub {
				hook = map[string]any{"events": []string{"push"}, "config": map[string]any{"url": deployURL, "content_type": "json"}}
			}
			ts.do("POST", hooksPath, auth, hook).want(t, http.StatusCreated, nil)

			push := func(branch string) DokployDeployment {
				t.Helper()
				res, err := ts.emu.Push(host, repo, branch)
				if err != nil {
					t.Fatal(err)
				}
				if len(res.Deliveries) != 1 || res.Deliveries[0].StatusCode != http.StatusOK {
					t.Fatalf("deliveries = %+v", res.Deliveries)
				}
				deps := ts.emu.DokployDeployments(app.ApplicationID)
				d := deps[len(deps)-1]
				if host == HostGitHub && d.Description != "Commit: "+res.After && d.Status == "done" {
					t.Errorf("description %q, want the pushed commit %s", d.Description, res.After)
				}
				return d
			}
			if d := push("main"); d.Status != "done" || strings.TrimSpace(d.Title) != "Emulated push to main" {
				t.Fatalf("deployment = %+v", d)
			}
			if k := ts.emu.DokploySSHKeys()[0]; k.LastUsedAt == "" {
				t.Error("the clone did not mark the key as used")
			}
			if got := ts.dkGetApp(app.ApplicationID); got.ApplicationStatus != "done" || len(got.Deployments) != 1 {
				t.Errorf("application after the deployment: %+v", got)
			}

			// A push to another branch is delivered but not deployed (301).
			res, err := ts.emu.Push(host, repo, "feature")
			if err != nil || res.Deliveries[0].StatusCode != http.StatusMovedPermanently {
				t.Fatalf("push to feature: %+v %v", res, err)
			}

			// The application builds a branch that is gone.
			if err := ts.emu.UpdateDokployApplication(app.ApplicationID, map[string]any{"customGitBranch": "feature"}); err != nil {
				t.Fatal(err)
			}
			if err := ts.emu.DeleteBranch(host, repo, "feature"); err != nil {
				t.Fatal(err)
			}
			ts.dk("application.deploy", map[string]any{"applicationId": app.ApplicationID}).want(t, 200, nil)
			deps := ts.emu.DokployDeployments(app.ApplicationID)
			if d := deps[len(deps)-1]; d.Status != "error" || !strings.Contains(d.Log, "Remote branch feature not found in upstream origin") {
				t.Errorf("missing branch: %+v", d)
			}
			if err := ts.emu.UpdateDokployApplication(app.ApplicationID, map[string]any{"customGitBranch": "main"}); err != nil {
				t.Fatal(err)
			}

			// The deploy key removed from the repository: the clone is refused.
			deleted := false
			switch host {
			case HostGitHub:
				deleted = ts.emu.DeleteGitHubDeployKey(repo, strconv.FormatInt(installed.ID, 10))
			case HostGitLab:
				deleted = ts.emu.DeleteGitLabDeployKey(repo, strconv.FormatInt(installed.ID, 10))
			}
			if !deleted {
				t.Fatal("deploy key not deleted")
			}
			d := push("main")
			if d.Status != "error" || !strings.Contains(d.Log, "Permission denied (publickey)") ||
				!strings.Contains(d.Log, "Fail to clone the repository "+sshURL) {
				t.Errorf("deployment without the key = %+v", d)
			}
			if got := ts.dkGetApp(app.ApplicationID); got.ApplicationStatus != "error" {
				t.Errorf("applicationStatus %q", got.ApplicationStatus)
			}
		})
	}
}

func TestDokployCloneURLs(t *testing.T) {
	ts := newTestServer(t, nil)
	for _, c := range []struct {
		url, branch string
		withKey     bool
		status      string
		log         string
	}{
		// Public repositories clone over HTTP without a key, through the hosts' HTTP clone URLs.
		{ts.srv.URL + "/github/gitdeploy-demo/website.git", "develop", false, "done", ""},
		{ts.srv.URL + "/gitlab/gitdeploy-demo/website.git", "main", false, "done", ""},
		{"https://github.com/gitdeploy-demo/website", "main", false, "done", ""},
		// Private ones do not.
		{"https://github.com/gitdeploy-demo/private-app.git", "main", false, "error", "could not read Username for 'https://github.com'"},
		// SSH needs a key; a key that is not installed is refused.
		{"git@github.com:gitdeploy-demo/website.git", "main", false, "error", "without a ssh key"},
		{"ssh://git@127.0.0.1:22/gitdeploy-demo/website.git", "main", true, "error", "git@127.0.0.1: Permission denied (publickey)"},
		{"git@127.0.0.1:no/such.git", "main", true, "error", "Permission denied (publickey)"},
	} {
		app := ts.dkCreateApp("u")
		keyID := any(nil)
		if c.withKey {
			keyID = ts.dkCreateSSHKey("k").SSHKeyID
		}
		ts.dk("application.saveGitProvider", map[string]any{"applicationId": app.ApplicationID, "customGitBuildPath": nil,
			"customGitUrl": c.url, "customGitBranch": c.branch, "watchPaths": nil, "customGitSSHKeyId": keyID}).want(t, 200, nil)
		ts.dk("application.deploy", map[string]any{"applicationId": app.ApplicationID}).want(t, 200, nil)
		d := ts.emu.DokployDeployments(app.ApplicationID)[0]
		if d.Status != c.status || !strings.Contains(d.Log, c.log) {
			t.Errorf("%s: %s\n%s", c.url, d.Status, d.Log)
		}
	}
}
