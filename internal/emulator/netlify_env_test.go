package emulator

import (
	"net/http"
	"slices"
	"testing"
)

func TestNetlifyEnvVarsLifecycle(t *testing.T) {
	ts := newTestServer(t, nil)
	var site nlSiteJSON
	ts.do("POST", "/netlify/api/v1/sites", netlifyAuth, map[string]any{"name": "env-site"}).want(t, http.StatusCreated, &site)
	account := netlifyAccountID("gitdeploy-demo")
	base := "/netlify/api/v1/accounts/" + account + "/env"
	siteQ := "?site_id=" + site.ID

	// As netlify_environment_variable creates one: scopes left out (all four), values per context.
	var created []nlEnvVarJSON
	ts.do("POST", base+siteQ, netlifyAuth, []map[string]any{{
		"key": "API_URL", "is_secret": false,
		"values": []map[string]any{
			{"context": "production", "value": "https://api.example.com"},
			{"context": "branch", "context_parameter": "staging", "value": "https://staging.example.com"},
		},
	}}).want(t, http.StatusCreated, &created)
	if len(created) != 1 || created[0].Key != "API_URL" || !slices.Equal(created[0].Scopes, nlEnvScopes) ||
		len(created[0].Values) != 2 || created[0].Values[0].ID == "" || *created[0].Values[1].Value != "https://staging.example.com" ||
		created[0].Values[1].ContextParameter != "staging" || created[0].UpdatedAt == "" {
		t.Fatalf("created = %s", mustJSON(t, created))
	}
	// Read with site_id, and by the account's slug (Netlify's clients send it as account_id).
	var got nlEnvVarJSON
	ts.do("GET", "/netlify/api/v1/accounts/gitdeploy-demo/env/API_URL"+siteQ, netlifyAuth, nil).want(t, http.StatusOK, &got)
	if mustJSON(t, got) != mustJSON(t, created[0]) {
		t.Errorf("get = %s", mustJSON(t, got))
	}
	// A site-level variable is not an account-level one (no merging).
	ts.do("GET", base+"/API_URL", netlifyAuth, nil).want(t, http.StatusNotFound, nil)
	var siteList []nlEnvVarJSON
	ts.do("GET", "/netlify/api/v1/sites/"+site.ID+"/env", netlifyAuth, nil).want(t, http.StatusOK, &siteList)
	if len(siteList) != 1 {
		t.Errorf("site env = %s", mustJSON(t, siteList))
	}

	// Update replaces scopes and values.
	var updated nlEnvVarJSON
	ts.do("PUT", base+"/API_URL"+siteQ, netlifyAuth, map[string]any{
		"key": "API_URL", "scopes": []string{"builds", "functions"},
		"values": []map[string]any{{"context": "all", "value": "https://one.example.com"}},
	}).want(t, http.StatusOK, &updated)
	if !slices.Equal(updated.Scopes, []string{"builds", "functions"}) || len(updated.Values) != 1 || updated.Values[0].Context != "all" {
		t.Errorf("updated = %s", mustJSON(t, updated))
	}
	// setEnvVarValue adds a context's value.
	ts.do("PATCH", base+"/API_URL"+siteQ, netlifyAuth, map[string]any{"context": "dev", "value": "http://localhost"}).
		want(t, http.StatusCreated, &updated)
	if len(updated.Values) != 2 {
		t.Errorf("after PATCH = %s", mustJSON(t, updated))
	}
	ts.do("DELETE", base+"/API_URL/value/"+updated.Values[1].ID+siteQ, netlifyAuth, nil).want(t, http.StatusNoContent, nil)
	ts.do("GET", base+"/API_URL"+siteQ, netlifyAuth, nil).want(t, http.StatusOK, &got)
	if len(got.Values) != 1 {
		t.Errorf("after value delete = %s", mustJSON(t, got))
	}

	ts.do("DELETE", base+"/API_URL"+siteQ, netlifyAuth, nil).want(t, http.StatusNoContent, nil)
	ts.do("GET", base+"/API_URL"+siteQ, netlifyAuth, nil).want(t, http.StatusNotFound, nil)
	ts.do("DELETE", base+"/API_URL"+siteQ, netlifyAuth, nil).want(t, http.StatusNotFound, nil)
}

