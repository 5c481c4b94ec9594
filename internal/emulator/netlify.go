package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Netlify's API (https://api.netlify.com/api/v1), the parts the provider uses: deploy keys, sites with
// their repo link, unlink, build hooks.

func writeNetlifyError(w http.ResponseWriter, status int, message string) {
	writeJSON(w, status, map[string]any{"code": status, "message": message})
}

// netlifyHandler runs with the state locked and the caller authenticated.
type netlifyHandler func(w http.ResponseWriter, r *http.Request)

// netlify wraps a handler with Netlify's auth: a bearer token (or the access_token query parameter,
// which Netlify also accepts). The real 401 body is not well documented; {code, message} is Netlify's
// documented error shape.
func (e *Emulator) netlify(h netlifyHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		e.locked(w, func(w http.ResponseWriter) {
			tok, ok := bearerToken(r, false)
			if !ok {
				tok = r.URL.Query().Get("access_token")
			}
			if tok == "" || !e.st.netlify.tokens[tok] {
				writeNetlifyError(w, http.StatusUnauthorized, "Access Denied")
				return
			}
			h(w, r)
		})
	}
}

func (e *Emulator) netlifyRoutes() {
	p := NetlifyPrefix
	e.api.HandleFunc("POST "+p+"/deploy_keys", e.netlify(e.nlCreateDeployKey))
	e.api.HandleFunc("GET "+p+"/deploy_keys", e.netlify(e.nlListDeployKeys))
	e.api.HandleFunc("GET "+p+"/deploy_keys/{key_id}", e.netlify(e.nlGetDeployKey))
	e.api.HandleFunc("DELETE "+p+"/deploy_keys/{key_id}", e.netlify(e.nlDeleteDeployKey))

	e.api.HandleFunc("POST "+p+"/sites", e.netlify(e.nlCreateSite))
	e.api.HandleFunc("POST "+p+"/{account_slug}/sites", e.netlify(e.nlCreateSite))
	e.api.HandleFunc("GET "+p+"/sites", e.netlify(e.nlListSites))
	e.api.HandleFunc("GET "+p+"/sites/{site_id}", e.netlify(e.nlGetSite))
	e.api.HandleFunc("PATCH "+p+"/sites/{site_id}", e.netlify(e.nlUpdateSite))
	e.api.HandleFunc("PUT "+p+"/sites/{site_id}", e.netlify(e.nlUpdateSite))
	e.api.HandleFunc("DELETE "+p+"/sites/{site_id}", e.netlify(e.nlDeleteSite))
	e.api.HandleFunc("PUT "+p+"/sites/{site_id}/unlink_repo", e.netlify(e.nlUnlinkRepo))
	e.api.HandleFunc("GET "+p+"/sites/{site_id}/waf/policy", e.netlify(e.nlGetSiteWAFPolicy))
	// GET /{account_slug}/sites; see nlListAccountSites for the {collection} wildcard.
	e.api.HandleFunc("GET "+p+"/{account_slug}/{collection}", e.netlify(e.nlListAccountSites))
	e.api.HandleFunc("GET "+p+"/accounts", e.netlify(e.nlListAccounts))
	e.api.HandleFunc("GET "+p+"/accounts/{account_id}", e.netlify(e.nlGetAccount))

	e.api.HandleFunc("POST "+p+"/sites/{site_id}/build_hooks", e.netlify(e.nlCreateBuildHook))
	e.api.HandleFunc("GET "+p+"/sites/{site_id}/build_hooks", e.netlify(e.nlListBuildHooks))
	e.api.HandleFunc("GET "+p+"/sites/{site_id}/build_hooks/{id}", e.netlify(e.nlGetBuildHook))
	e.api.HandleFunc("PUT "+p+"/sites/{site_id}/build_hooks/{id}", e.netlify(e.nlUpdateBuildHook))
	e.api.HandleFunc("DELETE "+p+"/sites/{site_id}/build_hooks/{id}", e.netlify(e.nlDeleteBuildHook))
	// The trigger URL of a build hook lives outside /api/v1 and needs no token (the id is the secret).
	e.api.HandleFunc("POST /netlify/build_hooks/{id}", e.nlTriggerBuildHook)
	// Where git hosts send push events (https://api.netlify.com/hooks/github etc.); see netlify_builds.go.
	e.api.HandleFunc("POST /netlify/hooks/{provider}", e.nlIncomingGitHook)
}

// ---- deploy keys ----

type nlDeployKeyJSON struct {
	ID        string `json:"id"`
	PublicKey string `json:"public_key"`
	CreatedAt string `json:"created_at"`
}

func nlDeployKeyOut(k *nlDeployKey) nlDeployKeyJSON {
	return nlDeployKeyJSON{ID: k.id, PublicKey: k.publicKey, CreatedAt: formatTimeMillis(k.createdAt)}
}

