package emulator

import (
	"bytes"
	"encoding/json"
	"regexp"
	"slices"
)

// The columns of Dokploy's "application" table (packages/server/src/db/schema/application.ts), in the
// table's order, with their defaults. application.one answers them all; application.update
// (apiUpdateApplication: every column optional) takes the types of openapi-subset.json.

// dkColumn is one column of the application table.
type dkColumn struct {
	field dkField // name, type, nullability as application.update validates it
	def   any     // the default of a new row: string, bool, float64, []string, nil
	fixed bool    // not settable through application.update (serverId, and appName which it ignores)
}

var (
	dkAppNameRegexp = regexp.MustCompile(`^[a-zA-Z0-9._-]+$`)
	// dkBranchRegexp is VALID_BRANCH_REGEX (packages/server/src/utils/git-branch-validation.ts).
	dkBranchRegexp = regexp.MustCompile(`^[a-zA-Z0-9._\-/#]+$`)

	dkSourceTypes      = []string{"github", "docker", "git", "gitlab", "bitbucket", "gitea", "drop"}
	dkBuildTypes       = []string{"dockerfile", "heroku_buildpacks", "paketo_buildpacks", "nixpacks", "static", "railpack"}
	dkAppStatuses      = []string{"idle", "running", "done", "error"}
	dkCertificateTypes = []string{"letsencrypt", "none", "custom"}
	dkTriggerTypes     = []string{"push", "tag"}
)

func col(name, typ string, nullable bool, def any) dkColumn {
	return dkColumn{field: dkField{name: name, typ: typ, nullable: nullable}, def: def}
}

func colStr(name string) dkColumn { return col(name, tString, true, nil) }

func colEnum(name string, nullable bool, def string, values []string) dkColumn {
	c := col(name, tString, nullable, def)
	c.field.enum = values
	return c
}

// dkAppColumns is the application table. Swarm settings are JSON columns kept as sent.
var dkAppColumns = []dkColumn{
	{field: dkField{name: "applicationId", typ: tString, minLen: 1}, fixed: true},
	{field: dkField{name: "name", typ: tString, minLen: 1}},
	{field: dkField{name: "appName", typ: tString, minLen: 1, maxLen: 63, pattern: dkAppNameRegexp,
		patternMsg: "App name can only contain letters, numbers, dots, underscores and hyphens"}, fixed: true},
	colStr("description"),
	colStr("env"),
	colStr("previewEnv"),
	col("watchPaths", tStrings, true, nil),
	colStr("previewBuildArgs"),
	colStr("previewBuildSecrets"),
	col("previewLabels", tStrings, true, nil),
	colStr("previewWildcard"),
	col("previewPort", tNumber, true, 3000.0),
	col("previewHttps", tBool, false, false),
	col("previewPath", tString, true, "/"),
	colEnum("previewCertificateType", false, "none", dkCertificateTypes),
	colStr("previewCustomCertResolver"),
	col("previewLimit", tNumber, true, 3.0),
	col("isPreviewDeploymentsActive", tBool, true, false),
	col("previewRequireCollaboratorPermissions", tBool, true, true),
	col("rollbackActive", tBool, true, false),
	colStr("buildArgs"),
	colStr("buildSecrets"),
	colStr("memoryReservation"),
	colStr("memoryLimit"),
	colStr("cpuReservation"),
	colStr("cpuLimit"),
	colStr("title"),
	col("enabled", tBool, true, nil),
	colStr("subtitle"),
	colStr("command"),
	col("args", tStrings, true, nil),
	{field: dkField{name: "icon", typ: tString, nullable: true, maxLen: 2 << 20}},
	colStr("refreshToken"),
	colEnum("sourceType", false, "github", dkSourceTypes),
	col("cleanCache", tBool, true, false),
	colStr("repository"),
	colStr("owner"),
	colStr("branch"),
	col("buildPath", tString, true, "/"),
	colEnum("triggerType", true, "push", dkTriggerTypes),
	col("autoDeploy", tBool, true, true),
	col("gitlabProjectId", tNumber, true, nil),
	colStr("gitlabRepository"),
	colStr("gitlabOwner"),
	colStr("gitlabBranch"),
	col("gitlabBuildPath", tString, true, "/"),
	colStr("gitlabPathNamespace"),
	colStr("giteaRepository"),
	colStr("giteaOwner"),
	colStr("giteaBranch"),
	col("giteaBuildPath", tString, true, "/"),
	colStr("bitbucketRepository"),
	colStr("bitbucketRepositorySlug"),
	colStr("bitbucketOwner"),
	colStr("bitbucketBranch"),
	col("bitbucketBuildPath", tString, true, "/"),
	colStr("username"),
	colStr("password"),
	colStr("dockerImage"),
	colStr("registryUrl"),
	colStr("customGitUrl"),
	colStr("customGitBranch"),
	colStr("customGitBuildPath"),
	colStr("customGitSSHKeyId"),
	col("enableSubmodules", tBool, false, false),
	col("dockerfile", tString, true, "Dockerfile"),
	colStr("dockerContextPath"),
	colStr("dockerBuildStage"),
	colStr("dropBuildPath"),
	col("healthCheckSwarm", tObject, true, nil),
	col("restartPolicySwarm", tObject, true, nil),
	col("placementSwarm", tObject, true, nil),
	col("updateConfigSwarm", tObject, true, nil),
	col("rollbackConfigSwarm", tObject, true, nil),
	col("modeSwarm", tObject, true, nil),
	col("labelsSwarm", tObject, true, nil),
	col("networkSwarm", tObjects, true, nil),
	col("stopGracePeriodSwarm", tNumber, true, nil),
	col("endpointSpecSwarm", tObject, true, nil),
	col("ulimitsSwarm", tObjects, true, nil),
	col("replicas", tNumber, false, 1.0),
	colEnum("applicationStatus", false, "idle", dkAppStatuses),
	colEnum("buildType", false, "nixpacks", dkBuildTypes),
	{field: dkField{name: "buildArchitecture", typ: tString}, def: "host", fixed: true},
	{field: dkField{name: "buildxBuilder", typ: tString, nullable: true}, fixed: true},
	col("railpackVersion", tString, true, "0.15.4"),
	col("herokuVersion", tString, true, "24"),
	colStr("publishDirectory"),
	col("isStaticSpa", tBool, true, nil),
	col("createEnvFile", tBool, false, true),
	col("createdAt", tString, false, nil),
	colStr("registryId"),
	colStr("rollbackRegistryId"),
	col("environmentId", tString, false, nil),
	colStr("githubId"),
	colStr("gitlabId"),
	colStr("giteaId"),
	colStr("bitbucketId"),
	{field: dkField{name: "serverId", typ: tString, nullable: true}, fixed: true},
	colStr("buildServerId"),
	colStr("buildRegistryId"),
	col("networkIds", tStrings, true, []string{}),
	col("detachDokployNetwork", tBool, false, false),
}

