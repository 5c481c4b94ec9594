package emulator

import (
	"strings"
	"time"
)

// Push event payloads, with the fields receivers (Netlify among them) read. GitHub: "Webhook events and
// payloads" → push; GitLab: "Webhook events" → Push events.

// ---- GitHub ----

type ghPushRepoJSON struct {
	ID            int64       `json:"id"`
	NodeID        string      `json:"node_id"`
	Name          string      `json:"name"`
	FullName      string      `json:"full_name"`
	Private       bool        `json:"private"`
	Visibility    string      `json:"visibility"`
	Owner         ghOwnerJSON `json:"owner"`
	HTMLURL       string      `json:"html_url"`
	Description   *string     `json:"description"`
	Fork          bool        `json:"fork"`
	URL           string      `json:"url"`
	CloneURL      string      `json:"clone_url"`
	SSHURL        string      `json:"ssh_url"`
	DefaultBranch string      `json:"default_branch"`
	MasterBranch  string      `json:"master_branch"`
	Archived      bool        `json:"archived"`
	CreatedAt     int64       `json:"created_at"` // Unix seconds: push payloads differ from the REST API here
	PushedAt      int64       `json:"pushed_at"`
}

type ghPushPersonJSON struct {
	Name     string `json:"name"`
	Email    string `json:"email"`
	Username string `json:"username,omitempty"`
}

type ghPushCommitJSON struct {
	ID        string           `json:"id"`
	TreeID    string           `json:"tree_id"`
	Distinct  bool             `json:"distinct"`
	Message   string           `json:"message"`
	Timestamp string           `json:"timestamp"`
	URL       string           `json:"url"`
	Author    ghPushPersonJSON `json:"author"`
	Committer ghPushPersonJSON `json:"committer"`
	Added     []string         `json:"added"`
	Removed   []string         `json:"removed"`
	Modified  []string         `json:"modified"`
}

type ghPushJSON struct {
	Ref        string             `json:"ref"`
	Before     string             `json:"before"`
	After      string             `json:"after"`
	Repository ghPushRepoJSON     `json:"repository"`
	Pusher     ghPushPersonJSON   `json:"pusher"`
	Sender     ghOwnerJSON        `json:"sender"`
	Created    bool               `json:"created"`
	Deleted    bool               `json:"deleted"`
	Forced     bool               `json:"forced"`
	BaseRef    *string            `json:"base_ref"`
	Compare    string             `json:"compare"`
	Commits    []ghPushCommitJSON `json:"commits"`
	HeadCommit *ghPushCommitJSON  `json:"head_commit"`
}

// pusherOf picks who pushes: the owning user, else the first user with access.
func (gh *githubState) pusherOf(r *ghRepo) *ghUser {
	for _, u := range gh.users {
		if u.isMember(r) {
			return u
		}
	}
	if len(gh.users) > 0 {
		return gh.users[0]
	}
	return &ghUser{login: "emulator"}
}

func ownerFor(base, login string, id int64, typ string) ghOwnerJSON {
	kind, prefix := "users", "U_"
	if typ == "Organization" {
		kind, prefix = "orgs", "O_"
	}
	return ghOwnerJSON{Login: login, ID: id, NodeID: ghNodeID(prefix, id), Type: typ,
		URL: base + GitHubPrefix + "/" + kind + "/" + login, HTMLURL: base + "/github/" + login}
}

func (gh *githubState) pushPayload(r *ghRepo, res PushResult, base string, now time.Time) ghPushJSON {
	full := r.fullName()
	web := base + "/github/" + full
	pusher := gh.pusherOf(r)
	person := ghPushPersonJSON{Name: pusher.login, Email: pusher.login + "@users.noreply.example", Username: pusher.login}
	commit := ghPushCommitJSON{ID: res.After, TreeID: pushedSHA("tree/" + res.After), Distinct: true,
		Message: "Emulated push to " + res.Branch, Timestamp: now.Format(time.RFC3339), URL: web + "/commit/" + res.After,
		Author: person, Committer: person, Added: []string{}, Removed: []string{}, Modified: []string{"README.md"}}
	return ghPushJSON{
		Ref: "refs/heads/" + res.Branch, Before: res.Before, After: res.After,
		Repository: ghPushRepoJSON{ID: r.id, NodeID: ghNodeID("R_", r.id), Name: r.name, FullName: full,
			Private: r.private, Visibility: r.visibility, Owner: ownerFor(base, r.ownerLogin, r.ownerID, r.ownerType),
			HTMLURL: web, Description: nullable(r.description), Fork: r.fork, URL: web,
			CloneURL: web + ".git", SSHURL: "git@" + hostOf(base) + ":" + full + ".git",
			DefaultBranch: r.defaultBranch, MasterBranch: r.defaultBranch, Archived: r.archived,
			CreatedAt: r.createdAt.Unix(), PushedAt: r.pushedAt.Unix()},
		Pusher:  ghPushPersonJSON{Name: person.Name, Email: person.Email},
		Sender:  ownerFor(base, pusher.login, pusher.id, "User"),
		Created: res.Created, Compare: web + "/compare/" + res.Before[:12] + "..." + res.After[:12],
		Commits: []ghPushCommitJSON{commit}, HeadCommit: &commit,
	}
}

