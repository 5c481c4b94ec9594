package emulator

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Dokploy's API (https://<instance>/api), the parts the provider and a user's module use: projects,
// environments, applications, SSH keys, deployments, git-provider connections, and the deploy webhook
// (deploy_hook.go). Everything here is read from Dokploy's own source (repository Dokploy/dokploy) and
// its OpenAPI description (shared/reference/dokploy/openapi-subset.json):
//
//   - apps/dokploy/pages/api/[...trpc].ts: every /api/* request first needs a valid x-api-key (or a
//     session cookie); otherwise 401 {"message": "Unauthorized"}, before any routing.
//   - the @dokploy/trpc-openapi adapter (repository Dokploy/trpc-openapi, src/adapters/node-http/core.ts,
//     input.ts, errors.ts) serves each procedure as /api/<router>.<procedure>: queries GET with query
//     parameters, mutations POST with a JSON body. A success answers 200, Content-Type application/json,
//     the procedure's value as JSON with no envelope; a procedure that returns nothing answers 200 with
//     an empty body. Errors are {message, code, data, issues?} with code a tRPC word and the status from
//     the adapter's table (BAD_REQUEST 400, NOT_FOUND 404, CONFLICT 409, …). An unknown procedure, or a
//     known one with the wrong method, is 404 {"message": "Not found", "code": "NOT_FOUND"}.
//   - apps/dokploy/server/api/trpc.ts: the error shape's data carries zodError (Zod's flatten()) for
//     input validation errors and null otherwise; no stack trace in production.

// DokployPrefix is where the emulated Dokploy API lives: a user's Dokploy URL is <emulator>/dokploy and
// the API is <url>/api/<router>.<procedure>.
const DokployPrefix = "/dokploy/api"

// dkHandler runs with the state locked, the caller authenticated and the input parsed.
type dkHandler func(w http.ResponseWriter, r *http.Request, in dkInput)

// dkProcedure is one tRPC procedure served over OpenAPI.
type dkProcedure struct {
	name     string // "application.one"
	mutation bool   // POST with a JSON body; else GET with query parameters
	handler  dkHandler
}

