package emulator

import (
	"fmt"
	"net/http"
	"strings"
)

// Dokploy's application router (apps/dokploy/server/api/routers/application.ts,
// packages/server/src/services/application.ts). "Not found" is answered differently per procedure:
//
//   - one, delete, deploy, saveGitProvider, saveBuildType, disconnectGitProvider, refreshToken:
//     findApplicationById throws NOT_FOUND "Application not found" → 404 (the save* procedures update
//     zero rows first, then read the application back);
//   - update: updateApplication finds no row to return → BAD_REQUEST "Error updating application" → 400;
//   - create with an unknown environment: findEnvironmentById → 404 "Environment not found".
//
// A foreign key that names nothing (customGitSSHKeyId, githubId, …) makes the UPDATE fail in
// PostgreSQL; tRPC turns that error into INTERNAL_SERVER_ERROR (500) with drizzle's "Failed query: …"
// message.

func appNotFound() *dkError { return dkErr(dkNotFound, "Application not found") }

// dkDeploymentJSON is a row of the deployment table.
type dkDeploymentJSON struct {
	DeploymentID        string  `json:"deploymentId"`
	Title               string  `json:"title"`
	Description         *string `json:"description"`
	Status              string  `json:"status"`
	LogPath             string  `json:"logPath"`
	PID                 *string `json:"pid"`
	ApplicationID       string  `json:"applicationId"`
	ComposeID           *string `json:"composeId"`
	ServerID            *string `json:"serverId"`
	IsPreviewDeployment bool    `json:"isPreviewDeployment"`
	PreviewDeploymentID *string `json:"previewDeploymentId"`
	CreatedAt           string  `json:"createdAt"`
	StartedAt           *string `json:"startedAt"`
	FinishedAt          *string `json:"finishedAt"`
	ErrorMessage        *string `json:"errorMessage"`
	ScheduleID          *string `json:"scheduleId"`
	BackupID            *string `json:"backupId"`
	RollbackID          *string `json:"rollbackId"`
	VolumeBackupID      *string `json:"volumeBackupId"`
	BuildServerID       *string `json:"buildServerId"`
}

func deploymentOut(d *dkDeployment) dkDeploymentJSON {
	out := dkDeploymentJSON{DeploymentID: d.id, Title: d.title, Description: ptrString(d.description), Status: d.status,
		LogPath: d.logPath, ApplicationID: d.applicationID, CreatedAt: formatTimeMillis(d.createdAt),
		StartedAt: ptrString(formatTimeMillis(d.createdAt))}
	if !d.finishedAt.IsZero() {
		out.FinishedAt = ptrString(formatTimeMillis(d.finishedAt))
	}
	return out
}

// applicationFull is findApplicationById's answer: the row and the relations it loads. The emulator
// has no domains, mounts or servers: those are empty or null. The git-provider connections come
// without their secrets (dokploy_link.go).
func (dk *dokployState) applicationFull(a *dkApplication, extra ...dkExtra) dkAppJSON {
	var envOut any
	if env := dk.environment(a.str("environmentId")); env != nil {
		type envWithProject struct {
			dkEnvironmentJSON
			Project *dkProjectJSON `json:"project"`
		}
		ej := envWithProject{dkEnvironmentJSON: environmentOut(env)}
		if p := dk.project(env.projectID); p != nil {
			pj := dk.projectOut(p)
			ej.Project = &pj
		}
		envOut = ej
	}
	deployments := []dkDeploymentJSON{}
	for _, d := range dk.deploymentsOf(a.id()) {
		deployments = append(deployments, deploymentOut(d))
	}
	github, gitlab, bitbucket, gitea := dk.connectionRelations(a)
	rel := []dkExtra{
		{"environment", envOut}, {"domains", []any{}}, {"deployments", deployments}, {"mounts", []any{}},
		{"redirects", []any{}}, {"security", []any{}}, {"ports", []any{}}, {"gitlab", gitlab}, {"github", github},
		{"bitbucket", bitbucket}, {"gitea", gitea}, {"server", nil}, {"previewDeployments", []any{}}, {"registry", nil},
		{"buildRegistry", nil}, {"rollbackRegistry", nil},
	}
	return dkAppJSON{app: a, extra: append(rel, extra...)}
}

// cleanAppName is Dokploy's cleanAppName: trimmed, spaces to dashes, lower case.
func cleanAppName(s string) string {
	return strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), " ", "-"))
}

