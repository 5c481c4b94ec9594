package emulator

import (
	"net/http"
)

// Linking an application through a git-provider connection (apps/dokploy/server/api/routers/
// application.ts: saveGithubProvider, saveGitlabProvider, saveBitbucketProvider, saveGiteaProvider; the
// schemas apiSave<Kind>Provider of packages/server/src/db/schema/application.ts, as openapi-subset.json
// lists them). Each sets the kind's source columns, sourceType and applicationStatus "idle", and answers
// true; a missing application is 404 "Application not found" (the UPDATE touches no row, the read-back
// fails), a connection id that names no connection fails on the foreign key (500). Dokploy checks
// neither that the connection can see the repository nor that the branch exists: the first deployment
// does.

// branchField is Dokploy's branchField: min 1, VALID_BRANCH_REGEX.
func branchField(name string) dkField {
	return dkField{name: name, typ: tString, required: true, minLen: 1, pattern: dkBranchRegexp, patternMsg: "Invalid branch name"}
}

// linkOptional are the members every save<Kind>Provider accepts last.
func linkOptional() []dkField {
	return []dkField{{name: "enableSubmodules", typ: tBool}, {name: "watchPaths", typ: tStrings, nullable: true}}
}

// dkSaveLink validates, then sets the columns of a link on the application; defaults are set for the
// members that were not sent.
func (e *Emulator) dkSaveLink(w http.ResponseWriter, in dkInput, kind string, fields []dkField, columns []string, defaults ...dkChange) {
	v, err := in.validate(append(fields, linkOptional()...)...)
	if err != nil {
		fail(w, err)
		return
	}
	e.dkSetSource(w, v, kind, columns, defaults...)
}

// dkSetSource sets the validated columns of a link (and defaults for those not sent) on the application,
// with sourceType kind: every save<Kind>Provider and saveGitProvider end here.
func (e *Emulator) dkSetSource(w http.ResponseWriter, v dkValues, kind string, columns []string, defaults ...dkChange) {
	dk := &e.st.dokploy
	a := dk.application(v.str("applicationId"))
	if a == nil {
		fail(w, appNotFound())
		return
	}
	changes := present(v, columns...)
	for _, d := range defaults {
		if !v.has(d.column) {
			changes = append(changes, d)
		}
	}
	changes = append(changes, dkChange{"sourceType", kind}, dkChange{"applicationStatus", "idle"})
	changes = append(changes, present(v, "watchPaths", "enableSubmodules")...)
	if err := dk.apply(a, changes); err != nil {
		fail(w, err)
		return
	}
	writeDokployResult(w, true)
}

// dkSaveGithubProvider is application.saveGithubProvider. triggerType ("push" or "tag") defaults to
// "push": openapi-subset.json lists it as required, but the schema's .default("push") fills it in when it
// is not sent.
func (e *Emulator) dkSaveGithubProvider(w http.ResponseWriter, _ *http.Request, in dkInput) {
	e.dkSaveLink(w, in, kindGitHub, []dkField{reqStr("applicationId", 0), reqNullStr("repository"), reqNullStr("owner"),
		reqNullStr("buildPath"), reqNullStr("githubId"), branchField("branch"),
		{name: "triggerType", typ: tString, enum: dkTriggerTypes}},
		[]string{"repository", "branch", "owner", "buildPath", "githubId", "triggerType"}, dkChange{"triggerType", "push"})
}

// dkSaveGitlabProvider is application.saveGitlabProvider: the project's id, owner, name and path with
// namespace (what Dokploy's clone uses) and the branch.
func (e *Emulator) dkSaveGitlabProvider(w http.ResponseWriter, _ *http.Request, in dkInput) {
	e.dkSaveLink(w, in, kindGitLab, []dkField{reqStr("applicationId", 0), reqNullStr("gitlabBuildPath"),
		reqNullStr("gitlabOwner"), reqNullStr("gitlabRepository"), reqNullStr("gitlabId"),
		{name: "gitlabProjectId", typ: tNumber, required: true, nullable: true}, reqNullStr("gitlabPathNamespace"),
		branchField("gitlabBranch")},
		[]string{"gitlabRepository", "gitlabOwner", "gitlabBranch", "gitlabBuildPath", "gitlabId", "gitlabProjectId", "gitlabPathNamespace"})
}

// dkSaveBitbucketProvider is application.saveBitbucketProvider: workspace (owner), repository name and
// slug (the clone uses the slug when set), branch.
func (e *Emulator) dkSaveBitbucketProvider(w http.ResponseWriter, _ *http.Request, in dkInput) {
	e.dkSaveLink(w, in, kindBitbucket, []dkField{reqNullStr("bitbucketBuildPath"), reqNullStr("bitbucketOwner"),
		reqNullStr("bitbucketRepository"), reqNullStr("bitbucketRepositorySlug"), reqNullStr("bitbucketId"),
		reqStr("applicationId", 0), branchField("bitbucketBranch")},
		[]string{"bitbucketRepository", "bitbucketRepositorySlug", "bitbucketOwner", "bitbucketBranch", "bitbucketBuildPath", "bitbucketId"})
}