func (e *Emulator) nlCreateDeployKey(w http.ResponseWriter, _ *http.Request) {
	pub, priv, err := newSSHKeyPair()
	if err != nil {
		writeNetlifyError(w, http.StatusInternalServerError, err.Error())
		return
	}
	nl := &e.st.netlify
	nl.seq++
	k := &nlDeployKey{id: netlifyHexID("deploy_key", nl.seq), publicKey: pub, privateKey: priv, createdAt: e.now()}
	nl.deployKeys = append(nl.deployKeys, k)
	e.recordBirth(k)
	writeJSON(w, http.StatusCreated, nlDeployKeyOut(k))
}

func (e *Emulator) nlListDeployKeys(w http.ResponseWriter, _ *http.Request) {
	out := make([]nlDeployKeyJSON, 0, len(e.st.netlify.deployKeys))
	for _, k := range listed(e, e.st.netlify.deployKeys) {
		out = append(out, nlDeployKeyOut(k))
	}
	writeJSON(w, http.StatusOK, out)
}

func (nl *netlifyState) deployKey(id string) (int, *nlDeployKey) {
	for i, k := range nl.deployKeys {
		if k.id == id {
			return i, k
		}
	}
	return -1, nil
}

func (e *Emulator) nlGetDeployKey(w http.ResponseWriter, r *http.Request) {
	_, k := e.st.netlify.deployKey(r.PathValue("key_id"))
	if k == nil {
		writeNetlifyError(w, http.StatusNotFound, "Not Found")
		return
	}
	writeJSON(w, http.StatusOK, nlDeployKeyOut(k))
}

func (e *Emulator) nlDeleteDeployKey(w http.ResponseWriter, r *http.Request) {
	if !e.st.netlify.removeDeployKey(r.PathValue("key_id")) {
		writeNetlifyError(w, http.StatusNotFound, "Not Found")
		return
	}
	writeNoContent(w)
}

func (nl *netlifyState) removeDeployKey(id string) bool {
	i, _ := nl.deployKey(id)
	if i < 0 {
		return false
	}
	nl.deployKeys = slices.Delete(nl.deployKeys, i, i+1)
	return true
}

// ---- sites ----

var nlProviders = []string{"github", "gitlab", "bitbucket", "manual"}

// rawOrNil keeps a raw JSON value, dropping null.
func rawOrNil(raw json.RawMessage) json.RawMessage {
	if bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return nil
	}
	return slices.Clone(raw)
}

func (nl *netlifyState) siteByName(name string) *nlSite {
	for _, s := range nl.sites {
		if strings.EqualFold(s.name, name) {
			return s
		}
	}
	return nil
}

// site finds a site by id, or, as Netlify also allows, by its netlify.app host or custom domain.
func (nl *netlifyState) site(idOrDomain string) (int, *nlSite) {
	for i, s := range nl.sites {
		if s.id == idOrDomain || strings.EqualFold(s.name+".netlify.app", idOrDomain) ||
			(s.customDomain != "" && strings.EqualFold(s.customDomain, idOrDomain)) {
			return i, s
		}
	}
	return -1, nil
}

// writeNameTaken is Netlify's answer for a taken site name (observed, not in the OpenAPI document:
// netlify/open-api#377).
func writeNameTaken(w http.ResponseWriter) {
	writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"errors": map[string][]string{"subdomain": {"must be unique"}}})
}

func (e *Emulator) nlCreateSite(w http.ResponseWriter, r *http.Request) {
	nl := &e.st.netlify
	var body nlSiteWrite
	if err := decodeBody(r, &body); err != nil && !errors.Is(err, errEmptyBody) {
		writeNetlifyError(w, http.StatusUnprocessableEntity, "invalid JSON body: "+err.Error())
		return
	}
	account := r.PathValue("account_slug")
	if account == "" && body.AccountSlug != nil {
		account = *body.AccountSlug
	}
	if account == "" && len(nl.accounts) > 0 {
		account = nl.accounts[0]
	}
	if account != "" && len(nl.accounts) > 0 && !slices.Contains(nl.accounts, account) {
		writeNetlifyError(w, http.StatusNotFound, "Not Found")
		return
	}
	nl.seq++
	n := nl.seq
	s := &nlSite{id: netlifySiteID(n), accountSlug: account, createdAt: e.now(), buildImage: nlDefaultBuildImage,
		functionsRegion: nlDefaultFunctionsRegion, prettyURLs: true}
	s.updatedAt = s.createdAt
	if body.Name != nil && *body.Name != "" {
		if nl.siteByName(*body.Name) != nil {
			writeNameTaken(w)
			return
		}
		s.name = strings.ToLower(*body.Name)
	} else {
		for s.name = netlifySiteName(n); nl.siteByName(s.name) != nil; n++ {
			s.name = netlifySiteName(n + 1)
		}
	}
	if err := s.apply(&body); err != nil {
		writeNetlifyError(w, http.StatusUnprocessableEntity, err.Error())
		return
	}
	nl.sites = append(nl.sites, s)
	e.recordBirth(s)
	writeJSON(w, http.StatusCreated, nlSiteOut(r, nl, s))
}

