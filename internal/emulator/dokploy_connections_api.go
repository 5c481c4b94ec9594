package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The Go API and admin routes for Dokploy's git-provider connections: what a person does in Dokploy's
// dashboard or on the git host, behind the provider's back. {id} is a connection's gitProviderId or the
// id of its kind's row (githubId, gitlabId, bitbucketId, giteaId):
//
//	GET    /_emulator/dokploy/git_providers               DokployConnections (credentials masked)
//	POST   /_emulator/dokploy/git_providers/github        AddDokployGitHubConnection (DokployGitHubConnectionSeed) → 201
//	PATCH  /_emulator/dokploy/git_providers/{id}          UpdateDokployConnection (Dokploy's column names) → 200
//	DELETE /_emulator/dokploy/git_providers/{id}          DeleteDokployConnection
//	POST   /_emulator/dokploy/git_providers/{id}/authorize  AuthorizeDokployConnection ({"user": "demo"}) → 200
//	POST   /_emulator/dokploy/git_providers/{id}/revoke     RevokeDokployConnection
//	POST   /_emulator/dokploy/git_providers/{id}/expire     ExpireDokployConnectionToken

// DokployGitHubConnectionSeed is a GitHub connection as Dokploy's dashboard makes it when a person
// creates a GitHub App from it: the app's id, private key (PEM, PKCS#1 as GitHub hands it out, or
// PKCS#8) and installation id, which must match an app of the emulated GitHub (GitHubSeed.Apps) for the
// connection to work. Ids left out are made up; GitHubURL defaults to https://github.com (the emulated
// GitHub).
type DokployGitHubConnectionSeed struct {
	Name           string `json:"name"`
	GitHubID       string `json:"github_id,omitempty"`
	GitProviderID  string `json:"git_provider_id,omitempty"`
	AppName        string `json:"app_name,omitempty"`
	AppID          int64  `json:"app_id,omitempty"`
	InstallationID int64  `json:"installation_id,omitempty"`
	PrivateKey     string `json:"private_key,omitempty"`
	ClientID       string `json:"client_id,omitempty"`
	ClientSecret   string `json:"client_secret,omitempty"`
	WebhookSecret  string `json:"webhook_secret,omitempty"`
	GitHubURL      string `json:"github_url,omitempty"`
}

// DokployConnection is a git-provider connection as Dokploy keeps it.
type DokployConnection struct {
	GitProviderID string    `json:"git_provider_id"`
	Kind          string    `json:"kind"` // github, gitlab, bitbucket, gitea
	ID            string    `json:"id"`   // githubId, gitlabId, bitbucketId or giteaId
	Name          string    `json:"name"`
	CreatedAt     time.Time `json:"created_at"`
	Shared        bool      `json:"shared_with_organization"`
	// URL is the host the connection reaches: githubUrl, gitlabUrl or giteaUrl ("" for Bitbucket, whose
	// API URL is fixed).
	URL string `json:"url"`
	// Authorized: the connection holds the credentials it needs (GitHub: app id, private key and
	// installation id; GitLab: access and refresh token, i.e. a person authorised it; Bitbucket: e-mail and
	// API token, or username and app password; Gitea: an access token). Whether they work is another
	// matter: testConnection tells.
	Authorized bool `json:"authorized"`
	// Columns is the kind's row with Dokploy's column names. From DokployConnections the credentials are
	// in clear; the admin API and State mask them.
	Columns map[string]any `json:"columns"`
}

// dkSecretColumns are the columns that hold credentials.
var dkSecretColumns = []string{"githubClientSecret", "githubPrivateKey", "githubWebhookSecret", "secret", "accessToken",
	"refreshToken", "appPassword", "apiToken", "clientSecret"}

func (p *dkGitProvider) snapshot() DokployConnection {
	created, _ := time.Parse("2006-01-02T15:04:05.000Z", p.row.CreatedAt)
	c := DokployConnection{GitProviderID: p.row.GitProviderID, Kind: p.row.ProviderType, ID: p.kindID(), Name: p.row.Name,
		CreatedAt: created, Shared: p.row.SharedWithOrganization, Columns: map[string]any{}}
	data, _ := json.Marshal(p.kindRow()) // plain structs
	_ = json.Unmarshal(data, &c.Columns)
	switch {
	case p.github != nil:
		c.URL, c.Authorized = p.github.GithubURL, haveGithubRequirements(p.github)
	case p.gitlab != nil:
		c.URL, c.Authorized = p.gitlab.GitlabURL, haveGitlabRequirements(p.gitlab)
	case p.bitbucket != nil:
		b := p.bitbucket
		c.Authorized = str(b.APIToken) != "" && str(b.BitbucketEmail) != "" || str(b.BitbucketUsername) != "" && str(b.AppPassword) != ""
	case p.gitea != nil:
		c.URL, c.Authorized = p.gitea.GiteaURL, str(p.gitea.AccessToken) != ""
	}
	return c
}