func (e *Emulator) dokployRoutes() {
	procedures := []dkProcedure{
		{"project.create", true, e.dkProjectCreate},
		{"project.one", false, e.dkProjectOne},
		{"project.all", false, e.dkProjectAll},
		{"project.remove", true, e.dkProjectRemove},
		{"environment.create", true, e.dkEnvironmentCreate},
		{"environment.one", false, e.dkEnvironmentOne},
		{"environment.byProjectId", false, e.dkEnvironmentByProject},
		{"environment.remove", true, e.dkEnvironmentRemove},
		{"application.create", true, e.dkApplicationCreate},
		{"application.one", false, e.dkApplicationOne},
		{"application.update", true, e.dkApplicationUpdate},
		{"application.delete", true, e.dkApplicationDelete},
		{"application.saveGitProvider", true, e.dkSaveGitProvider},
		{"application.saveBuildType", true, e.dkSaveBuildType},
		{"application.disconnectGitProvider", true, e.dkDisconnectGitProvider},
		{"application.refreshToken", true, e.dkRefreshToken},
		{"application.deploy", true, e.dkApplicationDeploy},
		{"sshKey.generate", true, e.dkSSHKeyGenerate},
		{"sshKey.create", true, e.dkSSHKeyCreate},
		{"sshKey.all", false, e.dkSSHKeyAll},
		{"sshKey.one", false, e.dkSSHKeyOne},
		{"sshKey.update", true, e.dkSSHKeyUpdate},
		{"sshKey.remove", true, e.dkSSHKeyRemove},
		{"deployment.all", false, e.dkDeploymentAll},
		{"deployment.readLogs", false, e.dkDeploymentReadLogs},
		{"application.saveGithubProvider", true, e.dkSaveGithubProvider},
		{"application.saveGitlabProvider", true, e.dkSaveGitlabProvider},
		{"application.saveBitbucketProvider", true, e.dkSaveBitbucketProvider},
		{"application.saveGiteaProvider", true, e.dkSaveGiteaProvider},
		{"gitProvider.getAll", false, e.dkGitProviderGetAll},
		{"gitProvider.remove", true, e.dkGitProviderRemove},
		{"gitProvider.toggleShare", true, e.dkGitProviderToggleShare},
		{"github.one", false, e.dkGithubOne},
		{"github.githubProviders", false, e.dkKindProviders(kindGitHub)},
		{"github.getGithubRepositories", false, e.dkGithubGetRepositories},
		{"github.getGithubBranches", false, e.dkGithubGetBranches},
		{"github.testConnection", true, e.dkGithubTestConnection},
		{"github.update", true, e.dkGithubUpdate},
		{"gitlab.create", true, e.dkGitlabCreate},
		{"gitlab.one", false, e.dkGitlabOne},
		{"gitlab.gitlabProviders", false, e.dkKindProviders(kindGitLab)},
		{"gitlab.getGitlabRepositories", false, e.dkGitlabGetRepositories},
		{"gitlab.getGitlabBranches", false, e.dkGitlabGetBranches},
		{"gitlab.testConnection", true, e.dkGitlabTestConnection},
		{"gitlab.update", true, e.dkGitlabUpdate},
		{"bitbucket.create", true, e.dkBitbucketCreate},
		{"bitbucket.one", false, e.dkBitbucketOne},
		{"bitbucket.bitbucketProviders", false, e.dkKindProviders(kindBitbucket)},
		{"bitbucket.getBitbucketRepositories", false, e.dkBitbucketGetRepositories},
		{"bitbucket.getBitbucketBranches", false, e.dkBitbucketGetBranches},
		{"bitbucket.testConnection", true, e.dkBitbucketTestConnection},
		{"bitbucket.update", true, e.dkBitbucketUpdate},
		{"gitea.create", true, e.dkGiteaCreate},
		{"gitea.one", false, e.dkGiteaOne},
		{"gitea.giteaProviders", false, e.dkKindProviders(kindGitea)},
		{"gitea.getGiteaRepositories", false, e.dkGiteaGetRepositories},
		{"gitea.getGiteaBranches", false, e.dkGiteaGetBranches},
		{"gitea.testConnection", true, e.dkGiteaTestConnection},
		{"gitea.update", true, e.dkGiteaUpdate},
		{"gitea.getGiteaUrl", false, e.dkGiteaGetURL},
	}
	for _, p := range procedures {
		method := http.MethodGet
		if p.mutation {
			method = http.MethodPost
		}
		e.api.HandleFunc(method+" "+DokployPrefix+"/"+p.name, e.dokploy(p))
	}
	// Everything else under /api goes to the same catch-all handler in Dokploy, which checks the key
	// first and then answers the adapter's 404.
	e.api.HandleFunc(DokployPrefix+"/", e.dkUnknownProcedure)
	// The deploy webhook is a plain Next.js route outside tRPC: no API key, the token is the secret.
	e.api.HandleFunc(DokployPrefix+"/deploy/{refreshToken}", e.dkDeployHook)
}

// ---- answers ----

// tRPC error codes and the HTTP status the OpenAPI adapter gives them (errors.ts).
const (
	dkBadRequest           = "BAD_REQUEST"
	dkParseError           = "PARSE_ERROR"
	dkUnauthorized         = "UNAUTHORIZED"
	dkForbidden            = "FORBIDDEN"
	dkNotFound             = "NOT_FOUND"
	dkConflict             = "CONFLICT"
	dkUnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE"
	dkInternal             = "INTERNAL_SERVER_ERROR"
	dkTooManyRequests      = "TOO_MANY_REQUESTS"
)

