package emulator

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// GenerateSeed makes Count repositories (GitHub) or projects (GitLab) under Owner, named
// fmt.Sprintf(NamePattern, i) for i = 1..Count. Everything is deterministic: the same seed always
// gives the same names, ids and flags. The shares (0 to 1) pick round(share × Count) repositories,
// spread evenly and staggered so that the flags overlap little: ArchivedShare archived, ForkShare
// forks (GitLab: forked from "upstream/<name>"), PrivateShare private (the others public). Branches is
// how many branches each has, the default branch included (0 or 1: only the default branch); the
// others are named branch-0001, branch-0002, ...
type GenerateSeed struct {
	Owner         string  `json:"owner"` // GitHub organisation or user; GitLab group path or username
	Count         int     `json:"count"`
	NamePattern   string  `json:"name_pattern,omitempty"` // default "repo-%04d"
	ArchivedShare float64 `json:"archived_share,omitempty"`
	ForkShare     float64 `json:"fork_share,omitempty"`
	PrivateShare  float64 `json:"private_share,omitempty"`
	Branches      int     `json:"branches,omitempty"`
	DefaultBranch string  `json:"default_branch,omitempty"` // default "main"
}

// maxGenerated bounds one generator, so that a typo cannot exhaust memory.
const maxGenerated = 200000

func (g GenerateSeed) validate() error {
	switch {
	case g.Owner == "":
		return fmt.Errorf("generate: owner is required")
	case g.Count < 0 || g.Count > maxGenerated:
		return fmt.Errorf("generate %s: count must be between 0 and %d", g.Owner, maxGenerated)
	case g.Branches < 0 || g.Branches > maxGenerated:
		return fmt.Errorf("generate %s: branches must be between 0 and %d", g.Owner, maxGenerated)
	}
	for _, share := range []float64{g.ArchivedShare, g.ForkShare, g.PrivateShare} {
		if share < 0 || share > 1 || math.IsNaN(share) {
			return fmt.Errorf("generate %s: shares must be between 0 and 1", g.Owner)
		}
	}
	pattern := g.pattern()
	a, b := fmt.Sprintf(pattern, 1), fmt.Sprintf(pattern, 2)
	if a == b || strings.Contains(a, "%!") || strings.ContainsAny(a, "/ ") {
		return fmt.Errorf("generate %s: name_pattern %q must hold one integer verb such as %%04d and no slash or space", g.Owner, pattern)
	}
	return nil
}

func (g GenerateSeed) pattern() string {
	if g.NamePattern == "" {
		return "repo-%04d"
	}
	return g.NamePattern
}

// picked reports whether item i (0-based) is among the share × n items spread evenly over n, shifted
// by phase so that different flags fall on different items.
func picked(i int, share float64, phase int) bool {
	if share <= 0 {
		return false
	}
	return math.Floor(float64(i+phase+1)*share) > math.Floor(float64(i+phase)*share)
}

// Phases of the flags (small primes: the picks of equal shares land on different items).
const (
	phaseArchived = 0
	phaseFork     = 3
	phasePrivate  = 7
)

// generatedBranches is the default branch and n-1 generated ones (n counts the default branch).
func generatedBranches(defaultBranch string, explicit []string, n int) []string {
	out := append([]string{}, explicit...)
	if defaultBranch == "" {
		defaultBranch = "main"
	}
	if !slices.Contains(out, defaultBranch) {
		out = append(out, defaultBranch)
	}
	for i := 1; len(out) < n; i++ {
		if name := fmt.Sprintf("branch-%04d", i); !slices.Contains(explicit, name) {
			out = append(out, name)
		}
	}
	return out
}

// githubRepos expands the generator into repository seeds.
func (g GenerateSeed) githubRepos() []GitHubRepoSeed {
	out := make([]GitHubRepoSeed, 0, g.Count)
	for i := range g.Count {
		name := fmt.Sprintf(g.pattern(), i+1)
		out = append(out, GitHubRepoSeed{FullName: g.Owner + "/" + name, DefaultBranch: g.DefaultBranch,
			Private: picked(i, g.PrivateShare, phasePrivate), Archived: picked(i, g.ArchivedShare, phaseArchived),
			Fork: picked(i, g.ForkShare, phaseFork), Description: "Generated repository " + name,
			Branches: generatedBranches(g.DefaultBranch, nil, g.Branches)})
	}
	return out
}

// gitlabProjects expands the generator into project seeds.
func (g GenerateSeed) gitlabProjects() []GitLabProjectSeed {
	out := make([]GitLabProjectSeed, 0, g.Count)
	for i := range g.Count {
		name := fmt.Sprintf(g.pattern(), i+1)
		p := GitLabProjectSeed{PathWithNamespace: g.Owner + "/" + name, DefaultBranch: g.DefaultBranch,
			Visibility: "public", Archived: picked(i, g.ArchivedShare, phaseArchived),
			Description: "Generated project " + name, Branches: generatedBranches(g.DefaultBranch, nil, g.Branches)}
		if picked(i, g.PrivateShare, phasePrivate) {
			p.Visibility = "private"
		}
		if picked(i, g.ForkShare, phaseFork) {
			p.ForkedFrom = "upstream/" + name
		}
		out = append(out, p)
	}
	return out
}