// masked is the connection with its credentials replaced by "********".
func (c DokployConnection) masked() DokployConnection {
	out := c
	out.Columns = map[string]any{}
	for k, v := range c.Columns {
		if s, ok := v.(string); ok && s != "" && slices.Contains(dkSecretColumns, k) {
			v = "********"
		}
		out.Columns[k] = v
	}
	return out
}

// maskedConnections is the State's view of the connections, oldest first.
func (dk *dokployState) maskedConnections() []DokployConnection {
	out := []DokployConnection{}
	for _, p := range dk.gitProviders {
		out = append(out, p.snapshot().masked())
	}
	return out
}

// DokployConnections returns every git-provider connection, oldest first, credentials in clear (tests
// check what was stored).
func (e *Emulator) DokployConnections() []DokployConnection {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := []DokployConnection{}
	for _, p := range e.st.dokploy.gitProviders {
		out = append(out, p.snapshot())
	}
	return out
}

// DokployConnection returns one connection by its gitProviderId or its kind's id.
func (e *Emulator) DokployConnection(id string) (DokployConnection, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	p := e.st.dokploy.connection(id)
	if p == nil {
		return DokployConnection{}, false
	}
	return p.snapshot(), true
}

// addGitHubConnection stores a GitHub connection (seed or admin API).
func (dk *dokployState) addGitHubConnection(s DokployGitHubConnectionSeed, createdAt time.Time) (*dkGitProvider, error) {
	if s.Name == "" {
		return nil, errors.New("a GitHub connection needs a name")
	}
	row := dkGitProviderRow{GitProviderID: s.GitProviderID, Name: s.Name, ProviderType: kindGitHub,
		CreatedAt: formatTimeMillis(createdAt), OrganizationID: dk.orgID, UserID: dk.userID()}
	if row.GitProviderID == "" {
		row.GitProviderID = dk.next("gitProvider")
	}
	g := &dkGithubRow{GithubID: s.GitHubID, GithubURL: s.GitHubURL, GitProviderID: row.GitProviderID}
	if g.GithubID == "" {
		g.GithubID = dk.next("github")
	}
	for _, id := range []string{row.GitProviderID, g.GithubID} {
		if dk.idTaken(id) {
			return nil, fmt.Errorf("connection id %q is already used", id)
		}
	}
	if row.GitProviderID == g.GithubID {
		return nil, fmt.Errorf("github_id and git_provider_id must differ")
	}
	if g.GithubURL == "" {
		g.GithubURL = dkDefaultGithubURL
	}
	if s.AppID != 0 {
		g.GithubAppID = &s.AppID
	}
	if s.InstallationID != 0 {
		g.GithubInstallationID = ptrString(strconv.FormatInt(s.InstallationID, 10))
	}
	for _, c := range []struct {
		value  string
		column **string
	}{{s.AppName, &g.GithubAppName}, {s.PrivateKey, &g.GithubPrivateKey}, {s.ClientID, &g.GithubClientID},
		{s.ClientSecret, &g.GithubClientSecret}, {s.WebhookSecret, &g.GithubWebhookSecret}} {
		if c.value != "" {
			*c.column = ptrString(c.value)
		}
	}
	p := &dkGitProvider{row: row, github: g}
	dk.gitProviders = append(dk.gitProviders, p)
	return p, nil
}

// AddDokployGitHubConnection adds a GitHub connection, as a person does in Dokploy's dashboard (the API
// cannot create one).
func (e *Emulator) AddDokployGitHubConnection(s DokployGitHubConnectionSeed) (DokployConnection, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	p, err := e.st.dokploy.addGitHubConnection(s, e.now())
	if err != nil {
		return DokployConnection{}, err
	}
	return p.snapshot(), nil
}

