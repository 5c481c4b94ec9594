package gitlab

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/httpx"
)

// allHookFlags are the event flags GitLab's project hook API documents; every one must be sent.
var allHookFlags = []string{
	"push_events", "merge_requests_events", "tag_push_events", "issues_events", "confidential_issues_events",
	"note_events", "confidential_note_events", "job_events", "pipeline_events", "wiki_page_events",
	"deployment_events", "feature_flag_events", "releases_events", "milestone_events", "emoji_events",
	"vulnerability_events", "resource_access_token_events", "resource_deploy_token_events",
}

// hookAnswer is GitLab's answer for a hook built from the request body: every field but the token.
func hookAnswer(t *testing.T, r *http.Request, id int) map[string]any {
	t.Helper()
	var body map[string]any
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		t.Fatalf("decoding body: %v", err)
	}
	answer := map[string]any{"id": id, "project_id": 3, "created_at": "2024-01-02T03:04:05Z"}
	for key, value := range body {
		if key != "token" {
			answer[key] = value
		}
	}
	return answer
}

func decodeBody(t *testing.T, req seenRequest) map[string]any {
	t.Helper()
	var body map[string]any
	if err := json.Unmarshal(req.Body, &body); err != nil {
		t.Fatalf("body %q is not JSON: %v", req.Body, err)
	}
	return body
}

// checkFlags asserts that every flag was sent, true exactly for those in on.
func checkFlags(t *testing.T, body map[string]any, on ...string) {
	t.Helper()
	for _, flag := range allHookFlags {
		value, sent := body[flag]
		if !sent {
			t.Errorf("flag %s was not sent", flag)
			continue
		}
		if want := slices.Contains(on, flag); value != want {
			t.Errorf("flag %s = %v, want %v", flag, value, want)
		}
	}
}

func TestCreateWebhook(t *testing.T) {
	fake, client := newFakeGitLab(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(t, w, http.StatusCreated, hookAnswer(t, r, 41))
	})
	hook, err := client.CreateWebhook(context.Background(), "group/sub/proj", githost.WebhookInput{
		URL: "https://api.netlify.com/hooks/gitlab", Secret: "tok", BranchFilter: "main",
		Events: []string{githost.EventPullRequest, githost.EventTag},
	})
	if err != nil {
		t.Fatalf("CreateWebhook: %v", err)
	}
	req := fake.only(t)
	if req.Method != http.MethodPost || req.RequestURI != "/api/v4/projects/group%2Fsub%2Fproj/hooks" {
		t.Errorf("request = %s %s", req.Method, req.RequestURI)
	}
	body := decodeBody(t, req)
	// push_events off must be sent: GitLab turns it on when it is omitted.
	checkFlags(t, body, "merge_requests_events", "tag_push_events")
	if body["url"] != "https://api.netlify.com/hooks/gitlab" || body["token"] != "tok" ||
		body["enable_ssl_verification"] != true || body["push_events_branch_filter"] != "main" {
		t.Errorf("body = %v", body)
	}
	want := githost.Webhook{ID: "41", URL: "https://api.netlify.com/hooks/gitlab", Events: []string{"pull_request", "tag"},
		Active: true, ContentType: "json", BranchFilter: "main"}
	if !sameWebhook(*hook, want) {
		t.Errorf("CreateWebhook = %+v, want %+v", *hook, want)
	}
}

