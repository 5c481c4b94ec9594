package githost

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
)

// RepositoryURL is what a clone URL says about its repository.
type RepositoryURL struct {
	// GitProvider is "github", "gitlab" or "bitbucket" when the host is one of the public services
	// (github.com, gitlab.com, bitbucket.org), "" when the host alone cannot tell (GitHub Enterprise
	// Server, self-managed GitLab, Gitea, Forgejo).
	GitProvider string
	// Host is the lower-case host name, with the port of an http(s) URL that names a non-default one; an
	// SSH port says nothing about where the host's web and API are, so SSH forms give the name alone.
	Host string
	// Owner is the account, organisation or workspace, or a GitLab group path ("group/subgroup").
	Owner string
	// Name is the repository's name without ".git".
	Name string
	// Repository is Owner/Name, the form the resources take in repository.
	Repository string
}

// The public hosts a URL names, with the names their SSH endpoints also go by.
var publicHosts = map[string]string{
	"github.com": GitHub, "www.github.com": GitHub, "ssh.github.com": GitHub,
	"gitlab.com": GitLab, "www.gitlab.com": GitLab, "altssh.gitlab.com": GitLab,
	"bitbucket.org": "bitbucket", "www.bitbucket.org": "bitbucket", "altssh.bitbucket.org": "bitbucket",
}

// maxRepositoryURLLen bounds the input: no clone URL is anywhere near this long.
const maxRepositoryURLLen = 2048