// UpdateDokployConnection changes a connection as a person does in Dokploy's dashboard: patch names
// columns of the kind's row as Dokploy names them ("accessToken", "apiToken", "groupName", …; null
// clears one) and "name" for the connection's name. ErrNotFound for an unknown connection; an error for
// an unknown column or a value of the wrong type.
func (e *Emulator) UpdateDokployConnection(id string, patch map[string]any) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	p := e.st.dokploy.connection(id)
	if p == nil {
		return fmt.Errorf("dokploy connection %q: %w", id, ErrNotFound)
	}
	columns := p.snapshot().Columns
	name := p.row.Name
	for k, v := range patch {
		switch k {
		case "name":
			s, ok := v.(string)
			if !ok || s == "" {
				return fmt.Errorf("dokploy connection %q: name must be a non-empty string", id)
			}
			name = s
			continue
		case dkKindIDField(p.row.ProviderType), "gitProviderId":
			return fmt.Errorf("dokploy connection %q: %s cannot change", id, k)
		}
		if _, ok := columns[k]; !ok {
			return fmt.Errorf("dokploy connection %q: a %s connection has no column %q", id, p.row.ProviderType, k)
		}
		columns[k] = v
	}
	data, err := json.Marshal(columns)
	if err != nil {
		return fmt.Errorf("dokploy connection %q: %w", id, err)
	}
	if err := json.Unmarshal(data, p.kindRow()); err != nil {
		return fmt.Errorf("dokploy connection %q: invalid patch: %w", id, err)
	}
	p.row.Name = name
	return nil
}

// DeleteDokployConnection deletes a connection as gitProvider.remove does; false when there is none.
func (e *Emulator) DeleteDokployConnection(id string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	p := e.st.dokploy.connection(id)
	if p == nil {
		return false
	}
	e.st.dokploy.removeGitProvider(p)
	return true
}

// AuthorizeDokployConnection is a person authorising a GitLab or Gitea OAuth connection: signed in to
// the emulated host as user ("" for its first user), they approve the OAuth application (the
// connection's applicationId and secret, or clientId and clientSecret), the host issues tokens and
// Dokploy's callback stores them with their expiry. The host learns an application's secret at its
// first authorisation; a later one with another secret is refused. Other kinds are complete without it.
func (e *Emulator) AuthorizeDokployConnection(id, user string) (DokployConnection, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	p := e.st.dokploy.connection(id)
	if p == nil {
		return DokployConnection{}, fmt.Errorf("dokploy connection %q: %w", id, ErrNotFound)
	}
	now := e.now().Unix()
	switch {
	case p.gitlab != nil:
		g := p.gitlab
		if str(g.ApplicationID) == "" || str(g.Secret) == "" {
			return DokployConnection{}, fmt.Errorf("gitlab connection %q has no OAuth application id and secret: GitLab cannot authorise it", id)
		}
		gl := &e.st.gitlab
		u := gl.userByUsername(user)
		if user == "" && len(gl.users) > 0 {
			u = gl.users[0]
		}
		if u == nil {
			return DokployConnection{}, fmt.Errorf("no GitLab user %q to authorise connection %q", user, id)
		}
		grant := gl.oauth.authorize(HostGitLab, u, *g.ApplicationID, *g.Secret)
		if grant == nil {
			return DokployConnection{}, fmt.Errorf("the emulated GitLab refuses the secret of OAuth application %q (invalid_client): "+
				"Dokploy's callback answers 400 Missing or invalid code", *g.ApplicationID)
		}
		expires := now + int64(gitlabTokenLifetime/time.Second)
		g.AccessToken, g.RefreshToken, g.ExpiresAt = ptrString(grant.accessToken), ptrString(grant.refreshToken), &expires
	case p.gitea != nil:
		g := p.gitea
		if str(g.ClientID) == "" || str(g.ClientSecret) == "" {
			return DokployConnection{}, fmt.Errorf("gitea connection %q has no OAuth client id and secret: Gitea cannot authorise it", id)
		}
		gt := &e.st.gitea
		u := gt.userByLogin(user)
		if user == "" && len(gt.users) > 0 {
			u = gt.users[0]
		}
		if u == nil {
			return DokployConnection{}, fmt.Errorf("no Gitea user %q to authorise connection %q", user, id)
		}
		grant := gt.oauth.authorize(HostGitea, u, *g.ClientID, *g.ClientSecret)
		if grant == nil {
			return DokployConnection{}, fmt.Errorf("the emulated Gitea refuses the secret of OAuth application %q (invalid_client)", *g.ClientID)
		}
		expires := now + int64(giteaTokenLifetime/time.Second)
		g.AccessToken, g.RefreshToken, g.ExpiresAt = ptrString(grant.accessToken), ptrString(grant.refreshToken), &expires
	default:
		return DokployConnection{}, fmt.Errorf("%s connection %q is not authorised through OAuth: only GitLab and Gitea ones are",
			p.row.ProviderType, id)
	}
	return p.snapshot(), nil
}

