package emulator

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
)

const dokployAuth = "x-api-key: " + DefaultDokployAPIKey

// dk calls a Dokploy procedure: a query (GET) when in is url.Values, else a mutation (POST JSON).
func (ts *testServer) dk(procedure string, in any) response {
	ts.t.Helper()
	if q, ok := in.(url.Values); ok {
		return ts.do("GET", DokployPrefix+"/"+procedure+"?"+q.Encode(), dokployAuth, nil)
	}
	return ts.do("POST", DokployPrefix+"/"+procedure, dokployAuth, in)
}

// dkErrorBody is the adapter's error body.
type dkErrorBody struct {
	Message string `json:"message"`
	Code    string `json:"code"`
	Data    struct {
		Code       string `json:"code"`
		HTTPStatus int    `json:"httpStatus"`
		Path       string `json:"path"`
		ZodError   *struct {
			FieldErrors map[string][]string `json:"fieldErrors"`
		} `json:"zodError"`
	} `json:"data"`
	Issues []struct {
		Code     string   `json:"code"`
		Expected string   `json:"expected"`
		Path     []any    `json:"path"`
		Message  string   `json:"message"`
		Values   []string `json:"values"`
	} `json:"issues"`
}

// wantError checks a tRPC error answer.
func (r response) wantError(t *testing.T, status int, code, message string) dkErrorBody {
	t.Helper()
	var body dkErrorBody
	r.want(t, status, &body)
	if body.Code != code || body.Message != message || body.Data.Code != code || body.Data.HTTPStatus != status {
		t.Fatalf("error = %s, want %d %s %q", r.body, status, code, message)
	}
	return body
}

