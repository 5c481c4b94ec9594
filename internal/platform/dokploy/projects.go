package dokploy

import (
	"context"
	"net/url"
	"time"
)

// Projects and environments (apps/dokploy/server/api/routers/project.ts, environment.ts). A project
// is made with a default "production" environment; applications live in environments.

// Project is a Dokploy project with its environments.
type Project struct {
	ID             string
	Name           string
	Description    string
	OrganizationID string
	CreatedAt      time.Time
	Environments   []Environment
}

// Environment is an environment of a project.
type Environment struct {
	ID          string
	Name        string
	Description string
	ProjectID   string
	IsDefault   bool // the project's "production" environment, which cannot be deleted
	// ApplicationIDs are the applications in it (environment.one and project.one list them).
	ApplicationIDs []string
}

type environmentJSON struct {
	EnvironmentID string  `json:"environmentId"`
	Name          string  `json:"name"`
	Description   *string `json:"description"`
	ProjectID     string  `json:"projectId"`
	IsDefault     bool    `json:"isDefault"`
	Applications  []struct {
		ApplicationID string `json:"applicationId"`
	} `json:"applications"`
}

func (e environmentJSON) toEnvironment(projectID string) Environment {
	out := Environment{ID: e.EnvironmentID, Name: e.Name, Description: text(e.Description), ProjectID: e.ProjectID,
		IsDefault: e.IsDefault}
	if out.ProjectID == "" {
		out.ProjectID = projectID
	}
	for _, a := range e.Applications {
		out.ApplicationIDs = append(out.ApplicationIDs, a.ApplicationID)
	}
	return out
}

type projectJSON struct {
	ProjectID      string            `json:"projectId"`
	Name           string            `json:"name"`
	Description    *string           `json:"description"`
	OrganizationID string            `json:"organizationId"`
	CreatedAt      *string           `json:"createdAt"`
	Environments   []environmentJSON `json:"environments"`
}

func (p projectJSON) toProject() *Project {
	out := &Project{ID: p.ProjectID, Name: p.Name, Description: text(p.Description), OrganizationID: p.OrganizationID,
		CreatedAt: parseTime(p.CreatedAt)}
	for _, e := range p.Environments {
		out.Environments = append(out.Environments, e.toEnvironment(p.ProjectID))
	}
	return out
}

// CreateProject is project.create: the project with its new "production" environment.
func (c *Client) CreateProject(ctx context.Context, name, description string) (*Project, error) {
	body := map[string]any{"name": name}
	if description != "" {
		body["description"] = description
	}
	var out struct {
		Project     projectJSON     `json:"project"`
		Environment environmentJSON `json:"environment"`
	}
	if err := c.do(ctx, call{operation: "create project", procedure: "project.create", in: body}, &out); err != nil {
		return nil, err
	}
	p := out.Project.toProject()
	p.Environments = append(p.Environments, out.Environment.toEnvironment(p.ID))
	return p, nil
}

var projectNotFound = []string{"Project not found"}

// GetProject is project.one: the project and its environments; a missing project is a 404.
func (c *Client) GetProject(ctx context.Context, id string) (*Project, error) {
	var out projectJSON
	if err := c.do(ctx, call{operation: "read project", procedure: "project.one", query: url.Values{"projectId": {id}},
		notFound: projectNotFound}, &out); err != nil {
		return nil, err
	}
	return out.toProject(), nil
}

// DeleteProject is project.remove: the project with its environments, applications and their
// deployments; a missing project is a 404.
func (c *Client) DeleteProject(ctx context.Context, id string) error {
	return c.do(ctx, call{operation: "delete project", procedure: "project.remove", in: map[string]any{"projectId": id},
		notFound: projectNotFound, repeatable: true}, nil)
}

// GetEnvironment is environment.one; a missing environment is a 404.
func (c *Client) GetEnvironment(ctx context.Context, id string) (*Environment, error) {
	var out environmentJSON
	if err := c.do(ctx, call{operation: "read environment", procedure: "environment.one",
		query: url.Values{"environmentId": {id}}, notFound: []string{"Environment not found"}}, &out); err != nil {
		return nil, err
	}
	env := out.toEnvironment("")
	return &env, nil
}
