package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// GitHub repository webhooks: GET/POST /repos/{owner}/{repo}/hooks, GET/PATCH/DELETE .../hooks/{hook_id}
// (GitHub Enterprise Server REST reference, "Repository webhooks"). Admin rights are needed, as for
// deploy keys; others get 404.

const ghHooksDocs = ghDocs + "/repos/webhooks"

// ghHookEvents are the event names GitHub accepts for a repository webhook ("*" is every event).
var ghHookEvents = []string{"*", "branch_protection_configuration", "branch_protection_rule", "check_run",
	"check_suite", "code_scanning_alert", "commit_comment", "create", "delete", "dependabot_alert", "deploy_key",
	"deployment", "deployment_protection_rule", "deployment_review", "deployment_status", "discussion",
	"discussion_comment", "fork", "gollum", "issue_comment", "issues", "label", "member", "merge_group", "meta",
	"milestone", "package", "page_build", "project", "project_card", "project_column", "public", "pull_request",
	"pull_request_review", "pull_request_review_comment", "pull_request_review_thread", "push", "registry_package",
	"release", "repository", "repository_advisory", "repository_import", "repository_ruleset",
	"repository_vulnerability_alert", "secret_scanning_alert", "secret_scanning_alert_location",
	"security_and_analysis", "star", "status", "team_add", "watch", "workflow_dispatch", "workflow_job",
	"workflow_run"}

type ghHook struct {
	id          int64
	active      bool
	events      []string
	url         string
	contentType string // json or form
	insecureSSL string // "0" or "1"
	secret      string
	createdAt   time.Time
	updatedAt   time.Time
	last        hookResponse
}

// hookResponse is the outcome of a hook's latest delivery (GitHub's last_response).
type hookResponse struct {
	code    int    // 0: none yet
	status  string // unused, active, failed
	message string
}

func (h *ghHook) subscribes(event string) bool {
	return slices.Contains(h.events, event) || slices.Contains(h.events, "*")
}

func (e *Emulator) githubHookRoutes() {
	p := GitHubPrefix
	e.api.HandleFunc("GET "+p+"/repos/{owner}/{repo}/hooks", e.github(e.ghListHooks))
	e.api.HandleFunc("POST "+p+"/repos/{owner}/{repo}/hooks", e.github(e.ghCreateHook))
	e.api.HandleFunc("GET "+p+"/repos/{owner}/{repo}/hooks/{hook_id}", e.github(e.ghGetHook))
	e.api.HandleFunc("PATCH "+p+"/repos/{owner}/{repo}/hooks/{hook_id}", e.github(e.ghUpdateHook))
	e.api.HandleFunc("DELETE "+p+"/repos/{owner}/{repo}/hooks/{hook_id}", e.github(e.ghDeleteHook))
}

// ---- JSON ----

type ghHookConfigJSON struct {
	ContentType string `json:"content_type"`
	InsecureSSL string `json:"insecure_ssl"`
	URL         string `json:"url"`
	Secret      string `json:"secret,omitempty"` // "********" when set: GitHub never shows it
}

type ghHookLastResponseJSON struct {
	Code    *int    `json:"code"`
	Status  string  `json:"status"`
	Message *string `json:"message"`
}

type ghHookJSON struct {
	Type          string                 `json:"type"`
	ID            int64                  `json:"id"`
	Name          string                 `json:"name"`
	Active        bool                   `json:"active"`
	Events        []string               `json:"events"`
	Config        ghHookConfigJSON       `json:"config"`
	UpdatedAt     string                 `json:"updated_at"`
	CreatedAt     string                 `json:"created_at"`
	URL           string                 `json:"url"`
	TestURL       string                 `json:"test_url"`
	PingURL       string                 `json:"ping_url"`
	DeliveriesURL string                 `json:"deliveries_url"`
	LastResponse  ghHookLastResponseJSON `json:"last_response"`
}

func ghHookOut(r *http.Request, repo *ghRepo, h *ghHook) ghHookJSON {
	self := externalBase(r) + GitHubPrefix + "/repos/" + repo.fullName() + "/hooks/" + strconv.FormatInt(h.id, 10)
	out := ghHookJSON{Type: "Repository", ID: h.id, Name: "web", Active: h.active, Events: slices.Clone(h.events),
		Config:    ghHookConfigJSON{ContentType: h.contentType, InsecureSSL: h.insecureSSL, URL: h.url},
		UpdatedAt: formatTime(h.updatedAt), CreatedAt: formatTime(h.createdAt),
		URL: self, TestURL: self + "/test", PingURL: self + "/pings", DeliveriesURL: self + "/deliveries",
		LastResponse: ghHookLastResponseJSON{Status: h.last.status}}
	if h.secret != "" {
		out.Config.Secret = "********"
	}
	if h.last.code != 0 {
		code, msg := h.last.code, h.last.message
		out.LastResponse.Code, out.LastResponse.Message = &code, &msg
	}
	return out
}

