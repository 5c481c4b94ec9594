package emulator

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// Project lists (for the repositories data source) and owner lookups: GET /groups/:id/projects,
// /users/:user_id/projects, /projects, /groups/:id, /users?username=; with GitLab's offset pagination
// headers. Filtered and sorted lists are cached until a project is added or changes activity.

func (e *Emulator) gitlabListRoutes() {
	p := GitLabPrefix
	e.api.HandleFunc("GET "+p+"/groups/{id}/projects", e.gitlab(e.glListGroupProjects))
	e.api.HandleFunc("GET "+p+"/users/{user_id}/projects", e.gitlab(e.glListUserProjects))
	e.api.HandleFunc("GET "+p+"/projects", e.gitlab(e.glListProjects))
	e.api.HandleFunc("GET "+p+"/groups/{id}", e.gitlab(e.glGetGroup))
	e.api.HandleFunc("GET "+p+"/users", e.gitlab(e.glListUsers))
}

// group resolves a group's numeric id or full path.
func (gl *gitlabState) group(idOrPath string) *glGroup {
	if id, err := strconv.ParseInt(idOrPath, 10, 64); err == nil {
		for _, g := range gl.groupOrder {
			if g.id == id {
				return g
			}
		}
		return nil
	}
	return gl.groups[strings.ToLower(idOrPath)]
}

func (e *Emulator) glListGroupProjects(w http.ResponseWriter, r *http.Request, u *glUser) {
	g := e.st.gitlab.group(r.PathValue("id"))
	if g == nil {
		writeGitLabMessage(w, http.StatusNotFound, "404 Group Not Found")
		return
	}
	withSubgroups := r.URL.Query().Get("include_subgroups") == "true"
	ns := strings.ToLower(g.fullPath)
	e.glWriteProjectList(w, r, u, "group/"+ns+"/"+strconv.FormatBool(withSubgroups), func(p *glProject) bool {
		pns := strings.ToLower(p.namespace)
		return pns == ns || (withSubgroups && strings.HasPrefix(pns, ns+"/"))
	})
}

func (gl *gitlabState) userByID(id int64) *glUser {
	for _, candidate := range gl.users {
		if candidate.id == id {
			return candidate
		}
	}
	return nil
}

func (e *Emulator) glListUserProjects(w http.ResponseWriter, r *http.Request, u *glUser) {
	ref := r.PathValue("user_id")
	var owner *glUser
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil {
		owner = e.st.gitlab.userByID(id)
	} else {
		owner = e.st.gitlab.userByUsername(ref)
	}
	if owner == nil {
		writeGitLabMessage(w, http.StatusNotFound, "404 User Not Found")
		return
	}
	e.glWriteProjectList(w, r, u, "user/"+owner.username, func(p *glProject) bool { return strings.EqualFold(p.namespace, owner.username) })
}

// glListProjects is GET /projects: every project the caller can see, or with membership=true those it
// is a member of, with owned=true those in its own namespace.
func (e *Emulator) glListProjects(w http.ResponseWriter, r *http.Request, u *glUser) {
	q := r.URL.Query()
	membership, owned := q.Get("membership") == "true", q.Get("owned") == "true"
	key := "all/" + strconv.FormatBool(membership) + "/" + strconv.FormatBool(owned)
	e.glWriteProjectList(w, r, u, key, func(p *glProject) bool {
		return (!membership || u.isMember(p)) && (!owned || strings.EqualFold(p.namespace, u.username))
	})
}

