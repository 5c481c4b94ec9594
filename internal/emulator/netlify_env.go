package emulator

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Netlify's environment variables (netlify/open-api swagger.yml, tag environmentVariables): account-level
// variables, or site-level ones when ?site_id= is given, each a key with scopes, values per deploy
// context, and is_secret. The official Terraform provider's netlify_environment_variable uses create,
// get, update and delete; getEnvVars and setEnvVarValue are here too.
//
// Documented: scopes are builds, functions, runtime, post-processing (all four when none are given);
// contexts are all, dev, dev-server, branch-deploy, deploy-preview, production and branch, whose branch
// name is context_parameter; the values of a secret variable are readable only for the dev context;
// GET with site_id returns the site's variable without merging the account's; create answers 201 with
// the created variables, delete 204, update replaces every value. Not documented, chosen here: a key
// that already exists at that level, a bad scope or context and a missing key answer 422 {code,
// message}; an unknown key 404.

var (
	nlEnvScopes   = []string{"builds", "functions", "runtime", "post-processing"}
	nlEnvContexts = []string{"all", "dev", "dev-server", "branch-deploy", "deploy-preview", "production", "branch"}
)

type nlEnvValue struct {
	id, value, context, contextParameter string
}

type nlEnvVar struct {
	accountSlug string
	siteID      string // "" for an account-level variable
	key         string
	scopes      []string
	values      []nlEnvValue
	isSecret    bool
	updatedAt   time.Time
}

type nlEnvValueJSON struct {
	ID               string  `json:"id"`
	Value            *string `json:"value,omitempty"` // left out for a secret's values outside dev
	Context          string  `json:"context"`
	ContextParameter string  `json:"context_parameter,omitempty"`
}

type nlEnvUserJSON struct {
	ID        string  `json:"id"`
	FullName  string  `json:"full_name"`
	Email     string  `json:"email"`
	AvatarURL *string `json:"avatar_url"`
}

type nlEnvVarJSON struct {
	Key       string           `json:"key"`
	Scopes    []string         `json:"scopes"`
	Values    []nlEnvValueJSON `json:"values"`
	IsSecret  bool             `json:"is_secret"`
	UpdatedAt string           `json:"updated_at"`
	UpdatedBy nlEnvUserJSON    `json:"updated_by"`
}

// nlEnvValueWrite is envVarValue on the write side.
type nlEnvValueWrite struct {
	Value            *string `json:"value"`
	Context          *string `json:"context"`
	ContextParameter *string `json:"context_parameter"`
}

// nlEnvVarWrite is one item of createEnvVars or the body of updateEnvVar.
type nlEnvVarWrite struct {
	Key      *string           `json:"key"`
	Scopes   *[]string         `json:"scopes"`
	Values   []nlEnvValueWrite `json:"values"`
	IsSecret *bool             `json:"is_secret"`
}

func (e *Emulator) netlifyEnvRoutes() {
	p := NetlifyPrefix + "/accounts/{account_id}/env"
	e.api.HandleFunc("GET "+p, e.netlify(e.nlListEnvVars))
	e.api.HandleFunc("POST "+p, e.netlify(e.nlCreateEnvVars))
	e.api.HandleFunc("GET "+p+"/{key}", e.netlify(e.nlGetEnvVar))
	e.api.HandleFunc("PUT "+p+"/{key}", e.netlify(e.nlUpdateEnvVar))
	e.api.HandleFunc("PATCH "+p+"/{key}", e.netlify(e.nlSetEnvVarValue))
	e.api.HandleFunc("DELETE "+p+"/{key}", e.netlify(e.nlDeleteEnvVar))
	e.api.HandleFunc("DELETE "+p+"/{key}/value/{id}", e.netlify(e.nlDeleteEnvVarValue))
	e.api.HandleFunc("GET "+NetlifyPrefix+"/sites/{site_id}/env", e.netlify(e.nlListSiteEnvVars))
}

func nlEnvVarOut(v *nlEnvVar) nlEnvVarJSON {
	out := nlEnvVarJSON{Key: v.key, Scopes: slices.Clone(v.scopes), Values: []nlEnvValueJSON{}, IsSecret: v.isSecret,
		UpdatedAt: formatTimeMillis(v.updatedAt),
		UpdatedBy: nlEnvUserJSON{ID: nlUserID, FullName: "Emulator User", Email: "user@example.com"}}
	for _, val := range v.values {
		jv := nlEnvValueJSON{ID: val.id, Context: val.context, ContextParameter: val.contextParameter}
		if !v.isSecret || val.context == "dev" {
			value := val.value
			jv.Value = &value
		}
		out.Values = append(out.Values, jv)
	}
	return out
}

