package github

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/httpx"
)

// hookAnswer is GitHub's answer for a hook built from the request body, with the secret masked as
// GitHub masks it.
func hookAnswer(t *testing.T, r *http.Request, id int) map[string]any {
	t.Helper()
	var body map[string]any
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		t.Fatalf("decoding body: %v", err)
	}
	config, ok := body["config"].(map[string]any)
	if !ok {
		t.Fatalf("body has no config object: %v", body)
	}
	if _, ok := config["secret"]; ok {
		config["secret"] = "********"
	}
	return map[string]any{
		"id": id, "type": "Repository", "name": "web", "active": body["active"], "events": body["events"],
		"config": config, "url": fmt.Sprintf("https://api.github.com/repos/octo/hello/hooks/%d", id),
	}
}

func decodeBody(t *testing.T, req seenRequest) map[string]any {
	t.Helper()
	var body map[string]any
	if err := json.Unmarshal(req.Body, &body); err != nil {
		t.Fatalf("body %q is not JSON: %v", req.Body, err)
	}
	return body
}

func TestCreateWebhook(t *testing.T) {
	fake, client := newFakeGitHub(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(t, w, http.StatusCreated, hookAnswer(t, r, 12345678))
	})
	hook, err := client.CreateWebhook(context.Background(), "octo/hello", githost.WebhookInput{
		URL: "https://api.netlify.com/hooks/github", Secret: "s3cret", Active: true,
		Events: []string{githost.EventTag, githost.EventPush, githost.EventPullRequest},
	})
	if err != nil {
		t.Fatalf("CreateWebhook: %v", err)
	}
	req := fake.only(t)
	if req.Method != http.MethodPost || req.RequestURI != "/api/v3/repos/octo/hello/hooks" {
		t.Errorf("request = %s %s", req.Method, req.RequestURI)
	}
	body := decodeBody(t, req)
	config, ok := body["config"].(map[string]any)
	if !ok || body["name"] != "web" || body["active"] != true {
		t.Fatalf("body = %v; want name web, active true and a config", body)
	}
	if config["url"] != "https://api.netlify.com/hooks/github" || config["content_type"] != "json" ||
		config["secret"] != "s3cret" || config["insecure_ssl"] != "0" {
		t.Errorf("config = %v", config)
	}
	if got := toStrings(body["events"]); !slices.Equal(got, []string{"pull_request", "push", "create"}) {
		t.Errorf("events sent = %v, want GitHub's names", got)
	}

	want := githost.Webhook{ID: "12345678", URL: "https://api.netlify.com/hooks/github", Active: true, ContentType: "json",
		Events: []string{"pull_request", "push", "tag"}}
	if !sameWebhook(*hook, want) {
		t.Errorf("CreateWebhook = %+v, want %+v", *hook, want)
	}
}

func TestUpdateWebhookResendsWholeConfig(t *testing.T) {
	fake, client := newFakeGitHub(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(t, w, http.StatusOK, hookAnswer(t, r, 7))
	})
	hook, err := client.UpdateWebhook(context.Background(), "octo/hello", "7", githost.WebhookInput{
		URL: "https://example.test/hook", Secret: "again", Active: false, ContentType: "form", InsecureSSL: true,
		Events: []string{githost.EventPush},
	})
	if err != nil {
		t.Fatalf("UpdateWebhook: %v", err)
	}
	req := fake.only(t)
	if req.Method != http.MethodPatch || req.RequestURI != "/api/v3/repos/octo/hello/hooks/7" {
		t.Errorf("request = %s %s", req.Method, req.RequestURI)
	}
	body := decodeBody(t, req)
	config, ok := body["config"].(map[string]any)
	if !ok {
		t.Fatalf("body has no config: %v", body)
	}
	// GitHub removes a secret that a PATCH omits: it must be there every time.
	if config["secret"] != "again" || config["url"] != "https://example.test/hook" || config["content_type"] != "form" || config["insecure_ssl"] != "1" {
		t.Errorf("config = %v", config)
	}
	if active, present := body["active"]; !present || active != false {
		t.Errorf("active = %v (present %v), want false sent explicitly", active, present)
	}
	want := githost.Webhook{ID: "7", URL: "https://example.test/hook", Events: []string{"push"}, ContentType: "form", InsecureSSL: true}
	if !sameWebhook(*hook, want) {
		t.Errorf("UpdateWebhook = %+v, want %+v", *hook, want)
	}
}

