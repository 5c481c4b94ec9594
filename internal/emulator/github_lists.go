package emulator

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// Owner repository lists (for the repositories data source) and owner lookups:
// GET /orgs/{org}/repos, /users/{username}/repos, /user/repos, /users/{username}, /orgs/{org};
// paginated with GitHub's Link header. Filtered and sorted lists are cached until a repository is added
// or pushed to, so that reading 5,000 repositories page by page costs one sort, not one per page.

func (e *Emulator) githubListRoutes() {
	p := GitHubPrefix
	e.api.HandleFunc("GET "+p+"/orgs/{org}/repos", e.github(e.ghListOrgRepos))
	e.api.HandleFunc("GET "+p+"/users/{username}/repos", e.github(e.ghListUserRepos))
	e.api.HandleFunc("GET "+p+"/user/repos", e.github(e.ghListMyRepos))
	e.api.HandleFunc("GET "+p+"/users/{username}", e.github(e.ghGetAccount))
	e.api.HandleFunc("GET "+p+"/orgs/{org}", e.github(e.ghGetOrg))
}

// maxCachedLists bounds the list cache; it is emptied when full.
const maxCachedLists = 1000

// cachedList returns the list stored under key, building it on a miss.
func (gh *githubState) cachedList(key string, build func() []*ghRepo) []*ghRepo {
	if list, ok := gh.lists[key]; ok {
		return list
	}
	if gh.lists == nil || len(gh.lists) >= maxCachedLists {
		gh.lists = map[string][]*ghRepo{}
	}
	list := build()
	gh.lists[key] = list
	return list
}

