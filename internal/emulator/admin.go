package emulator

import (
	"errors"
	"net/http"
)

// The admin API under /_emulator/: no auth, JSON, not counted in RequestCounts, never delayed or rate
// limited. Each route maps onto a method of the Go API:
//
//	POST   /reset                                  Reset
//	POST   /seed                                   Seed (Seed JSON)
//	GET    /state                                  State (no tokens, secrets or hook tokens)
//	GET    /requests, DELETE /requests             RequestCounts, ResetRequestCounts
//	POST   /faults, DELETE /faults                 AddFault (Fault JSON), ClearFaults
//	GET    /listing_lag, PUT /listing_lag          ListingLag, SetListingLag ({"lag": "2s"}): new objects missing from listings
//	GET    /latency, PUT /latency                  Latency, SetLatency ({"latency": "50ms"})
//	GET    /in_flight                              MaxInFlight
//	PUT    /rate_limits/{service}                  ConfigureRateLimit ({"limit": 100, "window": "1m", "status": 403})
//	DELETE /rate_limits/{service}                  (remove it)
//	PUT    /github/secondary_rate_limit            SetSecondaryRateLimit ({"max_mutations": 80, "window": "1m", "retry_after": 60})
//	DELETE /github/secondary_rate_limit            (remove it)
//	GET    /github/installation_token_lifetime     GitHubInstallationTokenLifetime
//	PUT    /github/installation_token_lifetime     SetGitHubInstallationTokenLifetime ({"lifetime": "5s"})
//	POST   /github/installation_tokens/expire      ExpireGitHubInstallationTokens (→ {"expired": n})
//	PUT    /clock                                  SetClockOffset ({"offset": "-20m"}): the services' clock is off
//	POST   /push                                   Push ({"host": "github", "repository": "o/r", "branch": "main"})
//	GET    /netlify/builds[?site_id=ID]            Builds
//	DELETE /netlify/deploy_keys/{id}               DeleteNetlifyDeployKey
//	DELETE /netlify/sites/{id}, PATCH ...          DeleteNetlifySite, UpdateNetlifySite
//	DELETE /github/repos/{owner}/{repo}/keys/{id}  DeleteGitHubDeployKey
//	POST   /github/repos/{owner}/{repo}/branches   AddBranch ({"name": "b"}); DELETE .../branches/{branch}
//	POST   /github/repos/{owner}/{repo}/branches/{branch}/rename  RenameGitHubBranch ({"new_name": "b"})
//	GET    /github/repos/{owner}/{repo}/hooks      GitHubHooks (secrets in clear)
//	PATCH  /github/repos/{owner}/{repo}/hooks/{id} UpdateGitHubHook; DELETE: DeleteGitHubHook
//	DELETE /gitlab/projects/{id}/deploy_keys/{key_id}  DeleteGitLabDeployKey ({id}: number or encoded path)
//	PATCH  /gitlab/projects/{id}/deploy_keys/{key_id}  RenameGitLabDeployKey ({"title": "t"})
//	POST   /gitlab/projects/{id}/branches          AddBranch; DELETE .../branches/{branch}
//	GET    /gitlab/projects/{id}/hooks             GitLabHooks (tokens in clear)
//	PUT    /gitlab/projects/{id}/hooks/{hook_id}   UpdateGitLabHook; DELETE: DeleteGitLabHook
//	/bitbucket/repositories/..., /gitea/repos/...  the same for Bitbucket and Gitea (adminBitbucketRoutes, adminGiteaRoutes)
//	…      /dokploy/…                              Dokploy's objects: see dokploy_api.go

