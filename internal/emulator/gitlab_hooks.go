package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// GitLab project webhooks: GET/POST /projects/:id/hooks, GET/PUT/DELETE /projects/:id/hooks/:hook_id
// (GitLab docs "Project webhooks API"). The Maintainer role is needed; the token is write-only.
//
// Token on PUT, as GitLab documents: a token sent replaces the stored one ("" clears it); a token not
// sent is kept, except that changing the URL resets it ("When you change the webhook URL, the secret
// token is reset and not retained"). The provider resends it on every update anyway.

// GitLabHookEvents are a GitLab webhook's event switches, with GitLab's parameter names.
type GitLabHookEvents struct {
	PushEvents                bool `json:"push_events"`
	TagPushEvents             bool `json:"tag_push_events"`
	MergeRequestsEvents       bool `json:"merge_requests_events"`
	IssuesEvents              bool `json:"issues_events"`
	ConfidentialIssuesEvents  bool `json:"confidential_issues_events"`
	NoteEvents                bool `json:"note_events"`
	ConfidentialNoteEvents    bool `json:"confidential_note_events"`
	JobEvents                 bool `json:"job_events"`
	PipelineEvents            bool `json:"pipeline_events"`
	WikiPageEvents            bool `json:"wiki_page_events"`
	DeploymentEvents          bool `json:"deployment_events"`
	ReleasesEvents            bool `json:"releases_events"`
	FeatureFlagEvents         bool `json:"feature_flag_events"`
	ResourceAccessTokenEvents bool `json:"resource_access_token_events"`
}

// flag returns the switch with GitLab's parameter name, or nil.
func (ev *GitLabHookEvents) flag(name string) *bool {
	switch name {
	case "push_events":
		return &ev.PushEvents
	case "tag_push_events":
		return &ev.TagPushEvents
	case "merge_requests_events":
		return &ev.MergeRequestsEvents
	case "issues_events":
		return &ev.IssuesEvents
	case "confidential_issues_events":
		return &ev.ConfidentialIssuesEvents
	case "note_events":
		return &ev.NoteEvents
	case "confidential_note_events":
		return &ev.ConfidentialNoteEvents
	case "job_events":
		return &ev.JobEvents
	case "pipeline_events":
		return &ev.PipelineEvents
	case "wiki_page_events":
		return &ev.WikiPageEvents
	case "deployment_events":
		return &ev.DeploymentEvents
	case "releases_events":
		return &ev.ReleasesEvents
	case "feature_flag_events":
		return &ev.FeatureFlagEvents
	case "resource_access_token_events":
		return &ev.ResourceAccessTokenEvents
	}
	return nil
}

var glHookFlagNames = []string{"push_events", "tag_push_events", "merge_requests_events", "issues_events",
	"confidential_issues_events", "note_events", "confidential_note_events", "job_events", "pipeline_events",
	"wiki_page_events", "deployment_events", "releases_events", "feature_flag_events", "resource_access_token_events"}

type glHook struct {
	id                   int64
	url                  string
	token                string
	name                 string
	description          string
	events               GitLabHookEvents
	enableSSLVerify      bool
	branchFilter         string // push_events_branch_filter
	branchFilterStrategy string // wildcard (default), regex, all_branches
	createdAt            time.Time
}

// matchesBranch applies the push branch filter.
func (h *glHook) matchesBranch(branch string) bool {
	switch h.branchFilterStrategy {
	case "all_branches":
		return true
	case "regex":
		re, err := regexp.Compile(h.branchFilter)
		return err == nil && re.MatchString(branch)
	}
	if h.branchFilter == "" {
		return true
	}
	// Wildcard: "*" matches any run of characters, "/" included.
	pattern := "^" + strings.ReplaceAll(regexp.QuoteMeta(h.branchFilter), `\*`, ".*") + "$"
	return regexp.MustCompile(pattern).MatchString(branch)
}

func (e *Emulator) gitlabHookRoutes() {
	p := GitLabPrefix
	e.api.HandleFunc("GET "+p+"/projects/{id}/hooks", e.gitlab(e.glListHooks))
	e.api.HandleFunc("POST "+p+"/projects/{id}/hooks", e.gitlab(e.glCreateHook))
	e.api.HandleFunc("GET "+p+"/projects/{id}/hooks/{hook_id}", e.gitlab(e.glGetHook))
	e.api.HandleFunc("PUT "+p+"/projects/{id}/hooks/{hook_id}", e.gitlab(e.glUpdateHook))
	e.api.HandleFunc("DELETE "+p+"/projects/{id}/hooks/{hook_id}", e.gitlab(e.glDeleteHook))
}

// ---- JSON ----

