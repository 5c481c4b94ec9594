package dokploy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/emulator"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/httpx"
)

// newEmulated returns a client of the emulated Dokploy (emulator.New(nil): the default seed).
func newEmulated(t *testing.T) (*emulator.Emulator, *httptest.Server, *Client) {
	t.Helper()
	emu := emulator.New(nil)
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	c, err := New(Config{URL: srv.URL + "/dokploy/", APIKey: emulator.DefaultDokployAPIKey, HTTPClient: testHTTP()})
	if err != nil {
		t.Fatal(err)
	}
	return emu, srv, c
}

func testHTTP() *http.Client {
	return httpx.NewClient(httpx.Options{Service: "Dokploy", MaxRetries: -1, Secrets: []string{emulator.DefaultDokployAPIKey}})
}

// apiError asserts err is an *httpx.APIError and returns it.
func apiError(t *testing.T, err error) *httpx.APIError {
	t.Helper()
	var apiErr *httpx.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("want an *httpx.APIError, got %T: %v", err, err)
	}
	return apiErr
}

func TestNewValidates(t *testing.T) {
	for _, cfg := range []Config{
		{URL: "https://dokploy.example.com", APIKey: ""},
		{URL: "dokploy.example.com", APIKey: "k"},
		{URL: "ftp://dokploy.example.com", APIKey: "k"},
		{URL: "https://dokploy.example.com/?x=1", APIKey: "k"},
	} {
		if _, err := New(cfg); err == nil {
			t.Errorf("%+v accepted", cfg)
		}
	}
	c, err := New(Config{URL: "https://dokploy.example.com/sub/", APIKey: "k"})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.DeployURL("a/b c"); got != "https://dokploy.example.com/sub/api/deploy/a%2Fb%20c" {
		t.Errorf("DeployURL = %q", got)
	}
}

func TestAuthErrors(t *testing.T) {
	_, srv, _ := newEmulated(t)
	c, err := New(Config{URL: srv.URL + "/dokploy", APIKey: "wrong", HTTPClient: testHTTP()})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetApplication(context.Background(), "x")
	apiErr := apiError(t, err)
	if apiErr.StatusCode != 401 || apiErr.Message != "Unauthorized" || apiErr.Service != "Dokploy" ||
		apiErr.Operation != "read application" || apiErr.Method != "GET" || apiErr.Path != "/dokploy/api/application.one" {
		t.Errorf("error %+v", apiErr)
	}
	if strings.Contains(err.Error(), "wrong") {
		t.Errorf("the API key is in the error: %v", err)
	}
}