func TestNetlifyEnvVarsSecretsAndErrors(t *testing.T) {
	ts := newTestServer(t, nil)
	base := "/netlify/api/v1/accounts/gitdeploy-demo/env"
	var created []nlEnvVarJSON
	ts.do("POST", base, netlifyAuth, []map[string]any{{
		"key": "TOKEN", "is_secret": true, "scopes": []string{"builds", "functions", "runtime"},
		"values": []map[string]any{{"context": "production", "value": "prod-secret"}, {"context": "dev", "value": "dev-value"}},
	}}).want(t, http.StatusCreated, &created)
	// Only the dev value of a secret is readable.
	if !created[0].IsSecret || created[0].Values[0].Value != nil || created[0].Values[1].Value == nil ||
		*created[0].Values[1].Value != "dev-value" {
		t.Errorf("secret = %s", mustJSON(t, created))
	}
	var list []nlEnvVarJSON
	ts.do("GET", base+"?scope=runtime", netlifyAuth, nil).want(t, http.StatusOK, &list)
	if len(list) != 1 {
		t.Errorf("scope filter = %s", mustJSON(t, list))
	}
	ts.do("GET", base+"?scope=post-processing", netlifyAuth, nil).want(t, http.StatusOK, &list)
	if len(list) != 0 {
		t.Errorf("post-processing filter = %s", mustJSON(t, list))
	}

	for _, bad := range []any{
		[]map[string]any{{"key": "TOKEN"}}, // exists
		[]map[string]any{{"values": []any{}}},
		[]map[string]any{{"key": "X", "scopes": []string{"everything"}}},
		[]map[string]any{{"key": "X", "values": []map[string]any{{"context": "staging", "value": "v"}}}},
		[]map[string]any{{"key": "X", "values": []map[string]any{{"context": "branch", "value": "v"}}}},
		map[string]any{"key": "X"}, // not an array
	} {
		ts.do("POST", base, netlifyAuth, bad).want(t, http.StatusUnprocessableEntity, nil)
	}
	ts.do("GET", base+"/X", netlifyAuth, nil).want(t, http.StatusNotFound, nil) // nothing half-created
	ts.do("GET", "/netlify/api/v1/accounts/nope/env", netlifyAuth, nil).want(t, http.StatusNotFound, nil)
	ts.do("GET", base+"?site_id=nope", netlifyAuth, nil).want(t, http.StatusNotFound, nil)
	ts.do("GET", base, "", nil).want(t, http.StatusUnauthorized, nil)
}

func TestNetlifySiteDeleteDropsItsEnvVars(t *testing.T) {
	ts := newTestServer(t, nil)
	var site nlSiteJSON
	ts.do("POST", "/netlify/api/v1/sites", netlifyAuth, map[string]any{"name": "short-lived"}).want(t, http.StatusCreated, &site)
	base := "/netlify/api/v1/accounts/gitdeploy-demo/env"
	ts.do("POST", base+"?site_id="+site.ID, netlifyAuth, []map[string]any{{"key": "A"}}).want(t, http.StatusCreated, nil)
	ts.do("POST", base, netlifyAuth, []map[string]any{{"key": "A"}}).want(t, http.StatusCreated, nil) // account level: another variable
	ts.do("DELETE", "/netlify/api/v1/sites/"+site.ID, netlifyAuth, nil).want(t, http.StatusNoContent, nil)
	ts.emu.mu.Lock()
	n := len(ts.emu.st.netlify.envVars)
	ts.emu.mu.Unlock()
	if n != 1 {
		t.Errorf("%d variables left, want the account's one", n)
	}
}
