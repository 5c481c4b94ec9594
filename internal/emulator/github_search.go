package emulator

import (
	"cmp"
	"net/http"
	"slices"
	"strings"
)

// GitHub's repository search, GET /search/repositories (docs.github.com/rest/search/search), which
// integrations/github's github_repositories data source reads. Documented: q is required; results are
// {total_count, incomplete_results, items} with a Link header; sort is stars, forks, help-wanted-issues
// or updated (best match without it), order desc by default; per_page at most 100; up to 1,000 results
// per search. Observed on github.com and quoted by several clients: a page that starts past the 1,000th
// result answers 422 "Only the first 1000 search results are available" (the page that holds the
// 1,000th result is served whole: page 34 at per_page=30 holds results 991-1020); forks are left out
// unless fork:true or fork:only; a query whose every org:/user: names an account that does not exist
// (or that the caller cannot see) is a 422 whose error says "cannot be searched", while unknown owners
// next to a known one are ignored.
//
// Qualifiers understood here: org:, user:, repo:, in:name/description/topics, fork:, archived:,
// is:public/private/internal, topic:. Any other qualifier (language:, stars:, ...) matches no repository:
// the emulator has no such data. Text terms match case-insensitively as substrings of the name,
// description or topics (GitHub tokenises words; a substring is close enough for names like
// gitdeploy-demo). Best match is not modelled: repositories whose name equals a term come first, then
// the others in creation order. The emulator has no stars or forks: those sorts fall back to the id.

const ghSearchDocs = ghDocs + "/search/search#search-repositories"

// ghSearchCap is how many results a search can page through.
const ghSearchCap = 1000

type ghRepoSearchItemJSON struct {
	ghRepoJSON
	Score float64 `json:"score"`
}

type ghRepoSearchJSON struct {
	TotalCount        int                    `json:"total_count"`
	IncompleteResults bool                   `json:"incomplete_results"`
	Items             []ghRepoSearchItemJSON `json:"items"`
}

func (e *Emulator) githubSearchRoutes() {
	e.api.HandleFunc("GET "+GitHubPrefix+"/search/repositories", e.github(e.ghSearchRepos))
}

// ghRepoQuery is a parsed q.
type ghRepoQuery struct {
	owners   []string // org: and user: values
	repos    []string // repo: values (owner/name)
	terms    []string // lower-case text terms
	in       []string // name, description, topics; empty: all three
	fork     string   // "", "true", "only" (anything else: as without)
	archived string   // "", "true", "false"
	is       []string // public, private, internal
	topics   []string
	matchNo  bool // an unsupported qualifier: nothing matches
}

// parseRepoQuery splits q on spaces ("+" arrives as a space) and double-quoted phrases.
func parseRepoQuery(q string) ghRepoQuery {
	var out ghRepoQuery
	for _, tok := range splitQuery(q) {
		key, value, qualified := strings.Cut(tok, ":")
		if !qualified || value == "" || strings.ContainsAny(key, `" `) {
			out.terms = append(out.terms, strings.ToLower(strings.Trim(tok, `"`)))
			continue
		}
		value = strings.Trim(value, `"`)
		switch strings.ToLower(key) {
		case "org", "user":
			out.owners = append(out.owners, value)
		case "repo":
			out.repos = append(out.repos, value)
		case "in":
			out.in = append(out.in, strings.Split(strings.ToLower(value), ",")...)
		case "fork":
			out.fork = strings.ToLower(value)
		case "archived":
			out.archived = strings.ToLower(value)
		case "is":
			out.is = append(out.is, strings.ToLower(value))
		case "topic":
			out.topics = append(out.topics, strings.ToLower(value))
		default:
			out.matchNo = true
		}
	}
	return out
}

