package bitbucket

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzRepositoryPath: a repository the client accepts becomes exactly two path segments under
// /repositories/, workspace and slug, that decode back to what the user wrote; neither can climb out
// ("." or ".."), and nothing reaches the query or fragment. Seed corpus: testdata/fuzz/FuzzRepositoryPath.
func FuzzRepositoryPath(f *testing.F) {
	f.Add("atlassian/python-bitbucket")
	f.Fuzz(func(t *testing.T, repo string) {
		path, err := repoPath(repo)
		if err != nil {
			return
		}
		u, err := url.Parse("https://api.bitbucket.org/2.0" + path + "/deploy-keys")
		if err != nil {
			t.Fatalf("%q: URL does not parse: %v", repo, err)
		}
		segments := strings.Split(strings.TrimPrefix(u.EscapedPath(), "/2.0/repositories/"), "/")
		if len(segments) != 3 || segments[2] != "deploy-keys" || u.RawQuery != "" || u.Fragment != "" {
			t.Fatalf("%q left its segments: %s", repo, u)
		}
		for _, s := range segments[:2] {
			if s == "." || s == ".." || s == "" {
				t.Fatalf("%q gives the segment %q", repo, s)
			}
		}
		ws, err1 := url.PathUnescape(segments[0])
		slug, err2 := url.PathUnescape(segments[1])
		if err1 != nil || err2 != nil || ws+"/"+slug != repo {
			t.Fatalf("%q came back as %q/%q", repo, ws, slug)
		}
	})
}
