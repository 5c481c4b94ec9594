package dokploy

import (
	"context"
	"net/url"
	"strconv"
	"time"
)

// Deployment is one run of an application's build (deployment.all).
type Deployment struct {
	ID            string
	ApplicationID string
	Title         string // the commit message for a push, "Manual deployment" by default
	Description   string // "Hash: <sha>" for a push, "Commit: <sha>" once built
	Status        string // running, done, error, cancelled
	// ErrorMessage is set when Dokploy could not even start the deployment; a failed build leaves it
	// empty and writes the reason to the log (ReadDeploymentLogs).
	ErrorMessage string
	CreatedAt    time.Time
	FinishedAt   time.Time // zero while running
}

type deploymentJSON struct {
	DeploymentID  string  `json:"deploymentId"`
	ApplicationID *string `json:"applicationId"`
	Title         string  `json:"title"`
	Description   *string `json:"description"`
	Status        *string `json:"status"`
	ErrorMessage  *string `json:"errorMessage"`
	CreatedAt     *string `json:"createdAt"`
	FinishedAt    *string `json:"finishedAt"`
}

// ListDeployments is deployment.all: the application's deployments, newest first (Dokploy keeps the
// last ten or so). An unknown application has none.
func (c *Client) ListDeployments(ctx context.Context, applicationID string) ([]Deployment, error) {
	var out []deploymentJSON
	if err := c.do(ctx, call{operation: "list deployments", procedure: "deployment.all",
		query: url.Values{"applicationId": {applicationID}}}, &out); err != nil {
		return nil, err
	}
	list := make([]Deployment, 0, len(out))
	for _, d := range out {
		list = append(list, Deployment{ID: d.DeploymentID, ApplicationID: text(d.ApplicationID), Title: d.Title,
			Description: text(d.Description), Status: text(d.Status), ErrorMessage: text(d.ErrorMessage),
			CreatedAt: parseTime(d.CreatedAt), FinishedAt: parseTime(d.FinishedAt)})
	}
	return list, nil
}

// ReadDeploymentLogs is deployment.readLogs: the last tail lines of a deployment's log (0 for
// Dokploy's default, 100); a missing deployment is a 404.
func (c *Client) ReadDeploymentLogs(ctx context.Context, deploymentID string, tail int) (string, error) {
	q := url.Values{"deploymentId": {deploymentID}}
	if tail > 0 {
		q.Set("tail", strconv.Itoa(tail))
	}
	var out string
	if err := c.do(ctx, call{operation: "read deployment log", procedure: "deployment.readLogs", query: q,
		notFound: []string{"Deployment not found"}}, &out); err != nil {
		return "", err
	}
	return out, nil
}
