package githost

import (
	"strings"
	"testing"
)

// FuzzParseRepositoryURL: whatever the input, the parser does not panic, and what it accepts is
// consistent: a non-empty lower-case host, an owner of non-empty segments, a name without "/" or ".git",
// repository = owner/name, and the https URL built from host and repository parses back to the same
// owner and name. An error never repeats a password. Seed corpus: testdata/fuzz/FuzzParseRepositoryURL.
func FuzzParseRepositoryURL(f *testing.F) {
	f.Add("git@github.com:octocat/hello-world.git")
	f.Add("https://gitlab.com/group/sub/project.git")
	f.Fuzz(func(t *testing.T, raw string) {
		got, err := ParseRepositoryURL(raw)
		if err != nil {
			if strings.Contains(raw, ":fuzz-secret@") && strings.Contains(err.Error(), "fuzz-secret") {
				t.Fatalf("%q: error repeats the password: %v", raw, err)
			}
			return
		}
		if got.Host == "" || got.Host != strings.ToLower(got.Host) || got.Name == "" || strings.Contains(got.Name, "/") ||
			strings.HasSuffix(got.Name, ".git") || got.Repository != got.Owner+"/"+got.Name {
			t.Fatalf("%q: inconsistent %+v", raw, got)
		}
		for _, s := range strings.Split(got.Owner, "/") {
			if s == "" || s == "." || s == ".." {
				t.Fatalf("%q: owner segment %q in %+v", raw, s, got)
			}
		}
		again, err := ParseRepositoryURL("https://" + got.Host + "/" + got.Repository + ".git")
		if err != nil || again.Owner != got.Owner || again.Name != got.Name || again.GitProvider != got.GitProvider {
			t.Fatalf("%q: %+v does not round-trip: %+v, %v", raw, got, again, err)
		}
	})
}