func (dk *dokployState) appNameTaken(name string) bool {
	for _, a := range dk.applications {
		if a.str("appName") == name {
			return true
		}
	}
	return false
}

// dkApplicationCreate is application.create: the new row. appName gets Dokploy's random suffix
// ("<appName>-<6 characters>"), or is made up ("app-<words>-<6 characters>") when not sent.
func (e *Emulator) dkApplicationCreate(w http.ResponseWriter, _ *http.Request, in dkInput) {
	appName := dkField{name: "appName", typ: tString, minLen: 1, maxLen: 63, pattern: dkAppNameRegexp,
		patternMsg: "App name can only contain letters, numbers, dots, underscores and hyphens"}
	sourceType := dkField{name: "sourceType", typ: tString, enum: dkSourceTypes}
	v, err := in.validate(reqStr("name", 1), appName, nullStr("description"), reqStr("environmentId", 0),
		nullStr("serverId"), sourceType)
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
	if v.optStr("serverId") != nil {
		// Remote servers are not emulated: no server id is one the caller may use.
		fail(w, dkErr(dkUnauthorized, "You are not authorized to access this server"))
		return
	}
	dk.seq++
	n := dk.seq
	name := dkGeneratedAppName(n)
	if v.has("appName") {
		name = cleanAppName(v.str("appName")) + "-" + dkRandomSuffix(n)
	}
	if dk.appNameTaken(name) {
		fail(w, dkErr(dkConflict, "Application with this 'AppName' already exists"))
		return
	}
	a := newDkApplication()
	a.set("applicationId", dk.next("application"))
	a.set("name", v.str("name"))
	a.set("appName", name)
	a.set("description", optValue(v, "description"))
	a.set("refreshToken", dk.next("refreshToken"))
	a.set("createdAt", formatTimeMillis(e.now()))
	a.set("environmentId", env.id)
	if v.has("sourceType") {
		a.set("sourceType", v.str("sourceType"))
	}
	dk.applications = append(dk.applications, a)
	writeDokployResult(w, a)
}

// optValue is a member's value, or nil when it was absent.
func optValue(v dkValues, name string) any {
	if x, ok := v[name]; ok {
		return x
	}
	return nil
}

// dkApplicationOne is application.one: the row, its relations, and whether the caller may edit its
// git source (always: the API key's caller owns the organisation, and canEditDeployGitSource lets an
// owner edit any).
func (e *Emulator) dkApplicationOne(w http.ResponseWriter, _ *http.Request, in dkInput) {
	v, err := in.validate(reqStr("applicationId", 1))
	if err != nil {
		fail(w, err)
		return
	}
	dk := &e.st.dokploy
	a := dk.application(v.str("applicationId"))
	if a == nil {
		fail(w, appNotFound())
		return
	}
	writeDokployResult(w, dk.applicationFull(a, dkExtra{"hasGitProviderAccess", true}, dkExtra{"unauthorizedProvider", nil}))
}

// dkApplicationDelete is application.delete: answers the application as it was (with relations).
func (e *Emulator) dkApplicationDelete(w http.ResponseWriter, _ *http.Request, in dkInput) {
	v, err := in.validate(reqStr("applicationId", 1))
	if err != nil {
		fail(w, err)
		return
	}
	dk := &e.st.dokploy
	a := dk.application(v.str("applicationId"))
	if a == nil {
		fail(w, appNotFound())
		return
	}
	out, encErr := dk.applicationFull(a).MarshalJSON()
	if encErr != nil {
		fail(w, dkErr(dkInternal, encErr.Error()))
		return
	}
	dk.removeApplication(a.id())
	writeDokployResult(w, rawJSON(out))
}

// rawJSON is already encoded JSON.
type rawJSON []byte

func (r rawJSON) MarshalJSON() ([]byte, error) { return r, nil }

// foreignKeys are the application columns that reference other tables, with the constraint names
// drizzle gives them.
var foreignKeys = map[string]string{
	"customGitSSHKeyId":  "application_customGitSSHKeyId_ssh-key_sshKeyId_fk",
	"environmentId":      "application_environmentId_environment_environmentId_fk",
	"githubId":           "application_githubId_github_githubId_fk",
	"gitlabId":           "application_gitlabId_gitlab_gitlabId_fk",
	"giteaId":            "application_giteaId_gitea_giteaId_fk",
	"bitbucketId":        "application_bitbucketId_bitbucket_bitbucketId_fk",
	"registryId":         "application_registryId_registry_registryId_fk",
	"rollbackRegistryId": "application_rollbackRegistryId_registry_registryId_fk",
	"buildRegistryId":    "application_buildRegistryId_registry_registryId_fk",
}

