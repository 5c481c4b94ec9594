package githost

import (
	"strings"
	"testing"
)

func TestValidateRepository(t *testing.T) {
	tests := []struct {
		kind, repo string
		wantErr    string // "" means valid
	}{
		{GitHub, "octocat/hello-world", ""},
		{GitHub, "octo-cat/Hello.World_2", ""},
		{GitHub, "a/b", ""},
		{GitHub, "0/.github", ""},
		{GitHub, strings.Repeat("a", 39) + "/x", ""},
		{GitHub, "octocat_acme/repo", ""}, // Enterprise Managed User
		{GitHub, "octocat/..dots", ""},
		{GitHub, "", `must be "owner/name"`},
		{GitHub, "octocat", `must be "owner/name"`},
		{GitHub, "octocat/hello/world", `must be "owner/name"`},
		{GitHub, "/hello", "owner is empty"},
		{GitHub, "octocat/", "name is empty"},
		{GitHub, "-octo/x", "must not start or end with a hyphen"},
		{GitHub, "octo-/x", "must not start or end with a hyphen"},
		{GitHub, "oc--to/x", "single hyphens"},
		{GitHub, "oc.to/x", "single hyphens"},
		{GitHub, strings.Repeat("a", 40) + "/x", "longer than 39"},
		{GitHub, "octocat/" + strings.Repeat("n", 101), "longer than 100"},
		{GitHub, "octocat/..", "not allowed"},
		{GitHub, "octocat/.", "not allowed"},
		{GitHub, "octocat/hello world", "may only hold"},
		{GitHub, "octocat/héllo", "may only hold"},
		{GitHub, "octocat/a%2Fb", "may only hold"},
		{GitHub, "octocat/a?b", "may only hold"},
		{GitHub, "_acme/x", "must start with a letter or digit"},
		{GitHub, "octo_/x", "shortcode"},
		{GitHub, "octo_a-b/x", "shortcode"},

		{GitLab, "gitlab-org/gitlab", ""},
		{GitLab, "group/subgroup/deeper/name", ""},
		{GitLab, "my_group/my.project-1", ""},
		{GitLab, "_group/.hidden", ""},
		{GitLab, "gitlab", "full path"},
		{GitLab, "", "full path"},
		{GitLab, "group//name", "is empty"},
		{GitLab, "/group/name", "is empty"},
		{GitLab, "group/name/", "is empty"},
		{GitLab, "group/../name", "not allowed"},
		{GitLab, "group/.", "not allowed"},
		{GitLab, "group/-name", "must not start with '-'"},
		{GitLab, "group/name.git", ".git"},
		{GitLab, "group.atom/name", ".atom"},
		{GitLab, "group/na me", "may only hold"},
		{GitLab, "group/na%2Fme", "may only hold"},
		{GitLab, "group/" + strings.Repeat("p", 256), "longer than 255"},

		{"bitbucket", "a/b", "unknown git host kind"},
		{"", "a/b", "unknown git host kind"},
	}
	for _, tt := range tests {
		t.Run(tt.kind+":"+tt.repo, func(t *testing.T) {
			err := ValidateRepository(tt.kind, tt.repo)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("ValidateRepository(%q, %q) = %v, want nil", tt.kind, tt.repo, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("ValidateRepository(%q, %q) = %v, want an error containing %q", tt.kind, tt.repo, err, tt.wantErr)
			}
		})
	}
}

// Every error tells the user what a right value looks like.
func TestValidateRepositorySaysWhatIsRight(t *testing.T) {
	if err := ValidateRepository(GitHub, "x"); err == nil || !strings.Contains(err.Error(), `"octocat/hello-world"`) {
		t.Errorf("GitHub error %v does not show an example", err)
	}
	if err := ValidateRepository(GitLab, "x/-y"); err == nil || !strings.Contains(err.Error(), `"gitlab-org/gitlab"`) {
		t.Errorf("GitLab error %v does not show an example", err)
	}
}

func FuzzValidateRepository(f *testing.F) {
	for _, seed := range []string{
		"octocat/hello-world", "a/b/c", "", "/", "//", "..", "a/..", "a/.", "-a/b", "a_b/c", "a/b.git",
		"g/s/p.atom", "a/%2e%2e", "a\x00/b", "ü/ö", strings.Repeat("a/", 50),
	} {
		f.Add(GitHub, seed)
		f.Add(GitLab, seed)
	}
	f.Fuzz(func(t *testing.T, kind, repo string) {
		err := ValidateRepository(kind, repo)
		if err != nil {
			return
		}
		// Whatever passes must be safe to put into a URL path segment by segment.
		segments := strings.Split(repo, "/")
		if len(segments) < 2 || (kind == GitHub && len(segments) != 2) {
			t.Fatalf("ValidateRepository(%q, %q) accepted %d segments", kind, repo, len(segments))
		}
		for _, segment := range segments {
			if segment == "" || segment == "." || segment == ".." {
				t.Fatalf("ValidateRepository(%q, %q) accepted segment %q", kind, repo, segment)
			}
			for _, r := range segment {
				if r >= 128 || !isPathChar(byte(r)) {
					t.Fatalf("ValidateRepository(%q, %q) accepted character %q", kind, repo, r)
				}
			}
		}
	})
}
