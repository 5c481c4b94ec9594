package emulator

import (
	"fmt"
	"maps"
	"slices"
)

// DokploySeed is the Dokploy part of a Seed: the API keys (all of one organisation, as a Dokploy API
// key carries its organisation) and projects, each made with its default "production" environment as
// project.create makes them.
//
//	"dokploy": {"api_keys": ["..."], "organization_id": "...", "organization_name": "My Organization",
//	            "projects": [{"name": "gitdeploy-demo", "id": "...", "environment_id": "..."}],
//	            "github_connections": [{"name": "GitHub", "app_id": 777, "installation_id": 4242,
//	                                    "private_key": "-----BEGIN RSA PRIVATE KEY-----…"}]}
type DokploySeed struct {
	APIKeys          []string             `json:"api_keys"`
	OrganizationID   string               `json:"organization_id,omitempty"`
	OrganizationName string               `json:"organization_name,omitempty"`
	Projects         []DokployProjectSeed `json:"projects"`
	// GitHubConnections are git-provider connections to GitHub Apps, which only Dokploy's dashboard can
	// make (dokploy_connections_api.go).
	GitHubConnections []DokployGitHubConnectionSeed `json:"github_connections,omitempty"`
}

// DokployProjectSeed is a project; ID and EnvironmentID (its production environment's id) are made up
// deterministically when left out.
type DokployProjectSeed struct {
	Name          string `json:"name"`
	ID            string `json:"id,omitempty"`
	Description   string `json:"description,omitempty"`
	EnvironmentID string `json:"environment_id,omitempty"`
}

// Names and ids of DefaultSeed's Dokploy part, for tests and examples.
const (
	DefaultDokployAPIKey        = "emulator-dokploy-api-key"
	DefaultDokployOrganization  = "Xk2mQ9vLr4TbN7cWp1ZsD"
	DefaultDokployProject       = "gitdeploy-demo"
	DefaultDokployProjectID     = "Pq7nRv3KxW9mLc2TbY5hZ"
	DefaultDokployEnvironmentID = "Ev4kMz8QwT2nXr6LpB9cH"
)

func defaultDokploySeed() DokploySeed {
	return DokploySeed{
		APIKeys:          []string{DefaultDokployAPIKey},
		OrganizationID:   DefaultDokployOrganization,
		OrganizationName: "My Organization",
		Projects: []DokployProjectSeed{{Name: DefaultDokployProject, ID: DefaultDokployProjectID,
			Description: "Demo project", EnvironmentID: DefaultDokployEnvironmentID}},
	}
}

// copyDokployForTrial copies what applyDokploy checks against (apply only adds objects).
func (st *state) copyDokployForTrial(t *state) {
	dk := &st.dokploy
	t.dokploy.apiKeys = maps.Clone(dk.apiKeys)
	t.dokploy.orgID, t.dokploy.orgName = dk.orgID, dk.orgName
	t.dokploy.projects = slices.Clone(dk.projects)
	t.dokploy.environments = slices.Clone(dk.environments)
	t.dokploy.gitProviders = slices.Clone(dk.gitProviders)
	t.dokploy.seq = dk.seq
}

func (st *state) applyDokploy(s *DokploySeed) error {
	dk := &st.dokploy
	if dk.apiKeys == nil {
		dk.apiKeys = map[string]bool{}
	}
	for _, k := range s.APIKeys {
		if k == "" {
			return fmt.Errorf("empty API key")
		}
		dk.apiKeys[k] = true
	}
	if s.OrganizationID != "" {
		if dk.orgID != "" && dk.orgID != s.OrganizationID {
			return fmt.Errorf("organization %q: the emulator holds one organisation, %q", s.OrganizationID, dk.orgID)
		}
		dk.orgID = s.OrganizationID
	}
	if dk.orgID == "" {
		dk.orgID = dkNanoid("organization", 0)
	}
	if s.OrganizationName != "" {
		dk.orgName = s.OrganizationName
	}
	if dk.orgName == "" {
		dk.orgName = "My Organization" // the name Dokploy gives the first user's organisation
	}
	for _, ps := range s.Projects {
		if ps.Name == "" {
			return fmt.Errorf("project needs a name")
		}
		p := &dkProject{id: ps.ID, name: ps.Name, createdAt: seedTime}
		if ps.Description != "" {
			p.description = &ps.Description
		}
		if p.id == "" {
			p.id = dk.next("project")
		}
		env := &dkEnvironment{id: ps.EnvironmentID, name: "production", description: ptrString("Production environment"),
			projectID: p.id, isDefault: true, createdAt: seedTime}
		if env.id == "" {
			env.id = dk.next("environment")
		}
		if dk.project(p.id) != nil || dk.environment(p.id) != nil {
			return fmt.Errorf("project id %q is already used", p.id)
		}
		if dk.environment(env.id) != nil || dk.project(env.id) != nil || env.id == p.id {
			return fmt.Errorf("environment id %q is already used", env.id)
		}
		dk.projects = append(dk.projects, p)
		dk.environments = append(dk.environments, env)
	}
	for i, cs := range s.GitHubConnections {
		if _, err := dk.addGitHubConnection(cs, seedTime); err != nil {
			return connectionSeedError(i, cs, err)
		}
	}
	return nil
}

func ptrString(s string) *string { return &s }