func TestGetWebhookMapsEventsBack(t *testing.T) {
	fake, client := newFakeGitHub(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v3/repos/octo/hello/hooks/9" {
			writeJSON(t, w, http.StatusNotFound, map[string]string{"message": "Not Found"})
			return
		}
		writeJSON(t, w, http.StatusOK, map[string]any{
			"id": 9, "name": "web", "active": true,
			"events": []string{"push", "issues", "create", "pull_request", "push"},
			"config": map[string]any{"url": "https://x.test/", "content_type": "json", "insecure_ssl": "0", "secret": "********"},
		})
	})
	hook, err := client.GetWebhook(context.Background(), "octo/hello", "9")
	if err != nil {
		t.Fatalf("GetWebhook: %v", err)
	}
	// create → tag, others GitHub-only pass through under their own names, sorted without duplicates.
	if !slices.Equal(hook.Events, []string{"issues", "pull_request", "push", "tag"}) {
		t.Errorf("events = %v", hook.Events)
	}
	if hook.ID != "9" || hook.URL != "https://x.test/" || hook.ContentType != "json" || !hook.Active || hook.InsecureSSL {
		t.Errorf("GetWebhook = %+v", *hook)
	}
	if req := fake.only(t); req.Method != http.MethodGet {
		t.Errorf("method = %s", req.Method)
	}

	_, err = client.GetWebhook(context.Background(), "octo/hello", "10")
	if !httpx.IsNotFound(err) {
		t.Fatalf("GetWebhook of a missing hook = %v, want not found", err)
	}
	if apiErr := requireAPIError(t, err, http.StatusNotFound); apiErr.Operation != "read webhook" || apiErr.Path != "/api/v3/repos/octo/hello/hooks/10" {
		t.Errorf("APIError = %+v", apiErr)
	}
}

func TestDeleteWebhook(t *testing.T) {
	fake, client := newFakeGitHub(t, func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	if err := client.DeleteWebhook(context.Background(), "octo/hello", "9"); err != nil {
		t.Fatalf("DeleteWebhook: %v", err)
	}
	if req := fake.only(t); req.Method != http.MethodDelete || req.RequestURI != "/api/v3/repos/octo/hello/hooks/9" {
		t.Errorf("request = %s %s", req.Method, req.RequestURI)
	}
}

func TestBadWebhookInputMakesNoRequest(t *testing.T) {
	fake, client := newFakeGitHub(t, func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusTeapot)
	})
	ctx := context.Background()
	good := githost.WebhookInput{URL: "https://x.test/", Events: []string{githost.EventPush}, Active: true}
	with := func(change func(*githost.WebhookInput)) githost.WebhookInput {
		in := good
		change(&in)
		return in
	}
	checks := []struct {
		name    string
		call    func() error
		wantErr string
	}{
		{"unknown event", func() error {
			_, err := client.CreateWebhook(ctx, "octo/hello", with(func(in *githost.WebhookInput) { in.Events = []string{"create"} }))
			return err
		}, `unknown webhook event "create"`},
		{"no events", func() error {
			_, err := client.CreateWebhook(ctx, "octo/hello", with(func(in *githost.WebhookInput) { in.Events = nil }))
			return err
		}, "at least one event"},
		{"branch filter", func() error {
			_, err := client.UpdateWebhook(ctx, "octo/hello", "1", with(func(in *githost.WebhookInput) { in.BranchFilter = "main" }))
			return err
		}, "no branch filter"},
		{"content type", func() error {
			_, err := client.CreateWebhook(ctx, "octo/hello", with(func(in *githost.WebhookInput) { in.ContentType = "xml" }))
			return err
		}, `content type "xml"`},
		{"no url", func() error {
			_, err := client.CreateWebhook(ctx, "octo/hello", with(func(in *githost.WebhookInput) { in.URL = "" }))
			return err
		}, "URL is empty"},
		{"bad hook id", func() error { _, err := client.GetWebhook(ctx, "octo/hello", "x1"); return err }, `webhook id "x1"`},
		{"bad repository", func() error { return client.DeleteWebhook(ctx, "octo", "1") }, `must be "owner/name"`},
	}
	for _, check := range checks {
		err := check.call()
		if err == nil || !strings.Contains(err.Error(), check.wantErr) {
			t.Errorf("%s: error %v, want one containing %q", check.name, err, check.wantErr)
		}
	}
	if seen := fake.seen(); len(seen) != 0 {
		t.Fatalf("bad input reached the server: %+v", seen)
	}
}

func toStrings(v any) []string {
	list, ok := v.([]any)
	if !ok {
		return nil
	}
	out := make([]string, 0, len(list))
	for _, item := range list {
		s, ok := item.(string)
		if !ok {
			return nil
		}
		out = append(out, s)
	}
	return out
}

func sameWebhook(a, b githost.Webhook) bool {
	return a.ID == b.ID && a.URL == b.URL && slices.Equal(a.Events, b.Events) && a.Active == b.Active &&
		a.ContentType == b.ContentType && a.InsecureSSL == b.InsecureSSL && a.BranchFilter == b.BranchFilter
}
