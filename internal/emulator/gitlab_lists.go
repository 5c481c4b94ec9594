package emulator

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// Owner project lists (for the repositories data source): GET /groups/:id/projects and
// GET /users/:user_id/projects, with GitLab's offset pagination headers.

func (e *Emulator) gitlabListRoutes() {
	p := GitLabPrefix
	e.api.HandleFunc("GET "+p+"/groups/{id}/projects", e.gitlab(e.glListGroupProjects))
	e.api.HandleFunc("GET "+p+"/users/{user_id}/projects", e.gitlab(e.glListUserProjects))
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
	e.glWriteProjectList(w, r, u, func(p *glProject) bool {
		pns := strings.ToLower(p.namespace)
		return pns == ns || (withSubgroups && strings.HasPrefix(pns, ns+"/"))
	})
}

func (e *Emulator) glListUserProjects(w http.ResponseWriter, r *http.Request, u *glUser) {
	ref := r.PathValue("user_id")
	var owner *glUser
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil {
		for _, candidate := range e.st.gitlab.users {
			if candidate.id == id {
				owner = candidate
			}
		}
	} else {
		owner = e.st.gitlab.userByUsername(ref)
	}
	if owner == nil {
		writeGitLabMessage(w, http.StatusNotFound, "404 User Not Found")
		return
	}
	e.glWriteProjectList(w, r, u, func(p *glProject) bool { return strings.EqualFold(p.namespace, owner.username) })
}

// glWriteProjectList lists the matching projects the caller can see, filtered by archived, visibility
// and search, ordered by order_by (id, name, path, created_at (default), last_activity_at) and sort
// (desc by default).
func (e *Emulator) glWriteProjectList(w http.ResponseWriter, r *http.Request, u *glUser, keep func(*glProject) bool) {
	q := r.URL.Query()
	search := strings.ToLower(q.Get("search"))
	var projects []*glProject
	for _, p := range e.st.gitlab.projectOrder {
		switch {
		case !keep(p) || !u.canSee(p):
		case q.Get("archived") == "true" && !p.archived, q.Get("archived") == "false" && p.archived:
		case q.Get("visibility") != "" && q.Get("visibility") != p.visibility:
		case search != "" && !strings.Contains(strings.ToLower(p.name), search) && !strings.Contains(strings.ToLower(p.path), search):
		default:
			projects = append(projects, p)
		}
	}
	orderBy := cmp.Or(q.Get("order_by"), "created_at")
	desc := q.Get("sort") != "asc"
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
	pg := readPage(r, 20)
	start, end := pg.bounds(len(projects))
	out := make([]glProjectJSON, 0, end-start)
	for _, p := range projects[start:end] {
		out = append(out, e.st.gitlab.projectOut(r, p))
	}
	setGitLabPagination(w, r, pg, len(projects))
	writeJSON(w, http.StatusOK, out)
}