// glWriteProjectList lists the matching projects the caller can see, filtered by archived, visibility
// and search, ordered by order_by (id, name, path, created_at (default), last_activity_at) and sort
// (desc by default). key names the filter for the cache.
func (e *Emulator) glWriteProjectList(w http.ResponseWriter, r *http.Request, u *glUser, key string, keep func(*glProject) bool) {
	q := r.URL.Query()
	archived, visibility, search := q.Get("archived"), q.Get("visibility"), strings.ToLower(q.Get("search"))
	orderBy := cmp.Or(q.Get("order_by"), "created_at")
	desc := q.Get("sort") != "asc"
	gl := &e.st.gitlab
	cacheKey := strings.Join([]string{key, u.username, archived, visibility, search, orderBy, strconv.FormatBool(desc)}, "|")
	if gl.lists == nil || len(gl.lists) >= maxCachedLists {
		gl.lists = map[string][]*glProject{}
	}
	projects, cached := gl.lists[cacheKey]
	if !cached {
		for _, p := range gl.projectOrder {
			switch {
			case !keep(p) || !u.canSee(p):
			case archived == "true" && !p.archived, archived == "false" && p.archived:
			case visibility != "" && visibility != p.visibility:
			case search != "" && !strings.Contains(strings.ToLower(p.name), search) && !strings.Contains(strings.ToLower(p.path), search):
			default:
				projects = append(projects, p)
			}
		}
		sortProjects(projects, orderBy, desc)
		gl.lists[cacheKey] = projects
	}
	pg := readPage(r, 20)
	start, end := pg.bounds(len(projects))
	out := make([]glProjectJSON, 0, end-start)
	for _, p := range projects[start:end] {
		out = append(out, gl.projectOut(r, p))
	}
	setGitLabPagination(w, r, pg, len(projects))
	writeJSON(w, http.StatusOK, out)
}

func sortProjects(projects []*glProject, orderBy string, desc bool) {
	slices.SortStableFunc(projects, func(a, b *glProject) int {
		var c int
		switch orderBy {
		case "name":
			c = strings.Compare(strings.ToLower(a.name), strings.ToLower(b.name))
		case "path":
			c = strings.Compare(strings.ToLower(a.path), strings.ToLower(b.path))
		case "last_activity_at", "updated_at":
			c = a.lastActivity.Compare(b.lastActivity)
		case "id":
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

// ---- groups and users ----

type glGroupJSON struct {
	ID          int64  `json:"id"`
	WebURL      string `json:"web_url"`
	Name        string `json:"name"`
	Path        string `json:"path"`
	Description string `json:"description"`
	Visibility  string `json:"visibility"`
	FullName    string `json:"full_name"`
	FullPath    string `json:"full_path"`
	ParentID    *int64 `json:"parent_id"`
	CreatedAt   string `json:"created_at"`
}

// glGetGroup is GET /groups/:id (numeric id or URL-encoded full path). Groups are public here.
func (e *Emulator) glGetGroup(w http.ResponseWriter, r *http.Request, _ *glUser) {
	g := e.st.gitlab.group(r.PathValue("id"))
	if g == nil {
		writeGitLabMessage(w, http.StatusNotFound, "404 Group Not Found")
		return
	}
	out := glGroupJSON{ID: g.id, WebURL: externalBase(r) + "/gitlab/groups/" + g.fullPath, Name: g.name, Path: g.path,
		Visibility: "public", FullName: strings.ReplaceAll(g.fullPath, "/", " / "), FullPath: g.fullPath,
		CreatedAt: formatTimeMillis(seedTime)}
	if g.parentID != 0 {
		parent := g.parentID
		out.ParentID = &parent
	}
	writeJSON(w, http.StatusOK, out)
}

// glListUsers is GET /users?username=NAME (exact, case-insensitive): a list of one or none. Without a
// username, every user.
func (e *Emulator) glListUsers(w http.ResponseWriter, r *http.Request, _ *glUser) {
	want := r.URL.Query().Get("username")
	out := []glUserJSON{}
	for _, u := range e.st.gitlab.users {
		if want == "" || strings.EqualFold(u.username, want) {
			out = append(out, glUserJSON{ID: u.id, Username: u.username, Name: u.username, State: "active",
				WebURL: externalBase(r) + "/gitlab/" + u.username})
		}
	}
	pg := readPage(r, 20)
	start, end := pg.bounds(len(out))
	setGitLabPagination(w, r, pg, len(out))
	writeJSON(w, http.StatusOK, out[start:end])
}