func splitQuery(q string) []string {
	var out []string
	var cur strings.Builder
	quoted := false
	for _, r := range q {
		switch {
		case r == '"':
			quoted = !quoted
			cur.WriteRune(r)
		case (r == ' ' || r == '\t' || r == '\n') && !quoted:
			if cur.Len() > 0 {
				out = append(out, cur.String())
				cur.Reset()
			}
		default:
			cur.WriteRune(r)
		}
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}

// matches applies every qualifier and term except the owners, which the caller resolved.
func (q ghRepoQuery) matches(repo *ghRepo) bool {
	if q.matchNo {
		return false
	}
	switch q.fork {
	case "true":
	case "only":
		if !repo.fork {
			return false
		}
	default:
		if repo.fork {
			return false
		}
	}
	if (q.archived == "true" && !repo.archived) || (q.archived == "false" && repo.archived) {
		return false
	}
	if len(q.is) > 0 && !slices.ContainsFunc(q.is, func(v string) bool {
		return v == repo.visibility || (v == "private" && repo.private)
	}) {
		return false
	}
	if len(q.repos) > 0 && !slices.ContainsFunc(q.repos, func(full string) bool { return strings.EqualFold(full, repo.fullName()) }) {
		return false
	}
	for _, topic := range q.topics {
		if !slices.ContainsFunc(repo.topics, func(t string) bool { return strings.EqualFold(t, topic) }) {
			return false
		}
	}
	for _, term := range q.terms {
		if !q.termMatches(repo, term) {
			return false
		}
	}
	return true
}

func (q ghRepoQuery) termMatches(repo *ghRepo, term string) bool {
	in := q.in
	if len(in) == 0 {
		in = []string{"name", "description", "topics"}
	}
	for _, field := range in {
		switch field {
		case "name":
			if strings.Contains(strings.ToLower(repo.name), term) {
				return true
			}
		case "description":
			if strings.Contains(strings.ToLower(repo.description), term) {
				return true
			}
		case "topics":
			if slices.ContainsFunc(repo.topics, func(t string) bool { return strings.Contains(strings.ToLower(t), term) }) {
				return true
			}
		}
	}
	return false
}

func (e *Emulator) ghSearchRepos(w http.ResponseWriter, r *http.Request, u *ghUser) {
	gh := &e.st.github
	raw := strings.TrimSpace(r.URL.Query().Get("q"))
	if raw == "" {
		writeGitHubValidation(w, ghSearchDocs, ghValidationError{Resource: "Search", Field: "q", Code: "missing"})
		return
	}
	q := parseRepoQuery(raw)
	// Owners: unknown ones are ignored next to a known one; only unknown ones make the search invalid.
	var owners []string
	for _, login := range q.owners {
		if account := gh.accountLogin(login); account != "" {
			owners = append(owners, account)
		}
	}
	if len(q.owners) > 0 && len(owners) == 0 {
		writeGitHubValidation(w, ghSearchDocs, ghValidationError{Resource: "Search", Field: "q", Code: "invalid",
			Message: "The listed users and repositories cannot be searched either because the resources do not exist " +
				"or you do not have permission to view them."})
		return
	}
	var found []*ghRepo
	for _, repo := range gh.repoOrder {
		if !u.canSee(repo) || !q.matches(repo) {
			continue
		}
		if len(owners) > 0 && !slices.ContainsFunc(owners, func(o string) bool { return strings.EqualFold(o, repo.ownerLogin) }) {
			continue
		}
		found = append(found, repo)
	}
	sortSearchResults(found, q, r.URL.Query().Get("sort"), r.URL.Query().Get("order") != "asc")

	p := readPage(r, 30)
	start := (p.page - 1) * p.perPage
	if start >= ghSearchCap {
		writeGitHubError(w, http.StatusUnprocessableEntity, "Only the first 1000 search results are available", ghSearchDocs)
		return
	}
	start, end := p.bounds(len(found))
	out := ghRepoSearchJSON{TotalCount: len(found), Items: make([]ghRepoSearchItemJSON, 0, end-start)}
	for _, repo := range found[start:end] {
		out.Items = append(out.Items, ghRepoSearchItemJSON{ghRepoJSON: ghRepoOut(r, u, repo), Score: 1})
	}
	setGitHubPagination(w, r, p, min(len(found), ghSearchCap))
	writeJSON(w, http.StatusOK, out)
}

// accountLogin is the login of a user or organisation, as spelled on GitHub; "" when there is none.
func (gh *githubState) accountLogin(login string) string {
	if u := gh.userByLogin(login); u != nil {
		return u.login
	}
	if o := gh.orgs[strings.ToLower(login)]; o != nil {
		return o.login
	}
	return ""
}

// sortSearchResults orders by sort (updated; stars and forks have no data here), else by the emulator's
// best match: exact name matches first, then creation order.
func sortSearchResults(repos []*ghRepo, q ghRepoQuery, sortBy string, desc bool) {
	exact := func(repo *ghRepo) int {
		if slices.Contains(q.terms, strings.ToLower(repo.name)) {
			return 0
		}
		return 1
	}
	slices.SortStableFunc(repos, func(a, b *ghRepo) int {
		var c int
		switch sortBy {
		case "updated":
			c = a.pushedAt.Compare(b.pushedAt)
		case "stars", "forks", "help-wanted-issues":
			c = 0
		default:
			return cmp.Compare(exact(a), exact(b))
		}
		if desc {
			c = -c
		}
		return cmp.Or(c, cmp.Compare(a.id, b.id))
	})
}
