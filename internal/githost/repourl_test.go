package githost

import (
	"strings"
	"testing"
)

// Real-world clone URL forms of every host the provider knows.
func TestParseRepositoryURL(t *testing.T) {
	tests := []struct {
		in                            string
		kind, host, owner, name, repo string
	}{
		// GitHub
		{"https://github.com/octocat/Hello-World.git", "github", "github.com", "octocat", "Hello-World", "octocat/Hello-World"},
		{"https://github.com/octocat/Hello-World", "github", "github.com", "octocat", "Hello-World", "octocat/Hello-World"},
		{"https://github.com/octocat/Hello-World/", "github", "github.com", "octocat", "Hello-World", "octocat/Hello-World"},
		{"git@github.com:octocat/Hello-World.git", "github", "github.com", "octocat", "Hello-World", "octocat/Hello-World"},
		{"ssh://git@github.com/octocat/Hello-World.git", "github", "github.com", "octocat", "Hello-World", "octocat/Hello-World"},
		{"ssh://git@ssh.github.com:443/octocat/Hello-World.git", "github", "github.com", "octocat", "Hello-World", "octocat/Hello-World"},
		{"git://github.com/octocat/Hello-World.git", "github", "github.com", "octocat", "Hello-World", "octocat/Hello-World"},
		{"https://x-access-token:ghs_secret@github.com/octocat/Hello-World.git", "github", "github.com", "octocat", "Hello-World", "octocat/Hello-World"},
		{"https://www.GitHub.com/octocat/hello.world.js", "github", "github.com", "octocat", "hello.world.js", "octocat/hello.world.js"},
		{"https://github.com/octocat/Hello-World/tree/main/docs", "github", "github.com", "octocat", "Hello-World", "octocat/Hello-World"},
		{"  git@github.com:octocat/Hello-World.git\n", "github", "github.com", "octocat", "Hello-World", "octocat/Hello-World"},
		// GitHub Enterprise Server
		{"https://ghe.example.com/platform/website.git", "", "ghe.example.com", "platform", "website", "platform/website"},
		{"https://ghe.example.com:8443/platform/website.git", "", "ghe.example.com:8443", "platform", "website", "platform/website"},
		{"git@ghe.example.com:platform/website.git", "", "ghe.example.com", "platform", "website", "platform/website"},
		// GitLab, with subgroups
		{"https://gitlab.com/gitlab-org/gitlab.git", "gitlab", "gitlab.com", "gitlab-org", "gitlab", "gitlab-org/gitlab"},
		{"https://gitlab.com/gitlab-org/api/client-go.git", "gitlab", "gitlab.com", "gitlab-org/api", "client-go", "gitlab-org/api/client-go"},
		{"git@gitlab.com:group/sub/subsub/project.git", "gitlab", "gitlab.com", "group/sub/subsub", "project", "group/sub/subsub/project"},
		{"https://gitlab.com/group/sub/project/-/tree/main", "gitlab", "gitlab.com", "group/sub", "project", "group/sub/project"},
		{"ssh://git@gitlab.example.com:2222/team/frontend/app.git", "", "gitlab.example.com", "team/frontend", "app", "team/frontend/app"},
		{"ssh://git@altssh.gitlab.com:443/group/project.git", "gitlab", "gitlab.com", "group", "project", "group/project"},
		{"https://oauth2:glpat-secret@gitlab.example.com/team/app.git", "", "gitlab.example.com", "team", "app", "team/app"},
		// Bitbucket Cloud workspaces
		{"https://bitbucket.org/my-workspace/my-repo.git", "bitbucket", "bitbucket.org", "my-workspace", "my-repo", "my-workspace/my-repo"},
		{"https://jdoe@bitbucket.org/my-workspace/my-repo.git", "bitbucket", "bitbucket.org", "my-workspace", "my-repo", "my-workspace/my-repo"},
		{"git@bitbucket.org:my-workspace/my-repo.git", "bitbucket", "bitbucket.org", "my-workspace", "my-repo", "my-workspace/my-repo"},
		{"https://bitbucket.org/my-workspace/my-repo/src/main/", "bitbucket", "bitbucket.org", "my-workspace", "my-repo", "my-workspace/my-repo"},
		// Gitea and Forgejo
		{"https://gitea.example.com/org/app.git", "", "gitea.example.com", "org", "app", "org/app"},
		{"ssh://git@codeberg.org/forgejo/forgejo.git", "", "codeberg.org", "forgejo", "forgejo", "forgejo/forgejo"},
		{"http://127.0.0.1:3000/demo/website", "", "127.0.0.1:3000", "demo", "website", "demo/website"},
		{"https://[::1]/demo/website", "", "[::1]", "demo", "website", "demo/website"},
		{"git+ssh://git@gitea.example.com/org/app.git", "", "gitea.example.com", "org", "app", "org/app"},
	}
	for _, tt := range tests {
		got, err := ParseRepositoryURL(tt.in)
		if err != nil {
			t.Errorf("%q: %v", tt.in, err)
			continue
		}
		want := RepositoryURL{GitProvider: tt.kind, Host: tt.host, Owner: tt.owner, Name: tt.name, Repository: tt.repo}
		if got != want {
			t.Errorf("%q:\n got %+v\nwant %+v", tt.in, got, want)
		}
	}
}

func TestParseRepositoryURLErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "empty"},
		{"octocat/hello-world", "neither a URL"},
		{"/home/me/repo.git", "neither a URL"},
		{"file:///srv/git/repo.git", `scheme "file"`},
		{"ftp://example.com/o/r.git", `scheme "ftp"`},
		{"https://github.com/", "no repository path"},
		{"https://github.com/octocat", "names no owner"},
		{"git@github.com:octocat.git", "names no owner"},
		{"https://github.com/octocat/.git", "empty segment"},
		{"https://gitlab.com/group//project.git", "empty segment"},
		{"https://gitlab.com/group/../project.git", `".." segment`},
		{"https://gitlab.com/group/pro%20ject.git", "may only hold"},
		{"https://exa mple.com/o/r", "whitespace"},
		{"https:///o/r", "no host"},
		{"https://-bad-.example/o/r", "not a host name"},
		{"https://user:hunter2@example.com:notaport/o/r", "not a URL"},
		{"https://user:hunter2@example.com/only-one", "names no owner"},
		{"mailto:someone@example.com", "names no owner"},
		{strings.Repeat("a", 3000), "longer than"},
	}
	for _, tt := range tests {
		_, err := ParseRepositoryURL(tt.in)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: error %v, want one saying %q", tt.in, err, tt.want)
			continue
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%q: the error repeats the password: %v", tt.in, err)
		}
	}
}
