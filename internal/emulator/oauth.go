package emulator

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
)

// OAuth grants of the emulated GitLab and Gitea: what a person's "Authorize" in the host's consent page
// leaves behind when an OAuth application (a Dokploy connection) asks for access. The host hands out an
// access token, which then authenticates API calls and git over HTTPS as that person, and a refresh token;
// the refresh_token grant (RFC 6749 section 6) replaces both. GitLab's access tokens last two hours
// (expires_in 7200, GitLab's "OAuth 2.0 identity provider API" docs), Gitea's one hour
// (ACCESS_TOKEN_EXPIRATION_TIME = 3600, Gitea's configuration cheat sheet). The emulated hosts accept an
// access token until it is revoked or refreshed; its expiry only tells the client when to refresh.
//
// Failed refreshes answer as RFC 6749 section 5.2 says: an unknown or revoked refresh token is 400
// invalid_grant, a client whose id or secret does not match is 401 invalid_client. The token endpoints
// are not served over HTTP here: the emulated Dokploy, their only client, calls them in process.

// oauthGrant is one authorisation of a client by a user.
type oauthGrant[U any] struct {
	user         U
	clientID     string
	clientSecret string
	accessToken  string
	refreshToken string
}

// oauthState holds a host's grants and the OAuth applications they were made for. The emulated hosts
// have no application registry: an application becomes known, with its secret, at its first
// authorisation. The zero value is ready to use.
type oauthState[U any] struct {
	grants  []*oauthGrant[U]
	secrets map[string]string // client id -> client secret
	seq     int
}

// oauthTokenText is a deterministic 64-hex-digit token (GitLab's OAuth tokens have this form).
func oauthTokenText(host string, seq int) string {
	sum := sha256.Sum256(fmt.Appendf(nil, "%s/oauth/%d", host, seq))
	return hex.EncodeToString(sum[:])
}

// userByAccessToken is the user an unrevoked access token stands for.
func (o *oauthState[U]) userByAccessToken(token string) (U, bool) {
	for _, g := range o.grants {
		if token != "" && g.accessToken == token {
			return g.user, true
		}
	}
	var none U
	return none, false
}

// authorize records a user's consent and exchanges the code for tokens; nil when the client's secret is
// not the one the host knows (invalid_client).
func (o *oauthState[U]) authorize(host string, user U, clientID, clientSecret string) *oauthGrant[U] {
	if known, ok := o.secrets[clientID]; ok && known != clientSecret {
		return nil
	}
	if o.secrets == nil {
		o.secrets = map[string]string{}
	}
	o.secrets[clientID] = clientSecret
	g := &oauthGrant[U]{user: user, clientID: clientID, clientSecret: clientSecret}
	o.issue(host, g)
	o.grants = append(o.grants, g)
	return g
}

func (o *oauthState[U]) issue(host string, g *oauthGrant[U]) {
	o.seq++
	g.accessToken = oauthTokenText(host, o.seq)
	o.seq++
	g.refreshToken = oauthTokenText(host, o.seq)
}

// refresh is the refresh_token grant: new tokens, or the HTTP status of the refusal.
func (o *oauthState[U]) refresh(host, refreshToken, clientID, clientSecret string) (*oauthGrant[U], int) {
	i := slices.IndexFunc(o.grants, func(g *oauthGrant[U]) bool { return refreshToken != "" && g.refreshToken == refreshToken })
	if i < 0 {
		return nil, http.StatusBadRequest // invalid_grant
	}
	g := o.grants[i]
	if g.clientID != clientID || g.clientSecret != clientSecret {
		return nil, http.StatusUnauthorized // invalid_client
	}
	o.issue(host, g)
	return g, http.StatusOK
}

// revoke forgets the grant whose access or refresh token is token; false when there is none.
func (o *oauthState[U]) revoke(token string) bool {
	n := len(o.grants)
	o.grants = slices.DeleteFunc(o.grants, func(g *oauthGrant[U]) bool {
		return token != "" && (g.accessToken == token || g.refreshToken == token)
	})
	return len(o.grants) < n
}
