package emulator

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The Go API for git host webhooks: snapshots with the secret in clear (tests check what was sent),
// and changes made behind the provider's back with the same semantics as the HTTP API.

// GitHubHook is a webhook of a GitHub repository ("owner/name"). Secret is in clear ("" when none).
type GitHubHook struct {
	ID                 string    `json:"id"`
	Repo               string    `json:"repo"`
	Active             bool      `json:"active"`
	Events             []string  `json:"events"`
	URL                string    `json:"url"`
	ContentType        string    `json:"content_type"`
	InsecureSSL        string    `json:"insecure_ssl"`
	Secret             string    `json:"secret,omitempty"`
	CreatedAt          time.Time `json:"created_at"`
	UpdatedAt          time.Time `json:"updated_at"`
	LastResponseCode   int       `json:"last_response_code,omitempty"`
	LastResponseStatus string    `json:"last_response_status"`
}

// GitLabHook is a webhook of a GitLab project (path_with_namespace). Token is in clear ("" when none).
type GitLabHook struct {
	ID                     string `json:"id"`
	Project                string `json:"project"`
	URL                    string `json:"url"`
	Token                  string `json:"token,omitempty"`
	Name                   string `json:"name"`
	Description            string `json:"description"`
	EnableSSLVerification  bool   `json:"enable_ssl_verification"`
	PushEventsBranchFilter string `json:"push_events_branch_filter"`
	BranchFilterStrategy   string `json:"branch_filter_strategy"`
	GitLabHookEvents
	CreatedAt time.Time `json:"created_at"`
}

func ghHookSnapshot(repo *ghRepo, h *ghHook) GitHubHook {
	return GitHubHook{ID: strconv.FormatInt(h.id, 10), Repo: repo.fullName(), Active: h.active,
		Events: slices.Clone(h.events), URL: h.url, ContentType: h.contentType, InsecureSSL: h.insecureSSL,
		Secret: h.secret, CreatedAt: h.createdAt, UpdatedAt: h.updatedAt, LastResponseCode: h.last.code,
		LastResponseStatus: h.last.status}
}

func ghHookSnapshots(repo *ghRepo) []GitHubHook {
	out := []GitHubHook{}
	for _, h := range repo.hooks {
		out = append(out, ghHookSnapshot(repo, h))
	}
	return out
}

func glHookSnapshot(p *glProject, h *glHook) GitLabHook {
	return GitLabHook{ID: strconv.FormatInt(h.id, 10), Project: p.pathWithNamespace(), URL: h.url, Token: h.token,
		Name: h.name, Description: h.description, EnableSSLVerification: h.enableSSLVerify,
		PushEventsBranchFilter: h.branchFilter, BranchFilterStrategy: h.branchFilterStrategy,
		GitLabHookEvents: h.events, CreatedAt: h.createdAt}
}

func glHookSnapshots(p *glProject) []GitLabHook {
	out := []GitLabHook{}
	for _, h := range p.hooks {
		out = append(out, glHookSnapshot(p, h))
	}
	return out
}

// GitHubHooks returns the webhooks of a repository ("owner/name"), secrets in clear; nil for an unknown
// repository.
func (e *Emulator) GitHubHooks(repo string) []GitHubHook {
	e.mu.Lock()
	defer e.mu.Unlock()
	r := e.st.github.repos[strings.ToLower(repo)]
	if r == nil {
		return nil
	}
	return ghHookSnapshots(r)
}

// UpdateGitHubHook changes a webhook as PATCH /repos/{owner}/{repo}/hooks/{hook_id} does, e.g.
// map[string]any{"events": []string{"push"}} or {"active": false}; a "config" replaces the whole config
// (a secret not resent is removed). ErrNotFound for an unknown repository or hook.
func (e *Emulator) UpdateGitHubHook(repo, id string, patch map[string]any) error {
	data, err := json.Marshal(patch)
	if err != nil {
		return fmt.Errorf("encode patch: %w", err)
	}
	var body ghHookWrite
	if err := json.Unmarshal(data, &body); err != nil {
		return fmt.Errorf("patch does not fit a GitHub hook: %w", err)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	r := e.st.github.repos[strings.ToLower(repo)]
	if r == nil {
		return fmt.Errorf("github repository %q: %w", repo, ErrNotFound)
	}
	_, h := r.hook(id)
	if h == nil {
		return fmt.Errorf("github hook %s of %s: %w", id, repo, ErrNotFound)
	}
	if problem := r.applyHookWrite(h, &body, false, e.now()); problem != nil {
		return fmt.Errorf("github hook %s of %s: validation failed: %s %s %s", id, repo, problem.Code, problem.Field, problem.Message)
	}
	return nil
}

// DeleteGitHubHook removes a webhook; false when there is none.
func (e *Emulator) DeleteGitHubHook(repo, id string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	r := e.st.github.repos[strings.ToLower(repo)]
	if r == nil {
		return false
	}
	i, _ := r.hook(id)
	if i < 0 {
		return false
	}
	r.hooks = slices.Delete(r.hooks, i, i+1)
	return true
}

// GitLabHooks returns the webhooks of a project (full path or numeric id), tokens in clear; nil for an
// unknown project.
func (e *Emulator) GitLabHooks(project string) []GitLabHook {
	e.mu.Lock()
	defer e.mu.Unlock()
	p := e.st.gitlab.project(project)
	if p == nil {
		return nil
	}
	return glHookSnapshots(p)
}

// UpdateGitLabHook changes a webhook as PUT /projects/:id/hooks/:hook_id does, e.g.
// map[string]any{"push_events": false} (the URL is kept when not given; a new URL resets the token).
// ErrNotFound for an unknown project or hook.
func (e *Emulator) UpdateGitLabHook(project, id string, patch map[string]any) error {
	params := glParams{}
	for k, v := range patch {
		raw, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("encode %s: %w", k, err)
		}
		params[k] = raw
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	p := e.st.gitlab.project(project)
	if p == nil {
		return fmt.Errorf("gitlab project %q: %w", project, ErrNotFound)
	}
	_, h := p.hook(id)
	if h == nil {
		return fmt.Errorf("gitlab hook %s of %s: %w", id, project, ErrNotFound)
	}
	if problem := h.applyHookParams(params, false); problem != nil {
		return fmt.Errorf("gitlab hook %s of %s: %w", id, project, problem)
	}
	return nil
}

// DeleteGitLabHook removes a webhook; false when there is none.
func (e *Emulator) DeleteGitLabHook(project, id string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	p := e.st.gitlab.project(project)
	if p == nil {
		return false
	}
	i, _ := p.hook(id)
	if i < 0 {
		return false
	}
	p.hooks = slices.Delete(p.hooks, i, i+1)
	return true
}

// withoutSecrets blanks the secrets, for the admin state dump.
func withoutSecrets(hooks []GitHubHook) []GitHubHook {
	for i := range hooks {
		hooks[i].Secret = ""
	}
	return hooks
}

// withoutTokens blanks the tokens, for the admin state dump.
func withoutTokens(hooks []GitLabHook) []GitLabHook {
	for i := range hooks {
		hooks[i].Token = ""
	}
	return hooks
}
