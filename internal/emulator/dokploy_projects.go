package emulator

import (
	"net/http"
	"slices"
	"strings"
)

// Dokploy's project and environment routers (apps/dokploy/server/api/routers/project.ts,
// environment.ts; packages/server/src/services/project.ts, environment.ts), as the organisation's
// owner sees them: no per-member access lists.

// dkProjectJSON is a row of the project table.
type dkProjectJSON struct {
	ProjectID      string  `json:"projectId"`
	Name           string  `json:"name"`
	Description    *string `json:"description"`
	CreatedAt      string  `json:"createdAt"`
	OrganizationID string  `json:"organizationId"`
	Env            string  `json:"env"`
}

func (dk *dokployState) projectOut(p *dkProject) dkProjectJSON {
	return dkProjectJSON{ProjectID: p.id, Name: p.name, Description: p.description,
		CreatedAt: formatTimeMillis(p.createdAt), OrganizationID: dk.orgID, Env: p.env}
}

// dkEnvironmentJSON is a row of the environment table.
type dkEnvironmentJSON struct {
	EnvironmentID string  `json:"environmentId"`
	Name          string  `json:"name"`
	Description   *string `json:"description"`
	CreatedAt     string  `json:"createdAt"`
	Env           string  `json:"env"`
	ProjectID     string  `json:"projectId"`
	IsDefault     bool    `json:"isDefault"`
}

func environmentOut(env *dkEnvironment) dkEnvironmentJSON {
	return dkEnvironmentJSON{EnvironmentID: env.id, Name: env.name, Description: env.description,
		CreatedAt: formatTimeMillis(env.createdAt), Env: env.env, ProjectID: env.projectID, IsDefault: env.isDefault}
}

// dkServiceJSON is an application as listed inside an environment (serviceColumns + applicationId,
// icon and the server's name).
type dkServiceJSON struct {
	Name              string  `json:"name"`
	Description       *string `json:"description"`
	AppName           string  `json:"appName"`
	CreatedAt         string  `json:"createdAt"`
	ServerID          *string `json:"serverId"`
	ApplicationStatus string  `json:"applicationStatus"`
	ApplicationID     string  `json:"applicationId"`
	Icon              *string `json:"icon"`
	Server            any     `json:"server"`
}

func serviceOut(a *dkApplication) dkServiceJSON {
	desc, _ := a.cols["description"].(string)
	out := dkServiceJSON{Name: a.str("name"), AppName: a.str("appName"), CreatedAt: a.str("createdAt"),
		ApplicationStatus: a.str("applicationStatus"), ApplicationID: a.id()}
	if a.cols["description"] != nil {
		out.Description = &desc
	}
	if icon, ok := a.cols["icon"].(string); ok {
		out.Icon = &icon
	}
	return out
}

// dkEnvironmentWithServices is an environment with its services, as project.one, environment.one and
// environment.byProjectId answer it; each selects other columns (createdAt, env and projectId are left
// out where Dokploy's query leaves them out). The emulator has applications only: the other kinds of
// service are empty lists.
type dkEnvironmentWithServices struct {
	EnvironmentID string          `json:"environmentId"`
	Name          string          `json:"name"`
	Description   *string         `json:"description"`
	CreatedAt     *string         `json:"createdAt,omitempty"`
	Env           *string         `json:"env,omitempty"`
	ProjectID     *string         `json:"projectId,omitempty"`
	IsDefault     bool            `json:"isDefault"`
	Applications  []dkServiceJSON `json:"applications"`
	Compose       []any           `json:"compose"`
	Libsql        []any           `json:"libsql"`
	Mariadb       []any           `json:"mariadb"`
	Mongo         []any           `json:"mongo"`
	Mysql         []any           `json:"mysql"`
	Postgres      []any           `json:"postgres"`
	Redis         []any           `json:"redis"`
	Project       *dkProjectJSON  `json:"project,omitempty"`
}

// environmentWithServices lists env's services; createdAt and envAndProject add those columns.
func (dk *dokployState) environmentWithServices(env *dkEnvironment, createdAt, envAndProject bool) dkEnvironmentWithServices {
	out := dkEnvironmentWithServices{EnvironmentID: env.id, Name: env.name, Description: env.description,
		IsDefault: env.isDefault, Applications: []dkServiceJSON{},
		Compose: []any{}, Libsql: []any{}, Mariadb: []any{}, Mongo: []any{}, Mysql: []any{}, Postgres: []any{}, Redis: []any{}}
	if createdAt {
		out.CreatedAt = ptrString(formatTimeMillis(env.createdAt))
	}
	if envAndProject {
		out.Env, out.ProjectID = ptrString(env.env), ptrString(env.projectID)
	}
	for _, a := range dk.applicationsOf(env.id) {
		out.Applications = append(out.Applications, serviceOut(a))
	}
	return out
}

