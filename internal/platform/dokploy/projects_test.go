package dokploy

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/emulator"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/httpx"
)

func TestProjectsAndEnvironments(t *testing.T) {
	_, _, c := newEmulated(t)
	ctx := context.Background()

	seeded, err := c.GetEnvironment(ctx, emulator.DefaultDokployEnvironmentID)
	if err != nil {
		t.Fatal(err)
	}
	if seeded.Name != "production" || !seeded.IsDefault || seeded.ProjectID != emulator.DefaultDokployProjectID {
		t.Errorf("seeded environment %+v", seeded)
	}

	p, err := c.CreateProject(ctx, "shop", "the shop")
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "shop" || p.Description != "the shop" || p.OrganizationID == "" || len(p.Environments) != 1 ||
		p.Environments[0].Name != "production" || p.Environments[0].ProjectID != p.ID {
		t.Fatalf("created %+v", p)
	}
	app, err := c.CreateApplication(ctx, ApplicationInput{Name: "a", EnvironmentID: p.Environments[0].ID})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.GetProject(ctx, p.ID)
	if err != nil || len(got.Environments) != 1 || !slices.Equal(got.Environments[0].ApplicationIDs, []string{app.ID}) {
		t.Fatalf("GetProject: %+v %v", got, err)
	}
	if err := c.DeleteProject(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetApplication(ctx, app.ID); !httpx.IsNotFound(err) {
		t.Errorf("the application outlived its project: %v", err)
	}
	if _, err := c.CreateApplication(ctx, ApplicationInput{Name: "b", EnvironmentID: p.Environments[0].ID}); !httpx.IsNotFound(err) {
		t.Errorf("create in a deleted environment: %v", err)
	}
}

func TestDeployments(t *testing.T) {
	emu, srv, c := newEmulated(t)
	ctx := context.Background()
	app, err := c.CreateApplication(ctx, ApplicationInput{Name: "site", EnvironmentID: emulator.DefaultDokployEnvironmentID})
	if err != nil {
		t.Fatal(err)
	}
	// The emulated GitHub's public repository over HTTP: no key needed.
	if err := c.SaveGitProvider(ctx, app.ID, GitSource{URL: srv.URL + "/github/gitdeploy-demo/website.git", Branch: "main"}); err != nil {
		t.Fatal(err)
	}
	if err := c.DeployApplication(ctx, app.ID, "first"); err != nil {
		t.Fatal(err)
	}
	if err := emu.DeleteBranch(emulator.HostGitHub, "gitdeploy-demo/website", "develop"); err != nil {
		t.Fatal(err)
	}
	if err := c.SaveGitProvider(ctx, app.ID, GitSource{URL: srv.URL + "/github/gitdeploy-demo/website.git", Branch: "develop"}); err != nil {
		t.Fatal(err)
	}
	if err := c.DeployApplication(ctx, app.ID, ""); err != nil {
		t.Fatal(err)
	}
	list, err := c.ListDeployments(ctx, app.ID)
	if err != nil || len(list) != 2 {
		t.Fatalf("ListDeployments: %+v %v", list, err)
	}
	failed, done := list[0], list[1] // newest first
	if done.Title != "first" || done.Status != "done" || done.ApplicationID != app.ID || done.CreatedAt.IsZero() ||
		done.FinishedAt.IsZero() || failed.Title != "Manual deployment" || failed.Status != "error" || failed.ErrorMessage != "" {
		t.Errorf("deployments %+v", list)
	}
	log, err := c.ReadDeploymentLogs(ctx, failed.ID, 0)
	if err != nil || !strings.Contains(log, "Remote branch develop not found in upstream origin") {
		t.Errorf("log %q, %v", log, err)
	}
	last, err := c.ReadDeploymentLogs(ctx, failed.ID, 1)
	if err != nil || last != "Error occurred ❌, check the logs for details.\n" {
		t.Errorf("tail 1: %q, %v", last, err)
	}
}