// envScope resolves the account of the path and the optional site_id of the query; it answers 404 for
// an unknown account or a site that is not the account's.
func (e *Emulator) envScope(w http.ResponseWriter, r *http.Request) (account nlAccount, siteID string, ok bool) {
	nl := &e.st.netlify
	account = nl.account(r.PathValue("account_id"))
	if !account.known {
		writeNetlifyError(w, http.StatusNotFound, "Not Found")
		return account, "", false
	}
	if id := r.URL.Query().Get("site_id"); id != "" {
		_, s := nl.site(id)
		if s == nil || s.accountSlug != account.slug {
			writeNetlifyError(w, http.StatusNotFound, "Not Found")
			return account, "", false
		}
		siteID = s.id
	}
	return account, siteID, true
}

func (nl *netlifyState) envVar(account, siteID, key string) (int, *nlEnvVar) {
	for i, v := range nl.envVars {
		if v.accountSlug == account && v.siteID == siteID && v.key == key {
			return i, v
		}
	}
	return -1, nil
}

// buildValues checks and numbers written values.
func (nl *netlifyState) buildValues(in []nlEnvValueWrite) ([]nlEnvValue, error) {
	out := make([]nlEnvValue, 0, len(in))
	for _, w := range in {
		v := nlEnvValue{context: "all"}
		if w.Context != nil {
			v.context = *w.Context
		}
		if !slices.Contains(nlEnvContexts, v.context) {
			return nil, fmt.Errorf("context %q is not one of %s", v.context, strings.Join(nlEnvContexts, ", "))
		}
		if w.ContextParameter != nil {
			v.contextParameter = *w.ContextParameter
		}
		if v.context == "branch" && v.contextParameter == "" {
			return nil, errors.New("context branch needs context_parameter (the branch name)")
		}
		if w.Value != nil {
			v.value = *w.Value
		}
		nl.seq++
		v.id = netlifySiteID(1_000_000 + nl.seq) // a UUID, as Netlify's value ids are
		out = append(out, v)
	}
	return out, nil
}

func checkScopes(scopes []string) ([]string, error) {
	if len(scopes) == 0 {
		return slices.Clone(nlEnvScopes), nil
	}
	for _, s := range scopes {
		if !slices.Contains(nlEnvScopes, s) {
			return nil, fmt.Errorf("scope %q is not one of %s", s, strings.Join(nlEnvScopes, ", "))
		}
	}
	return slices.Clone(scopes), nil
}

func (e *Emulator) nlListEnvVars(w http.ResponseWriter, r *http.Request) {
	account, siteID, ok := e.envScope(w, r)
	if !ok {
		return
	}
	e.writeEnvList(w, r, account.slug, siteID)
}

func (e *Emulator) nlListSiteEnvVars(w http.ResponseWriter, r *http.Request) {
	_, s := e.st.netlify.site(r.PathValue("site_id"))
	if s == nil {
		writeNetlifyError(w, http.StatusNotFound, "Not Found")
		return
	}
	e.writeEnvList(w, r, s.accountSlug, s.id)
}

// writeEnvList answers the variables of one level, filtered by context_name and scope.
func (e *Emulator) writeEnvList(w http.ResponseWriter, r *http.Request, account, siteID string) {
	contextName, scope := r.URL.Query().Get("context_name"), r.URL.Query().Get("scope")
	out := []nlEnvVarJSON{}
	for _, v := range e.st.netlify.envVars {
		if v.accountSlug != account || v.siteID != siteID || (scope != "" && !slices.Contains(v.scopes, scope)) {
			continue
		}
		if contextName != "" && contextName != "all" && !slices.ContainsFunc(v.values, func(val nlEnvValue) bool {
			return val.context == contextName || val.context == "all"
		}) {
			continue
		}
		out = append(out, nlEnvVarOut(v))
	}
	writeJSON(w, http.StatusOK, out)
}

func (e *Emulator) nlCreateEnvVars(w http.ResponseWriter, r *http.Request) {
	account, siteID, ok := e.envScope(w, r)
	if !ok {
		return
	}
	var body []nlEnvVarWrite
	if err := decodeBody(r, &body); err != nil {
		writeNetlifyError(w, http.StatusUnprocessableEntity, "invalid JSON body: an array of environment variables is expected")
		return
	}
	nl := &e.st.netlify
	created := make([]*nlEnvVar, 0, len(body))
	for _, item := range body {
		if item.Key == nil || *item.Key == "" {
			writeNetlifyError(w, http.StatusUnprocessableEntity, "key is required")
			return
		}
		if _, existing := nl.envVar(account.slug, siteID, *item.Key); existing != nil ||
			slices.ContainsFunc(created, func(v *nlEnvVar) bool { return v.key == *item.Key }) {
			writeNetlifyError(w, http.StatusUnprocessableEntity, "environment variable "+*item.Key+" already exists")
			return
		}
		v := &nlEnvVar{accountSlug: account.slug, siteID: siteID, key: *item.Key, updatedAt: e.now()}
		if err := nl.fillEnvVar(v, item); err != nil {
			writeNetlifyError(w, http.StatusUnprocessableEntity, err.Error())
			return
		}
		created = append(created, v)
	}
	out := make([]nlEnvVarJSON, 0, len(created))
	for _, v := range created { // all checked: now add them
		nl.envVars = append(nl.envVars, v)
		out = append(out, nlEnvVarOut(v))
	}
	writeJSON(w, http.StatusCreated, out)
}