func (e *Emulator) nlListSites(w http.ResponseWriter, r *http.Request) {
	nameFilter := strings.ToLower(r.URL.Query().Get("name"))
	var matched []*nlSite
	for _, s := range listed(e, e.st.netlify.sites) {
		if nameFilter == "" || strings.Contains(s.name, nameFilter) {
			matched = append(matched, s)
		}
	}
	p := readPage(r, 100)
	start, end := p.bounds(len(matched))
	out := make([]nlSiteJSON, 0, end-start)
	for _, s := range matched[start:end] {
		out = append(out, nlSiteOut(r, &e.st.netlify, s))
	}
	setNetlifyPagination(w, r, p, len(matched))
	writeJSON(w, http.StatusOK, out)
}

func (e *Emulator) nlGetSite(w http.ResponseWriter, r *http.Request) {
	_, s := e.st.netlify.site(r.PathValue("site_id"))
	if s == nil {
		writeNetlifyError(w, http.StatusNotFound, "Not Found")
		return
	}
	writeJSON(w, http.StatusOK, nlSiteOut(r, &e.st.netlify, s))
}

func (e *Emulator) nlUpdateSite(w http.ResponseWriter, r *http.Request) {
	_, s := e.st.netlify.site(r.PathValue("site_id"))
	if s == nil {
		writeNetlifyError(w, http.StatusNotFound, "Not Found")
		return
	}
	var body nlSiteWrite
	if err := decodeBody(r, &body); err != nil && !errors.Is(err, errEmptyBody) {
		writeNetlifyError(w, http.StatusUnprocessableEntity, "invalid JSON body: "+err.Error())
		return
	}
	if status, err := e.st.netlify.updateSite(s, &body, e.now()); err != nil {
		if status == http.StatusUnprocessableEntity && errors.Is(err, errNameTaken) {
			writeNameTaken(w)
			return
		}
		writeNetlifyError(w, status, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, nlSiteOut(r, &e.st.netlify, s))
}

var errNameTaken = errors.New("subdomain must be unique")

// updateSite applies PATCH/PUT semantics (only the fields sent change) and validates before changing.
func (nl *netlifyState) updateSite(s *nlSite, body *nlSiteWrite, now time.Time) (int, error) {
	next := *s
	if body.Name != nil && *body.Name != "" && !strings.EqualFold(*body.Name, s.name) {
		if nl.siteByName(*body.Name) != nil {
			return http.StatusUnprocessableEntity, errNameTaken
		}
		next.name = strings.ToLower(*body.Name)
	}
	next.updatedAt = now
	if err := next.apply(body); err != nil {
		return http.StatusUnprocessableEntity, err
	}
	*s = next
	return http.StatusOK, nil
}

func (e *Emulator) nlDeleteSite(w http.ResponseWriter, r *http.Request) {
	if !e.st.netlify.removeSite(r.PathValue("site_id")) {
		writeNetlifyError(w, http.StatusNotFound, "Not Found")
		return
	}
	writeNoContent(w)
}

func (nl *netlifyState) removeSite(idOrDomain string) bool {
	i, s := nl.site(idOrDomain)
	if s == nil {
		return false
	}
	nl.sites = slices.Delete(nl.sites, i, i+1)
	nl.buildHooks = slices.DeleteFunc(nl.buildHooks, func(h *nlBuildHook) bool { return h.siteID == s.id })
	nl.envVars = slices.DeleteFunc(nl.envVars, func(v *nlEnvVar) bool { return v.siteID == s.id })
	return true
}

// nlUnlinkRepo is PUT /sites/{site_id}/unlink_repo. As Netlify documents, it also deletes the deploy key
// associated with the site (even when another site uses the same key: the provider must cope with
// that), the site's outgoing webhooks and its build hooks, and answers with the site. Netlify's outgoing
// webhooks are its notification hooks, which this emulator does not model; webhooks on the git host
// that point at Netlify belong to the git host and are left alone.
func (e *Emulator) nlUnlinkRepo(w http.ResponseWriter, r *http.Request) {
	nl := &e.st.netlify
	_, s := nl.site(r.PathValue("site_id"))
	if s == nil {
		writeNetlifyError(w, http.StatusNotFound, "Not Found")
		return
	}
	if s.repo.deployKeyID != "" {
		nl.removeDeployKey(s.repo.deployKeyID)
	}
	nl.buildHooks = slices.DeleteFunc(nl.buildHooks, func(h *nlBuildHook) bool { return h.siteID == s.id })
	s.repo = nlRepo{}
	s.updatedAt = e.now()
	writeJSON(w, http.StatusOK, nlSiteOut(r, nl, s))
}

// ---- build hooks ----

type nlBuildHookJSON struct {
	ID        string `json:"id"`
	Title     string `json:"title"`
	Branch    string `json:"branch"`
	URL       string `json:"url"`
	SiteID    string `json:"site_id"`
	CreatedAt string `json:"created_at"`
}

// nlBuildHookOut: the real url is https://api.netlify.com/build_hooks/{id}; here it points back at the
// emulator so that a test can trigger it.
func nlBuildHookOut(r *http.Request, h *nlBuildHook) nlBuildHookJSON {
	return nlBuildHookJSON{ID: h.id, Title: h.title, Branch: h.branch, SiteID: h.siteID,
		URL: externalBase(r) + "/netlify/build_hooks/" + h.id, CreatedAt: formatTimeMillis(h.createdAt)}
}

type nlBuildHookWrite struct {
	Title  *string `json:"title"`
	Branch *string `json:"branch"`
}

func (e *Emulator) nlCreateBuildHook(w http.ResponseWriter, r *http.Request) {
	nl := &e.st.netlify
	_, s := nl.site(r.PathValue("site_id"))
	if s == nil {
		writeNetlifyError(w, http.StatusNotFound, "Not Found")
		return
	}
	var body nlBuildHookWrite
	if err := decodeBody(r, &body); err != nil && !errors.Is(err, errEmptyBody) {
		writeNetlifyError(w, http.StatusUnprocessableEntity, "invalid JSON body: "+err.Error())
		return
	}
	nl.seq++
	h := &nlBuildHook{id: netlifyHexID("build_hook", nl.seq), siteID: s.id, branch: s.repo.repoBranch, createdAt: e.now()}
	if body.Title != nil {
		h.title = *body.Title
	}
	if body.Branch != nil && *body.Branch != "" {
		h.branch = *body.Branch
	}
	nl.buildHooks = append(nl.buildHooks, h)
	e.recordBirth(h)
	writeJSON(w, http.StatusCreated, nlBuildHookOut(r, h))
}

func (e *Emulator) nlListBuildHooks(w http.ResponseWriter, r *http.Request) {
	nl := &e.st.netlify
	_, s := nl.site(r.PathValue("site_id"))
	if s == nil {
		writeNetlifyError(w, http.StatusNotFound, "Not Found")
		return
	}
	out := []nlBuildHookJSON{}
	for _, h := range listed(e, nl.buildHooks) {
		if h.siteID == s.id {
			out = append(out, nlBuildHookOut(r, h))
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// buildHook finds a hook of the site named in the path.
func (nl *netlifyState) buildHook(siteIDOrDomain, id string) (int, *nlBuildHook) {
	_, s := nl.site(siteIDOrDomain)
	if s == nil {
		return -1, nil
	}
	for i, h := range nl.buildHooks {
		if h.id == id && h.siteID == s.id {
			return i, h
		}
	}
	return -1, nil
}

func (e *Emulator) nlGetBuildHook(w http.ResponseWriter, r *http.Request) {
	_, h := e.st.netlify.buildHook(r.PathValue("site_id"), r.PathValue("id"))
	if h == nil {
		writeNetlifyError(w, http.StatusNotFound, "Not Found")
		return
	}
	writeJSON(w, http.StatusOK, nlBuildHookOut(r, h))
}

func (e *Emulator) nlUpdateBuildHook(w http.ResponseWriter, r *http.Request) {
	_, h := e.st.netlify.buildHook(r.PathValue("site_id"), r.PathValue("id"))
	if h == nil {
		writeNetlifyError(w, http.StatusNotFound, "Not Found")
		return
	}
	var body nlBuildHookWrite
	if err := decodeBody(r, &body); err != nil && !errors.Is(err, errEmptyBody) {
		writeNetlifyError(w, http.StatusUnprocessableEntity, "invalid JSON body: "+err.Error())
		return
	}
	if body.Title != nil {
		h.title = *body.Title
	}
	if body.Branch != nil {
		h.branch = *body.Branch
	}
	writeNoContent(w)
}

func (e *Emulator) nlDeleteBuildHook(w http.ResponseWriter, r *http.Request) {
	nl := &e.st.netlify
	i, h := nl.buildHook(r.PathValue("site_id"), r.PathValue("id"))
	if h == nil {
		writeNetlifyError(w, http.StatusNotFound, "Not Found")
		return
	}
	nl.buildHooks = slices.Delete(nl.buildHooks, i, i+1)
	writeNoContent(w)
}