func (e *Emulator) ghListOrgRepos(w http.ResponseWriter, r *http.Request, u *ghUser) {
	org := e.st.github.orgs[strings.ToLower(r.PathValue("org"))]
	if org == nil {
		writeGitHubError(w, http.StatusNotFound, "Not Found", ghDocs+"/repos/repos#list-organization-repositories")
		return
	}
	// type: all (default), public, private, forks, sources, member.
	typ := r.URL.Query().Get("type")
	e.ghWriteRepoList(w, r, u, "org/"+org.login+"/"+typ, "created", func(repo *ghRepo) bool {
		if !strings.EqualFold(repo.ownerLogin, org.login) {
			return false
		}
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

// ghListUserRepos lists an account's repositories the caller can see; GitHub answers for
// organisations here too.
func (e *Emulator) ghListUserRepos(w http.ResponseWriter, r *http.Request, u *ghUser) {
	login := ""
	if owner := e.st.github.userByLogin(r.PathValue("username")); owner != nil {
		login = owner.login
	} else if org := e.st.github.orgs[strings.ToLower(r.PathValue("username"))]; org != nil {
		login = org.login
	}
	if login == "" {
		writeGitHubError(w, http.StatusNotFound, "Not Found", ghDocs+"/repos/repos#list-repositories-for-a-user")
		return
	}
	e.ghWriteRepoList(w, r, u, "user/"+login, "full_name", func(repo *ghRepo) bool {
		return strings.EqualFold(repo.ownerLogin, login)
	})
}

// ghListMyRepos is GET /user/repos: what the caller owns (affiliation owner) and what its
// organisations own (organization_member); the emulator has no outside collaborators. visibility
// (all, public, private) and affiliation cannot be combined with type (all, owner, public, private,
// member), as on GitHub.
func (e *Emulator) ghListMyRepos(w http.ResponseWriter, r *http.Request, u *ghUser) {
	q := r.URL.Query()
	typ, visibility, affiliation := q.Get("type"), q.Get("visibility"), q.Get("affiliation")
	if typ != "" && (visibility != "" || affiliation != "") {
		writeGitHubValidation(w, ghDocs+"/repos/repos#list-repositories-for-the-authenticated-user",
			ghValidationError{Resource: "Repository", Code: "invalid", Field: "type",
				Message: "If you specify visibility or affiliation, you cannot specify type."})
		return
	}
	owner, member := true, true
	switch typ {
	case "owner":
		member = false
	case "member":
		owner = false
	}
	if affiliation != "" {
		parts := strings.Split(affiliation, ",")
		owner, member = slices.Contains(parts, "owner"), slices.Contains(parts, "organization_member")
	}
	if typ == "public" || typ == "private" {
		visibility = typ
	}
	key := "me/" + u.login + "/" + strconv.FormatBool(owner) + "/" + strconv.FormatBool(member) + "/" + visibility
	e.ghWriteRepoList(w, r, u, key, "full_name", func(repo *ghRepo) bool {
		mine := repo.ownerType == "User" && strings.EqualFold(repo.ownerLogin, u.login)
		inOrg := repo.ownerType == "Organization" && u.isMember(repo)
		if (!owner || !mine) && (!member || !inOrg) {
			return false
		}
		switch visibility {
		case "public":
			return repo.visibility == "public"
		case "private":
			return repo.visibility != "public"
		}
		return true
	})
}

// ghWriteRepoList lists the repositories the caller can see among those keep accepts, sorted as asked
// (sort: created, updated, pushed, full_name; direction: asc or desc, default asc for full_name and
// desc otherwise). key names the filter for the cache.
func (e *Emulator) ghWriteRepoList(w http.ResponseWriter, r *http.Request, u *ghUser, key, defaultSort string, keep func(*ghRepo) bool) {
	q := r.URL.Query()
	sortBy := cmp.Or(q.Get("sort"), defaultSort)
	desc := sortBy != "full_name"
	switch q.Get("direction") {
	case "asc":
		desc = false
	case "desc":
		desc = true
	}
	who := u.login
	if u.installation != nil { // one app's installations share the bot's login, not its repositories
		who += "|installation:" + strconv.FormatInt(u.installation.installation.id, 10) + ":" + strings.Join(u.installation.repositories, ",")
	}
	cacheKey := key + "|" + who + "|" + sortBy + "|" + strconv.FormatBool(desc)
	repos := e.st.github.cachedList(cacheKey, func() []*ghRepo {
		var repos []*ghRepo
		for _, repo := range e.st.github.repoOrder {
			if u.canSee(repo) && keep(repo) {
				repos = append(repos, repo)
			}
		}
		sortRepos(repos, sortBy, desc)
		return repos
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

func sortRepos(repos []*ghRepo, sortBy string, desc bool) {
	lower := make(map[*ghRepo]string, len(repos))
	if sortBy == "full_name" {
		for _, repo := range repos {
			lower[repo] = strings.ToLower(repo.fullName())
		}
	}
	slices.SortStableFunc(repos, func(a, b *ghRepo) int {
		var c int
		switch sortBy {
		case "full_name":
			c = strings.Compare(lower[a], lower[b])
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
}

// ghAccountJSON is GitHub's user or organisation as GET /users/{username} shows it.
type ghAccountJSON struct {
	ghOwnerJSON
	Name        *string `json:"name"`
	ReposURL    string  `json:"repos_url"`
	PublicRepos int     `json:"public_repos"`
	CreatedAt   string  `json:"created_at"`
}

func (gh *githubState) publicRepoCount(login string) int {
	n := 0
	for _, repo := range gh.repoOrder {
		if repo.visibility == "public" && strings.EqualFold(repo.ownerLogin, login) {
			n++
		}
	}
	return n
}

func (gh *githubState) accountOut(r *http.Request, login string, id int64, typ string) ghAccountJSON {
	owner := ghOwnerOut(r, login, id, typ)
	return ghAccountJSON{ghOwnerJSON: owner, ReposURL: owner.URL + "/repos", PublicRepos: gh.publicRepoCount(login),
		CreatedAt: formatTime(seedTime)}
}

// ghGetAccount is GET /users/{username}: a user (type "User") or an organisation ("Organization").
func (e *Emulator) ghGetAccount(w http.ResponseWriter, r *http.Request, _ *ghUser) {
	gh := &e.st.github
	name := r.PathValue("username")
	if u := gh.userByLogin(name); u != nil {
		writeJSON(w, http.StatusOK, gh.accountOut(r, u.login, u.id, "User"))
		return
	}
	if o := gh.orgs[strings.ToLower(name)]; o != nil {
		writeJSON(w, http.StatusOK, gh.accountOut(r, o.login, o.id, "Organization"))
		return
	}
	writeGitHubError(w, http.StatusNotFound, "Not Found", ghDocs+"/users/users#get-a-user")
}

// ghGetOrg is GET /orgs/{org}; a user's login is not an organisation: 404.
func (e *Emulator) ghGetOrg(w http.ResponseWriter, r *http.Request, _ *ghUser) {
	gh := &e.st.github
	o := gh.orgs[strings.ToLower(r.PathValue("org"))]
	if o == nil {
		writeGitHubError(w, http.StatusNotFound, "Not Found", ghDocs+"/orgs/orgs#get-an-organization")
		return
	}
	writeJSON(w, http.StatusOK, gh.accountOut(r, o.login, o.id, "Organization"))
}
