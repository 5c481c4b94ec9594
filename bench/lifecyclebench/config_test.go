package lifecyclebench

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseChainCounts(t *testing.T) {
	got, err := ParseChainCounts(" 200,10, 50,10,,100 ")
	if err != nil || !slices.Equal(got, []int{10, 50, 100, 200}) {
		t.Errorf("got %v, %v; want sorted, without duplicates", got, err)
	}
	if _, err := ParseChainCounts("10,ten"); err == nil {
		t.Error("a word: want an error")
	}
}

func TestParseHosts(t *testing.T) {
	if got := ParseHosts("GitHub, gitlab,github"); !slices.Equal(got, []string{"github", "gitlab"}) {
		t.Errorf("got %v", got)
	}
}

func TestParsePlatforms(t *testing.T) {
	if got := ParsePlatforms(" Dokploy,netlify,dokploy, "); !slices.Equal(got, []string{"dokploy", "netlify"}) {
		t.Errorf("got %v", got)
	}
}

func TestValidate(t *testing.T) {
	if err := DefaultConfig().Validate(); err != nil {
		t.Errorf("default configuration: %v", err)
	}
	if got := DefaultConfig().Platforms; !slices.Equal(got, []string{"netlify", "dokploy"}) {
		t.Errorf("default platforms %v, want both", got)
	}
	if got := DefaultConfig().Hosts; !slices.Equal(got, []string{"github", "gitlab", "bitbucket", "gitea"}) {
		t.Errorf("default hosts %v, want all four", got)
	}
	bad := Config{ChainCounts: []int{0, 10}, PlanOnlyCounts: []int{10, -1}, Platforms: []string{"vercel"}, Hosts: []string{"svn"},
		Latency: -time.Second, GitHubWriteInterval: -1, SetupChunk: -1, NetlifyLimit: -1}
	err := bad.Validate()
	if err == nil {
		t.Fatal("want errors")
	}
	if err := (Config{ChainCounts: []int{1}, Hosts: []string{"github"}, OutDir: "x"}).Validate(); err == nil ||
		!strings.Contains(err.Error(), "no platforms") {
		t.Errorf("no platforms: %v", err)
	}
	for _, part := range []string{"chain count 0", `"vercel"`, `"svn"`, "latency", "write interval", "output directory",
		"10 is both measured whole and plan-only", "plan-only chain count -1", "setup chunk", "Netlify rate limit"} {
		if !strings.Contains(err.Error(), part) {
			t.Errorf("error %q does not mention %s", err, part)
		}
	}
}

func TestSupported(t *testing.T) {
	for _, kind := range []string{"netlify", "dokploy"} {
		for _, host := range BenchHosts {
			ok, why := Supported(kind, host)
			if want := kind != "netlify" || host != "gitea"; ok != want || (ok == (why != "")) {
				t.Errorf("Supported(%s, %s) = %v, %q; want %v with a reason only when unsupported", kind, host, ok, why, want)
			}
		}
	}
}