// issuePaths lists "path: message" of a validation error.
func (b dkErrorBody) issuePaths() []string {
	var out []string
	for _, is := range b.Issues {
		parts := make([]string, len(is.Path))
		for i, p := range is.Path {
			parts[i] = strings.Trim(string(must(json.Marshal(p))), `"`)
		}
		out = append(out, strings.Join(parts, ".")+": "+is.Message)
	}
	return out
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// dkApp is the part of an application row the tests read.
type dkApp struct {
	ApplicationID      string   `json:"applicationId"`
	Name               string   `json:"name"`
	AppName            string   `json:"appName"`
	Description        *string  `json:"description"`
	EnvironmentID      string   `json:"environmentId"`
	SourceType         string   `json:"sourceType"`
	RefreshToken       string   `json:"refreshToken"`
	AutoDeploy         *bool    `json:"autoDeploy"`
	CustomGitURL       *string  `json:"customGitUrl"`
	CustomGitBranch    *string  `json:"customGitBranch"`
	CustomGitBuildPath *string  `json:"customGitBuildPath"`
	CustomGitSSHKeyID  *string  `json:"customGitSSHKeyId"`
	Repository         *string  `json:"repository"`
	GitlabBranch       *string  `json:"gitlabBranch"`
	BuildType          string   `json:"buildType"`
	PublishDirectory   *string  `json:"publishDirectory"`
	Dockerfile         *string  `json:"dockerfile"`
	WatchPaths         []string `json:"watchPaths"`
	EnableSubmodules   bool     `json:"enableSubmodules"`
	ApplicationStatus  string   `json:"applicationStatus"`
	CreatedAt          string   `json:"createdAt"`
	BuildPath          *string  `json:"buildPath"`
	Environment        *struct {
		EnvironmentID string `json:"environmentId"`
		Project       struct {
			ProjectID string `json:"projectId"`
			Name      string `json:"name"`
		} `json:"project"`
	} `json:"environment"`
	Deployments          []json.RawMessage `json:"deployments"`
	HasGitProviderAccess *bool             `json:"hasGitProviderAccess"`
}

func (ts *testServer) dkCreateApp(name string) dkApp {
	ts.t.Helper()
	var app dkApp
	appName := strings.ReplaceAll(name, " ", "-")
	ts.dk("application.create", map[string]any{"name": name, "appName": appName, "environmentId": DefaultDokployEnvironmentID}).
		want(ts.t, http.StatusOK, &app)
	return app
}

func (ts *testServer) dkGetApp(id string) dkApp {
	ts.t.Helper()
	var app dkApp
	ts.dk("application.one", url.Values{"applicationId": {id}}).want(ts.t, http.StatusOK, &app)
	return app
}

func TestDokployAuth(t *testing.T) {
	ts := newTestServer(t, nil)
	for _, c := range []struct{ method, path, auth string }{
		{"GET", "/dokploy/api/project.all", ""},
		{"GET", "/dokploy/api/project.all", "x-api-key: wrong"},
		{"POST", "/dokploy/api/no.such", ""}, // the key is checked before routing
		{"GET", "/dokploy/api/project.all", "Authorization: Bearer " + DefaultDokployAPIKey},
	} {
		var body map[string]any
		ts.do(c.method, c.path, c.auth, nil).want(t, http.StatusUnauthorized, &body)
		if len(body) != 1 || body["message"] != "Unauthorized" {
			t.Errorf("%s %s with %q: %v", c.method, c.path, c.auth, body)
		}
	}
	// With a key: unknown procedures and wrong methods are the adapter's 404.
	for _, c := range []struct{ method, path string }{
		{"GET", "/dokploy/api/no.such"},
		{"POST", "/dokploy/api/application.one"},
		{"GET", "/dokploy/api/application.create"},
		{"GET", "/dokploy/api/a/b"},
	} {
		body := ts.do(c.method, c.path, dokployAuth, nil).wantError(t, http.StatusNotFound, "NOT_FOUND", "Not found")
		if body.Data.Path != "" {
			t.Errorf("%s %s: path %q for an unknown procedure", c.method, c.path, body.Data.Path)
		}
	}
	resp := ts.dk("project.all", url.Values{})
	resp.want(t, http.StatusOK, nil)
	if ct := resp.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
}

func TestDokployProjectsAndEnvironments(t *testing.T) {
	ts := newTestServer(t, nil)
	var created struct {
		Project     dkProjectJSON     `json:"project"`
		Environment dkEnvironmentJSON `json:"environment"`
	}
	ts.dk("project.create", map[string]any{"name": "shop", "description": nil}).want(t, http.StatusOK, &created)
	p, env := created.Project, created.Environment
	if p.Name != "shop" || p.Description != nil || p.OrganizationID != DefaultDokployOrganization || len(p.ProjectID) != 21 ||
		env.Name != "production" || !env.IsDefault || env.ProjectID != p.ProjectID || *env.Description != "Production environment" {
		t.Fatalf("project.create = %+v", created)
	}
	if !strings.HasSuffix(p.CreatedAt, "Z") || len(p.CreatedAt) != len("2024-01-02T03:04:05.000Z") {
		t.Errorf("createdAt %q is not an ISO string", p.CreatedAt)
	}

	var all []struct {
		ProjectID    string `json:"projectId"`
		Environments []struct {
			EnvironmentID string `json:"environmentId"`
			Applications  []any  `json:"applications"`
		} `json:"environments"`
	}
	ts.dk("project.all", url.Values{}).want(t, http.StatusOK, &all)
	if len(all) != 2 || all[0].ProjectID != p.ProjectID || all[1].ProjectID != DefaultDokployProjectID ||
		all[1].Environments[0].EnvironmentID != DefaultDokployEnvironmentID {
		t.Fatalf("project.all (newest first) = %+v", all)
	}

	var staging dkEnvironmentJSON
	ts.dk("environment.create", map[string]any{"name": "staging", "projectId": p.ProjectID}).want(t, http.StatusOK, &staging)
	if staging.IsDefault || staging.ProjectID != p.ProjectID {
		t.Errorf("environment.create = %+v", staging)
	}
	ts.dk("environment.create", map[string]any{"name": "production", "projectId": p.ProjectID}).
		wantError(t, 400, "BAD_REQUEST", "You cannot create a environment with the name 'production'")
	var fk dkErrorBody
	ts.dk("environment.create", map[string]any{"name": "x", "projectId": "nope"}).want(t, 400, &fk)
	if !strings.HasPrefix(fk.Message, "Error creating the environment: ") {
		t.Errorf("unknown project: %+v", fk)
	}

	var one struct {
		EnvironmentID string `json:"environmentId"`
		Project       struct {
			ProjectID string `json:"projectId"`
		} `json:"project"`
		Applications []any `json:"applications"`
	}
	ts.dk("environment.one", url.Values{"environmentId": {staging.EnvironmentID}}).want(t, http.StatusOK, &one)
	if one.Project.ProjectID != p.ProjectID || one.Applications == nil {
		t.Errorf("environment.one = %+v", one)
	}
	ts.dk("environment.one", url.Values{"environmentId": {"nope"}}).wantError(t, 404, "NOT_FOUND", "Environment not found")

	var byProject []struct {
		EnvironmentID string `json:"environmentId"`
		Name          string `json:"name"`
	}
	ts.dk("environment.byProjectId", url.Values{"projectId": {p.ProjectID}}).want(t, http.StatusOK, &byProject)
	if len(byProject) != 2 || byProject[0].Name != "production" || byProject[1].Name != "staging" {
		t.Errorf("environment.byProjectId = %+v", byProject)
	}
	ts.dk("environment.byProjectId", url.Values{"projectId": {"nope"}}).want(t, http.StatusOK, &byProject)
	if len(byProject) != 0 {
		t.Errorf("unknown project has environments: %+v", byProject)
	}

	ts.dk("environment.remove", map[string]any{"environmentId": env.EnvironmentID}).
		wantError(t, 400, "BAD_REQUEST", "You cannot delete the default environment")
	ts.dk("environment.remove", map[string]any{"environmentId": "nope"}).wantError(t, 404, "NOT_FOUND", "Environment not found")
	var app dkApp
	ts.dk("application.create", map[string]any{"name": "a", "environmentId": staging.EnvironmentID}).want(t, 200, &app)
	ts.dk("environment.remove", map[string]any{"environmentId": staging.EnvironmentID}).
		wantError(t, 400, "BAD_REQUEST", "Cannot delete environment: it has active services. Delete all services first.")
	ts.dk("application.delete", map[string]any{"applicationId": app.ApplicationID}).want(t, 200, nil)
	ts.dk("environment.remove", map[string]any{"environmentId": staging.EnvironmentID}).want(t, 200, nil)

	// Removing the project takes its environments and applications with it.
	ts.dk("application.create", map[string]any{"name": "b", "environmentId": env.EnvironmentID}).want(t, 200, &app)
	var removed dkProjectJSON
	ts.dk("project.remove", map[string]any{"projectId": p.ProjectID}).want(t, 200, &removed)
	if removed.ProjectID != p.ProjectID {
		t.Errorf("project.remove answered %+v", removed)
	}
	ts.dk("project.one", url.Values{"projectId": {p.ProjectID}}).wantError(t, 404, "NOT_FOUND", "Project not found")
	ts.dk("project.remove", map[string]any{"projectId": p.ProjectID}).wantError(t, 404, "NOT_FOUND", "Project not found")
	ts.dk("environment.one", url.Values{"environmentId": {env.EnvironmentID}}).wantError(t, 404, "NOT_FOUND", "Environment not found")
	ts.dk("application.one", url.Values{"applicationId": {app.ApplicationID}}).wantError(t, 404, "NOT_FOUND", "Application not found")

	var seeded struct {
		Name         string `json:"name"`
		Environments []struct {
			EnvironmentID string `json:"environmentId"`
			Name          string `json:"name"`
		} `json:"environments"`
	}
	ts.dk("project.one", url.Values{"projectId": {DefaultDokployProjectID}}).want(t, 200, &seeded)
	if seeded.Name != DefaultDokployProject || len(seeded.Environments) != 1 ||
		seeded.Environments[0].EnvironmentID != DefaultDokployEnvironmentID || seeded.Environments[0].Name != "production" {
		t.Errorf("seeded project = %+v", seeded)
	}
}

func TestDokployApplicationLifecycle(t *testing.T) {
	ts := newTestServer(t, nil)
	app := ts.dkCreateApp("My Site")
	// appName "My-Site" comes back lower-cased with Dokploy's six-character suffix.
	if app.Name != "My Site" || !strings.HasPrefix(app.AppName, "my-site-") || len(app.AppName) != len("my-site-")+6 ||
		app.EnvironmentID != DefaultDokployEnvironmentID || app.SourceType != "github" || app.BuildType != "nixpacks" ||
		len(app.RefreshToken) != 21 || app.AutoDeploy == nil || !*app.AutoDeploy || app.Description != nil ||
		app.CustomGitURL != nil || *app.Dockerfile != "Dockerfile" || app.ApplicationStatus != "idle" || *app.BuildPath != "/" {
		t.Fatalf("application.create = %+v", app)
	}
	if app.Environment != nil || app.Deployments != nil {
		t.Errorf("create answers the row only, no relations: %+v", app)
	}
	var generated dkApp
	ts.dk("application.create", map[string]any{"name": "x", "environmentId": DefaultDokployEnvironmentID}).want(t, 200, &generated)
	if !strings.HasPrefix(generated.AppName, "app-") || generated.AppName == app.AppName {
		t.Errorf("generated appName %q", generated.AppName)
	}

	got := ts.dkGetApp(app.ApplicationID)
	if got.Environment == nil || got.Environment.Project.ProjectID != DefaultDokployProjectID || got.Deployments == nil ||
		got.HasGitProviderAccess == nil || !*got.HasGitProviderAccess || got.RefreshToken != app.RefreshToken {
		t.Fatalf("application.one = %+v", got)
	}
	var raw map[string]json.RawMessage
	ts.dk("application.one", url.Values{"applicationId": {app.ApplicationID}}).want(t, 200, &raw)
	for _, column := range []string{"githubId", "gitlabProjectId", "bitbucketOwner", "giteaBranch", "customGitSSHKeyId", "publishDirectory"} {
		if string(raw[column]) != "null" {
			t.Errorf("%s = %s, want null", column, raw[column])
		}
	}

	ts.dk("application.update", map[string]any{"applicationId": app.ApplicationID, "name": "Renamed", "description": "d",
		"autoDeploy": false, "appName": "ignored", "unknownField": 1}).want(t, 200, nil)
	got = ts.dkGetApp(app.ApplicationID)
	if got.Name != "Renamed" || *got.Description != "d" || *got.AutoDeploy || got.AppName != app.AppName {
		t.Errorf("after update: %+v", got)
	}
	ts.dk("application.update", map[string]any{"applicationId": "nope", "name": "x"}).
		wantError(t, 400, "BAD_REQUEST", "Error updating application")
	ts.dk("application.one", url.Values{"applicationId": {"nope"}}).wantError(t, 404, "NOT_FOUND", "Application not found")
	ts.dk("application.create", map[string]any{"name": "x", "environmentId": "nope"}).
		wantError(t, 404, "NOT_FOUND", "Environment not found")

	var deleted dkApp
	ts.dk("application.delete", map[string]any{"applicationId": app.ApplicationID}).want(t, 200, &deleted)
	if deleted.ApplicationID != app.ApplicationID || deleted.Environment == nil {
		t.Errorf("application.delete answered %+v", deleted)
	}
	ts.dk("application.delete", map[string]any{"applicationId": app.ApplicationID}).wantError(t, 404, "NOT_FOUND", "Application not found")
}

func TestDokployInputValidation(t *testing.T) {
	ts := newTestServer(t, nil)
	app := ts.dkCreateApp("v")

	body := ts.dk("application.create", map[string]any{"environmentId": DefaultDokployEnvironmentID, "appName": "bad name!"}).
		wantError(t, 400, "BAD_REQUEST", "Input validation failed")
	want := []string{"name: Invalid input: expected string, received undefined",
		"appName: App name can only contain letters, numbers, dots, underscores and hyphens"}
	if got := body.issuePaths(); !slices.Equal(got, want) {
		t.Errorf("issues = %q, want %q", got, want)
	}
	if body.Data.Path != "application.create" || body.Data.ZodError == nil || len(body.Data.ZodError.FieldErrors["name"]) != 1 {
		t.Errorf("data = %+v", body.Data)
	}

	// saveGitProvider: customGitBuildPath, customGitUrl and watchPaths must be sent, null allowed.
	body = ts.dk("application.saveGitProvider", map[string]any{"applicationId": app.ApplicationID, "customGitBranch": "main"}).
		wantError(t, 400, "BAD_REQUEST", "Input validation failed")
	want = []string{"customGitBuildPath: Invalid input: expected string, received undefined",
		"customGitUrl: Invalid input: expected string, received undefined",
		"watchPaths: Invalid input: expected array, received undefined"}
	if got := body.issuePaths(); !slices.Equal(got, want) {
		t.Errorf("issues = %q, want %q", got, want)
	}
	body = ts.dk("application.saveGitProvider", map[string]any{"applicationId": app.ApplicationID, "customGitBuildPath": nil,
		"customGitUrl": "git@x:y/z.git", "watchPaths": []any{"a", 1}, "customGitBranch": "main; rm -rf /"}).
		wantError(t, 400, "BAD_REQUEST", "Input validation failed")
	want = []string{"watchPaths.1: Invalid input: expected string, received number", "customGitBranch: Invalid branch name"}
	if got := body.issuePaths(); !slices.Equal(got, want) {
		t.Errorf("issues = %q, want %q", got, want)
	}
	ts.dk("application.saveGitProvider", map[string]any{"applicationId": app.ApplicationID, "customGitBuildPath": nil,
		"customGitUrl": nil, "watchPaths": nil, "customGitBranch": "main"}).want(t, 200, nil)

	body = ts.dk("application.saveBuildType", map[string]any{"applicationId": app.ApplicationID, "buildType": "jar"}).
		wantError(t, 400, "BAD_REQUEST", "Input validation failed")
	want = []string{`buildType: Invalid option: expected one of "dockerfile"|"heroku_buildpacks"|"paketo_buildpacks"|"nixpacks"|"static"|"railpack"`,
		"dockerfile: Invalid input: expected string, received undefined",
		"dockerContextPath: Invalid input: expected string, received undefined",
		"dockerBuildStage: Invalid input: expected string, received undefined",
		"herokuVersion: Invalid input: expected string, received undefined",
		"railpackVersion: Invalid input: expected string, received undefined"}
	if got := body.issuePaths(); !slices.Equal(got, want) {
		t.Errorf("issues = %q, want %q", got, want)
	}
	body = ts.dk("application.one", url.Values{}).wantError(t, 400, "BAD_REQUEST", "Input validation failed")
	if got := body.issuePaths(); !slices.Equal(got, []string{"applicationId: Invalid input: expected string, received undefined"}) {
		t.Errorf("issues = %q", got)
	}
	body = ts.dk("application.one", url.Values{"applicationId": {""}}).wantError(t, 400, "BAD_REQUEST", "Input validation failed")
	if got := body.issuePaths(); !slices.Equal(got, []string{"applicationId: Too small: expected string to have >=1 characters"}) {
		t.Errorf("issues = %q", got)
	}
	ts.dk("application.update", map[string]any{"applicationId": app.ApplicationID, "autoDeploy": "yes"}).
		wantError(t, 400, "BAD_REQUEST", "Input validation failed")

	// The adapter's content-type rules.
	post := func(contentType, body string) response {
		req := must(http.NewRequest("POST", ts.srv.URL+DokployPrefix+"/application.update", strings.NewReader(body)))
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		req.Header.Set("x-api-key", DefaultDokployAPIKey)
		resp := must(ts.srv.Client().Do(req))
		defer func() { _ = resp.Body.Close() }()
		var out response
		out.status, out.header = resp.StatusCode, resp.Header
		out.body = must(io.ReadAll(resp.Body))
		return out
	}
	update := `{"applicationId":"` + app.ApplicationID + `","name":"n"}`
	post("", update).wantError(t, 415, "UNSUPPORTED_MEDIA_TYPE", "Missing content-type header")
	post("text/plain", update).wantError(t, 415, "UNSUPPORTED_MEDIA_TYPE", `Unsupported content-type "text/plain`)
	post("application/json", `{"applicationId":`).wantError(t, 400, "PARSE_ERROR", "Failed to parse request body")
	// Only exactly "application/json" is parsed: with a charset the input is empty.
	body = post("application/json; charset=utf-8", update).wantError(t, 400, "BAD_REQUEST", "Input validation failed")
	if got := body.issuePaths(); !slices.Equal(got, []string{"applicationId: Invalid input: expected string, received undefined"}) {
		t.Errorf("issues = %q", got)
	}
	post("application/json", update).want(t, 200, nil)
}

func TestDokployGitSourceAndBuildType(t *testing.T) {
	ts := newTestServer(t, nil)
	app := ts.dkCreateApp("src")
	key := ts.dkCreateSSHKey("deploy")

	save := map[string]any{"applicationId": app.ApplicationID, "customGitBuildPath": "/site", "customGitBranch": "main",
		"customGitUrl": "git@127.0.0.1:gitdeploy-demo/website.git", "watchPaths": []string{"src/**"},
		"customGitSSHKeyId": key.SSHKeyID, "enableSubmodules": true}
	resp := ts.dk("application.saveGitProvider", save)
	resp.want(t, 200, nil)
	if string(resp.body) != "true\n" {
		t.Errorf("saveGitProvider answered %q, want true", resp.body)
	}
	got := ts.dkGetApp(app.ApplicationID)
	if got.SourceType != "git" || *got.CustomGitURL != save["customGitUrl"] || *got.CustomGitBranch != "main" ||
		*got.CustomGitBuildPath != "/site" || *got.CustomGitSSHKeyID != key.SSHKeyID || !got.EnableSubmodules ||
		!slices.Equal(got.WatchPaths, []string{"src/**"}) {
		t.Fatalf("after saveGitProvider: %+v", got)
	}
	// Left out: customGitSSHKeyId and enableSubmodules keep their values.
	ts.dk("application.saveGitProvider", map[string]any{"applicationId": app.ApplicationID, "customGitBuildPath": nil,
		"customGitBranch": "develop", "customGitUrl": save["customGitUrl"], "watchPaths": nil}).want(t, 200, nil)
	got = ts.dkGetApp(app.ApplicationID)
	if *got.CustomGitSSHKeyID != key.SSHKeyID || !got.EnableSubmodules || got.CustomGitBuildPath != nil || got.WatchPaths != nil {
		t.Errorf("after a second saveGitProvider: %+v", got)
	}
	// A key that does not exist fails on the foreign key: 500.
	var fk dkErrorBody
	ts.dk("application.saveGitProvider", map[string]any{"applicationId": app.ApplicationID, "customGitBuildPath": nil,
		"customGitBranch": "main", "customGitUrl": "x", "watchPaths": nil, "customGitSSHKeyId": "gone"}).want(t, 500, &fk)
	if fk.Code != "INTERNAL_SERVER_ERROR" || !strings.Contains(fk.Message, "customGitSSHKeyId") {
		t.Errorf("unknown key: %+v", fk)
	}
	ts.dk("application.saveGitProvider", map[string]any{"applicationId": "nope", "customGitBuildPath": nil,
		"customGitBranch": "main", "customGitUrl": nil, "watchPaths": nil}).wantError(t, 404, "NOT_FOUND", "Application not found")

	ts.dk("application.saveBuildType", map[string]any{"applicationId": app.ApplicationID, "buildType": "static",
		"dockerfile": nil, "dockerContextPath": nil, "dockerBuildStage": nil, "herokuVersion": nil, "railpackVersion": nil,
		"publishDirectory": "dist"}).want(t, 200, nil)
	got = ts.dkGetApp(app.ApplicationID)
	if got.BuildType != "static" || got.Dockerfile != nil || *got.PublishDirectory != "dist" {
		t.Errorf("after saveBuildType: %+v", got)
	}
	ts.dk("application.saveBuildType", map[string]any{"applicationId": "nope", "buildType": "static",
		"dockerfile": nil, "dockerContextPath": nil, "dockerBuildStage": nil, "herokuVersion": nil, "railpackVersion": nil}).
		wantError(t, 404, "NOT_FOUND", "Application not found")

	ts.dk("application.disconnectGitProvider", map[string]any{"applicationId": app.ApplicationID}).want(t, 200, nil)
	got = ts.dkGetApp(app.ApplicationID)
	if got.SourceType != "github" || got.CustomGitURL != nil || got.CustomGitSSHKeyID != nil || got.CustomGitBranch != nil ||
		got.EnableSubmodules || got.WatchPaths != nil || got.BuildType != "static" {
		t.Errorf("after disconnectGitProvider: %+v", got)
	}
	ts.dk("application.disconnectGitProvider", map[string]any{"applicationId": "nope"}).
		wantError(t, 404, "NOT_FOUND", "Application not found")

	old := got.RefreshToken
	ts.dk("application.refreshToken", map[string]any{"applicationId": app.ApplicationID}).want(t, 200, nil)
	if now := ts.dkGetApp(app.ApplicationID).RefreshToken; now == old || len(now) != 21 {
		t.Errorf("refresh token %q after %q", now, old)
	}
	ts.dk("application.refreshToken", map[string]any{"applicationId": "nope"}).wantError(t, 404, "NOT_FOUND", "Application not found")
}

// dkKey is the part of an SSH key row the tests read.
type dkKey struct {
	SSHKeyID    string  `json:"sshKeyId"`
	Name        string  `json:"name"`
	Description *string `json:"description"`
	PublicKey   string  `json:"publicKey"`
	PrivateKey  string  `json:"privateKey"`
	LastUsedAt  *string `json:"lastUsedAt"`
}

// dkCreateSSHKey generates a pair, stores it, and finds it again in sshKey.all (create answers no id).
func (ts *testServer) dkCreateSSHKey(name string) dkKey {
	ts.t.Helper()
	var pair struct{ PrivateKey, PublicKey string }
	ts.dk("sshKey.generate", map[string]any{"type": "ed25519"}).want(ts.t, 200, &pair)
	resp := ts.dk("sshKey.create", map[string]any{"name": name, "privateKey": pair.PrivateKey, "publicKey": pair.PublicKey,
		"organizationId": "ignored"})
	resp.want(ts.t, 200, nil)
	if len(resp.body) != 0 {
		ts.t.Fatalf("sshKey.create answered %q, want an empty body", resp.body)
	}
	var all []dkKey
	ts.dk("sshKey.all", url.Values{}).want(ts.t, 200, &all)
	for _, k := range all {
		if k.PublicKey == pair.PublicKey {
			return k
		}
	}
	ts.t.Fatalf("created key not listed: %+v", all)
	return dkKey{}
}

func TestDokploySSHKeys(t *testing.T) {
	ts := newTestServer(t, nil)
	for _, keyType := range []string{"ed25519", "rsa", ""} {
		var pair struct{ PrivateKey, PublicKey string }
		body := map[string]any{}
		if keyType != "" {
			body["type"] = keyType
		}
		ts.dk("sshKey.generate", body).want(t, 200, &pair)
		pub, comment, _, _, err := ssh.ParseAuthorizedKey([]byte(pair.PublicKey))
		if err != nil || comment != "dokploy" {
			t.Fatalf("%q public key %q: %v", keyType, pair.PublicKey, err)
		}
		wantType := map[string]string{"ed25519": "ssh-ed25519", "rsa": "ssh-rsa", "": "ssh-rsa"}[keyType]
		if pub.Type() != wantType {
			t.Errorf("type %q generated %s", keyType, pub.Type())
		}
		signer, err := ssh.ParsePrivateKey([]byte(pair.PrivateKey))
		if err != nil || string(signer.PublicKey().Marshal()) != string(pub.Marshal()) {
			t.Errorf("%q private key does not match: %v", keyType, err)
		}
		if !validPrivateKey(pair.PrivateKey) || !validPublicKey(pair.PublicKey) {
			t.Errorf("%q pair would not pass sshKey.create's checks", keyType)
		}
	}
	ts.dk("sshKey.generate", map[string]any{"type": "dsa"}).wantError(t, 400, "BAD_REQUEST", "Input validation failed")

	first := ts.dkCreateSSHKey("first")
	second := ts.dkCreateSSHKey("second")
	var all []dkKey
	ts.dk("sshKey.all", url.Values{}).want(t, 200, &all)
	// Newest first, whole rows: Dokploy's list includes the private key.
	if len(all) != 2 || all[0].SSHKeyID != second.SSHKeyID || all[1].SSHKeyID != first.SSHKeyID ||
		!strings.HasPrefix(all[0].PrivateKey, "-----BEGIN OPENSSH PRIVATE KEY-----") {
		t.Fatalf("sshKey.all = %+v", all)
	}
	body := ts.dk("sshKey.create", map[string]any{"name": "", "privateKey": "x", "publicKey": "ssh-dss AAAA"}).
		wantError(t, 400, "BAD_REQUEST", "Input validation failed")
	want := []string{"name: Too small: expected string to have >=1 characters", "privateKey: Invalid private key format",
		"publicKey: Invalid public key format", "organizationId: Invalid input: expected string, received undefined"}
	if got := body.issuePaths(); !slices.Equal(got, want) {
		t.Errorf("issues = %q, want %q", got, want)
	}

	var one dkKey
	ts.dk("sshKey.one", url.Values{"sshKeyId": {first.SSHKeyID}}).want(t, 200, &one)
	if one.Name != "first" || one.Description != nil {
		t.Errorf("sshKey.one = %+v", one)
	}
	ts.dk("sshKey.one", url.Values{"sshKeyId": {"nope"}}).wantError(t, 404, "NOT_FOUND", "SSH Key not found")
	ts.dk("sshKey.update", map[string]any{"sshKeyId": first.SSHKeyID, "name": "renamed", "description": "d"}).want(t, 200, &one)
	if one.Name != "renamed" || *one.Description != "d" {
		t.Errorf("sshKey.update answered %+v", one)
	}
	ts.dk("sshKey.update", map[string]any{"sshKeyId": "nope", "name": "x"}).wantError(t, 400, "BAD_REQUEST", "Error updating this SSH key")

	// Removing a key leaves the applications that used it with customGitSSHKeyId null.
	app := ts.dkCreateApp("uses-key")
	ts.dk("application.saveGitProvider", map[string]any{"applicationId": app.ApplicationID, "customGitBuildPath": nil,
		"customGitBranch": "main", "customGitUrl": "git@h:o/r.git", "watchPaths": nil, "customGitSSHKeyId": first.SSHKeyID}).
		want(t, 200, nil)
	ts.dk("sshKey.remove", map[string]any{"sshKeyId": first.SSHKeyID}).want(t, 200, &one)
	if one.SSHKeyID != first.SSHKeyID {
		t.Errorf("sshKey.remove answered %+v", one)
	}
	if got := ts.dkGetApp(app.ApplicationID); got.CustomGitSSHKeyID != nil || got.SourceType != "git" {
		t.Errorf("application after its key was removed: %+v", got)
	}
	ts.dk("sshKey.remove", map[string]any{"sshKeyId": first.SSHKeyID}).wantError(t, 404, "NOT_FOUND", "SSH Key not found")

	var providers []any
	ts.dk("gitProvider.getAll", url.Values{}).want(t, 200, &providers)
	if providers == nil || len(providers) != 0 {
		t.Errorf("gitProvider.getAll = %v", providers)
	}
}

func TestDokployAdminAndGoAPI(t *testing.T) {
	ts := newTestServer(t, nil)
	app := ts.dkCreateApp("admin")
	key := ts.dkCreateSSHKey("k")

	if err := ts.emu.UpdateDokployApplication(app.ApplicationID, map[string]any{"customGitBranch": "develop", "autoDeploy": false}); err != nil {
		t.Fatal(err)
	}
	snap, ok := ts.emu.DokployApplication(app.ApplicationID)
	if !ok || snap.CustomGitBranch != "develop" || snap.AutoDeploy || snap.AppName != app.AppName {
		t.Errorf("snapshot after update = %+v", snap)
	}
	if err := ts.emu.UpdateDokployApplication(app.ApplicationID, map[string]any{"buildType": "jar"}); err == nil {
		t.Error("invalid buildType accepted")
	}
	if err := ts.emu.UpdateDokployApplication("nope", map[string]any{"name": "x"}); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Errorf("unknown application: %v", err)
	}
	token, err := ts.emu.RotateDokployRefreshToken(app.ApplicationID)
	if err != nil || token == app.RefreshToken || ts.dkGetApp(app.ApplicationID).RefreshToken != token {
		t.Errorf("rotate: %q, %v", token, err)
	}

	var state State
	ts.do("GET", "/_emulator/state", "", nil).want(t, 200, &state)
	if len(state.Dokploy.Applications) != 1 || len(state.Dokploy.SSHKeys) != 1 || len(state.Dokploy.Projects) != 1 ||
		state.Dokploy.Applications[0].RefreshToken != "" {
		t.Errorf("state.dokploy = %+v", state.Dokploy)
	}
	var keys []map[string]any
	ts.do("GET", "/_emulator/dokploy/ssh_keys", "", nil).want(t, 200, &keys)
	if len(keys) != 1 || keys[0]["private_key"] != nil || strings.Contains(string(must(json.Marshal(state))), "PRIVATE KEY") {
		t.Errorf("the admin API shows a private key: %v", keys)
	}
	if ks := ts.emu.DokploySSHKeys(); len(ks) != 1 || !strings.Contains(ks[0].PrivateKey, "PRIVATE KEY") {
		t.Errorf("Go API keys = %+v", ks)
	}

	var patched DokployApplication
	ts.do("PATCH", "/_emulator/dokploy/applications/"+app.ApplicationID, "", map[string]any{"watchPaths": []string{"a/**"}}).
		want(t, 200, &patched)
	if !slices.Equal(patched.WatchPaths, []string{"a/**"}) {
		t.Errorf("admin PATCH = %+v", patched)
	}
	ts.do("PATCH", "/_emulator/dokploy/applications/nope", "", map[string]any{"name": "x"}).want(t, 404, nil)
	var rotated map[string]string
	ts.do("POST", "/_emulator/dokploy/applications/"+app.ApplicationID+"/refresh_token", "", nil).want(t, 200, &rotated)
	if rotated["refreshToken"] == token || rotated["refreshToken"] == "" {
		t.Errorf("admin rotate = %v", rotated)
	}
	ts.do("DELETE", "/_emulator/dokploy/ssh_keys/"+key.SSHKeyID, "", nil).want(t, 204, nil)
	ts.do("DELETE", "/_emulator/dokploy/ssh_keys/"+key.SSHKeyID, "", nil).want(t, 404, nil)
	ts.do("DELETE", "/_emulator/dokploy/applications/"+app.ApplicationID, "", nil).want(t, 204, nil)
	if len(ts.emu.DokployApplications()) != 0 {
		t.Error("application not deleted")
	}

	ts.dkCreateApp("gone-after-reset")
	ts.do("POST", "/_emulator/reset", "", nil).want(t, 204, nil)
	if len(ts.emu.DokployApplications()) != 0 || len(ts.emu.DokployProjects()) != 1 ||
		ts.emu.DokployProjects()[0].Environments[0].ID != DefaultDokployEnvironmentID {
		t.Errorf("after reset: %+v %+v", ts.emu.DokployApplications(), ts.emu.DokployProjects())
	}
}