func (e *Emulator) adminRoutes() {
	a := AdminPrefix
	m := e.admin
	m.HandleFunc("POST "+a+"/reset", func(w http.ResponseWriter, _ *http.Request) { e.Reset(); writeNoContent(w) })
	m.HandleFunc("POST "+a+"/seed", e.adminSeed)
	m.HandleFunc("GET "+a+"/state", func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, http.StatusOK, e.State()) })
	m.HandleFunc("GET "+a+"/requests", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, e.RequestCounts())
	})
	m.HandleFunc("DELETE "+a+"/requests", func(w http.ResponseWriter, _ *http.Request) { e.ResetRequestCounts(); writeNoContent(w) })
	m.HandleFunc("POST "+a+"/faults", e.adminInjectFault)
	m.HandleFunc("DELETE "+a+"/faults", func(w http.ResponseWriter, _ *http.Request) { e.ClearFaults(); writeNoContent(w) })

	m.HandleFunc("DELETE "+a+"/netlify/deploy_keys/{id}", func(w http.ResponseWriter, r *http.Request) {
		adminFound(w, e.DeleteNetlifyDeployKey(r.PathValue("id")))
	})
	m.HandleFunc("DELETE "+a+"/netlify/sites/{id}", func(w http.ResponseWriter, r *http.Request) {
		adminFound(w, e.DeleteNetlifySite(r.PathValue("id")))
	})
	m.HandleFunc("PATCH "+a+"/netlify/sites/{id}", e.adminPatchSite)

	m.HandleFunc("DELETE "+a+"/github/repos/{owner}/{repo}/keys/{id}", func(w http.ResponseWriter, r *http.Request) {
		adminFound(w, e.DeleteGitHubDeployKey(r.PathValue("owner")+"/"+r.PathValue("repo"), r.PathValue("id")))
	})
	m.HandleFunc("POST "+a+"/github/repos/{owner}/{repo}/branches", func(w http.ResponseWriter, r *http.Request) {
		e.adminAddBranch(w, r, HostGitHub, r.PathValue("owner")+"/"+r.PathValue("repo"))
	})
	m.HandleFunc("POST "+a+"/github/repos/{owner}/{repo}/branches/{branch}/rename", func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			NewName string `json:"new_name"`
		}
		if err := decodeBody(r, &body); err != nil || body.NewName == "" {
			writeAdminError(w, http.StatusBadRequest, `body must be {"new_name": "b"}`)
			return
		}
		adminResult(w, e.RenameGitHubBranch(r.PathValue("owner")+"/"+r.PathValue("repo"), r.PathValue("branch"), body.NewName))
	})
	m.HandleFunc("DELETE "+a+"/github/repos/{owner}/{repo}/branches/{branch...}", func(w http.ResponseWriter, r *http.Request) {
		adminResult(w, e.DeleteBranch(HostGitHub, r.PathValue("owner")+"/"+r.PathValue("repo"), r.PathValue("branch")))
	})

	m.HandleFunc("DELETE "+a+"/gitlab/projects/{id}/deploy_keys/{key_id}", func(w http.ResponseWriter, r *http.Request) {
		adminFound(w, e.DeleteGitLabDeployKey(r.PathValue("id"), r.PathValue("key_id")))
	})
	m.HandleFunc("PATCH "+a+"/gitlab/projects/{id}/deploy_keys/{key_id}", func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Title string `json:"title"`
		}
		if err := decodeBody(r, &body); err != nil || body.Title == "" {
			writeAdminError(w, http.StatusBadRequest, `body must be {"title": "new title"}`)
			return
		}
		adminFound(w, e.RenameGitLabDeployKey(r.PathValue("id"), r.PathValue("key_id"), body.Title))
	})
	m.HandleFunc("POST "+a+"/gitlab/projects/{id}/branches", func(w http.ResponseWriter, r *http.Request) {
		e.adminAddBranch(w, r, HostGitLab, r.PathValue("id"))
	})
	m.HandleFunc("DELETE "+a+"/gitlab/projects/{id}/branches/{branch...}", func(w http.ResponseWriter, r *http.Request) {
		adminResult(w, e.DeleteBranch(HostGitLab, r.PathValue("id"), r.PathValue("branch")))
	})
}

func writeAdminError(w http.ResponseWriter, status int, message string) {
	writeJSON(w, status, map[string]string{"message": message})
}

// adminFound answers 204 when the object was found (and deleted or changed), 404 otherwise.
func adminFound(w http.ResponseWriter, found bool) {
	if !found {
		writeAdminError(w, http.StatusNotFound, "not found")
		return
	}
	writeNoContent(w)
}

func adminResult(w http.ResponseWriter, err error) {
	switch {
	case err == nil:
		writeNoContent(w)
	case errors.Is(err, ErrNotFound):
		writeAdminError(w, http.StatusNotFound, err.Error())
	default:
		writeAdminError(w, http.StatusBadRequest, err.Error())
	}
}

func (e *Emulator) adminSeed(w http.ResponseWriter, r *http.Request) {
	var s Seed
	if err := decodeBody(r, &s); err != nil {
		writeAdminError(w, http.StatusBadRequest, "seed: "+err.Error())
		return
	}
	if err := e.Seed(&s); err != nil {
		writeAdminError(w, http.StatusBadRequest, err.Error())
		return
	}
	writeNoContent(w)
}

func (e *Emulator) adminPatchSite(w http.ResponseWriter, r *http.Request) {
	var patch map[string]any
	if err := decodeBody(r, &patch); err != nil {
		writeAdminError(w, http.StatusBadRequest, "patch: "+err.Error())
		return
	}
	id := r.PathValue("id")
	if err := e.UpdateNetlifySite(id, patch); err != nil {
		adminResult(w, err)
		return
	}
	site, ok := e.NetlifySite(id)
	if !ok { // deleted in between by another request
		writeAdminError(w, http.StatusNotFound, "not found")
		return
	}
	writeJSON(w, http.StatusOK, site)
}

type adminBranchBody struct {
	Name string `json:"name"`
}

func (e *Emulator) adminAddBranch(w http.ResponseWriter, r *http.Request, host, repo string) {
	var body adminBranchBody
	if err := decodeBody(r, &body); err != nil {
		writeAdminError(w, http.StatusBadRequest, `body must be {"name": "<branch>"}: `+err.Error())
		return
	}
	if err := e.AddBranch(host, repo, body.Name); err != nil {
		adminResult(w, err)
		return
	}
	w.WriteHeader(http.StatusCreated)
}

func (e *Emulator) adminInjectFault(w http.ResponseWriter, r *http.Request) {
	var f Fault
	if err := decodeBody(r, &f); err != nil {
		writeAdminError(w, http.StatusBadRequest, "fault: "+err.Error())
		return
	}
	if err := e.AddFault(f); err != nil {
		writeAdminError(w, http.StatusBadRequest, err.Error())
		return
	}
	writeNoContent(w)
}
