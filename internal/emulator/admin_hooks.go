package emulator

import (
	"net/http"
)

// Admin routes for webhooks, builds and pushes (the delivery loop).

func (e *Emulator) adminHookRoutes() {
	a := AdminPrefix
	m := e.admin
	ghRepo := func(r *http.Request) string { return r.PathValue("owner") + "/" + r.PathValue("repo") }
	m.HandleFunc("GET "+a+"/github/repos/{owner}/{repo}/hooks", func(w http.ResponseWriter, r *http.Request) {
		adminList(w, e.GitHubHooks(ghRepo(r)))
	})
	m.HandleFunc("PATCH "+a+"/github/repos/{owner}/{repo}/hooks/{id}", func(w http.ResponseWriter, r *http.Request) {
		var patch map[string]any
		if err := decodeBody(r, &patch); err != nil {
			writeAdminError(w, http.StatusBadRequest, "patch: "+err.Error())
			return
		}
		adminResult(w, e.UpdateGitHubHook(ghRepo(r), r.PathValue("id"), patch))
	})
	m.HandleFunc("DELETE "+a+"/github/repos/{owner}/{repo}/hooks/{id}", func(w http.ResponseWriter, r *http.Request) {
		adminFound(w, e.DeleteGitHubHook(ghRepo(r), r.PathValue("id")))
	})
	m.HandleFunc("POST "+a+"/push", e.adminPush)
	m.HandleFunc("GET "+a+"/netlify/builds", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, e.Builds(r.URL.Query().Get("site_id")))
	})
	m.HandleFunc("GET "+a+"/gitlab/projects/{id}/hooks", func(w http.ResponseWriter, r *http.Request) {
		adminList(w, e.GitLabHooks(r.PathValue("id")))
	})
	m.HandleFunc("PUT "+a+"/gitlab/projects/{id}/hooks/{hook_id}", func(w http.ResponseWriter, r *http.Request) {
		var patch map[string]any
		if err := decodeBody(r, &patch); err != nil {
			writeAdminError(w, http.StatusBadRequest, "patch: "+err.Error())
			return
		}
		adminResult(w, e.UpdateGitLabHook(r.PathValue("id"), r.PathValue("hook_id"), patch))
	})
	m.HandleFunc("DELETE "+a+"/gitlab/projects/{id}/hooks/{hook_id}", func(w http.ResponseWriter, r *http.Request) {
		adminFound(w, e.DeleteGitLabHook(r.PathValue("id"), r.PathValue("hook_id")))
	})
}

type adminPushBody struct {
	Host       string `json:"host"`
	Repository string `json:"repository"`
	Branch     string `json:"branch"`
}

func (e *Emulator) adminPush(w http.ResponseWriter, r *http.Request) {
	var body adminPushBody
	if err := decodeBody(r, &body); err != nil {
		writeAdminError(w, http.StatusBadRequest, `body must be {"host": "github"|"gitlab"|"bitbucket"|"gitea", "repository": "...", "branch": "..."}: `+err.Error())
		return
	}
	res, err := e.Push(body.Host, body.Repository, body.Branch)
	if err != nil {
		adminResult(w, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// adminList answers a list, or 404 when the owner (repository, project, site) is unknown (nil).
func adminList[T any](w http.ResponseWriter, list []T) {
	if list == nil {
		writeAdminError(w, http.StatusNotFound, "not found")
		return
	}
	writeJSON(w, http.StatusOK, list)
}
