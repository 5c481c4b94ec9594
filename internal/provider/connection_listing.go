package provider

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/httpx"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/platform"
)

// Listing through a Dokploy git-provider connection (connection_id of gitdeploy_repositories and
// gitdeploy_branches), and the lookups gitdeploy_repo_link's pre-flight shares with them.

// connectionListingNote says what a listing through a connection cannot fill.
const connectionListingNote = "Dokploy passes GitHub's repository objects on whole, so through a GitHub connection every " +
	"output is filled; through GitLab and Gitea connections only `id`, `name` and `full_name`, and through Bitbucket ones " +
	"`name`, `full_name` and `html_url`: the other outputs are null there, `visibility` cannot filter (an error), and " +
	"`include_archived` and `include_forks` keep every repository."

// checkConnectionListing checks the data sources' git_provider / connection_id / platform at plan time.
func checkConnectionListing(gitProvider, connectionID, plat types.String, diags *diag.Diagnostics) {
	switch {
	case connectionID.IsNull() && gitProvider.IsNull():
		diags.AddAttributeError(path.Root("git_provider"), "Missing git_provider",
			"Set git_provider to list on a git host, or connection_id to list through a Dokploy git-provider connection.")
	case connectionID.IsNull() && !plat.IsNull():
		diags.AddAttributeError(path.Root("platform"), "platform without connection_id",
			"platform only says whose connection connection_id names: set connection_id, or remove platform.")
	case !connectionID.IsNull() && isKnownString(plat) && plat.ValueString() != platform.Dokploy:
		diags.AddAttributeError(path.Root("platform"), "Git-provider connections need Dokploy",
			fmt.Sprintf("connection_id names a git-provider connection, which only Dokploy has: set platform = %q or remove it.", platform.Dokploy))
	}
}

// findConnection finds a connection by its id or git_provider_id in the platform's listing; a missing one is
// httpx.IsNotFound.
func findConnection(ctx context.Context, gc platform.GitConnections, id string) (*platform.GitConnection, error) {
	conns, err := gc.ListGitConnections(ctx)
	if err != nil {
		return nil, err
	}
	for i := range conns {
		if conns[i].ID == id || conns[i].GitProviderID == id {
			return &conns[i], nil
		}
	}
	return nil, &httpx.APIError{Service: "Dokploy", Operation: "find git provider connection", Method: http.MethodGet,
		StatusCode: http.StatusNotFound, Message: fmt.Sprintf("gitProvider.getAll lists no connection %q", id)}
}

// addConnectionNotFound reports a connection_id that names no connection.
func addConnectionNotFound(diags *diag.Diagnostics, id string, err error) {
	diags.AddAttributeError(path.Root("connection_id"), "Connection not found",
		fmt.Sprintf("Dokploy lists no git-provider connection %q that this API key's user may use: it was removed, or the id is "+
			"wrong (gitdeploy_git_connections lists them).\n\n%s", id, err))
}

// resolveConnection returns the data source's connection and its platform, or nil with an error: a
// connection that does not exist, or not of kind gitProvider when that is set.
func resolveConnection(ctx context.Context, c *clients, plat, connectionID, gitProvider types.String,
	diags *diag.Diagnostics) (*platform.GitConnection, platform.GitConnections) {
	gc := c.dataSourceConnections(plat, diags)
	if gc == nil {
		return nil, nil
	}
	conn, err := findConnection(ctx, gc, connectionID.ValueString())
	if httpx.IsNotFound(err) {
		addConnectionNotFound(diags, connectionID.ValueString(), err)
		return nil, nil
	}
	if err != nil {
		diags.AddError("Could not list the git-provider connections", errorDetail(err))
		return nil, nil
	}
	if isKnownString(gitProvider) && gitProvider.ValueString() != conn.Kind {
		diags.AddAttributeError(path.Root("git_provider"), "git_provider does not match the connection",
			fmt.Sprintf("Connection %q (%s) is a %s connection, and git_provider = %q: set git_provider = %q, or remove it.",
				conn.Name, conn.ID, hostTitle(conn.Kind), gitProvider.ValueString(), conn.Kind))
		return nil, nil
	}
	return conn, gc
}

