package gitea

import "github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"

// Gitea's (and Forgejo's) facts for the resources: webhooks have a content type, a branch filter and an
// active flag (off unless the request says otherwise), no TLS setting of their own; deploy keys may be
// read-write (and are, unless the request says otherwise).
func init() {
	githost.Register(githost.Host{
		Kind: githost.Gitea, Title: "Gitea", RepositoryForm: "owner/name",
		ValidateRepository: ValidateRepository,
		ValidateOwner:      ValidateOwner,
		Webhooks: githost.WebhookSettings{ContentType: true, BranchFilter: true, Active: true,
			Events: githost.Events},
		ReadWriteKeys: true,
	})
}