// dkSaveGiteaProvider is application.saveGiteaProvider.
func (e *Emulator) dkSaveGiteaProvider(w http.ResponseWriter, _ *http.Request, in dkInput) {
	e.dkSaveLink(w, in, kindGitea, []dkField{reqStr("applicationId", 0), reqNullStr("giteaBuildPath"),
		reqNullStr("giteaOwner"), reqNullStr("giteaRepository"), reqNullStr("giteaId"), branchField("giteaBranch")},
		[]string{"giteaRepository", "giteaOwner", "giteaBranch", "giteaBuildPath", "giteaId"})
}

// ---- the connections in findApplicationById ----

// The relations findApplicationById loads, without the columns it leaves out (secrets and tokens).
type (
	dkGithubRelation struct {
		GithubID             string  `json:"githubId"`
		GithubAppName        *string `json:"githubAppName"`
		GithubAppID          *int64  `json:"githubAppId"`
		GithubClientID       *string `json:"githubClientId"`
		GithubInstallationID *string `json:"githubInstallationId"`
		GithubURL            string  `json:"githubUrl"`
		GitProviderID        string  `json:"gitProviderId"`
	}
	dkGitlabRelation struct {
		GitlabID          string  `json:"gitlabId"`
		GitlabURL         string  `json:"gitlabUrl"`
		GitlabInternalURL *string `json:"gitlabInternalUrl"`
		ApplicationID     *string `json:"applicationId"`
		RedirectURI       *string `json:"redirectUri"`
		GroupName         *string `json:"groupName"`
		ExpiresAt         *int64  `json:"expiresAt"`
		GitProviderID     string  `json:"gitProviderId"`
	}
	dkBitbucketRelation struct {
		BitbucketID            string  `json:"bitbucketId"`
		BitbucketUsername      *string `json:"bitbucketUsername"`
		BitbucketEmail         *string `json:"bitbucketEmail"`
		BitbucketWorkspaceName *string `json:"bitbucketWorkspaceName"`
		GitProviderID          string  `json:"gitProviderId"`
	}
	dkGiteaRelation struct {
		GiteaID             string  `json:"giteaId"`
		GiteaURL            string  `json:"giteaUrl"`
		GiteaInternalURL    *string `json:"giteaInternalUrl"`
		RedirectURI         *string `json:"redirectUri"`
		ClientID            *string `json:"clientId"`
		GitProviderID       string  `json:"gitProviderId"`
		ExpiresAt           *int64  `json:"expiresAt"`
		Scopes              *string `json:"scopes"`
		LastAuthenticatedAt *int64  `json:"lastAuthenticatedAt"`
	}
)

// connectionRelations are the application's github, gitlab, bitbucket and gitea members: the connection
// each id column names (null when it names none).
func (dk *dokployState) connectionRelations(a *dkApplication) (github, gitlab, bitbucket, gitea any) {
	if p := dk.githubConn(a.str("githubId")); p != nil {
		g := p.github
		github = dkGithubRelation{GithubID: g.GithubID, GithubAppName: g.GithubAppName, GithubAppID: g.GithubAppID,
			GithubClientID: g.GithubClientID, GithubInstallationID: g.GithubInstallationID, GithubURL: g.GithubURL,
			GitProviderID: g.GitProviderID}
	}
	if p := dk.gitlabConn(a.str("gitlabId")); p != nil {
		g := p.gitlab
		gitlab = dkGitlabRelation{GitlabID: g.GitlabID, GitlabURL: g.GitlabURL, GitlabInternalURL: g.GitlabInternalURL,
			ApplicationID: g.ApplicationID, RedirectURI: g.RedirectURI, GroupName: g.GroupName, ExpiresAt: g.ExpiresAt,
			GitProviderID: g.GitProviderID}
	}
	if p := dk.bitbucketConn(a.str("bitbucketId")); p != nil {
		b := p.bitbucket
		bitbucket = dkBitbucketRelation{BitbucketID: b.BitbucketID, BitbucketUsername: b.BitbucketUsername,
			BitbucketEmail: b.BitbucketEmail, BitbucketWorkspaceName: b.BitbucketWorkspaceName, GitProviderID: b.GitProviderID}
	}
	if p := dk.giteaConn(a.str("giteaId")); p != nil {
		g := p.gitea
		gitea = dkGiteaRelation{GiteaID: g.GiteaID, GiteaURL: g.GiteaURL, GiteaInternalURL: g.GiteaInternalURL,
			RedirectURI: g.RedirectURI, ClientID: g.ClientID, GitProviderID: g.GitProviderID, ExpiresAt: g.ExpiresAt,
			Scopes: g.Scopes, LastAuthenticatedAt: g.LastAuthenticatedAt}
	}
	return github, gitlab, bitbucket, gitea
}
