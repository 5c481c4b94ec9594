package emulator

import (
	"crypto/sha1" //nolint:gosec // fake commit SHAs only need git's shape, not collision resistance
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// Deterministic identifiers: the same sequence of requests after Reset gives the same ids, which keeps
// test output and recorded examples stable.

// netlifyHexID is a 24-hex-character id like Netlify's deploy key and build hook ids.
func netlifyHexID(kind string, n int) string {
	sum := sha256.Sum256(fmt.Appendf(nil, "netlify/%s/%d", kind, n))
	return hex.EncodeToString(sum[:12])
}

// netlifySiteID is a UUID-shaped id like Netlify's site ids.
func netlifySiteID(n int) string {
	sum := sha256.Sum256(fmt.Appendf(nil, "netlify/site/%d", n))
	h := hex.EncodeToString(sum[:16])
	return h[0:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:32]
}

var (
	siteAdjectives = []string{"amazing", "brave", "calm", "dazzling", "eager", "fancy", "gentle", "happy",
		"jolly", "keen", "lively", "merry", "nimble", "polite", "quiet", "silly", "sunny", "tranquil", "vibrant", "witty"}
	siteNouns = []string{"babbage", "curie", "darwin", "einstein", "fermi", "galileo", "hopper", "joule",
		"kepler", "lovelace", "newton", "pasteur", "ramanujan", "tesla", "turing", "volta"}
)

// netlifySiteName is a generated site name in Netlify's adjective-noun-hex style.
func netlifySiteName(n int) string {
	adjective := siteAdjectives[n%len(siteAdjectives)]
	noun := siteNouns[(n/len(siteAdjectives))%len(siteNouns)]
	return adjective + "-" + noun + "-" + netlifyHexID("name", n)[:6]
}

// commitSHA is a fake but stable 40-hex-character commit id for a branch head.
func commitSHA(host, repo, branch string) string {
	sum := sha1.Sum(fmt.Appendf(nil, "%s/%s/%s", host, repo, branch)) //nolint:gosec // see import
	return hex.EncodeToString(sum[:])
}

// firstHookID is where webhook ids start on both git hosts, so that they never look like key or repo ids.
const firstHookID = 400001

// headSHA is the current head of a branch: the SHA a push gave it, else its stable seeded SHA.
func headSHA(heads map[string]string, host, repo, branch string) string {
	if sha, ok := heads[branch]; ok {
		return sha
	}
	return commitSHA(host, repo, branch)
}

// pushedSHA is the new head after a push on top of before; stable for the same history.
func pushedSHA(before string) string {
	sum := sha1.Sum([]byte("push/" + before)) //nolint:gosec // see import
	return hex.EncodeToString(sum[:])
}