func TestApplications(t *testing.T) {
	emu, srv, c := newEmulated(t)
	ctx := context.Background()

	app, err := c.CreateApplication(ctx, ApplicationInput{Name: "Web", AppName: "web", Description: "d",
		EnvironmentID: emulator.DefaultDokployEnvironmentID})
	if err != nil {
		t.Fatal(err)
	}
	if app.Name != "Web" || !strings.HasPrefix(app.AppName, "web-") || app.Description != "d" || app.ID == "" ||
		app.EnvironmentID != emulator.DefaultDokployEnvironmentID || !app.AutoDeploy || app.RefreshToken == "" ||
		app.SourceType != "github" || app.BuildType != "nixpacks" || app.CreatedAt.IsZero() {
		t.Fatalf("created %+v", app)
	}
	got, err := c.GetApplication(ctx, app.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.ProjectID != emulator.DefaultDokployProjectID || got.RefreshToken != app.RefreshToken || got.Dockerfile != "Dockerfile" {
		t.Errorf("read %+v", got)
	}

	name, empty, off := "Web 2", "", false
	if err := c.UpdateApplication(ctx, app.ID, ApplicationUpdate{Name: &name, Description: &empty, AutoDeploy: &off}); err != nil {
		t.Fatal(err)
	}
	key := createKey(t, c, "deploy")
	src := GitSource{URL: "git@github.com:gitdeploy-demo/website.git", Branch: "main", BuildPath: "/web",
		SSHKeyID: key.ID, WatchPaths: []string{"web/**"}}
	if err := c.SaveGitProvider(ctx, app.ID, src); err != nil {
		t.Fatal(err)
	}
	static := true
	if err := c.SaveBuildType(ctx, app.ID, BuildSettings{BuildType: "static", PublishDirectory: "dist", IsStaticSpa: &static}); err != nil {
		t.Fatal(err)
	}
	got, err = c.GetApplication(ctx, app.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "Web 2" || got.Description != "" || got.AutoDeploy || got.SourceType != "git" ||
		got.CustomGitURL != src.URL || got.CustomGitBranch != "main" || got.CustomGitBuildPath != "/web" ||
		got.CustomGitSSHKeyID != key.ID || len(got.WatchPaths) != 1 || got.BuildType != "static" ||
		got.PublishDirectory != "dist" || got.Dockerfile != "" || got.IsStaticSpa == nil || !*got.IsStaticSpa {
		t.Fatalf("after update, link and build settings: %+v", got)
	}
	// nil watch paths are sent as null: every push deploys again.
	src.WatchPaths = nil
	if err := c.SaveGitProvider(ctx, app.ID, src); err != nil {
		t.Fatal(err)
	}
	if snap, _ := emu.DokployApplication(app.ID); snap.WatchPaths != nil {
		t.Errorf("watch paths %q after sending null", snap.WatchPaths)
	}

	old := got.RefreshToken
	if err := c.RefreshToken(ctx, app.ID); err != nil {
		t.Fatal(err)
	}
	got, err = c.GetApplication(ctx, app.ID)
	if err != nil || got.RefreshToken == old {
		t.Fatalf("token not rotated: %v", err)
	}
	// DeployURL reaches the emulated webhook (400: automatic deployments are off); the old one is gone.
	for token, want := range map[string]int{got.RefreshToken: 400, old: 404} {
		u := c.DeployURL(token)
		if !strings.HasPrefix(u, srv.URL+"/dokploy/api/deploy/") {
			t.Fatalf("DeployURL %q", u)
		}
		resp, err := http.Post(u, "application/json", strings.NewReader(`{}`))
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("POST %s: %d, want %d", u, resp.StatusCode, want)
		}
	}

	if err := c.DisconnectGitProvider(ctx, app.ID); err != nil {
		t.Fatal(err)
	}
	if got, _ = c.GetApplication(ctx, app.ID); got.SourceType != "github" || got.CustomGitURL != "" || got.CustomGitSSHKeyID != "" {
		t.Errorf("after disconnect: %+v", got)
	}
	if err := c.DeleteApplication(ctx, app.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetApplication(ctx, app.ID); !httpx.IsNotFound(err) {
		t.Errorf("read after delete: %v", err)
	}
}

func TestNotFound(t *testing.T) {
	_, srv, c := newEmulated(t)
	ctx := context.Background()
	calls := map[string]error{}
	_, calls["GetApplication"] = c.GetApplication(ctx, "gone")
	calls["DeleteApplication"] = c.DeleteApplication(ctx, "gone")
	calls["SaveGitProvider"] = c.SaveGitProvider(ctx, "gone", GitSource{Branch: "main"})
	calls["SaveBuildType"] = c.SaveBuildType(ctx, "gone", BuildSettings{BuildType: "static"})
	calls["DisconnectGitProvider"] = c.DisconnectGitProvider(ctx, "gone")
	calls["RefreshToken"] = c.RefreshToken(ctx, "gone")
	calls["DeployApplication"] = c.DeployApplication(ctx, "gone", "")
	_, calls["GetSSHKey"] = c.GetSSHKey(ctx, "gone")
	calls["DeleteSSHKey"] = c.DeleteSSHKey(ctx, "gone")
	_, calls["GetProject"] = c.GetProject(ctx, "gone")
	calls["DeleteProject"] = c.DeleteProject(ctx, "gone")
	_, calls["GetEnvironment"] = c.GetEnvironment(ctx, "gone")
	_, calls["ReadDeploymentLogs"] = c.ReadDeploymentLogs(ctx, "gone", 0)
	for name, err := range calls {
		if !httpx.IsNotFound(err) {
			t.Errorf("%s: %v is not a 404", name, err)
		}
	}
	if apiErr := apiError(t, calls["GetApplication"]); apiErr.Message != "Application not found" {
		t.Errorf("message %q", apiErr.Message)
	}
	// Dokploy's update says "Error updating …" for a missing object: that is not "gone".
	err := c.UpdateApplication(ctx, "gone", ApplicationUpdate{})
	if apiErr := apiError(t, err); apiErr.StatusCode != 400 || apiErr.Message != "Error updating application" {
		t.Errorf("UpdateApplication: %+v", apiErr)
	}
	_, err = c.UpdateSSHKey(ctx, "gone", SSHKeyUpdate{})
	if apiErr := apiError(t, err); apiErr.StatusCode != 400 || httpx.IsNotFound(err) {
		t.Errorf("UpdateSSHKey: %+v", apiErr)
	}
	list, err := c.ListDeployments(ctx, "gone")
	if err != nil || len(list) != 0 {
		t.Errorf("ListDeployments of a missing application: %v %v", list, err)
	}

	// A URL that is not the instance's: 404s that do not name the object are not "gone".
	wrong, err := New(Config{URL: srv.URL + "/not-dokploy", APIKey: emulator.DefaultDokployAPIKey, HTTPClient: testHTTP()})
	if err != nil {
		t.Fatal(err)
	}
	_, err = wrong.GetApplication(ctx, "x")
	if apiErr := apiError(t, err); httpx.IsNotFound(err) || apiErr.StatusCode != 501 ||
		!strings.Contains(apiErr.Message, "no such API procedure application.one") {
		t.Errorf("wrong URL: %+v", apiErr)
	}
}

// fakeDokploy answers every request with status and body, and records what it got.
func fakeDokploy(t *testing.T, status int, body func(r *http.Request, reqBody []byte) string) (*Client, *[]*http.Request) {
	t.Helper()
	var got []*http.Request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		data, _ := io.ReadAll(r.Body) // test server
		got = append(got, r)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body(r, data)) // test server
	}))
	t.Cleanup(srv.Close)
	c, err := New(Config{URL: srv.URL, APIKey: "k", HTTPClient: testHTTP()})
	if err != nil {
		t.Fatal(err)
	}
	return c, &got
}

