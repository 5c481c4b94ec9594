package gitlab

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzProjectPath: a project path the client accepts is escaped into exactly one path segment (GitLab's
// :id), which decodes back to the path, and cannot be "." or "..". Seed corpus:
// testdata/fuzz/FuzzProjectPath.
func FuzzProjectPath(f *testing.F) {
	f.Add("group/subgroup/app")
	f.Fuzz(func(t *testing.T, repo string) {
		escaped, err := projectPath(repo)
		if err != nil {
			return
		}
		u, err := url.Parse("https://gitlab.example/api/v4/projects/" + escaped + "/hooks")
		if err != nil {
			t.Fatalf("%q: URL does not parse: %v", repo, err)
		}
		segments := strings.Split(strings.TrimPrefix(u.EscapedPath(), "/api/v4/projects/"), "/")
		if len(segments) != 2 || segments[1] != "hooks" || u.RawQuery != "" || u.Fragment != "" {
			t.Fatalf("%q left its segment: %s", repo, u)
		}
		if escaped == "." || escaped == ".." {
			t.Fatalf("%q escapes to %q", repo, escaped)
		}
		if back, err := url.PathUnescape(segments[0]); err != nil || back != repo {
			t.Fatalf("%q came back as %q (%v)", repo, back, err)
		}
	})
}