// ParseRepositoryURL reads a clone URL in any of git's forms:
//
//	https://github.com/owner/name.git           http(s), with or without ".git", user info or port
//	ssh://git@gitlab.example.com:2222/group/sub/name.git
//	git@github.com:owner/name.git                scp-like ([user@]host:path)
//	git://host/owner/name.git, git+ssh://…
//
// The path after the host is the repository: the last segment its name, the others its owner (GitLab
// groups nest, so there may be several). On github.com and bitbucket.org, whose repositories are always
// owner/name, further segments are a web page of the repository (/tree/main, /src/main/) and are
// ignored; on any host, so is a GitLab web path from "/-/" on. Errors say what is wrong and never repeat a
// password the URL held.
func ParseRepositoryURL(raw string) (RepositoryURL, error) {
	text := strings.TrimSpace(raw)
	switch {
	case text == "":
		return RepositoryURL{}, errors.New("the URL is empty")
	case len(text) > maxRepositoryURLLen:
		return RepositoryURL{}, fmt.Errorf("the URL is longer than %d characters", maxRepositoryURLLen)
	case strings.ContainsAny(text, " \t\r\n\x00"):
		return RepositoryURL{}, fmt.Errorf("%s holds whitespace or control characters", quoteURL(text))
	}

	var host, port, repoPath string
	keepPort := false
	if scheme, _, ok := strings.Cut(text, "://"); ok {
		u, err := url.Parse(text)
		if err != nil {
			return RepositoryURL{}, fmt.Errorf("%s is not a URL: %s", quoteURL(text), cleanURLError(err))
		}
		switch strings.ToLower(scheme) {
		case "https", "http":
			keepPort = true
		case "ssh", "git", "git+ssh", "ssh+git":
		default:
			return RepositoryURL{}, fmt.Errorf("%s: scheme %q is not a git clone scheme (https, http, ssh, git)", quoteURL(text), scheme)
		}
		host, port = u.Hostname(), u.Port()
		repoPath = u.Path
		if u.Opaque != "" {
			return RepositoryURL{}, fmt.Errorf("%s has no host", quoteURL(text))
		}
	} else {
		// scp-like: [user@]host:path. A colon is required, and the part before it has no slash (git's
		// own rule that tells "host:path" from a local path).
		before, after, ok := strings.Cut(text, ":")
		if !ok || strings.Contains(before, "/") {
			return RepositoryURL{}, fmt.Errorf("%s is neither a URL with a scheme (https://, ssh://) nor scp-like (git@host:owner/name.git)", quoteURL(text))
		}
		if at := strings.LastIndex(before, "@"); at >= 0 {
			before = before[at+1:]
		}
		host = strings.TrimSuffix(strings.TrimPrefix(before, "["), "]")
		repoPath = after
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if err := checkHost(host); err != nil {
		return RepositoryURL{}, fmt.Errorf("%s: %w", quoteURL(text), err)
	}
	kind := publicHosts[host]
	if kind != "" {
		host = strings.TrimPrefix(strings.TrimPrefix(strings.TrimPrefix(host, "www."), "ssh."), "altssh.")
	}
	switch {
	case keepPort && port != "" && port != "443" && port != "80":
		host = net.JoinHostPort(host, port)
	case strings.Contains(host, ":"): // an IPv6 address, bracketed as in a URL
		host = "[" + host + "]"
	}

	segments, err := repositorySegments(repoPath, kind)
	if err != nil {
		return RepositoryURL{}, fmt.Errorf("%s: %w", quoteURL(text), err)
	}
	owner := strings.Join(segments[:len(segments)-1], "/")
	name := segments[len(segments)-1]
	return RepositoryURL{GitProvider: kind, Host: host, Owner: owner, Name: name, Repository: owner + "/" + name}, nil
}

func checkHost(host string) error {
	if host == "" {
		return errors.New("the URL names no host")
	}
	if net.ParseIP(host) != nil {
		return nil
	}
	for _, label := range strings.Split(host, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' ||
			!allASCII(label, func(c byte) bool { return isAlnum(c) || c == '-' || c == '_' }) {
			return fmt.Errorf("host %q is not a host name", host)
		}
	}
	return nil
}

// repositorySegments splits a URL path into owner segments and the name, checking each.
func repositorySegments(p, kind string) ([]string, error) {
	p = strings.Trim(p, "/")
	if i := strings.Index(p, "/-/"); i >= 0 { // a GitLab web page of the repository
		p = p[:i]
	}
	p = strings.TrimSuffix(strings.TrimSuffix(p, "/"), ".git")
	if p == "" {
		return nil, errors.New("the URL has no repository path (want …/owner/name)")
	}
	segments := strings.Split(p, "/")
	if (kind == GitHub || kind == "bitbucket") && len(segments) > 2 {
		// github.com and bitbucket.org repositories are owner/name; the rest is a web page of it.
		segments = segments[:2]
		segments[1] = strings.TrimSuffix(segments[1], ".git")
	}
	if len(segments) < 2 {
		return nil, fmt.Errorf("the path %q names no owner: want owner/name (or group/subgroup/name)", p)
	}
	for _, s := range segments {
		switch {
		case s == "":
			return nil, fmt.Errorf("the path %q has an empty segment", p)
		case s == "." || s == "..":
			return nil, fmt.Errorf("the path %q has a %q segment", p, s)
		case !allASCII(s, func(c byte) bool { return isAlnum(c) || c == '-' || c == '_' || c == '.' }):
			return nil, fmt.Errorf("the path segment %q may only hold letters, digits, '-', '_' and '.'", s)
		}
	}
	if strings.HasSuffix(segments[len(segments)-1], ".git") || segments[len(segments)-1] == "" {
		return nil, fmt.Errorf("the repository name in %q is not a name", p)
	}
	return segments, nil
}

// quoteURL quotes a URL for an error message, with any password replaced by "xxxxx".
func quoteURL(text string) string {
	if scheme, rest, ok := strings.Cut(text, "://"); ok {
		authority, path, _ := strings.Cut(rest, "/")
		if at := strings.LastIndex(authority, "@"); at >= 0 {
			if user, _, hasPassword := strings.Cut(authority[:at], ":"); hasPassword {
				text = scheme + "://" + user + ":xxxxx@" + authority[at+1:]
				if path != "" || strings.Contains(rest, "/") {
					text += "/" + path
				}
			}
		}
	}
	return fmt.Sprintf("%q", text)
}

// cleanURLError is net/url's reason without the URL it repeats (which may hold a password).
func cleanURLError(err error) string {
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		return urlErr.Err.Error()
	}
	return "it does not parse"
}