type dkProjectWithEnvironments struct {
	dkProjectJSON
	Environments []dkEnvironmentWithServices `json:"environments"`
	ProjectTags  []any                       `json:"projectTags"`
}

func (dk *dokployState) projectWithEnvironments(p *dkProject) dkProjectWithEnvironments {
	out := dkProjectWithEnvironments{dkProjectJSON: dk.projectOut(p), Environments: []dkEnvironmentWithServices{},
		ProjectTags: []any{}}
	for _, env := range dk.environmentsOf(p.id) {
		out.Environments = append(out.Environments, dk.environmentWithServices(env, true, true))
	}
	return out
}

// ---- project ----

// dkProjectCreate is project.create: the project and its default "production" environment,
// answered as {project, environment}. Failures inside are wrapped as BAD_REQUEST
// "Error creating the project: …".
func (e *Emulator) dkProjectCreate(w http.ResponseWriter, _ *http.Request, in dkInput) {
	v, err := in.validate(reqStr("name", 1), nullStr("description"), optStr("env"))
	if err != nil {
		fail(w, err)
		return
	}
	dk := &e.st.dokploy
	now := e.now()
	p := &dkProject{id: dk.next("project"), name: v.str("name"), description: v.optStr("description"),
		env: v.str("env"), createdAt: now}
	env := &dkEnvironment{id: dk.next("environment"), name: "production", description: ptrString("Production environment"),
		projectID: p.id, isDefault: true, createdAt: now}
	dk.projects = append(dk.projects, p)
	dk.environments = append(dk.environments, env)
	writeDokployResult(w, map[string]any{"project": dk.projectOut(p), "environment": environmentOut(env)})
}

// dkProjectOne is project.one: 404 "Project not found" (findProjectById).
func (e *Emulator) dkProjectOne(w http.ResponseWriter, _ *http.Request, in dkInput) {
	v, err := in.validate(reqStr("projectId", 1))
	if err != nil {
		fail(w, err)
		return
	}
	dk := &e.st.dokploy
	p := dk.project(v.str("projectId"))
	if p == nil {
		fail(w, dkErr(dkNotFound, "Project not found"))
		return
	}
	writeDokployResult(w, dk.projectWithEnvironments(p))
}

// dkAppSummaryJSON is an application in project.all.
type dkAppSummaryJSON struct {
	ApplicationID     string `json:"applicationId"`
	Name              string `json:"name"`
	ApplicationStatus string `json:"applicationStatus"`
}

// dkProjectAllEnvironment is an environment in project.all: a few columns and the services' ids.
type dkProjectAllEnvironment struct {
	Name          string             `json:"name"`
	EnvironmentID string             `json:"environmentId"`
	IsDefault     bool               `json:"isDefault"`
	Applications  []dkAppSummaryJSON `json:"applications"`
	Mariadb       []any              `json:"mariadb"`
	Mongo         []any              `json:"mongo"`
	Mysql         []any              `json:"mysql"`
	Postgres      []any              `json:"postgres"`
	Redis         []any              `json:"redis"`
	Compose       []any              `json:"compose"`
	Libsql        []any              `json:"libsql"`
}

// dkProjectAll is project.all: the organisation's projects, newest first.
func (e *Emulator) dkProjectAll(w http.ResponseWriter, _ *http.Request, _ dkInput) {
	dk := &e.st.dokploy
	type projectJSON struct {
		dkProjectJSON
		Environments []dkProjectAllEnvironment `json:"environments"`
		ProjectTags  []any                     `json:"projectTags"`
	}
	out := []projectJSON{}
	for i := len(dk.projects) - 1; i >= 0; i-- {
		p := dk.projects[i]
		pj := projectJSON{dkProjectJSON: dk.projectOut(p), Environments: []dkProjectAllEnvironment{}, ProjectTags: []any{}}
		for _, env := range dk.environmentsOf(p.id) {
			ej := dkProjectAllEnvironment{Name: env.name, EnvironmentID: env.id, IsDefault: env.isDefault,
				Applications: []dkAppSummaryJSON{}, Mariadb: []any{}, Mongo: []any{}, Mysql: []any{}, Postgres: []any{},
				Redis: []any{}, Compose: []any{}, Libsql: []any{}}
			for _, a := range dk.applicationsOf(env.id) {
				ej.Applications = append(ej.Applications, dkAppSummaryJSON{a.id(), a.str("name"), a.str("applicationStatus")})
			}
			pj.Environments = append(pj.Environments, ej)
		}
		out = append(out, pj)
	}
	slices.SortStableFunc(out, func(a, b projectJSON) int { return strings.Compare(b.CreatedAt, a.CreatedAt) })
	writeDokployResult(w, out)
}