type glHookJSON struct {
	ID                     int64   `json:"id"`
	URL                    string  `json:"url"`
	Name                   string  `json:"name"`
	Description            string  `json:"description"`
	ProjectID              int64   `json:"project_id"`
	PushEventsBranchFilter string  `json:"push_events_branch_filter"`
	BranchFilterStrategy   string  `json:"branch_filter_strategy"`
	EnableSSLVerification  bool    `json:"enable_ssl_verification"`
	RepositoryUpdateEvents bool    `json:"repository_update_events"`
	AlertStatus            string  `json:"alert_status"`
	DisabledUntil          *string `json:"disabled_until"`
	URLVariables           []any   `json:"url_variables"`
	CreatedAt              string  `json:"created_at"`
	CustomWebhookTemplate  *string `json:"custom_webhook_template"`
	CustomHeaders          []any   `json:"custom_headers"`
	GitLabHookEvents               // the event switches, flattened as GitLab sends them
}

func glHookOut(p *glProject, h *glHook) glHookJSON {
	return glHookJSON{ID: h.id, URL: h.url, Name: h.name, Description: h.description, ProjectID: p.id,
		PushEventsBranchFilter: h.branchFilter, BranchFilterStrategy: h.branchFilterStrategy,
		EnableSSLVerification: h.enableSSLVerify, AlertStatus: "executable", URLVariables: []any{},
		CreatedAt: formatTimeMillis(h.createdAt), CustomHeaders: []any{}, GitLabHookEvents: h.events}
}

// ---- writes ----

// glParams are the attributes of a GitLab write, from a JSON body or (as Grape also accepts) a form
// body or the query string. Values are kept as raw JSON.
type glParams map[string]json.RawMessage

func readGitLabParams(r *http.Request) (glParams, error) {
	params := glParams{}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		if err := r.ParseForm(); err != nil {
			return nil, err
		}
	} else if err := decodeBody(r, &params); err != nil && !errors.Is(err, errEmptyBody) {
		return nil, err
	}
	values := r.URL.Query()
	if r.PostForm != nil {
		for k, v := range r.PostForm {
			values[k] = v
		}
	}
	for k := range values {
		if _, sent := params[k]; !sent {
			text, err := json.Marshal(values.Get(k))
			if err != nil {
				return nil, err
			}
			params[k] = text
		}
	}
	return params, nil
}

// str reads a string attribute; present is false when it was not sent (null counts as "").
func (p glParams) str(name string) (value string, present bool, err error) {
	raw, ok := p[name]
	if !ok {
		return "", false, nil
	}
	if string(raw) == "null" {
		return "", true, nil
	}
	if err := json.Unmarshal(raw, &value); err != nil {
		return "", true, fmt.Errorf("%s is invalid", name)
	}
	return value, true, nil
}

// boolean reads a Boolean attribute as Grape coerces it: true/false, "true"/"false", "1"/"0".
func (p glParams) boolean(name string) (value, present bool, err error) {
	raw, ok := p[name]
	if !ok {
		return false, false, nil
	}
	var b bool
	if json.Unmarshal(raw, &b) == nil {
		return b, true, nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		switch strings.ToLower(s) {
		case "true", "1", "t", "yes":
			return true, true, nil
		case "false", "0", "f", "no", "":
			return false, true, nil
		}
	}
	if string(raw) == "1" || string(raw) == "0" {
		return string(raw) == "1", true, nil
	}
	return false, true, fmt.Errorf("%s is invalid", name)
}

// glHookProblem is an answer GitLab gives to a bad hook write.
type glHookProblem struct {
	status int
	body   any
}

func (pr *glHookProblem) Error() string { return fmt.Sprintf("%d %v", pr.status, pr.body) }

// applyHookParams applies a POST (create) or PUT onto h after validating everything.
func (h *glHook) applyHookParams(params glParams, create bool) *glHookProblem {
	next := *h
	hookURL, urlSent, err := params.str("url")
	if err != nil {
		return &glHookProblem{http.StatusBadRequest, map[string]string{"error": err.Error()}}
	}
	if !urlSent || hookURL == "" {
		// Required on POST; on PUT an omitted url keeps the URL (newer GitLab versions make it
		// optional there) but an empty one is refused.
		if create || urlSent {
			return &glHookProblem{http.StatusBadRequest, map[string]string{"error": "url is missing"}}
		}
		hookURL = h.url
	}
	if u, err := url.Parse(hookURL); err != nil || u.Host == "" {
		return &glHookProblem{http.StatusUnprocessableEntity, map[string]any{"message": map[string][]string{"url": {"is blocked: URI is invalid"}}}}
	} else if u.Scheme != "http" && u.Scheme != "https" {
		return &glHookProblem{http.StatusUnprocessableEntity, map[string]any{"message": map[string][]string{"url": {"is blocked: Only allowed schemes are http, https"}}}}
	}
	if hookURL != h.url && !create {
		next.token = "" // documented: changing the URL resets the token
	}
	next.url = hookURL
	for _, field := range []struct {
		name string
		dst  *string
	}{{"token", &next.token}, {"name", &next.name}, {"description", &next.description},
		{"push_events_branch_filter", &next.branchFilter}, {"branch_filter_strategy", &next.branchFilterStrategy}} {
		v, sent, err := params.str(field.name)
		if err != nil {
			return &glHookProblem{http.StatusBadRequest, map[string]string{"error": err.Error()}}
		}
		if sent {
			*field.dst = v
		}
	}
	if next.branchFilterStrategy == "" {
		next.branchFilterStrategy = "wildcard"
	}
	if !slices.Contains([]string{"wildcard", "regex", "all_branches"}, next.branchFilterStrategy) {
		return &glHookProblem{http.StatusBadRequest, map[string]string{"error": "branch_filter_strategy does not have a valid value"}}
	}
	if next.branchFilterStrategy == "regex" {
		if _, err := regexp.Compile(next.branchFilter); err != nil {
			return &glHookProblem{http.StatusUnprocessableEntity, map[string]any{"message": map[string][]string{"push_events_branch_filter": {"not valid RE2 syntax"}}}}
		}
	}
	names := append([]string{"enable_ssl_verification"}, glHookFlagNames...)
	for _, name := range names {
		v, sent, err := params.boolean(name)
		if err != nil {
			return &glHookProblem{http.StatusBadRequest, map[string]string{"error": err.Error()}}
		}
		if !sent {
			continue
		}
		if name == "enable_ssl_verification" {
			next.enableSSLVerify = v
		} else {
			*next.events.flag(name) = v
		}
	}
	*h = next
	return nil
}