// checkForeignKeys fails like PostgreSQL when a changed reference names nothing. SSH keys,
// environments and git-provider connections exist here; registries are not emulated.
func (dk *dokployState) checkForeignKeys(changes []dkChange) *dkError {
	for _, c := range changes {
		constraint, isKey := foreignKeys[c.column]
		id, set := c.value.(string)
		if !isKey || !set {
			continue
		}
		exists := false
		switch c.column {
		case "customGitSSHKeyId":
			exists = dk.sshKey(id) != nil
		case "environmentId":
			exists = dk.environment(id) != nil
		case "githubId", "gitlabId", "bitbucketId", "giteaId":
			exists = dk.connOfKind(strings.TrimSuffix(c.column, "Id"), id) != nil
		}
		if !exists {
			return failedUpdate(changes, constraint)
		}
	}
	return nil
}

// dkChange is one column an UPDATE sets.
type dkChange struct {
	column string
	value  any
}

// failedUpdate is the INTERNAL_SERVER_ERROR tRPC makes of drizzle's error for a failed UPDATE. Drizzle
// writes "Failed query: <sql>\nparams: <values>"; the exact text is not confirmed, and the values are
// left out here.
func failedUpdate(changes []dkChange, constraint string) *dkError {
	var set []string
	for i, c := range changes {
		set = append(set, fmt.Sprintf("%q = $%d", c.column, i+1))
	}
	return dkErr(dkInternal, fmt.Sprintf(`Failed query: update "application" set %s where "application"."applicationId" = $%d`+
		` (insert or update on table "application" violates foreign key constraint %q)`,
		strings.Join(set, ", "), len(changes)+1, constraint))
}

// apply sets the changes after checking their references.
func (dk *dokployState) apply(a *dkApplication, changes []dkChange) *dkError {
	if err := dk.checkForeignKeys(changes); err != nil {
		return err
	}
	for _, c := range changes {
		a.set(c.column, c.value)
	}
	return nil
}

// present lists the members of v among names, in that order, as changes: a member that was not sent
// is left out (drizzle's .set() skips undefined values), an explicit null clears the column.
func present(v dkValues, names ...string) []dkChange {
	var out []dkChange
	for _, n := range names {
		if x, ok := v[n]; ok {
			out = append(out, dkChange{n, x})
		}
	}
	return out
}

// dkApplicationUpdate is application.update: every column but serverId may be sent; appName is
// validated but ignored (updateApplication drops it). Answers true.
func (e *Emulator) dkApplicationUpdate(w http.ResponseWriter, _ *http.Request, in dkInput) {
	v, err := in.validate(updateFields()...)
	if err != nil {
		fail(w, err)
		return
	}
	dk := &e.st.dokploy
	if v.optStr("buildServerId") != nil {
		fail(w, dkErr(dkUnauthorized, "You are not authorized to access this build server"))
		return
	}
	a := dk.application(v.str("applicationId"))
	if a == nil {
		fail(w, dkErr(dkBadRequest, "Error updating application"))
		return
	}
	var changes []dkChange
	for _, c := range dkAppColumns {
		if c.fixed {
			continue
		}
		if x, ok := v[c.field.name]; ok {
			changes = append(changes, dkChange{c.field.name, x})
		}
	}
	if err := dk.apply(a, changes); err != nil {
		fail(w, err)
		return
	}
	writeDokployResult(w, true)
}

// dkSaveGitProvider is application.saveGitProvider: the application builds from any git URL
// (sourceType "git"), over SSH with customGitSSHKeyId. The schema (openapi-subset.json) requires
// customGitBuildPath, customGitUrl and watchPaths to be sent, null allowed. customGitSSHKeyId and
// enableSubmodules left out keep their values.
func (e *Emulator) dkSaveGitProvider(w http.ResponseWriter, _ *http.Request, in dkInput) {
	v, err := in.validate(
		reqStr("applicationId", 0),
		reqNullStr("customGitBuildPath"),
		reqNullStr("customGitUrl"),
		dkField{name: "watchPaths", typ: tStrings, required: true, nullable: true},
		dkField{name: "enableSubmodules", typ: tBool},
		branchField("customGitBranch"),
		nullStr("customGitSSHKeyId"),
	)
	if err != nil {
		fail(w, err)
		return
	}
	e.dkSetSource(w, v, "git", []string{"customGitBranch", "customGitBuildPath", "customGitUrl", "customGitSSHKeyId"})
}