func TestDokployPacing(t *testing.T) {
	if serviceOf(DokployPrefix+"/application.one") != ServiceDokploy || serviceOf(DokployPrefix+"/deploy/tok") != "" {
		t.Fatal("serviceOf does not know Dokploy")
	}
	ts := newTestServer(t, nil)
	if err := ts.emu.ConfigureRateLimit(ServiceDokploy, RateLimit{Limit: 1, Window: 60e9}); err != nil {
		t.Fatal(err)
	}
	ts.dk("project.all", url.Values{}).want(t, 200, nil)
	resp := ts.dk("project.all", url.Values{})
	resp.wantError(t, 429, "TOO_MANY_REQUESTS", "Too many requests")
	if resp.header.Get("Retry-After") == "" {
		t.Error("no Retry-After")
	}
	if n := ts.emu.RequestCounts()["GET "+DokployPrefix+"/project.all"]; n != 2 {
		t.Errorf("request count %d", n)
	}
	if err := ts.emu.ConfigureRateLimit(ServiceDokploy, RateLimit{}); err != nil {
		t.Fatal(err)
	}
	ts.emu.InjectFault(Fault{Route: "POST " + DokployPrefix + "/application.create", Status: 502})
	ts.dk("application.create", map[string]any{"name": "x", "environmentId": DefaultDokployEnvironmentID}).want(t, 502, nil)
	if len(ts.emu.DokployApplications()) != 0 {
		t.Error("a refused request was applied")
	}
}
