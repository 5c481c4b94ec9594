// Package buildversion names the version of a binary of this module: the one a release build stamps
// with -ldflags "-X main.version=...", else the module version `go install ...@vX.Y.Z` records.
package buildversion

import (
	"runtime/debug"
	"strings"
)

// Unstamped is the version variable's value in a build that did not stamp one.
const Unstamped = "dev"

// Resolve returns stamped when a release build set it, else the main module's version from the build
// information (without its "v", as release archives name it), else Unstamped.
func Resolve(stamped string) string { return resolve(stamped, debug.ReadBuildInfo) }

func resolve(stamped string, buildInfo func() (*debug.BuildInfo, bool)) string {
	if stamped != "" && stamped != Unstamped {
		return stamped
	}
	// A build from a checkout records "(devel)", or nothing when version control stamping is off.
	if info, ok := buildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return strings.TrimPrefix(info.Main.Version, "v")
	}
	return Unstamped
}
