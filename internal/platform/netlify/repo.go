package netlify

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/httpx"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/platform"
)

// repoJSON is the "repo" object of PATCH /sites/{id} (Netlify's repoInfo definition plus the fields
// the support guide's create payload writes: repo_type, repo_id, base).
type repoJSON struct {
	Provider   string `json:"provider"`
	RepoPath   string `json:"repo_path"`
	RepoBranch string `json:"repo_branch"`
	// ID is Netlify's name for the repository's numeric id (repoInfo.id, an integer); it is only
	// sent when the id is a number. RepoID carries the id as text for every provider (Bitbucket's
	// ids are "workspace/repo").
	ID          *int64 `json:"id,omitempty"`
	RepoID      string `json:"repo_id"`
	RepoURL     string `json:"repo_url"`
	RepoType    string `json:"repo_type"`
	DeployKeyID string `json:"deploy_key_id"`
	// InstallationID is always sent: null removes a GitHub App installation in the same write that
	// sets the rest (PATCH leaves out what it is not given), so the link is never cleared in between.
	InstallationID  *int64   `json:"installation_id"`
	Cmd             string   `json:"cmd"`
	Dir             string   `json:"dir"`
	Base            string   `json:"base"`
	FunctionsDir    string   `json:"functions_dir"`
	AllowedBranches []string `json:"allowed_branches"`
}

// buildSettingsJSON is a site's build_settings as Netlify returns it.
type buildSettingsJSON struct {
	Provider        string     `json:"provider"`
	RepoPath        string     `json:"repo_path"`
	RepoBranch      string     `json:"repo_branch"`
	RepoURL         string     `json:"repo_url"`
	ID              flexString `json:"id"`
	RepoID          flexString `json:"repo_id"`
	DeployKeyID     string     `json:"deploy_key_id"`
	InstallationID  flexInt64  `json:"installation_id"`
	Cmd             string     `json:"cmd"`
	Dir             string     `json:"dir"`
	Base            string     `json:"base"`
	FunctionsDir    string     `json:"functions_dir"`
	AllowedBranches []string   `json:"allowed_branches"`
}

// toPlatform maps build_settings to RepoSettings; nil when no repository is linked.
func (b *buildSettingsJSON) toPlatform() *platform.RepoSettings {
	if b == nil || (b.RepoPath == "" && b.Provider == "") {
		return nil
	}
	repoID := string(b.RepoID)
	if repoID == "" {
		repoID = string(b.ID)
	}
	return &platform.RepoSettings{
		Provider:        b.Provider,
		RepoPath:        b.RepoPath,
		RepoBranch:      b.RepoBranch,
		RepoURL:         b.RepoURL,
		RepoID:          repoID,
		DeployKeyID:     b.DeployKeyID,
		InstallationID:  int64(b.InstallationID),
		Cmd:             b.Cmd,
		Dir:             b.Dir,
		Base:            b.Base,
		FunctionsDir:    b.FunctionsDir,
		AllowedBranches: b.AllowedBranches,
	}
}

func newRepoJSON(r platform.RepoSettings) repoJSON {
	out := repoJSON{
		Provider:        r.Provider,
		RepoPath:        r.RepoPath,
		RepoBranch:      r.RepoBranch,
		RepoID:          r.RepoID,
		RepoURL:         r.WebURL,
		RepoType:        "git",
		DeployKeyID:     r.DeployKeyID,
		Cmd:             r.Cmd,
		Dir:             r.Dir,
		Base:            r.Base,
		FunctionsDir:    r.FunctionsDir,
		AllowedBranches: r.AllowedBranches,
	}
	if r.Provider == "bitbucket" {
		// Netlify names a Bitbucket repository by "workspace/repo", not by its UUID (Netlify's support forum).
		out.RepoID = r.RepoPath
	}
	if n, err := strconv.ParseInt(out.RepoID, 10, 64); err == nil {
		out.ID = &n
	}
	if r.InstallationID != 0 {
		out.InstallationID = &r.InstallationID
	}
	if out.AllowedBranches == nil {
		// An explicit empty list, not null: "no restriction beyond repo_branch".
		out.AllowedBranches = []string{}
	}
	return out
}