// connectionSees says which repositories a connection of kind lists, for "not found" messages.
func connectionSees(kind string) string {
	switch kind {
	case githost.GitHub:
		return "A GitHub connection sees the repositories its GitHub App's installation was granted."
	case githost.GitLab:
		return "A GitLab connection sees the projects of its group_name (every group listed, subgroups included), or without " +
			"one the personal projects of the user who authorised it."
	case githost.Bitbucket:
		return "A Bitbucket connection sees the repositories of its workspace (else of its username's workspace)."
	case githost.Gitea:
		return "A Gitea connection sees the repositories its token's user owns or administers."
	}
	return ""
}

// connectionListError is the detail of a listing through a connection that failed: Dokploy's answer,
// with what to do for a GitLab connection nobody authorised.
func connectionListError(conn *platform.GitConnection, err error) string {
	detail := errorDetail(err)
	if conn.Kind == githost.GitLab && !conn.Authorized {
		detail += "\n\nNobody authorised the GitLab connection " + conn.ID + " yet: Dokploy can list through it only afterwards " +
			"(its authorize_url, or Authorize beside it in Dokploy's dashboard, Settings → Git)."
	}
	return detail
}

// findConnectionRepository lists the repositories the connection sees and returns repo (a full name,
// compared without case), or nil when the connection does not see it.
func findConnectionRepository(ctx context.Context, gc platform.GitConnections, conn *platform.GitConnection, repo string) (*platform.ConnectionRepository, error) {
	repos, err := gc.ListConnectionRepositories(ctx, conn)
	if err != nil {
		return nil, err
	}
	for i := range repos {
		if strings.EqualFold(repos[i].FullName, repo) {
			return &repos[i], nil
		}
	}
	return nil, nil
}

