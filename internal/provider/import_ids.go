package provider

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
)

// The import-ID parsers are pure functions, fuzzed in import_ids_fuzz_test.go: whatever a user types,
// every id they return stays inside one URL path segment, and every repository is one the host accepts.

// maxIDLength bounds an id from an import ID; the services' ids are far shorter (UUIDs, 24 hex digits,
// decimal numbers).
const maxIDLength = 256

// checkIDSegment accepts an id of a platform object (site, deploy key, build hook) that the clients put
// in a URL path segment: not empty, not "." or "..", no '/', no spaces or control characters.
func checkIDSegment(what, id string) error {
	switch {
	case id == "":
		return fmt.Errorf("%s is empty", what)
	case id == "." || id == "..":
		return fmt.Errorf("%s %q is not an id", what, id)
	case len(id) > maxIDLength:
		return fmt.Errorf("%s is longer than %d characters", what, maxIDLength)
	case strings.ContainsAny(id, `/\?#%`):
		return fmt.Errorf(`%s %q must not hold '/', '\', '?', '#' or '%%'`, what, id)
	}
	for _, r := range id {
		if unicode.IsSpace(r) || unicode.IsControl(r) || r == unicode.ReplacementChar {
			return fmt.Errorf("%s %q must not hold spaces or control characters", what, id)
		}
	}
	return nil
}

// checkGitID accepts a git host's id of a deploy key or webhook: a positive decimal number.
func checkGitID(what, id string) error {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 || strconv.FormatInt(n, 10) != id {
		return fmt.Errorf("%s %q is not a positive decimal number", what, id)
	}
	return nil
}

// deployKeyImport is what a gitdeploy_deploy_key import ID names.
type deployKeyImport struct {
	ID, GitProvider, Repository, GitKeyID string
}

// parseDeployKeyImportID reads "<platform_key_id>", "<platform_key_id>:<git_provider>:<repository>" (the git
// key found by its public key) or "<platform_key_id>:<git_provider>:<repository>:<git_key_id>".
func parseDeployKeyImportID(raw string) (deployKeyImport, error) {
	parts := strings.Split(raw, ":")
	var in deployKeyImport
	switch len(parts) {
	case 1:
		in.ID = parts[0]
	case 3:
		in = deployKeyImport{ID: parts[0], GitProvider: parts[1], Repository: parts[2]}
	case 4:
		in = deployKeyImport{ID: parts[0], GitProvider: parts[1], Repository: parts[2], GitKeyID: parts[3]}
	default:
		return deployKeyImport{}, fmt.Errorf("%q is not a deploy key import ID", raw)
	}
	errs := []error{checkIDSegment("the platform key id", in.ID)}
	if len(parts) > 1 {
		errs = append(errs, githost.ValidateRepository(in.GitProvider, in.Repository))
	}
	if len(parts) == 4 {
		errs = append(errs, checkGitID("the git key id", in.GitKeyID))
	}
	if err := errors.Join(errs...); err != nil {
		return deployKeyImport{}, fmt.Errorf("%q: %w", raw, err)
	}
	return in, nil
}

// webhookImport is what a gitdeploy_webhook import ID names.
type webhookImport struct {
	GitProvider, Repository, ID, SiteID, BuildHookID string
}

// parseWebhookImportID reads "<git_provider>:<repository>:<hook_id>", with ":<site_id>:<build_hook_id>"
// appended for a webhook that posts to a build hook, or ":<site_id>" for one that posts to a site's own
// deploy URL (Dokploy).
func parseWebhookImportID(raw string) (webhookImport, error) {
	parts := strings.Split(raw, ":")
	if len(parts) < 3 || len(parts) > 5 {
		return webhookImport{}, fmt.Errorf("%q is not a webhook import ID", raw)
	}
	in := webhookImport{GitProvider: parts[0], Repository: parts[1], ID: parts[2]}
	errs := []error{githost.ValidateRepository(in.GitProvider, in.Repository)}
	if err := githost.ValidateWebhookID(in.GitProvider, in.ID); err != nil {
		errs = append(errs, fmt.Errorf("the webhook id: %w", err))
	}
	if len(parts) >= 4 {
		in.SiteID = parts[3]
		errs = append(errs, checkIDSegment("the site id", in.SiteID))
	}
	if len(parts) == 5 {
		in.BuildHookID = parts[4]
		errs = append(errs, checkIDSegment("the build hook id", in.BuildHookID))
	}
	if err := errors.Join(errs...); err != nil {
		return webhookImport{}, fmt.Errorf("%q: %w", raw, err)
	}
	return in, nil
}

// parseRepoLinkImportID reads the id of the linked site.
func parseRepoLinkImportID(raw string) (string, error) {
	if err := checkIDSegment("the site id", raw); err != nil {
		return "", err
	}
	if strings.Contains(raw, ":") {
		return "", fmt.Errorf("the site id %q must not hold ':'", raw)
	}
	return raw, nil
}