func TestUpdateWebhookResendsTokenAndEveryFlag(t *testing.T) {
	fake, client := newFakeGitLab(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(t, w, http.StatusOK, hookAnswer(t, r, 41))
	})
	hook, err := client.UpdateWebhook(context.Background(), "group/proj", "41", githost.WebhookInput{
		URL: "https://x.test/hook", Secret: "tok2", InsecureSSL: true, Events: []string{githost.EventPush},
	})
	if err != nil {
		t.Fatalf("UpdateWebhook: %v", err)
	}
	req := fake.only(t)
	if req.Method != http.MethodPut || req.RequestURI != "/api/v4/projects/group%2Fproj/hooks/41" {
		t.Errorf("request = %s %s", req.Method, req.RequestURI)
	}
	body := decodeBody(t, req)
	checkFlags(t, body, "push_events")
	if body["token"] != "tok2" || body["enable_ssl_verification"] != false || body["push_events_branch_filter"] != "" {
		t.Errorf("body = %v; want the token, SSL verification off and the branch filter cleared", body)
	}
	want := githost.Webhook{ID: "41", URL: "https://x.test/hook", Events: []string{"push"}, Active: true, ContentType: "json", InsecureSSL: true}
	if !sameWebhook(*hook, want) {
		t.Errorf("UpdateWebhook = %+v, want %+v", *hook, want)
	}
}

func TestGetWebhookPassesOtherFlagsThrough(t *testing.T) {
	_, client := newFakeGitLab(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.EscapedPath() != "/api/v4/projects/group%2Fproj/hooks/5" {
			writeJSON(t, w, http.StatusNotFound, map[string]string{"message": "404 Not found"})
			return
		}
		writeJSON(t, w, http.StatusOK, map[string]any{
			"id": 5, "url": "https://x.test/", "push_events": true, "tag_push_events": true, "merge_requests_events": false,
			"issues_events": true, "pipeline_events": true, "enable_ssl_verification": true, "push_events_branch_filter": "",
		})
	})
	hook, err := client.GetWebhook(context.Background(), "group/proj", "5")
	if err != nil {
		t.Fatalf("GetWebhook: %v", err)
	}
	if !slices.Equal(hook.Events, []string{"issues_events", "pipeline_events", "push", "tag"}) {
		t.Errorf("events = %v; want the provider's names and GitLab's flags for the rest, sorted", hook.Events)
	}
	_, err = client.GetWebhook(context.Background(), "group/proj", "6")
	if !httpx.IsNotFound(err) {
		t.Fatalf("GetWebhook of a missing hook = %v, want not found", err)
	}
}

func TestDeleteWebhook(t *testing.T) {
	fake, client := newFakeGitLab(t, func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	if err := client.DeleteWebhook(context.Background(), "group/proj", "5"); err != nil {
		t.Fatalf("DeleteWebhook: %v", err)
	}
	if req := fake.only(t); req.Method != http.MethodDelete || req.RequestURI != "/api/v4/projects/group%2Fproj/hooks/5" {
		t.Errorf("request = %s %s", req.Method, req.RequestURI)
	}
}

func TestBadWebhookInputMakesNoRequest(t *testing.T) {
	fake, client := newFakeGitLab(t, func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusTeapot)
	})
	ctx := context.Background()
	checks := []struct {
		name    string
		call    func() error
		wantErr string
	}{
		{"unknown event", func() error {
			_, err := client.CreateWebhook(ctx, "g/p", githost.WebhookInput{URL: "https://x.test/", Events: []string{"issues_events"}})
			return err
		}, `unknown webhook event "issues_events"`},
		{"form content", func() error {
			_, err := client.CreateWebhook(ctx, "g/p", githost.WebhookInput{URL: "https://x.test/", Events: []string{"push"}, ContentType: "form"})
			return err
		}, "always send JSON"},
		{"no url", func() error {
			_, err := client.UpdateWebhook(ctx, "g/p", "1", githost.WebhookInput{Events: []string{"push"}})
			return err
		}, "URL is empty"},
		{"bad id", func() error { return client.DeleteWebhook(ctx, "g/p", "0") }, `webhook id "0"`},
		{"bad repository", func() error { _, err := client.GetWebhook(ctx, "g", "1"); return err }, "full path"},
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

func sameWebhook(a, b githost.Webhook) bool {
	return a.ID == b.ID && a.URL == b.URL && slices.Equal(a.Events, b.Events) && a.Active == b.Active &&
		a.ContentType == b.ContentType && a.InsecureSSL == b.InsecureSSL && a.BranchFilter == b.BranchFilter
}