// hostOf is the host name of a base URL, for ssh URLs.
func hostOf(base string) string {
	host := base
	if _, rest, ok := strings.Cut(base, "://"); ok {
		host = rest
	}
	if h, _, ok := strings.Cut(host, ":"); ok {
		return h
	}
	return host
}

// ---- GitLab ----

type glPushProjectJSON struct {
	ID                int64   `json:"id"`
	Name              string  `json:"name"`
	Description       *string `json:"description"`
	WebURL            string  `json:"web_url"`
	AvatarURL         *string `json:"avatar_url"`
	GitSSHURL         string  `json:"git_ssh_url"`
	GitHTTPURL        string  `json:"git_http_url"`
	Namespace         string  `json:"namespace"`
	VisibilityLevel   int     `json:"visibility_level"`
	PathWithNamespace string  `json:"path_with_namespace"`
	DefaultBranch     string  `json:"default_branch"`
	Homepage          string  `json:"homepage"`
	URL               string  `json:"url"`
	SSHURL            string  `json:"ssh_url"`
	HTTPURL           string  `json:"http_url"`
}

type glPushRepositoryJSON struct {
	Name            string  `json:"name"`
	URL             string  `json:"url"`
	Description     *string `json:"description"`
	Homepage        string  `json:"homepage"`
	GitHTTPURL      string  `json:"git_http_url"`
	GitSSHURL       string  `json:"git_ssh_url"`
	VisibilityLevel int     `json:"visibility_level"`
}

type glPushAuthorJSON struct {
	Name  string `json:"name"`
	Email string `json:"email"`
}

type glPushCommitJSON struct {
	ID        string           `json:"id"`
	Message   string           `json:"message"`
	Title     string           `json:"title"`
	Timestamp string           `json:"timestamp"`
	URL       string           `json:"url"`
	Author    glPushAuthorJSON `json:"author"`
	Added     []string         `json:"added"`
	Modified  []string         `json:"modified"`
	Removed   []string         `json:"removed"`
}

type glPushJSON struct {
	ObjectKind        string               `json:"object_kind"`
	EventName         string               `json:"event_name"`
	Before            string               `json:"before"`
	After             string               `json:"after"`
	Ref               string               `json:"ref"`
	RefProtected      bool                 `json:"ref_protected"`
	CheckoutSHA       string               `json:"checkout_sha"`
	Message           *string              `json:"message"`
	UserID            int64                `json:"user_id"`
	UserName          string               `json:"user_name"`
	UserUsername      string               `json:"user_username"`
	UserEmail         string               `json:"user_email"`
	UserAvatar        string               `json:"user_avatar"`
	ProjectID         int64                `json:"project_id"`
	Project           glPushProjectJSON    `json:"project"`
	Commits           []glPushCommitJSON   `json:"commits"`
	TotalCommitsCount int                  `json:"total_commits_count"`
	PushOptions       map[string]any       `json:"push_options"`
	Repository        glPushRepositoryJSON `json:"repository"`
}

// visibilityLevel is GitLab's numeric visibility in payloads.
func visibilityLevel(v string) int {
	switch v {
	case "public":
		return 20
	case "internal":
		return 10
	}
	return 0
}

func (gl *gitlabState) pusherOf(p *glProject) *glUser {
	for _, u := range gl.users {
		if u.isMember(p) {
			return u
		}
	}
	if len(gl.users) > 0 {
		return gl.users[0]
	}
	return &glUser{username: "emulator"}
}

func (gl *gitlabState) pushPayload(p *glProject, res PushResult, base string, now time.Time) glPushJSON {
	full := p.pathWithNamespace()
	web := base + "/gitlab/" + full
	sshURL := "git@" + hostOf(base) + ":" + full + ".git"
	level := visibilityLevel(p.visibility)
	u := gl.pusherOf(p)
	commit := glPushCommitJSON{ID: res.After, Message: "Emulated push to " + res.Branch + "\n",
		Title: "Emulated push to " + res.Branch, Timestamp: now.Format(time.RFC3339), URL: web + "/-/commit/" + res.After,
		Author: glPushAuthorJSON{Name: u.username, Email: "[REDACTED]"}, Added: []string{}, Modified: []string{"README.md"},
		Removed: []string{}}
	return glPushJSON{
		ObjectKind: "push", EventName: "push", Before: res.Before, After: res.After, Ref: "refs/heads/" + res.Branch,
		RefProtected: res.Branch == p.defaultBranch, CheckoutSHA: res.After,
		UserID: u.id, UserName: u.username, UserUsername: u.username, ProjectID: p.id,
		Project: glPushProjectJSON{ID: p.id, Name: p.name, Description: nullable(p.description), WebURL: web,
			GitSSHURL: sshURL, GitHTTPURL: web + ".git", Namespace: p.namespace, VisibilityLevel: level,
			PathWithNamespace: full, DefaultBranch: p.defaultBranch, Homepage: web, URL: sshURL, SSHURL: sshURL,
			HTTPURL: web + ".git"},
		Commits: []glPushCommitJSON{commit}, TotalCommitsCount: 1, PushOptions: map[string]any{},
		Repository: glPushRepositoryJSON{Name: p.name, URL: sshURL, Description: nullable(p.description), Homepage: web,
			GitHTTPURL: web + ".git", GitSSHURL: sshURL, VisibilityLevel: level},
	}
}
