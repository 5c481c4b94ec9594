package github

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzSplitRepository: a repository the client accepts becomes exactly two path segments, owner and name,
// that decode back to what the user wrote; neither can climb out of /repos/ ("." or ".."). Seed corpus:
// testdata/fuzz/FuzzSplitRepository.
func FuzzSplitRepository(f *testing.F) {
	f.Add("octocat/hello-world")
	f.Fuzz(func(t *testing.T, repo string) {
		owner, name, err := splitRepository(repo)
		if err != nil {
			return
		}
		u, err := url.Parse("https://ghes.example/api/v3/repos/" + owner + "/" + name + "/keys")
		if err != nil {
			t.Fatalf("%q: URL does not parse: %v", repo, err)
		}
		segments := strings.Split(strings.TrimPrefix(u.EscapedPath(), "/api/v3/repos/"), "/")
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
