package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"time"
)

// The Go API and the admin HTTP API for Dokploy: snapshots, and changes made behind the provider's
// back. Admin routes (no auth, like the rest of /_emulator/):
//
//	GET    /_emulator/dokploy/projects                       DokployProjects
//	GET    /_emulator/dokploy/applications                   DokployApplications (refresh tokens in clear)
//	GET    /_emulator/dokploy/applications/{id}              DokployApplication
//	PATCH  /_emulator/dokploy/applications/{id}              UpdateDokployApplication (application.update's fields)
//	DELETE /_emulator/dokploy/applications/{id}              DeleteDokployApplication
//	POST   /_emulator/dokploy/applications/{id}/refresh_token  RotateDokployRefreshToken → {"refreshToken": "..."}
//	GET    /_emulator/dokploy/ssh_keys                       DokploySSHKeys (no private keys)
//	DELETE /_emulator/dokploy/ssh_keys/{id}                  DeleteDokploySSHKey
//	GET    /_emulator/dokploy/deployments[?application_id=]  DokployDeployments
//	…      /_emulator/dokploy/git_providers…               connections: see dokploy_connections_api.go

// DokployEnvironment is an environment of a project.
type DokployEnvironment struct {
	ID        string `json:"environment_id"`
	Name      string `json:"name"`
	IsDefault bool   `json:"is_default"`
}

// DokployProject is a project with its environments.
type DokployProject struct {
	ID           string               `json:"project_id"`
	Name         string               `json:"name"`
	Environments []DokployEnvironment `json:"environments"`
}

// DokployApplication is an application's git source and build settings (nullable columns as "").
type DokployApplication struct {
	ID                 string `json:"application_id"`
	Name               string `json:"name"`
	AppName            string `json:"app_name"`
	Description        string `json:"description"`
	EnvironmentID      string `json:"environment_id"`
	SourceType         string `json:"source_type"`
	CustomGitURL       string `json:"custom_git_url"`
	CustomGitBranch    string `json:"custom_git_branch"`
	CustomGitBuildPath string `json:"custom_git_build_path"`
	CustomGitSSHKeyID  string `json:"custom_git_ssh_key_id"`
	// ConnectionID, ConnectionRepository and ConnectionBranch are the link through a git-provider
	// connection of the source type (github, gitlab, bitbucket, gitea): the connection's kind id
	// (githubId, …; "" once the connection is deleted), "owner/repository" (GitLab: the path with
	// namespace) and the branch.
	ConnectionID         string    `json:"connection_id,omitempty"`
	ConnectionRepository string    `json:"connection_repository,omitempty"`
	ConnectionBranch     string    `json:"connection_branch,omitempty"`
	EnableSubmodules     bool      `json:"enable_submodules"`
	WatchPaths           []string  `json:"watch_paths"`
	BuildType            string    `json:"build_type"`
	PublishDirectory     string    `json:"publish_directory"`
	Dockerfile           string    `json:"dockerfile"`
	AutoDeploy           bool      `json:"auto_deploy"`
	RefreshToken         string    `json:"refresh_token,omitempty"` // the deploy URL's secret: left out of State
	ApplicationStatus    string    `json:"application_status"`
	CreatedAt            time.Time `json:"created_at"`
}