// dkProjectRemove is project.remove: 404 "Project not found"; answers the deleted row. Environments,
// applications and deployments go with it (ON DELETE CASCADE).
func (e *Emulator) dkProjectRemove(w http.ResponseWriter, _ *http.Request, in dkInput) {
	v, err := in.validate(reqStr("projectId", 1))
	if err != nil {
		fail(w, err)
		return
	}
	dk := &e.st.dokploy
	p := dk.project(v.str("projectId"))
	if p == nil {
		fail(w, dkErr(dkNotFound, "Project not found"))
		return
	}
	out := dk.projectOut(p)
	dk.removeProject(p.id)
	writeDokployResult(w, out)
}

// ---- environment ----

// dkEnvironmentCreate is environment.create. "production" is reserved (400). An unknown project fails
// on the foreign key and is wrapped as BAD_REQUEST "Error creating the environment: …" (the real
// message continues with drizzle's "Failed query: …" text; the wording here is not confirmed).
func (e *Emulator) dkEnvironmentCreate(w http.ResponseWriter, _ *http.Request, in dkInput) {
	v, err := in.validate(reqStr("name", 1), optStr("description"), reqStr("projectId", 1))
	if err != nil {
		fail(w, err)
		return
	}
	if v.str("name") == "production" {
		fail(w, dkErr(dkBadRequest, "You cannot create a environment with the name 'production'"))
		return
	}
	dk := &e.st.dokploy
	if dk.project(v.str("projectId")) == nil {
		fail(w, dkErr(dkBadRequest, `Error creating the environment: insert or update on table "environment" violates `+
			`foreign key constraint "environment_projectId_project_projectId_fk"`))
		return
	}
	env := &dkEnvironment{id: dk.next("environment"), name: v.str("name"), description: v.optStr("description"),
		projectID: v.str("projectId"), createdAt: e.now()}
	dk.environments = append(dk.environments, env)
	writeDokployResult(w, environmentOut(env))
}

// dkEnvironmentOne is environment.one: 404 "Environment not found" (findEnvironmentById). The answer
// lists the services with a few columns and the project row.
func (e *Emulator) dkEnvironmentOne(w http.ResponseWriter, _ *http.Request, in dkInput) {
	v, err := in.validate(reqStr("environmentId", 1))
	if err != nil {
		fail(w, err)
		return
	}
	dk := &e.st.dokploy
	env := dk.environment(v.str("environmentId"))
	if env == nil {
		fail(w, dkErr(dkNotFound, "Environment not found"))
		return
	}
	out := dk.environmentWithServices(env, false, true)
	if p := dk.project(env.projectID); p != nil {
		pj := dk.projectOut(p)
		out.Project = &pj
	}
	writeDokployResult(w, out)
}

// dkEnvironmentByProject is environment.byProjectId: the project's environments, oldest first; an
// unknown project has none (200 []).
func (e *Emulator) dkEnvironmentByProject(w http.ResponseWriter, _ *http.Request, in dkInput) {
	v, err := in.validate(reqStr("projectId", 0))
	if err != nil {
		fail(w, err)
		return
	}
	dk := &e.st.dokploy
	out := []dkEnvironmentWithServices{}
	p := dk.project(v.str("projectId"))
	for _, env := range dk.environmentsOf(v.str("projectId")) {
		ej := dk.environmentWithServices(env, false, false)
		if p != nil {
			pj := dk.projectOut(p)
			ej.Project = &pj
		}
		out = append(out, ej)
	}
	writeDokployResult(w, out)
}

// dkEnvironmentRemove is environment.remove: 404 "Environment not found"; the default environment and
// environments with services cannot be deleted (400). Answers the deleted row.
func (e *Emulator) dkEnvironmentRemove(w http.ResponseWriter, _ *http.Request, in dkInput) {
	v, err := in.validate(reqStr("environmentId", 1))
	if err != nil {
		fail(w, err)
		return
	}
	dk := &e.st.dokploy
	env := dk.environment(v.str("environmentId"))
	switch {
	case env == nil:
		fail(w, dkErr(dkNotFound, "Environment not found"))
		return
	case env.isDefault:
		fail(w, dkErr(dkBadRequest, "You cannot delete the default environment"))
		return
	case len(dk.applicationsOf(env.id)) > 0:
		fail(w, dkErr(dkBadRequest, "Cannot delete environment: it has active services. Delete all services first."))
		return
	}
	out := environmentOut(env)
	dk.removeEnvironment(env.id)
	writeDokployResult(w, out)
}
