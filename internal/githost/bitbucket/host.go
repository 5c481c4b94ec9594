package bitbucket

import (
	"fmt"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
)

// Bitbucket Cloud's facts for the resources: deploy keys are always read-only; webhooks have an active
// flag but no content type, branch filter or TLS setting; tag pushes arrive as repo:push, so there is no
// tag event of its own; webhook ids are UUIDs in braces.
func init() {
	githost.Register(githost.Host{
		Kind: githost.Bitbucket, Title: "Bitbucket", RepositoryForm: "workspace/repo_slug",
		ValidateRepository: ValidateRepository,
		ValidateOwner:      ValidateOwner,
		ValidateWebhookID: func(id string) error {
			if !isBracedUUID(id) {
				return fmt.Errorf("%q is not a Bitbucket webhook id, a UUID in braces like {0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0}", id)
			}
			return nil
		},
		Webhooks: githost.WebhookSettings{Active: true, Events: []string{githost.EventPush, githost.EventPullRequest}},
	})
}
