package emulator

import (
	"cmp"
	"net/http"
	"slices"
	"strings"
)

// Owner repository lists (for the repositories data source): GET /orgs/{org}/repos and
// GET /users/{username}/repos, paginated with GitHub's Link header.

func (e *Emulator) githubListRoutes() {
	p := GitHubPrefix
	e.api.HandleFunc("GET "+p+"/orgs/{org}/repos", e.github(e.ghListOrgRepos))
	e.api.HandleFunc("GET "+p+"/users/{username}/repos", e.github(e.ghListUserRepos))
}

func (e *Emulator) ghListOrgRepos(w http.ResponseWriter, r *http.Request, u *ghUser) {
	org := e.st.github.orgs[strings.ToLower(r.PathValue("org"))]
	if org == nil {
		writeGitHubError(w, http.StatusNotFound, "Not Found", ghDocs+"/repos/repos#list-organization-repositories")
		return
	}
	// type: all (default), public, private, forks, sources, member.
	typ := r.URL.Query().Get("type")
	e.ghWriteRepoList(w, r, u, org.login, "created", func(repo *ghRepo) bool {
		switch typ {
		case "public":
			return repo.visibility == "public"
		case "private":
			return repo.visibility != "public"
		case "forks":
			return repo.fork
		case "sources":
			return !repo.fork
		}
		return true
	})
}

func (e *Emulator) ghListUserRepos(w http.ResponseWriter, r *http.Request, u *ghUser) {
	owner := e.st.github.userByLogin(r.PathValue("username"))
	if owner == nil {
		writeGitHubError(w, http.StatusNotFound, "Not Found", ghDocs+"/repos/repos#list-repositories-for-a-user")
		return
	}
	e.ghWriteRepoList(w, r, u, owner.login, "full_name", func(*ghRepo) bool { return true })
}

// ghWriteRepoList lists the owner's repositories the caller can see, sorted as asked (sort: created,
// updated, pushed, full_name; direction: asc or desc, default asc for full_name and desc otherwise).
func (e *Emulator) ghWriteRepoList(w http.ResponseWriter, r *http.Request, u *ghUser, owner, defaultSort string, keep func(*ghRepo) bool) {
	var repos []*ghRepo
	for _, repo := range e.st.github.repoOrder {
		if strings.EqualFold(repo.ownerLogin, owner) && u.canSee(repo) && keep(repo) {
			repos = append(repos, repo)
		}
	}
	q := r.URL.Query()
	sortBy := cmp.Or(q.Get("sort"), defaultSort)
	desc := sortBy != "full_name"
	switch q.Get("direction") {
	case "asc":
		desc = false
	case "desc":
		desc = true
	}
	slices.SortStableFunc(repos, func(a, b *ghRepo) int {
		var c int
		switch sortBy {
		case "full_name":
			c = strings.Compare(strings.ToLower(a.fullName()), strings.ToLower(b.fullName()))
		case "pushed", "updated":
			c = a.pushedAt.Compare(b.pushedAt)
		default:
			c = a.createdAt.Compare(b.createdAt)
		}
		c = cmp.Or(c, cmp.Compare(a.id, b.id))
		if desc {
			return -c
		}
		return c
	})
	p := readPage(r, 30)
	start, end := p.bounds(len(repos))
	out := make([]ghRepoJSON, 0, end-start)
	for _, repo := range repos[start:end] {
		out = append(out, ghRepoOut(r, u, repo))
	}
	setGitHubPagination(w, r, p, len(repos))
	writeJSON(w, http.StatusOK, out)
}