// DokploySSHKey is a stored SSH key. PrivateKey is left out of JSON (the admin API never shows it).
type DokploySSHKey struct {
	ID          string    `json:"ssh_key_id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	PublicKey   string    `json:"public_key"`
	PrivateKey  string    `json:"-"`
	CreatedAt   time.Time `json:"created_at"`
	LastUsedAt  string    `json:"last_used_at"`
}

// DokployDeployment is a deployment. Status is "done" or "error"; Log is what Dokploy writes to the
// deployment's log file (git's error on a failed clone).
type DokployDeployment struct {
	ID            string    `json:"deployment_id"`
	ApplicationID string    `json:"application_id"`
	Title         string    `json:"title"`
	Description   string    `json:"description"`
	Status        string    `json:"status"`
	Log           string    `json:"log"`
	CreatedAt     time.Time `json:"created_at"`
}

// DokployState is the Dokploy part of State (no API keys, private keys or refresh tokens).
type DokployState struct {
	OrganizationID string               `json:"organization_id"`
	Projects       []DokployProject     `json:"projects"`
	Applications   []DokployApplication `json:"applications"`
	SSHKeys        []DokploySSHKey      `json:"ssh_keys"`
	Deployments    []DokployDeployment  `json:"deployments"`
	Connections    []DokployConnection  `json:"git_providers"` // credentials masked
}

func (dk *dokployState) snapshot() DokployState {
	s := DokployState{OrganizationID: dk.orgID, Projects: dk.projectSnapshots(), Applications: []DokployApplication{},
		SSHKeys: []DokploySSHKey{}, Deployments: dk.deploymentSnapshots(""), Connections: dk.maskedConnections()}
	for _, a := range dk.applications {
		snap := appSnapshot(a)
		snap.RefreshToken = ""
		s.Applications = append(s.Applications, snap)
	}
	for _, k := range dk.sshKeys {
		snap := sshKeySnapshot(k)
		snap.PrivateKey = ""
		s.SSHKeys = append(s.SSHKeys, snap)
	}
	return s
}

func (dk *dokployState) projectSnapshots() []DokployProject {
	out := []DokployProject{}
	for _, p := range dk.projects {
		dp := DokployProject{ID: p.id, Name: p.name, Environments: []DokployEnvironment{}}
		for _, env := range dk.environmentsOf(p.id) {
			dp.Environments = append(dp.Environments, DokployEnvironment{ID: env.id, Name: env.name, IsDefault: env.isDefault})
		}
		out = append(out, dp)
	}
	return out
}

func appSnapshot(a *dkApplication) DokployApplication {
	created, _ := time.Parse("2006-01-02T15:04:05.000Z", a.str("createdAt"))
	out := DokployApplication{ID: a.id(), Name: a.str("name"), AppName: a.str("appName"), Description: a.str("description"),
		EnvironmentID: a.str("environmentId"), SourceType: a.str("sourceType"), CustomGitURL: a.str("customGitUrl"),
		CustomGitBranch: a.str("customGitBranch"), CustomGitBuildPath: a.str("customGitBuildPath"),
		CustomGitSSHKeyID: a.str("customGitSSHKeyId"), EnableSubmodules: a.boolean("enableSubmodules"),
		WatchPaths: slices.Clone(a.strs("watchPaths")), BuildType: a.str("buildType"),
		PublishDirectory: a.str("publishDirectory"), Dockerfile: a.str("dockerfile"), AutoDeploy: a.boolean("autoDeploy"),
		RefreshToken: a.str("refreshToken"), ApplicationStatus: a.str("applicationStatus"), CreatedAt: created}
	switch a.str("sourceType") {
	case kindGitHub:
		out.ConnectionID, out.ConnectionRepository, out.ConnectionBranch = a.str("githubId"), a.str("owner")+"/"+a.str("repository"), a.str("branch")
	case kindGitLab:
		out.ConnectionID, out.ConnectionRepository, out.ConnectionBranch = a.str("gitlabId"), a.str("gitlabPathNamespace"), a.str("gitlabBranch")
	case kindBitbucket:
		slug := a.str("bitbucketRepositorySlug")
		if slug == "" {
			slug = a.str("bitbucketRepository")
		}
		out.ConnectionID, out.ConnectionRepository, out.ConnectionBranch = a.str("bitbucketId"), a.str("bitbucketOwner")+"/"+slug, a.str("bitbucketBranch")
	case kindGitea:
		out.ConnectionID, out.ConnectionRepository, out.ConnectionBranch = a.str("giteaId"), a.str("giteaOwner")+"/"+a.str("giteaRepository"), a.str("giteaBranch")
	}
	return out
}

func sshKeySnapshot(k *dkSSHKey) DokploySSHKey {
	out := DokploySSHKey{ID: k.id, Name: k.name, PublicKey: k.publicKey, PrivateKey: k.privateKey, CreatedAt: k.createdAt}
	if k.description != nil {
		out.Description = *k.description
	}
	if k.lastUsedAt != nil {
		out.LastUsedAt = *k.lastUsedAt
	}
	return out
}

func (dk *dokployState) deploymentSnapshots(applicationID string) []DokployDeployment {
	out := []DokployDeployment{}
	for _, d := range dk.deployments {
		if applicationID == "" || d.applicationID == applicationID {
			out = append(out, DokployDeployment{ID: d.id, ApplicationID: d.applicationID, Title: d.title,
				Description: d.description, Status: d.status, Log: d.log, CreatedAt: d.createdAt})
		}
	}
	return out
}

// DokployProjects returns the projects and their environments, oldest first.
func (e *Emulator) DokployProjects() []DokployProject {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.st.dokploy.projectSnapshots()
}

// DokployApplications returns every application, oldest first.
func (e *Emulator) DokployApplications() []DokployApplication {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := []DokployApplication{}
	for _, a := range e.st.dokploy.applications {
		out = append(out, appSnapshot(a))
	}
	return out
}

// DokployApplication returns one application.
func (e *Emulator) DokployApplication(id string) (DokployApplication, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	a := e.st.dokploy.application(id)
	if a == nil {
		return DokployApplication{}, false
	}
	return appSnapshot(a), true
}

// UpdateDokployApplication changes an application as application.update does, with its field names,
// e.g. map[string]any{"customGitBranch": "develop"} or {"autoDeploy": false}. ErrNotFound for an
// unknown application; an error naming the problem for an invalid value.
func (e *Emulator) UpdateDokployApplication(id string, patch map[string]any) error {
	fields := map[string]json.RawMessage{}
	for k, v := range patch {
		raw, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("encode %s: %w", k, err)
		}
		fields[k] = raw
	}
	fields["applicationId"], _ = json.Marshal(id) // a string always encodes
	values, verr := dkInput{fields: fields}.validate(updateFields()...)
	if verr != nil {
		data, _ := json.Marshal(verr.issues) // plain structs
		return fmt.Errorf("dokploy application %q: invalid patch: %s", id, data)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	dk := &e.st.dokploy
	a := dk.application(id)
	if a == nil {
		return fmt.Errorf("dokploy application %q: %w", id, ErrNotFound)
	}
	var changes []dkChange
	for _, c := range dkAppColumns {
		if x, ok := values[c.field.name]; ok && !c.fixed {
			changes = append(changes, dkChange{c.field.name, x})
		}
	}
	if err := dk.apply(a, changes); err != nil {
		return fmt.Errorf("dokploy application %q: %s", id, err.message)
	}
	return nil
}

// DeleteDokployApplication deletes an application and its deployments; false when there is none.
func (e *Emulator) DeleteDokployApplication(id string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.st.dokploy.removeApplication(id)
}

// RotateDokployRefreshToken gives an application a new refresh token, as application.refreshToken
// does, and returns it. ErrNotFound for an unknown application.
func (e *Emulator) RotateDokployRefreshToken(id string) (string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	dk := &e.st.dokploy
	a := dk.application(id)
	if a == nil {
		return "", fmt.Errorf("dokploy application %q: %w", id, ErrNotFound)
	}
	a.set("refreshToken", dk.next("refreshToken"))
	return a.str("refreshToken"), nil
}

// DokploySSHKeys returns every stored SSH key, oldest first, private keys included (tests check what
// was stored; the admin API leaves them out).
func (e *Emulator) DokploySSHKeys() []DokploySSHKey {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := []DokploySSHKey{}
	for _, k := range e.st.dokploy.sshKeys {
		out = append(out, sshKeySnapshot(k))
	}
	return out
}

// DeleteDokploySSHKey deletes a key (applications using it keep customGitSSHKeyId null); false when
// there is none.
func (e *Emulator) DeleteDokploySSHKey(id string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.st.dokploy.removeSSHKey(id)
}

// DokployDeployments returns the deployments of an application ("" for all), oldest first.
func (e *Emulator) DokployDeployments(applicationID string) []DokployDeployment {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.st.dokploy.deploymentSnapshots(applicationID)
}

func (e *Emulator) adminDokployRoutes() {
	a := AdminPrefix + "/dokploy"
	m := e.admin
	m.HandleFunc("GET "+a+"/projects", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, e.DokployProjects())
	})
	m.HandleFunc("GET "+a+"/applications", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, e.DokployApplications())
	})
	m.HandleFunc("GET "+a+"/applications/{id}", func(w http.ResponseWriter, r *http.Request) {
		app, ok := e.DokployApplication(r.PathValue("id"))
		if !ok {
			writeAdminError(w, http.StatusNotFound, "not found")
			return
		}
		writeJSON(w, http.StatusOK, app)
	})
	m.HandleFunc("PATCH "+a+"/applications/{id}", func(w http.ResponseWriter, r *http.Request) {
		var patch map[string]any
		if err := decodeBody(r, &patch); err != nil {
			writeAdminError(w, http.StatusBadRequest, "patch: "+err.Error())
			return
		}
		if err := e.UpdateDokployApplication(r.PathValue("id"), patch); err != nil {
			adminResult(w, err)
			return
		}
		app, ok := e.DokployApplication(r.PathValue("id"))
		if !ok { // deleted in between by another request
			writeAdminError(w, http.StatusNotFound, "not found")
			return
		}
		writeJSON(w, http.StatusOK, app)
	})
	m.HandleFunc("DELETE "+a+"/applications/{id}", func(w http.ResponseWriter, r *http.Request) {
		adminFound(w, e.DeleteDokployApplication(r.PathValue("id")))
	})
	m.HandleFunc("POST "+a+"/applications/{id}/refresh_token", func(w http.ResponseWriter, r *http.Request) {
		token, err := e.RotateDokployRefreshToken(r.PathValue("id"))
		if err != nil {
			adminResult(w, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"refreshToken": token})
	})
	m.HandleFunc("GET "+a+"/ssh_keys", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, e.DokploySSHKeys()) // PrivateKey is json:"-"
	})
	m.HandleFunc("DELETE "+a+"/ssh_keys/{id}", func(w http.ResponseWriter, r *http.Request) {
		adminFound(w, e.DeleteDokploySSHKey(r.PathValue("id")))
	})
	m.HandleFunc("GET "+a+"/deployments", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, e.DokployDeployments(r.URL.Query().Get("application_id")))
	})
	e.adminDokployConnectionRoutes()
}