// ---- handlers ----

func (e *Emulator) glListHooks(w http.ResponseWriter, r *http.Request, u *glUser) {
	p := e.maintainedProjectFor(w, r, u)
	if p == nil {
		return
	}
	hooks := listed(e, p.hooks)
	pg := readPage(r, 20)
	start, end := pg.bounds(len(hooks))
	out := make([]glHookJSON, 0, end-start)
	for _, h := range hooks[start:end] {
		out = append(out, glHookOut(p, h))
	}
	setGitLabPagination(w, r, pg, len(hooks))
	writeJSON(w, http.StatusOK, out)
}

func writeGitLabProblem(w http.ResponseWriter, problem *glHookProblem) {
	writeJSON(w, problem.status, problem.body)
}

func (e *Emulator) glCreateHook(w http.ResponseWriter, r *http.Request, u *glUser) {
	p := e.maintainedProjectFor(w, r, u)
	if p == nil {
		return
	}
	params, err := readGitLabParams(r)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "body is not valid JSON"})
		return
	}
	// Defaults of a new project hook: push events and SSL verification on, everything else off.
	h := &glHook{events: GitLabHookEvents{PushEvents: true}, enableSSLVerify: true, createdAt: e.now()}
	if problem := h.applyHookParams(params, true); problem != nil {
		writeGitLabProblem(w, problem)
		return
	}
	gl := &e.st.gitlab
	h.id = gl.nextHookID
	gl.nextHookID++
	p.hooks = append(p.hooks, h)
	e.recordBirth(h)
	writeJSON(w, http.StatusCreated, glHookOut(p, h))
}

func (p *glProject) hook(idText string) (int, *glHook) {
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil {
		return -1, nil
	}
	for i, h := range p.hooks {
		if h.id == id {
			return i, h
		}
	}
	return -1, nil
}

// glHookFor finds the hook named in the path; nil when it already answered. A missing hook is an
// ActiveRecord::RecordNotFound in GitLab, answered "404 Not found".
func (e *Emulator) glHookFor(w http.ResponseWriter, r *http.Request, u *glUser) (*glProject, int, *glHook) {
	p := e.maintainedProjectFor(w, r, u)
	if p == nil {
		return nil, -1, nil
	}
	i, h := p.hook(r.PathValue("hook_id"))
	if h == nil {
		writeGitLabMessage(w, http.StatusNotFound, "404 Not found")
		return nil, -1, nil
	}
	return p, i, h
}

func (e *Emulator) glGetHook(w http.ResponseWriter, r *http.Request, u *glUser) {
	if p, _, h := e.glHookFor(w, r, u); h != nil {
		writeJSON(w, http.StatusOK, glHookOut(p, h))
	}
}

func (e *Emulator) glUpdateHook(w http.ResponseWriter, r *http.Request, u *glUser) {
	p, _, h := e.glHookFor(w, r, u)
	if h == nil {
		return
	}
	params, err := readGitLabParams(r)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "body is not valid JSON"})
		return
	}
	if problem := h.applyHookParams(params, false); problem != nil {
		writeGitLabProblem(w, problem)
		return
	}
	writeJSON(w, http.StatusOK, glHookOut(p, h))
}

func (e *Emulator) glDeleteHook(w http.ResponseWriter, r *http.Request, u *glUser) {
	p, i, h := e.glHookFor(w, r, u)
	if h == nil {
		return
	}
	p.hooks = slices.Delete(p.hooks, i, i+1)
	writeNoContent(w)
}