// RevokeDokployConnection revokes, on the git host, the OAuth authorisation a GitLab or Gitea connection
// holds (a person removing the application from their account): Dokploy keeps the tokens, which no
// longer work, and the refresh fails too. ErrNotFound for an unknown connection; an error when it holds
// no OAuth tokens (change a personal token or API token with UpdateDokployConnection instead).
func (e *Emulator) RevokeDokployConnection(id string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	p := e.st.dokploy.connection(id)
	if p == nil {
		return fmt.Errorf("dokploy connection %q: %w", id, ErrNotFound)
	}
	revoked := false
	switch {
	case p.gitlab != nil:
		revoked = e.st.gitlab.oauth.revoke(str(p.gitlab.AccessToken)) || e.st.gitlab.oauth.revoke(str(p.gitlab.RefreshToken))
	case p.gitea != nil:
		revoked = e.st.gitea.oauth.revoke(str(p.gitea.AccessToken)) || e.st.gitea.oauth.revoke(str(p.gitea.RefreshToken))
	}
	if !revoked {
		return fmt.Errorf("dokploy connection %q holds no OAuth authorisation of the emulated host", id)
	}
	return nil
}

// ExpireDokployConnectionToken moves a GitLab or Gitea connection's expiresAt into the past, as the
// clock would: Dokploy's next call refreshes the tokens. ErrNotFound for an unknown connection.
func (e *Emulator) ExpireDokployConnectionToken(id string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	p := e.st.dokploy.connection(id)
	if p == nil {
		return fmt.Errorf("dokploy connection %q: %w", id, ErrNotFound)
	}
	past := e.now().Unix() - 1
	switch {
	case p.gitlab != nil:
		p.gitlab.ExpiresAt = &past
	case p.gitea != nil:
		p.gitea.ExpiresAt = &past
	default:
		return fmt.Errorf("%s connection %q has no expiring token", p.row.ProviderType, id)
	}
	return nil
}

func (e *Emulator) adminDokployConnectionRoutes() {
	a := AdminPrefix + "/dokploy/git_providers"
	m := e.admin
	writeConn := func(w http.ResponseWriter, status int, id string) {
		c, ok := e.DokployConnection(id)
		if !ok { // deleted in between by another request
			writeAdminError(w, http.StatusNotFound, "not found")
			return
		}
		writeJSON(w, status, c.masked())
	}
	m.HandleFunc("GET "+a, func(w http.ResponseWriter, _ *http.Request) {
		e.mu.Lock()
		out := e.st.dokploy.maskedConnections()
		e.mu.Unlock()
		writeJSON(w, http.StatusOK, out)
	})
	m.HandleFunc("POST "+a+"/github", func(w http.ResponseWriter, r *http.Request) {
		var s DokployGitHubConnectionSeed
		if err := decodeBody(r, &s); err != nil {
			writeAdminError(w, http.StatusBadRequest, "connection: "+err.Error())
			return
		}
		c, err := e.AddDokployGitHubConnection(s)
		if err != nil {
			writeAdminError(w, http.StatusBadRequest, err.Error())
			return
		}
		writeJSON(w, http.StatusCreated, c.masked())
	})
	m.HandleFunc("PATCH "+a+"/{id}", func(w http.ResponseWriter, r *http.Request) {
		var patch map[string]any
		if err := decodeBody(r, &patch); err != nil {
			writeAdminError(w, http.StatusBadRequest, "patch: "+err.Error())
			return
		}
		if err := e.UpdateDokployConnection(r.PathValue("id"), patch); err != nil {
			adminResult(w, err)
			return
		}
		writeConn(w, http.StatusOK, r.PathValue("id"))
	})
	m.HandleFunc("DELETE "+a+"/{id}", func(w http.ResponseWriter, r *http.Request) {
		adminFound(w, e.DeleteDokployConnection(r.PathValue("id")))
	})
	m.HandleFunc("POST "+a+"/{id}/authorize", func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			User string `json:"user"`
		}
		if err := decodeBody(r, &body); err != nil && !errors.Is(err, errEmptyBody) {
			writeAdminError(w, http.StatusBadRequest, `body must be {"user": "<login on the git host>"} or empty`)
			return
		}
		c, err := e.AuthorizeDokployConnection(r.PathValue("id"), body.User)
		if err != nil {
			adminResult(w, err)
			return
		}
		writeJSON(w, http.StatusOK, c.masked())
	})
	m.HandleFunc("POST "+a+"/{id}/revoke", func(w http.ResponseWriter, r *http.Request) {
		adminResult(w, e.RevokeDokployConnection(r.PathValue("id")))
	})
	m.HandleFunc("POST "+a+"/{id}/expire", func(w http.ResponseWriter, r *http.Request) {
		adminResult(w, e.ExpireDokployConnectionToken(r.PathValue("id")))
	})
}

// connectionSeedError names the seed entry that failed.
func connectionSeedError(i int, s DokployGitHubConnectionSeed, err error) error {
	return fmt.Errorf("github_connections[%d] %q: %w", i, strings.TrimSpace(s.Name), err)
}