var dkStatus = map[string]int{
	dkBadRequest: http.StatusBadRequest, dkParseError: http.StatusBadRequest, dkUnauthorized: http.StatusUnauthorized,
	dkForbidden: http.StatusForbidden, dkNotFound: http.StatusNotFound, dkConflict: http.StatusConflict,
	dkUnsupportedMediaType: http.StatusUnsupportedMediaType, dkInternal: http.StatusInternalServerError,
	dkTooManyRequests: http.StatusTooManyRequests,
}

// dkErrorData is the "data" of tRPC's error shape with Dokploy's errorFormatter (trpc.ts).
type dkErrorData struct {
	Code       string          `json:"code"`
	HTTPStatus int             `json:"httpStatus"`
	Path       string          `json:"path,omitempty"` // the procedure; absent for an unknown one
	ZodError   *dkZodFlattened `json:"zodError"`
}

// dkZodFlattened is Zod's error.flatten().
type dkZodFlattened struct {
	FormErrors  []string            `json:"formErrors"`
	FieldErrors map[string][]string `json:"fieldErrors"`
}

// dkErrorJSON is the adapter's error body: tRPC's shape with message and code replaced by the readable
// ones, and issues for input validation errors.
type dkErrorJSON struct {
	Message string      `json:"message"`
	Code    string      `json:"code"`
	Data    dkErrorData `json:"data"`
	Issues  []dkIssue   `json:"issues,omitempty"`
}

// dkError is a TRPCError a procedure throws.
type dkError struct {
	code    string
	message string
	issues  []dkIssue
}

func (err *dkError) Error() string { return err.code + ": " + err.message }

func dkErr(code, message string) *dkError { return &dkError{code: code, message: message} }

// writeDokployError answers a TRPCError thrown by procedure ("" when no procedure matched).
func writeDokployError(w http.ResponseWriter, procedure string, err *dkError) {
	status, ok := dkStatus[err.code]
	if !ok {
		status = http.StatusInternalServerError
	}
	body := dkErrorJSON{Message: err.message, Code: err.code,
		Data: dkErrorData{Code: err.code, HTTPStatus: status, Path: procedure}, Issues: err.issues}
	if len(err.issues) > 0 {
		body.Message = "Input validation failed"
		body.Data.ZodError = flattenIssues(err.issues)
	}
	writeDokployJSON(w, status, body)
}

// writeDokployJSON writes as the adapter does: Content-Type application/json (no charset), and an empty
// body for a procedure that returned nothing (JSON.stringify(undefined) is no text at all).
func writeDokployJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if v == nil {
		return
	}
	_ = json.NewEncoder(w).Encode(v) // the status is sent; a broken connection is the client's
}

// writeDokployResult answers a procedure's value (nil: the procedure returned nothing).
func writeDokployResult(w http.ResponseWriter, v any) { writeDokployJSON(w, http.StatusOK, v) }

// writeNextJSON is Next.js's res.status(n).json(v), used by the plain API routes ([...trpc].ts's 401,
// the deploy webhook): Content-Type application/json; charset=utf-8.
func writeNextJSON(w http.ResponseWriter, status int, v any) { writeJSON(w, status, v) }

// ---- auth and input ----

// dkInput is a procedure's raw input: the JSON body's members, or the query parameters.
type dkInput struct {
	fields    map[string]json.RawMessage
	fromQuery bool // values are query strings: numbers are coerced, as the adapter does
}

// authorized reports whether the request carries a valid API key. Dokploy also accepts a browser
// session cookie; API clients use x-api-key.
func (e *Emulator) dkAuthorized(r *http.Request) bool {
	key := r.Header.Get("x-api-key")
	return key != "" && e.st.dokploy.apiKeys[key]
}

func writeDokployUnauthorized(w http.ResponseWriter) {
	writeNextJSON(w, http.StatusUnauthorized, map[string]string{"message": "Unauthorized"})
}

