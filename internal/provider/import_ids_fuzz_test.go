package provider

import (
	"net/url"
	"strings"
	"testing"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
)

// The seed corpora are committed under testdata/fuzz/<FuzzName>/; run a target longer with, e.g.,
// go test ./internal/provider -run '^$' -fuzz '^FuzzParseWebhookImportID$' -fuzztime 60s

// checkStaysInSegment fails when id, escaped as the clients escape path segments, would not be exactly one
// segment of a URL path holding the same id.
func checkStaysInSegment(t *testing.T, what, id string) {
	t.Helper()
	if err := checkIDSegment(what, id); err != nil {
		t.Fatalf("%s %q accepted by the parser but not by checkIDSegment: %v", what, id, err)
	}
	u, err := url.Parse("https://api.example/api/v1/sites/" + url.PathEscape(id) + "/x")
	if err != nil {
		t.Fatalf("%s %q: the URL does not parse: %v", what, id, err)
	}
	segments := strings.Split(strings.TrimPrefix(u.EscapedPath(), "/api/v1/sites/"), "/")
	if len(segments) != 2 || u.RawQuery != "" || u.Fragment != "" {
		t.Fatalf("%s %q left its segment: %q", what, id, u.String())
	}
	if back, err := url.PathUnescape(segments[0]); err != nil || back != id {
		t.Fatalf("%s %q came back as %q (%v)", what, id, back, err)
	}
}

func checkGitIDIsDecimal(t *testing.T, what, id string) {
	t.Helper()
	if err := checkGitID(what, id); err != nil {
		t.Fatalf("%s %q accepted by the parser but is not a positive decimal: %v", what, id, err)
	}
}

func FuzzParseDeployKeyImportID(f *testing.F) {
	f.Add("5f1a2b3c4d5e6f7a8b9c0d1e:github:octocat/website:123456")
	f.Add("5f1a2b3c4d5e6f7a8b9c0d1e:gitlab:group/sub/app")
	f.Fuzz(func(t *testing.T, raw string) {
		in, err := parseDeployKeyImportID(raw)
		if err != nil {
			return
		}
		checkStaysInSegment(t, "platform key id", in.ID)
		parts := []string{in.ID}
		if in.GitProvider != "" || in.Repository != "" || in.GitKeyID != "" {
			if err := githost.ValidateRepository(in.GitProvider, in.Repository); err != nil {
				t.Fatalf("%q: repository %q accepted: %v", raw, in.Repository, err)
			}
			parts = append(parts, in.GitProvider, in.Repository)
			if in.GitKeyID != "" || strings.Count(raw, ":") == 3 {
				checkGitIDIsDecimal(t, "git key id", in.GitKeyID)
				parts = append(parts, in.GitKeyID)
			}
		}
		if joined := strings.Join(parts, ":"); joined != raw {
			t.Fatalf("%q parsed into %+v, which is %q", raw, in, joined)
		}
	})
}

func FuzzParseWebhookImportID(f *testing.F) {
	f.Add("github:acme/website:12345678")
	f.Fuzz(func(t *testing.T, raw string) {
		in, err := parseWebhookImportID(raw)
		if err != nil {
			return
		}
		if err := githost.ValidateRepository(in.GitProvider, in.Repository); err != nil {
			t.Fatalf("%q: repository %q accepted: %v", raw, in.Repository, err)
		}
		checkGitIDIsDecimal(t, "webhook id", in.ID)
		parts := []string{in.GitProvider, in.Repository, in.ID}
		if in.SiteID != "" || in.BuildHookID != "" {
			checkStaysInSegment(t, "site id", in.SiteID)
			parts = append(parts, in.SiteID)
		}
		if in.BuildHookID != "" {
			checkStaysInSegment(t, "build hook id", in.BuildHookID)
			parts = append(parts, in.BuildHookID)
		}
		if joined := strings.Join(parts, ":"); joined != raw {
			t.Fatalf("%q parsed into %+v, which is %q", raw, in, joined)
		}
	})
}

func FuzzParseSiteImportIDs(f *testing.F) {
	f.Add("3f8a1c2e-4b5d-4e6f-8a9b-0c1d2e3f4a5b")
	f.Fuzz(func(t *testing.T, raw string) {
		if id, err := parseSiteImportID(raw); err == nil {
			if id != raw {
				t.Fatalf("site import %q became %q", raw, id)
			}
			checkStaysInSegment(t, "site id", id)
		}
		if id, err := parseRepoLinkImportID(raw); err == nil {
			if id != raw || strings.Contains(id, ":") {
				t.Fatalf("repo link import %q became %q", raw, id)
			}
			checkStaysInSegment(t, "site id", id)
		}
	})
}