func TestNotFoundWithOtherStatuses(t *testing.T) {
	// Some Dokploy versions and procedures wrap the lookup's NOT_FOUND into BAD_REQUEST or
	// INTERNAL_SERVER_ERROR: the message decides.
	for _, status := range []int{400, 500} {
		c, _ := fakeDokploy(t, status, func(*http.Request, []byte) string {
			return `{"message":"Application not found","code":"BAD_REQUEST"}`
		})
		err := c.SaveGitProvider(context.Background(), "x", GitSource{Branch: "main"})
		if apiErr := apiError(t, err); !httpx.IsNotFound(err) || !strings.Contains(apiErr.Message, fmt.Sprintf("answered as %d", status)) {
			t.Errorf("status %d: %+v", status, apiErr)
		}
	}
	c, _ := fakeDokploy(t, 400, func(*http.Request, []byte) string { return `{"message":"SSH Key not found"}` })
	if err := c.DeleteApplication(context.Background(), "x"); httpx.IsNotFound(err) {
		t.Error("another object's not-found message made a 404")
	}
}

func TestRequestsAsDokployExpects(t *testing.T) {
	c, got := fakeDokploy(t, 200, func(r *http.Request, body []byte) string {
		if r.Method == "POST" {
			return "" // a procedure that returns nothing
		}
		return "[]"
	})
	ctx := context.Background()
	if err := c.SaveGitProvider(ctx, "app1", GitSource{URL: "git@h:o/r.git", Branch: "main"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListSSHKeys(ctx); err != nil {
		t.Fatal(err)
	}
	post, get := (*got)[0], (*got)[1]
	if post.Header.Get("Content-Type") != "application/json" || post.Header.Get("x-api-key") != "k" ||
		post.URL.Path != "/api/application.saveGitProvider" || get.Method != "GET" || get.URL.Path != "/api/sshKey.all" {
		t.Errorf("requests %s %s %v, %s %s", post.Method, post.URL, post.Header, get.Method, get.URL)
	}
	// A query that answers nothing is an error, not an empty value.
	c, _ = fakeDokploy(t, 200, func(*http.Request, []byte) string { return "" })
	if _, err := c.GetApplication(ctx, "x"); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("empty answer: %v", err)
	}
}

func TestSaveGitProviderSendsEveryRequiredMember(t *testing.T) {
	var sent map[string]json.RawMessage
	c, _ := fakeDokploy(t, 200, func(_ *http.Request, body []byte) string {
		if err := json.Unmarshal(body, &sent); err != nil {
			t.Errorf("body %s: %v", body, err)
		}
		return "true"
	})
	if err := c.SaveGitProvider(context.Background(), "a", GitSource{URL: "git@h:o/r.git", Branch: "main"}); err != nil {
		t.Fatal(err)
	}
	for member, want := range map[string]string{"customGitBuildPath": "null", "watchPaths": "null",
		"customGitSSHKeyId": "null", "customGitUrl": `"git@h:o/r.git"`, "enableSubmodules": "false"} {
		if string(sent[member]) != want {
			t.Errorf("%s = %s, want %s", member, sent[member], want)
		}
	}
	if err := c.SaveBuildType(context.Background(), "a", BuildSettings{BuildType: "nixpacks"}); err != nil {
		t.Fatal(err)
	}
	for _, member := range []string{"dockerfile", "dockerContextPath", "dockerBuildStage", "herokuVersion", "railpackVersion"} {
		if string(sent[member]) != "null" {
			t.Errorf("%s = %s, want null", member, sent[member])
		}
	}
}
