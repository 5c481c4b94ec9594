package gitea

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzRepositoryPath: a repository the client accepts becomes exactly two path segments under /repos/
// once the SDK escapes them (url.PathEscape, as its escapeValidatePathSegments does), owner and name,
// that decode back to what the user wrote; neither can climb out ("." or ".."), and nothing reaches the
// query or fragment. Seed corpus: testdata/fuzz/FuzzRepositoryPath.
func FuzzRepositoryPath(f *testing.F) {
	f.Add("gitea/tea")
	f.Fuzz(func(t *testing.T, repo string) {
		owner, name, err := splitRepository(repo)
		if err != nil {
			return
		}
		u, err := url.Parse("https://gitea.example/api/v1/repos/" + url.PathEscape(owner) + "/" + url.PathEscape(name) + "/keys")
		if err != nil {
			t.Fatalf("%q: URL does not parse: %v", repo, err)
		}
		segments := strings.Split(strings.TrimPrefix(u.EscapedPath(), "/api/v1/repos/"), "/")
		if len(segments) != 3 || segments[2] != "keys" || u.RawQuery != "" || u.Fragment != "" {
			t.Fatalf("%q left its segments: %s", repo, u)
		}
		for _, s := range segments[:2] {
			if s == "." || s == ".." || s == "" {
				t.Fatalf("%q gives the segment %q", repo, s)
			}
		}
		o, err1 := url.PathUnescape(segments[0])
		n, err2 := url.PathUnescape(segments[1])
		if err1 != nil || err2 != nil || o+"/"+n != repo {
			t.Fatalf("%q came back as %q/%q", repo, o, n)
		}
	})
}
