package provider

import (
	"context"
	"strings"
	"testing"

	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
)

// The descriptions of the settings only some hosts have name exactly those hosts (from the host registry).
func TestWebhookSettingDescriptions(t *testing.T) {
	var resp fwresource.SchemaResponse
	NewWebhookResource().Schema(context.Background(), fwresource.SchemaRequest{}, &resp)
	want := map[string]string{
		"active":        "Available on Bitbucket, Gitea and GitHub. GitLab webhooks have no such flag",
		"content_type":  "Available on Gitea and GitHub; Bitbucket and GitLab always post JSON",
		"branch_filter": "Available on Gitea and GitLab; on Bitbucket and GitHub setting it fails the plan",
		"insecure_ssl":  "Available on GitHub and GitLab; Bitbucket and Gitea always verify",
	}
	for name, part := range want {
		if d := resp.Schema.Attributes[name].GetMarkdownDescription(); !strings.Contains(d, part) {
			t.Errorf("%s: want %q in the description, got %q", name, part, d)
		}
	}
}
