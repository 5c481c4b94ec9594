package emulator

import (
	"crypto/sha256"
	"fmt"
	"slices"
	"time"
)

// Dokploy's state: one organisation (the one the API keys belong to), its projects, their
// environments, applications, SSH keys, deployments and git-provider connections. Rows keep Dokploy's
// column names where they are served (dokploy_apps.go keeps application rows as columns).

type dokployState struct {
	apiKeys      map[string]bool
	orgID        string
	orgName      string
	projects     []*dkProject
	environments []*dkEnvironment
	applications []*dkApplication
	sshKeys      []*dkSSHKey
	deployments  []*dkDeployment  // oldest first
	gitProviders []*dkGitProvider // git-provider connections, oldest first (dokploy_connections.go)
	seq          int              // feeds the deterministic ids
}

type dkProject struct {
	id          string
	name        string
	description *string
	env         string
	createdAt   time.Time
}

type dkEnvironment struct {
	id          string
	name        string
	description *string
	env         string
	projectID   string
	isDefault   bool
	createdAt   time.Time
}

type dkSSHKey struct {
	id          string
	name        string
	description *string
	privateKey  string
	publicKey   string
	createdAt   time.Time
	lastUsedAt  *string
}

type dkDeployment struct {
	id            string
	applicationID string
	title         string
	description   string
	status        string // running, done, error, cancelled
	logPath       string
	log           string // what Dokploy writes to logPath
	createdAt     time.Time
	finishedAt    time.Time
}

// nanoidAlphabet is nanoid's URL-safe alphabet: Dokploy's ids and refresh tokens are nanoid() values.
const nanoidAlphabet = "useandom-26T198340PX75pxJACKVERYMINDBUSHWOLF_GQZbfghjklqvwyzrict"

// dkNanoid is a deterministic 21-character nanoid-shaped id: the same requests after Reset give the
// same ids.
func dkNanoid(kind string, n int) string {
	sum := sha256.Sum256(fmt.Appendf(nil, "dokploy/%s/%d", kind, n))
	out := make([]byte, 21)
	for i := range out {
		out[i] = nanoidAlphabet[sum[i]&63]
	}
	return string(out)
}

// next returns a new id of kind.
func (dk *dokployState) next(kind string) string {
	dk.seq++
	return dkNanoid(kind, dk.seq)
}

// dkRandomSuffix is Dokploy's generatePassword(6): six lowercase letters or digits.
func dkRandomSuffix(n int) string {
	const chars = "abcdefghijklmnopqrstuvwxyz0123456789"
	sum := sha256.Sum256(fmt.Appendf(nil, "dokploy/suffix/%d", n))
	out := make([]byte, 6)
	for i := range out {
		out[i] = chars[int(sum[i])%len(chars)]
	}
	return string(out)
}

var (
	dkHackerVerbs      = []string{"parse", "compress", "navigate", "index", "hack", "back-up", "bypass", "synthesize"}
	dkHackerAdjectives = []string{"virtual", "digital", "primary", "mobile", "neural", "cross-platform", "wireless", "online"}
	dkHackerNouns      = []string{"pixel", "driver", "bus", "array", "matrix", "feed", "circuit", "protocol"}
)

// dkGeneratedAppName is Dokploy's generateAppName("app") (faker hacker words and a nanoid tail) for an
// application created without appName.
func dkGeneratedAppName(n int) string {
	return "app-" + dkHackerVerbs[n%len(dkHackerVerbs)] + "-" + dkHackerAdjectives[(n/3)%len(dkHackerAdjectives)] + "-" +
		dkHackerNouns[(n/7)%len(dkHackerNouns)] + "-" + dkRandomSuffix(n+1000)
}

func (dk *dokployState) project(id string) *dkProject {
	for _, p := range dk.projects {
		if p.id == id {
			return p
		}
	}
	return nil
}

func (dk *dokployState) environment(id string) *dkEnvironment {
	for _, env := range dk.environments {
		if env.id == id {
			return env
		}
	}
	return nil
}

func (dk *dokployState) environmentsOf(projectID string) []*dkEnvironment {
	var out []*dkEnvironment
	for _, env := range dk.environments {
		if env.projectID == projectID {
			out = append(out, env)
		}
	}
	return out
}

func (dk *dokployState) applicationsOf(environmentID string) []*dkApplication {
	var out []*dkApplication
	for _, a := range dk.applications {
		if a.str("environmentId") == environmentID {
			out = append(out, a)
		}
	}
	return out
}

func (dk *dokployState) application(id string) *dkApplication {
	for _, a := range dk.applications {
		if a.id() == id {
			return a
		}
	}
	return nil
}

func (dk *dokployState) sshKey(id string) *dkSSHKey {
	for _, k := range dk.sshKeys {
		if k.id == id {
			return k
		}
	}
	return nil
}

func (dk *dokployState) deploymentsOf(applicationID string) []*dkDeployment {
	var out []*dkDeployment
	for _, d := range dk.deployments {
		if d.applicationID == applicationID {
			out = append(out, d)
		}
	}
	return out
}

// removeApplication deletes an application and, by the foreign keys' cascade, its deployments.
func (dk *dokployState) removeApplication(id string) bool {
	i := slices.IndexFunc(dk.applications, func(a *dkApplication) bool { return a.id() == id })
	if i < 0 {
		return false
	}
	dk.applications = slices.Delete(dk.applications, i, i+1)
	dk.deployments = slices.DeleteFunc(dk.deployments, func(d *dkDeployment) bool { return d.applicationID == id })
	return true
}

// removeEnvironment deletes an environment and its applications (ON DELETE CASCADE).
func (dk *dokployState) removeEnvironment(id string) {
	for _, a := range dk.applicationsOf(id) {
		dk.removeApplication(a.id())
	}
	dk.environments = slices.DeleteFunc(dk.environments, func(env *dkEnvironment) bool { return env.id == id })
}

// removeProject deletes a project and everything in it (ON DELETE CASCADE).
func (dk *dokployState) removeProject(id string) bool {
	i := slices.IndexFunc(dk.projects, func(p *dkProject) bool { return p.id == id })
	if i < 0 {
		return false
	}
	for _, env := range dk.environmentsOf(id) {
		dk.removeEnvironment(env.id)
	}
	dk.projects = slices.Delete(dk.projects, i, i+1)
	return true
}

// removeSSHKey deletes a key; applications that used it keep their link with customGitSSHKeyId null
// (the column's ON DELETE SET NULL).
func (dk *dokployState) removeSSHKey(id string) bool {
	i := slices.IndexFunc(dk.sshKeys, func(k *dkSSHKey) bool { return k.id == id })
	if i < 0 {
		return false
	}
	dk.sshKeys = slices.Delete(dk.sshKeys, i, i+1)
	for _, a := range dk.applications {
		if a.str("customGitSSHKeyId") == id {
			a.cols["customGitSSHKeyId"] = nil
		}
	}
	return true
}