// SetRepo implements platform.Platform: PATCH /sites/{id} {"repo": {...}}, and returns the site as
// Netlify answers it, build_settings read back into Site.Repo.
func (c *Client) SetRepo(ctx context.Context, siteID string, repo platform.RepoSettings) (*platform.Site, error) {
	body := struct {
		Repo repoJSON `json:"repo"`
	}{Repo: newRepoJSON(repo)}
	var site siteJSON
	// The whole repo object is sent: sending it again after a lost answer leaves the same link.
	if err := c.do(httpx.Repeatable(ctx), "link repository", http.MethodPatch, path{"sites", siteID}, body, &site,
		http.StatusOK); err != nil {
		return nil, err
	}
	return site.toPlatform(), nil
}

// clearRepoJSON empties every field of the repo object. It has no installation_id and no id:
// an integer cannot be "emptied" to 0 without Netlify reading 0 as a real id, so they are sent
// as null.
type clearRepoJSON struct {
	Provider        string          `json:"provider"`
	RepoPath        string          `json:"repo_path"`
	RepoBranch      string          `json:"repo_branch"`
	RepoURL         string          `json:"repo_url"`
	RepoID          json.RawMessage `json:"repo_id"`
	ID              json.RawMessage `json:"id"`
	DeployKeyID     string          `json:"deploy_key_id"`
	InstallationID  json.RawMessage `json:"installation_id"`
	Cmd             string          `json:"cmd"`
	Dir             string          `json:"dir"`
	Base            string          `json:"base"`
	FunctionsDir    string          `json:"functions_dir"`
	AllowedBranches []string        `json:"allowed_branches"`
}

// ClearRepo implements platform.Platform: it removes the site's repository link without deleting
// any deploy key.
//
// Netlify documents two ways to change a site's repository: PATCH /sites/{id} with a "repo"
// object, and PUT /sites/{id}/unlink_repo. unlink_repo also deletes the deploy keys linked to the
// site, its outgoing webhooks and its build hooks; a deploy key is often shared by several sites
// of one monorepo and is managed by its own resource, so ClearRepo must not use it. PATCH updates
// the repo fields that it is given, so ClearRepo sends every repo field with an empty value
// (strings "", ids null, allowed_branches []). If Netlify still reports a repository afterwards, that
// is an error naming the site: the site would go on building while the link leaves Terraform's state.
func (c *Client) ClearRepo(ctx context.Context, siteID string) error {
	null := json.RawMessage("null")
	body := struct {
		Repo clearRepoJSON `json:"repo"`
	}{Repo: clearRepoJSON{RepoID: null, ID: null, InstallationID: null, AllowedBranches: []string{}}}
	var site siteJSON
	// Every field is emptied: sending it again after a lost answer leaves the same empty link.
	if err := c.do(httpx.Repeatable(ctx), "unlink repository", http.MethodPatch, path{"sites", siteID}, body, &site,
		http.StatusOK); err != nil {
		return err
	}
	if left := site.BuildSettings.toPlatform(); left != nil {
		return fmt.Errorf("%s: unlink repository (PATCH /sites/%s): the answer still links site %s (%s) to %s repository %q: "+
			"the repository settings were not cleared, so the site would go on building from it", serviceName, siteID,
			siteID, site.Name, left.Provider, left.RepoPath)
	}
	return nil
}

// UnlinkRepo calls PUT /sites/{id}/unlink_repo, Netlify's own unlink. Unlike ClearRepo it also
// deletes the deploy keys associated with the site, its outgoing webhooks and its build hooks, so
// it is not part of platform.Platform and no resource calls it on a shared key's behalf.
func (c *Client) UnlinkRepo(ctx context.Context, siteID string) (*platform.Site, error) {
	var site siteJSON
	if err := c.do(ctx, "unlink repository (unlink_repo)", http.MethodPut, path{"sites", siteID, "unlink_repo"}, nil, &site,
		http.StatusOK); err != nil {
		return nil, err
	}
	return site.toPlatform(), nil
}