// dkApplication is a row of the application table, column name → value.
type dkApplication struct {
	cols map[string]any
}

func newDkApplication() *dkApplication {
	a := &dkApplication{cols: map[string]any{}}
	for _, c := range dkAppColumns {
		if l, ok := c.def.([]string); ok {
			a.cols[c.field.name] = slices.Clone(l)
			continue
		}
		a.cols[c.field.name] = c.def
	}
	return a
}

func (a *dkApplication) id() string { return a.str("applicationId") }

// str is a text column's value ("" when null).
func (a *dkApplication) str(name string) string { s, _ := a.cols[name].(string); return s }

// strs is a text[] column's value.
func (a *dkApplication) strs(name string) []string { l, _ := a.cols[name].([]string); return l }

// boolean is a boolean column's value (false when null).
func (a *dkApplication) boolean(name string) bool { b, _ := a.cols[name].(bool); return b }

// set stores a validated value; absent members of an update are not passed here, so they stay.
func (a *dkApplication) set(name string, v any) {
	if l, ok := v.([]string); ok {
		v = slices.Clone(l)
	}
	a.cols[name] = v
}

// MarshalJSON writes the row in the table's column order.
func (a *dkApplication) MarshalJSON() ([]byte, error) {
	return a.marshalWith(nil)
}

// dkExtra is one member after the columns (the relations findApplicationById loads).
type dkExtra struct {
	name  string
	value any
}

func (a *dkApplication) marshalWith(extra []dkExtra) ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	write := func(name string, v any) error {
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		key, err := json.Marshal(name)
		if err != nil {
			return err
		}
		val, err := json.Marshal(v)
		if err != nil {
			return err
		}
		b.Write(key)
		b.WriteByte(':')
		b.Write(val)
		return nil
	}
	for _, c := range dkAppColumns {
		if err := write(c.field.name, a.cols[c.field.name]); err != nil {
			return nil, err
		}
	}
	for _, x := range extra {
		if err := write(x.name, x.value); err != nil {
			return nil, err
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// dkAppJSON is a row with extra members, as json.Marshaler.
type dkAppJSON struct {
	app   *dkApplication
	extra []dkExtra
}

func (j dkAppJSON) MarshalJSON() ([]byte, error) { return j.app.marshalWith(j.extra) }

// updateFields are the members application.update validates: every column but applicationId (then
// required) and serverId.
func updateFields() []dkField {
	fields := []dkField{reqStr("applicationId", 1)}
	for _, c := range dkAppColumns {
		switch c.field.name {
		case "applicationId", "serverId", "buildArchitecture", "buildxBuilder":
			continue
		}
		fields = append(fields, c.field)
	}
	return fields
}