// dokploy wraps a procedure with Dokploy's auth and the adapter's input handling.
func (e *Emulator) dokploy(p dkProcedure) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		e.locked(w, func(w http.ResponseWriter) {
			if !e.dkAuthorized(r) {
				writeDokployUnauthorized(w)
				return
			}
			in, err := readDokployInput(r, p.mutation)
			if err != nil {
				writeDokployError(w, p.name, err)
				return
			}
			p.handler(&dkWriter{ResponseWriter: w, procedure: p.name}, r, in)
		})
	}
}

// dkWriter remembers the procedure so that handlers can answer errors with fail().
type dkWriter struct {
	http.ResponseWriter
	procedure string
}

// fail answers a TRPCError of the procedure being served.
func fail(w http.ResponseWriter, err *dkError) {
	procedure := ""
	if dw, ok := w.(*dkWriter); ok {
		procedure = dw.procedure
	}
	writeDokployError(w, procedure, err)
}

// readDokployInput reads the input as the adapter does (core.ts, input.ts). A mutation needs a
// Content-Type starting with application/json (else 415), but its body is only parsed when the header
// is exactly "application/json": with "application/json; charset=utf-8" the input is empty, and the
// procedure's validation then reports every required field as missing. Query parameters are strings.
func readDokployInput(r *http.Request, mutation bool) (dkInput, *dkError) {
	in := dkInput{fields: map[string]json.RawMessage{}}
	if !mutation {
		in.fromQuery = true
		for k, v := range r.URL.Query() {
			if len(v) == 0 {
				continue
			}
			raw, _ := json.Marshal(v[0]) // a string always encodes
			if len(v) > 1 {
				raw, _ = json.Marshal(v)
			}
			in.fields[k] = raw
		}
		return in, nil
	}
	contentType := r.Header.Get("Content-Type")
	if contentType == "" {
		return in, dkErr(dkUnsupportedMediaType, "Missing content-type header")
	}
	if !strings.HasPrefix(contentType, "application/json") {
		// The adapter's message really lacks the closing quote.
		return in, dkErr(dkUnsupportedMediaType, `Unsupported content-type "`+contentType)
	}
	if contentType != "application/json" {
		return in, nil
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		return in, dkErr(dkParseError, "Failed to parse request body")
	}
	if strings.TrimSpace(string(data)) == "" {
		return in, nil
	}
	var doc any
	if err := json.Unmarshal(data, &doc); err != nil {
		return in, dkErr(dkParseError, "Failed to parse request body")
	}
	// The adapter spreads the body into an object: anything but an object gives no fields.
	var obj map[string]json.RawMessage
	if json.Unmarshal(data, &obj) == nil && obj != nil {
		in.fields = obj
	}
	return in, nil
}

// dkUnknownProcedure answers anything under /api that is not a served procedure: the key check of
// [...trpc].ts first, then the adapter's 404.
func (e *Emulator) dkUnknownProcedure(w http.ResponseWriter, r *http.Request) {
	e.locked(w, func(w http.ResponseWriter) {
		if !e.dkAuthorized(r) {
			writeDokployUnauthorized(w)
			return
		}
		if r.Method == http.MethodHead {
			w.WriteHeader(http.StatusNoContent) // the adapter's warm-up answer
			return
		}
		writeDokployError(w, "", dkErr(dkNotFound, "Not found"))
	})
}

// dokployRateLimited answers a request over a rate limit set with ConfigureRateLimit. A self-hosted
// Dokploy has no rate limit of its own (a proxy in front of it may have one); the emulator answers in
// tRPC's shape with TOO_MANY_REQUESTS and Retry-After, which is not confirmed by Dokploy's docs.
func dokployRateLimited(w http.ResponseWriter, reset time.Time) {
	w.Header().Set("Retry-After", strconv.FormatInt(max(int64(time.Until(reset).Seconds()+0.999), 1), 10))
	writeDokployError(w, "", dkErr(dkTooManyRequests, "Too many requests"))
}
