package buildversion

import (
	"runtime/debug"
	"testing"
)

func TestResolve(t *testing.T) {
	installed := func(v string) func() (*debug.BuildInfo, bool) {
		return func() (*debug.BuildInfo, bool) {
			return &debug.BuildInfo{Main: debug.Module{Path: "github.com/gitdeploy/terraform-provider-gitdeploy", Version: v}}, true
		}
	}
	noInfo := func() (*debug.BuildInfo, bool) { return nil, false }
	for _, tc := range []struct {
		name, stamped string
		info          func() (*debug.BuildInfo, bool)
		want          string
	}{
		{"release build", "1.2.3", installed("v9.9.9"), "1.2.3"},
		{"go install of a tag", "dev", installed("v0.1.0"), "0.1.0"},
		{"go install of a pseudo-version", "dev", installed("v0.1.1-0.20250101000000-abcdef123456"), "0.1.1-0.20250101000000-abcdef123456"},
		{"build from a checkout", "dev", installed("(devel)"), "dev"},
		{"no version recorded", "dev", installed(""), "dev"},
		{"no build information", "dev", noInfo, "dev"},
		{"empty stamp", "", noInfo, "dev"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := resolve(tc.stamped, tc.info); got != tc.want {
				t.Errorf("resolve(%q) = %q, want %q", tc.stamped, got, tc.want)
			}
		})
	}
}