// fillEnvVar writes scopes, values and is_secret onto v (values are replaced as a whole).
func (nl *netlifyState) fillEnvVar(v *nlEnvVar, item nlEnvVarWrite) error {
	var scopes []string
	if item.Scopes != nil {
		scopes = *item.Scopes
	}
	checked, err := checkScopes(scopes)
	if err != nil {
		return err
	}
	values, err := nl.buildValues(item.Values)
	if err != nil {
		return err
	}
	v.scopes, v.values = checked, values
	if item.IsSecret != nil {
		v.isSecret = *item.IsSecret
	}
	return nil
}

func (e *Emulator) envVarFor(w http.ResponseWriter, r *http.Request) (int, *nlEnvVar) {
	account, siteID, ok := e.envScope(w, r)
	if !ok {
		return -1, nil
	}
	i, v := e.st.netlify.envVar(account.slug, siteID, r.PathValue("key"))
	if v == nil {
		writeNetlifyError(w, http.StatusNotFound, "Not Found")
	}
	return i, v
}

func (e *Emulator) nlGetEnvVar(w http.ResponseWriter, r *http.Request) {
	if _, v := e.envVarFor(w, r); v != nil {
		writeJSON(w, http.StatusOK, nlEnvVarOut(v))
	}
}

// nlUpdateEnvVar replaces the scopes and every value; a key in the body renames the variable.
func (e *Emulator) nlUpdateEnvVar(w http.ResponseWriter, r *http.Request) {
	_, v := e.envVarFor(w, r)
	if v == nil {
		return
	}
	var body nlEnvVarWrite
	if err := decodeBody(r, &body); err != nil {
		writeNetlifyError(w, http.StatusUnprocessableEntity, "invalid JSON body: "+err.Error())
		return
	}
	nl := &e.st.netlify
	next := *v
	if body.Key != nil && *body.Key != "" && *body.Key != v.key {
		if _, taken := nl.envVar(v.accountSlug, v.siteID, *body.Key); taken != nil {
			writeNetlifyError(w, http.StatusUnprocessableEntity, "environment variable "+*body.Key+" already exists")
			return
		}
		next.key = *body.Key
	}
	if err := nl.fillEnvVar(&next, body); err != nil {
		writeNetlifyError(w, http.StatusUnprocessableEntity, err.Error())
		return
	}
	next.updatedAt = e.now()
	*v = next
	writeJSON(w, http.StatusOK, nlEnvVarOut(v))
}

// nlSetEnvVarValue is setEnvVarValue: it replaces the value of one context (and context_parameter) or
// adds it, and answers 201 with the variable.
func (e *Emulator) nlSetEnvVarValue(w http.ResponseWriter, r *http.Request) {
	_, v := e.envVarFor(w, r)
	if v == nil {
		return
	}
	var body nlEnvValueWrite
	if err := decodeBody(r, &body); err != nil {
		writeNetlifyError(w, http.StatusUnprocessableEntity, "invalid JSON body: "+err.Error())
		return
	}
	values, err := e.st.netlify.buildValues([]nlEnvValueWrite{body})
	if err != nil {
		writeNetlifyError(w, http.StatusUnprocessableEntity, err.Error())
		return
	}
	val := values[0]
	i := slices.IndexFunc(v.values, func(old nlEnvValue) bool {
		return old.context == val.context && old.contextParameter == val.contextParameter
	})
	if i >= 0 {
		val.id = v.values[i].id
		v.values[i] = val
	} else {
		v.values = append(v.values, val)
	}
	v.updatedAt = e.now()
	writeJSON(w, http.StatusCreated, nlEnvVarOut(v))
}

func (e *Emulator) nlDeleteEnvVar(w http.ResponseWriter, r *http.Request) {
	i, v := e.envVarFor(w, r)
	if v == nil {
		return
	}
	e.st.netlify.envVars = slices.Delete(e.st.netlify.envVars, i, i+1)
	writeNoContent(w)
}

func (e *Emulator) nlDeleteEnvVarValue(w http.ResponseWriter, r *http.Request) {
	_, v := e.envVarFor(w, r)
	if v == nil {
		return
	}
	i := slices.IndexFunc(v.values, func(val nlEnvValue) bool { return val.id == r.PathValue("id") })
	if i < 0 {
		writeNetlifyError(w, http.StatusNotFound, "Not Found")
		return
	}
	v.values = slices.Delete(v.values, i, i+1)
	v.updatedAt = e.now()
	writeNoContent(w)
}