// dkSaveBuildType is application.saveBuildType. buildType, dockerfile, dockerContextPath,
// dockerBuildStage, herokuVersion and railpackVersion must be sent (all but buildType may be null);
// publishDirectory and isStaticSpa left out keep their values.
func (e *Emulator) dkSaveBuildType(w http.ResponseWriter, _ *http.Request, in dkInput) {
	v, err := in.validate(
		reqStr("applicationId", 0),
		dkField{name: "buildType", typ: tString, required: true, enum: dkBuildTypes},
		reqNullStr("dockerfile"),
		reqNullStr("dockerContextPath"),
		reqNullStr("dockerBuildStage"),
		reqNullStr("herokuVersion"),
		reqNullStr("railpackVersion"),
		nullStr("publishDirectory"),
		dkField{name: "isStaticSpa", typ: tBool, nullable: true},
	)
	if err != nil {
		fail(w, err)
		return
	}
	dk := &e.st.dokploy
	a := dk.application(v.str("applicationId"))
	if a == nil {
		fail(w, appNotFound())
		return
	}
	changes := present(v, "buildType", "dockerfile", "publishDirectory", "dockerContextPath", "dockerBuildStage",
		"herokuVersion", "isStaticSpa", "railpackVersion")
	if err := dk.apply(a, changes); err != nil {
		fail(w, err)
		return
	}
	writeDokployResult(w, true)
}

// dkDisconnectGitProvider is application.disconnectGitProvider: every git source field back to its
// empty value, sourceType back to "github" (Dokploy's default).
func (e *Emulator) dkDisconnectGitProvider(w http.ResponseWriter, _ *http.Request, in dkInput) {
	v, err := in.validate(reqStr("applicationId", 1))
	if err != nil {
		fail(w, err)
		return
	}
	a := e.st.dokploy.application(v.str("applicationId"))
	if a == nil {
		fail(w, appNotFound())
		return
	}
	for _, name := range []string{"repository", "branch", "owner", "githubId",
		"gitlabRepository", "gitlabOwner", "gitlabBranch", "gitlabBuildPath", "gitlabId", "gitlabProjectId", "gitlabPathNamespace",
		"bitbucketRepository", "bitbucketOwner", "bitbucketBranch", "bitbucketBuildPath", "bitbucketId",
		"giteaRepository", "giteaOwner", "giteaBranch", "giteaBuildPath", "giteaId",
		"customGitBranch", "customGitBuildPath", "customGitUrl", "customGitSSHKeyId", "watchPaths"} {
		a.set(name, nil)
	}
	a.set("buildPath", "/")
	a.set("triggerType", "push")
	a.set("sourceType", "github")
	a.set("applicationStatus", "idle")
	a.set("enableSubmodules", false)
	writeDokployResult(w, true)
}

// dkRefreshToken is application.refreshToken: a new token (read it with application.one); the old
// deploy URL stops working.
func (e *Emulator) dkRefreshToken(w http.ResponseWriter, _ *http.Request, in dkInput) {
	v, err := in.validate(reqStr("applicationId", 1))
	if err != nil {
		fail(w, err)
		return
	}
	dk := &e.st.dokploy
	a := dk.application(v.str("applicationId"))
	if a == nil {
		fail(w, appNotFound())
		return
	}
	a.set("refreshToken", dk.next("refreshToken"))
	writeDokployResult(w, true)
}

// dkApplicationDeploy is application.deploy: queues a deployment ("Manual deployment" unless a title
// is given) and answers nothing. The emulated deployment finishes at once (dokploy_deploy.go).
func (e *Emulator) dkApplicationDeploy(w http.ResponseWriter, r *http.Request, in dkInput) {
	v, err := in.validate(reqStr("applicationId", 1), optStr("title"), optStr("description"))
	if err != nil {
		fail(w, err)
		return
	}
	a := e.st.dokploy.application(v.str("applicationId"))
	if a == nil {
		fail(w, appNotFound())
		return
	}
	title := v.str("title")
	if title == "" {
		title = "Manual deployment"
	}
	e.reach(r).deployApplication(a, title, v.str("description"))
	writeDokployResult(w, nil)
}