// ---- writes ----

// ghHookWrite is the body of POST and PATCH. Config is replaced as a whole when sent.
type ghHookWrite struct {
	Name         *string            `json:"name"`
	Config       *ghHookConfigWrite `json:"config"`
	Events       *[]string          `json:"events"`
	AddEvents    []string           `json:"add_events"`
	RemoveEvents []string           `json:"remove_events"`
	Active       *bool              `json:"active"`
}

type ghHookConfigWrite struct {
	URL         *string         `json:"url"`
	ContentType *string         `json:"content_type"`
	Secret      *string         `json:"secret"`
	InsecureSSL json.RawMessage `json:"insecure_ssl"` // "0"/"1" or 0/1
}

func hookInvalid(field string) *ghValidationError {
	return &ghValidationError{Resource: "Hook", Code: "invalid", Field: field}
}

// parseInsecureSSL reads insecure_ssl, a string or a number; absent means "0".
func parseInsecureSSL(raw json.RawMessage) (string, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return "0", true
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		s = string(raw) // a number
	}
	if s == "0" || s == "1" {
		return s, true
	}
	return "", false
}

// validHookURL: an absolute http(s) URL. GitHub Enterprise Server accepts private and loopback hosts
// (github.com refuses them), so the emulator does too: its deliveries go to loopback.
func validHookURL(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// applyConfig validates a config object and replaces the hook's config with it: values not sent fall
// back to their defaults, so a secret not resent is removed, as GitHub documents for PATCH.
func (h *ghHook) applyConfig(c *ghHookConfigWrite) *ghValidationError {
	if c == nil || c.URL == nil || strings.TrimSpace(*c.URL) == "" {
		return &ghValidationError{Resource: "Hook", Code: "missing_field", Field: "url"}
	}
	if !validHookURL(*c.URL) {
		return hookInvalid("url")
	}
	contentType := "form" // GitHub's documented default
	if c.ContentType != nil && *c.ContentType != "" {
		contentType = *c.ContentType
	}
	if contentType != "json" && contentType != "form" {
		return hookInvalid("content_type")
	}
	insecure, ok := parseInsecureSSL(c.InsecureSSL)
	if !ok {
		return hookInvalid("insecure_ssl")
	}
	h.url, h.contentType, h.insecureSSL, h.secret = *c.URL, contentType, insecure, ""
	if c.Secret != nil {
		h.secret = *c.Secret
	}
	return nil
}

func checkEvents(events []string) *ghValidationError {
	for _, ev := range events {
		if !slices.Contains(ghHookEvents, ev) {
			return &ghValidationError{Resource: "Hook", Code: "invalid", Field: "events",
				Message: fmt.Sprintf("%q is not a valid event name", ev)}
		}
	}
	return nil
}

// applyHookWrite applies a POST (create) or PATCH body onto h, validating first. Nothing changes on
// error.
func (repo *ghRepo) applyHookWrite(h *ghHook, body *ghHookWrite, create bool, now time.Time) *ghValidationError {
	next := *h
	next.events = slices.Clone(h.events)
	if body.Name != nil && *body.Name != "web" {
		return hookInvalid("name")
	}
	if create || body.Config != nil {
		if problem := next.applyConfig(body.Config); problem != nil {
			return problem
		}
	}
	if body.Events != nil {
		next.events = slices.Clone(*body.Events)
	}
	next.events = append(next.events, body.AddEvents...)
	next.events = slices.DeleteFunc(next.events, func(ev string) bool { return slices.Contains(body.RemoveEvents, ev) })
	if create && len(next.events) == 0 {
		next.events = []string{"push"} // documented default
	}
	next.events = dedupe(next.events)
	if problem := checkEvents(next.events); problem != nil {
		return problem
	}
	if body.Active != nil {
		next.active = *body.Active
	}
	// GitHub refuses a second hook with the same URL whose events overlap.
	for _, other := range repo.hooks {
		if other.id == h.id || other.url != next.url {
			continue
		}
		for _, ev := range next.events {
			if other.subscribes(ev) || ev == "*" {
				return &ghValidationError{Resource: "Hook", Code: "custom", Message: "Hook already exists on this repository"}
			}
		}
	}
	next.updatedAt = now
	*h = next
	return nil
}

// dedupe keeps the first occurrence of each value, in order.
func dedupe(values []string) []string {
	out := make([]string, 0, len(values))
	for _, v := range values {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// decodeHookWrite reads a hook body; false when it already answered.
func decodeHookWrite(w http.ResponseWriter, r *http.Request, docAnchor string) (*ghHookWrite, bool) {
	var body ghHookWrite
	if err := decodeBody(r, &body); err != nil && !errors.Is(err, errEmptyBody) {
		writeGitHubError(w, http.StatusBadRequest, "Problems parsing JSON", ghHooksDocs+docAnchor)
		return nil, false
	}
	return &body, true
}

// ---- handlers ----

func (e *Emulator) ghListHooks(w http.ResponseWriter, r *http.Request, u *ghUser) {
	repo := e.adminRepoFor(w, r, u)
	if repo == nil {
		return
	}
	hooks := listed(e, repo.hooks)
	p := readPage(r, 30)
	start, end := p.bounds(len(hooks))
	out := make([]ghHookJSON, 0, end-start)
	for _, h := range hooks[start:end] {
		out = append(out, ghHookOut(r, repo, h))
	}
	setGitHubPagination(w, r, p, len(hooks))
	writeJSON(w, http.StatusOK, out)
}

func (e *Emulator) ghCreateHook(w http.ResponseWriter, r *http.Request, u *ghUser) {
	const anchor = "#create-a-repository-webhook"
	repo := e.adminRepoFor(w, r, u)
	if repo == nil {
		return
	}
	body, ok := decodeHookWrite(w, r, anchor)
	if !ok {
		return
	}
	if repo.archived {
		writeGitHubError(w, http.StatusForbidden, "Repository was archived so is read-only.", ghHooksDocs+anchor)
		return
	}
	now := e.now()
	h := &ghHook{active: true, createdAt: now, last: hookResponse{status: "unused"}}
	if problem := repo.applyHookWrite(h, body, true, now); problem != nil {
		writeGitHubValidation(w, ghHooksDocs+anchor, *problem)
		return
	}
	gh := &e.st.github
	h.id = gh.nextHookID
	gh.nextHookID++
	repo.hooks = append(repo.hooks, h)
	e.recordBirth(h)
	writeJSON(w, http.StatusCreated, ghHookOut(r, repo, h))
}

func (repo *ghRepo) hook(idText string) (int, *ghHook) {
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil {
		return -1, nil
	}
	for i, h := range repo.hooks {
		if h.id == id {
			return i, h
		}
	}
	return -1, nil
}

// hookFor finds the hook named in the path; false when it already answered.
func (e *Emulator) hookFor(w http.ResponseWriter, r *http.Request, u *ghUser, anchor string) (*ghRepo, int, *ghHook) {
	repo := e.adminRepoFor(w, r, u)
	if repo == nil {
		return nil, -1, nil
	}
	i, h := repo.hook(r.PathValue("hook_id"))
	if h == nil {
		writeGitHubError(w, http.StatusNotFound, "Not Found", ghHooksDocs+anchor)
		return nil, -1, nil
	}
	return repo, i, h
}

func (e *Emulator) ghGetHook(w http.ResponseWriter, r *http.Request, u *ghUser) {
	if repo, _, h := e.hookFor(w, r, u, "#get-a-repository-webhook"); h != nil {
		writeJSON(w, http.StatusOK, ghHookOut(r, repo, h))
	}
}

func (e *Emulator) ghUpdateHook(w http.ResponseWriter, r *http.Request, u *ghUser) {
	const anchor = "#update-a-repository-webhook"
	repo, _, h := e.hookFor(w, r, u, anchor)
	if h == nil {
		return
	}
	body, ok := decodeHookWrite(w, r, anchor)
	if !ok {
		return
	}
	if repo.archived {
		writeGitHubError(w, http.StatusForbidden, "Repository was archived so is read-only.", ghHooksDocs+anchor)
		return
	}
	if problem := repo.applyHookWrite(h, body, false, e.now()); problem != nil {
		writeGitHubValidation(w, ghHooksDocs+anchor, *problem)
		return
	}
	writeJSON(w, http.StatusOK, ghHookOut(r, repo, h))
}

func (e *Emulator) ghDeleteHook(w http.ResponseWriter, r *http.Request, u *ghUser) {
	repo, i, h := e.hookFor(w, r, u, "#delete-a-repository-webhook")
	if h == nil {
		return
	}
	repo.hooks = slices.Delete(repo.hooks, i, i+1)
	writeNoContent(w)
}