func nullableString(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// connectionRepositoryModel is a listed repository in gitdeploy_repositories' form: null where the
// connection's listing does not say.
func connectionRepositoryModel(r platform.ConnectionRepository) repositoryModel {
	m := repositoryModel{ID: nullableString(r.ID), Name: types.StringValue(r.Name), FullName: types.StringValue(r.FullName),
		HTMLURL: nullableString(r.HTMLURL), DefaultBranch: types.StringNull(), Visibility: types.StringNull(), Private: types.BoolNull(),
		Archived: types.BoolNull(), Fork: types.BoolNull(), Description: types.StringNull(), CloneURL: types.StringNull(),
		SSHURL: types.StringNull(), PushedAt: types.StringNull()}
	if r.Detailed {
		pushedAt := ""
		if !r.PushedAt.IsZero() {
			pushedAt = r.PushedAt.UTC().Format(time.RFC3339)
		}
		topics := r.Topics
		if topics == nil {
			topics = []string{}
		}
		m.Visibility, m.Private = types.StringValue(r.Visibility), types.BoolValue(r.Private)
		m.Archived, m.Fork, m.Description = types.BoolValue(r.Archived), types.BoolValue(r.Fork), stringOrNull(r.Description)
		m.CloneURL, m.SSHURL, m.PushedAt, m.Topics = stringOrNull(r.CloneURL), stringOrNull(r.SSHURL), stringOrNull(pushedAt), topics
		m.DefaultBranch = stringOrNull(r.DefaultBranch)
	}
	return m
}

// ownsRepository reports whether owner holds fullName: its first segment (GitLab: its namespace, or with
// subgroups any namespace under owner).
func ownsRepository(kind, owner, fullName string, subgroups bool) bool {
	if owner == "" {
		return true
	}
	owner = strings.ToLower(strings.Trim(owner, "/"))
	full := strings.ToLower(fullName)
	if kind == githost.GitLab {
		i := strings.LastIndex(full, "/")
		if i < 0 {
			return false
		}
		ns := full[:i]
		return ns == owner || (subgroups && strings.HasPrefix(ns, owner+"/"))
	}
	first, _, _ := strings.Cut(full, "/")
	return first == owner
}

// readThroughConnection is gitdeploy_repositories with connection_id.
func (d *repositoriesDataSource) readThroughConnection(ctx context.Context, m *repositoriesModel, nameRE *regexp.Regexp, resp *datasource.ReadResponse) {
	conn, gc := resolveConnection(ctx, d.clients, m.Platform, m.ConnectionID, m.GitProvider, &resp.Diagnostics)
	if conn == nil {
		return
	}
	repos, err := gc.ListConnectionRepositories(ctx, conn)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("connection_id"), "Could not list repositories through the connection",
			connectionListError(conn, err))
		return
	}
	visibility := m.Visibility.ValueString()
	includeArchived := m.IncludeArchived.ValueBool()
	includeForks := m.IncludeForks.IsNull() || m.IncludeForks.ValueBool()
	owner := m.Owner.ValueString()
	kept := make([]platform.ConnectionRepository, 0, len(repos))
	for _, r := range repos {
		if visibility != "" && visibility != "all" && !r.Detailed {
			resp.Diagnostics.AddAttributeError(path.Root("visibility"), "visibility not available through this connection",
				fmt.Sprintf("Dokploy's listing through a %s connection does not say a repository's visibility: remove visibility.",
					hostTitle(conn.Kind)))
			return
		}
		if !ownsRepository(conn.Kind, owner, r.FullName, m.IncludeSubgroups.ValueBool()) ||
			(nameRE != nil && !nameRE.MatchString(r.Name)) ||
			(r.Detailed && ((!includeArchived && r.Archived) || (!includeForks && r.Fork) ||
				(visibility != "" && visibility != "all" && r.Visibility != visibility))) {
			continue
		}
		kept = append(kept, r)
	}
	sort.Slice(kept, func(i, j int) bool { return kept[i].FullName < kept[j].FullName })
	truncated := false
	if n := int(m.MaxItems.ValueInt64()); n > 0 && len(kept) > n {
		kept, truncated = kept[:n], true
	}
	m.GitProvider = types.StringValue(conn.Kind)
	m.ID = types.StringValue(platform.Dokploy + ":" + conn.ID + ":" + owner)
	m.Truncated = types.BoolValue(truncated)
	m.Repositories = make([]repositoryModel, 0, len(kept))
	m.FullNames = make([]string, 0, len(kept))
	for _, r := range kept {
		m.Repositories = append(m.Repositories, connectionRepositoryModel(r))
		m.FullNames = append(m.FullNames, r.FullName)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

// readThroughConnection is gitdeploy_branches with connection_id: the repository is found in the
// connection's listing (GitLab lists branches by the project's id, Bitbucket by its slug), then its
// branches are listed.
func (d *branchesDataSource) readThroughConnection(ctx context.Context, m *branchesModel, nameRE *regexp.Regexp, resp *datasource.ReadResponse) {
	conn, gc := resolveConnection(ctx, d.clients, m.Platform, m.ConnectionID, m.GitProvider, &resp.Diagnostics)
	if conn == nil {
		return
	}
	name := m.Repository.ValueString()
	repo, err := findConnectionRepository(ctx, gc, conn, name)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("connection_id"), "Could not list repositories through the connection",
			connectionListError(conn, err))
		return
	}
	if repo == nil {
		resp.Diagnostics.AddAttributeError(path.Root("repository"), "Repository not seen through the connection",
			fmt.Sprintf("The %s connection %q (%s) does not list %s. %s", hostTitle(conn.Kind), conn.Name, conn.ID, name, connectionSees(conn.Kind)))
		return
	}
	branches, err := gc.ListConnectionBranches(ctx, conn, repo)
	if err != nil {
		resp.Diagnostics.AddError("Could not list branches through the connection", connectionListError(conn, err))
		return
	}
	sort.Slice(branches, func(i, j int) bool { return branches[i].Name < branches[j].Name })
	m.GitProvider = types.StringValue(conn.Kind)
	m.ID = types.StringValue(platform.Dokploy + ":" + conn.ID + ":" + repo.FullName)
	m.DefaultBranch = stringOrNull(repo.DefaultBranch)
	m.Branches = []branchModel{}
	m.Names = []string{}
	boolOrNull := func(b *bool) types.Bool {
		if b == nil {
			return types.BoolNull()
		}
		return types.BoolValue(*b)
	}
	for _, b := range branches {
		if b.Default != nil && *b.Default && m.DefaultBranch.IsNull() {
			m.DefaultBranch = types.StringValue(b.Name)
		}
		if !m.Protected.IsNull() {
			if b.Protected == nil {
				resp.Diagnostics.AddAttributeError(path.Root("protected"), "protected not available through this connection",
					fmt.Sprintf("Dokploy's branch listing through a %s connection does not say which branches are protected: remove protected.",
						hostTitle(conn.Kind)))
				return
			}
			if *b.Protected != m.Protected.ValueBool() {
				continue
			}
		}
		if nameRE != nil && !nameRE.MatchString(b.Name) {
			continue
		}
		m.Branches = append(m.Branches, branchModel{Name: types.StringValue(b.Name), Protected: boolOrNull(b.Protected),
			Default: boolOrNull(b.Default), CommitSHA: stringOrNull(b.CommitSHA)})
		m.Names = append(m.Names, b.Name)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}
