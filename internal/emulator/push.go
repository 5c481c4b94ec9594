package emulator

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha1" //nolint:gosec // GitHub's legacy X-Hub-Signature is HMAC-SHA1 by definition
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The push loop: a push to a branch moves its head and makes the emulated git host deliver its push
// webhooks like the real one, with real HTTP POSTs. Deliveries only go to loopback addresses: a hook
// pointing at the real Netlify must never receive the emulator's fake events.

// PushResult is what a push did: the branch's old and new head and one Delivery per webhook.
type PushResult struct {
	Host       string     `json:"host"`
	Repository string     `json:"repository"`
	Branch     string     `json:"branch"`
	Created    bool       `json:"created"` // the push created the branch
	Before     string     `json:"before"`  // 40 zeros when created
	After      string     `json:"after"`
	Deliveries []Delivery `json:"deliveries"`
}

// Delivery is one webhook POST. StatusCode is 0 when no answer came; Error then says why.
type Delivery struct {
	HookID     string `json:"hook_id"`
	URL        string `json:"url"`
	Event      string `json:"event"` // X-GitHub-Event, X-Gitlab-Event, X-Event-Key or X-Gitea-Event
	GUID       string `json:"guid"`  // X-GitHub-Delivery, X-Gitlab-Event-UUID, X-Request-UUID or X-Gitea-Delivery
	StatusCode int    `json:"status_code"`
	Error      string `json:"error,omitempty"`
}

const zeroSHA = "0000000000000000000000000000000000000000"

// deliveryTimeout bounds one webhook POST, as the hosts do (GitHub gives up after 10 s).
const deliveryTimeout = 10 * time.Second

// pendingDelivery is a request prepared under the lock and sent after it is released: the target is
// often this very emulator.
type pendingDelivery struct {
	Delivery
	header   http.Header
	body     []byte
	insecure bool
}

// Push pushes a new commit to branch of repo on host ("github", "gitlab", "bitbucket" or "gitea"): the
// branch is created when missing, its head moves to a new SHA, and every active webhook subscribed to
// pushes (GitLab and Gitea: with a matching branch filter; Bitbucket: repo:push) gets a POST. It returns when every delivery is done; builds the
// emulated Netlify records on receiving them are visible at once through Builds.
func (e *Emulator) Push(host, repo, branch string) (PushResult, error) {
	if branch == "" {
		return PushResult{}, errors.New("empty branch name")
	}
	base := e.base()
	e.mu.Lock()
	res, pending, err := e.st.preparePush(host, repo, branch, base, e.now())
	e.mu.Unlock()
	if err != nil {
		return PushResult{}, err
	}
	for _, p := range pending {
		res.Deliveries = append(res.Deliveries, e.deliver(p))
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.st.recordDeliveries(host, repo, res.Deliveries)
	return res, nil
}

// base is the external base URL clients last used, for the URLs inside payloads.
func (e *Emulator) base() string {
	if b, ok := e.lastBase.Load().(string); ok {
		return b
	}
	return "http://127.0.0.1"
}

func (st *state) nextDeliveryGUID() string {
	st.deliverySeq++
	sum := sha256.Sum256(fmt.Appendf(nil, "delivery/%d", st.deliverySeq))
	h := hex.EncodeToString(sum[:16])
	return h[0:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:32]
}

// moveHead creates or advances a branch and reports the old and new heads.
func moveHead(branches *[]string, heads *map[string]string, host, repo, branch string) (before, after string, created bool) {
	if *heads == nil {
		*heads = map[string]string{}
	}
	if slices.Contains(*branches, branch) {
		before = headSHA(*heads, host, repo, branch)
		after = pushedSHA(before)
	} else {
		before, created = zeroSHA, true
		after = pushedSHA(commitSHA(host, repo, branch))
		*branches = append(*branches, branch)
		slices.Sort(*branches)
	}
	(*heads)[branch] = after
	return before, after, created
}

func (st *state) preparePush(host, repo, branch, base string, now time.Time) (PushResult, []pendingDelivery, error) {
	res := PushResult{Host: host, Repository: repo, Branch: branch, Deliveries: []Delivery{}}
	switch host {
	case HostGitHub:
		r := st.github.repos[strings.ToLower(repo)]
		if r == nil {
			return res, nil, fmt.Errorf("github repository %q: %w", repo, ErrNotFound)
		}
		res.Repository = r.fullName()
		res.Before, res.After, res.Created = moveHead(&r.branches, &r.heads, HostGitHub, r.fullName(), branch)
		parent := res.Before
		if res.Created {
			parent = commitSHA(HostGitHub, r.fullName(), branch) // what moveHead builds a new branch on
		}
		r.recordCommit(res.After, parent)
		r.pushedAt = now
		st.github.lists = nil // lists sorted by "pushed" change
		return res, st.githubPushDeliveries(r, res, base, now), nil
	case HostGitLab:
		p := st.gitlab.project(repo)
		if p == nil {
			return res, nil, fmt.Errorf("gitlab project %q: %w", repo, ErrNotFound)
		}
		res.Repository = p.pathWithNamespace()
		res.Before, res.After, res.Created = moveHead(&p.branches, &p.heads, HostGitLab, p.pathWithNamespace(), branch)
		p.touch(now)
		st.gitlab.lists = nil // lists ordered by last_activity_at change
		return res, st.gitlabPushDeliveries(p, res, base, now), nil
	case HostBitbucket:
		r := st.bitbucket.byFullName(repo)
		if r == nil {
			return res, nil, fmt.Errorf("bitbucket repository %q: %w", repo, ErrNotFound)
		}
		res.Repository = r.fullName()
		res.Before, res.After, res.Created = moveHead(&r.branches, &r.heads, HostBitbucket, r.fullName(), branch)
		r.updatedAt = now
		return res, st.bitbucketPushDeliveries(r, res, base, now), nil
	case HostGitea:
		r := st.gitea.repos[strings.ToLower(repo)]
		if r == nil {
			return res, nil, fmt.Errorf("gitea repository %q: %w", repo, ErrNotFound)
		}
		res.Repository = r.fullName()
		res.Before, res.After, res.Created = moveHead(&r.branches, &r.heads, HostGitea, r.fullName(), branch)
		r.updatedAt = now
		return res, st.giteaPushDeliveries(r, res, base, now), nil
	}
	return res, nil, errUnknownHost(host)
}

// hubSignature is "sha256=" + hex HMAC of the body, as GitHub signs deliveries.
func hubSignature(secret string, body []byte, sha256Sig bool) string {
	if sha256Sig {
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write(body)
		return "sha256=" + hex.EncodeToString(mac.Sum(nil))
	}
	mac := hmac.New(sha1.New, []byte(secret))
	mac.Write(body)
	return "sha1=" + hex.EncodeToString(mac.Sum(nil))
}

func (st *state) githubPushDeliveries(r *ghRepo, res PushResult, base string, now time.Time) []pendingDelivery {
	var out []pendingDelivery
	var payload []byte
	for _, h := range r.hooks {
		if !h.active || !h.subscribes("push") {
			continue
		}
		if payload == nil {
			var err error
			if payload, err = json.Marshal(st.github.pushPayload(r, res, base, now)); err != nil {
				panic(fmt.Sprintf("emulator: encode push payload: %v", err)) // plain structs: cannot fail
			}
		}
		body := payload
		contentType := "application/json"
		if h.contentType == "form" {
			body = []byte("payload=" + url.QueryEscape(string(payload)))
			contentType = "application/x-www-form-urlencoded"
		}
		guid := st.nextDeliveryGUID()
		hdr := http.Header{}
		hdr.Set("Content-Type", contentType)
		hdr.Set("User-Agent", "GitHub-Hookshot/emulator")
		hdr.Set("X-GitHub-Event", "push")
		hdr.Set("X-GitHub-Delivery", guid)
		hdr.Set("X-GitHub-Hook-ID", strconv.FormatInt(h.id, 10))
		hdr.Set("X-GitHub-Hook-Installation-Target-Type", "repository")
		hdr.Set("X-GitHub-Hook-Installation-Target-ID", strconv.FormatInt(r.id, 10))
		if h.secret != "" {
			hdr.Set("X-Hub-Signature", hubSignature(h.secret, body, false))
			hdr.Set("X-Hub-Signature-256", hubSignature(h.secret, body, true))
		}
		out = append(out, pendingDelivery{
			Delivery: Delivery{HookID: strconv.FormatInt(h.id, 10), URL: h.url, Event: "push", GUID: guid},
			header:   hdr, body: body, insecure: h.insecureSSL == "1"})
	}
	return out
}

func (st *state) gitlabPushDeliveries(p *glProject, res PushResult, base string, now time.Time) []pendingDelivery {
	var out []pendingDelivery
	var payload []byte
	for _, h := range p.hooks {
		if !h.events.PushEvents || !h.matchesBranch(res.Branch) {
			continue
		}
		if payload == nil {
			var err error
			if payload, err = json.Marshal(st.gitlab.pushPayload(p, res, base, now)); err != nil {
				panic(fmt.Sprintf("emulator: encode push payload: %v", err)) // plain structs: cannot fail
			}
		}
		guid := st.nextDeliveryGUID()
		hdr := http.Header{}
		hdr.Set("Content-Type", "application/json")
		hdr.Set("User-Agent", "GitLab/emulator")
		hdr.Set("X-Gitlab-Event", "Push Hook")
		hdr.Set("X-Gitlab-Event-UUID", guid)
		hdr.Set("X-Gitlab-Webhook-UUID", guid)
		hdr.Set("Idempotency-Key", guid)
		hdr.Set("X-Gitlab-Instance", base+"/gitlab")
		if h.token != "" {
			hdr.Set("X-Gitlab-Token", h.token)
		}
		out = append(out, pendingDelivery{
			Delivery: Delivery{HookID: strconv.FormatInt(h.id, 10), URL: h.url, Event: "Push Hook", GUID: guid},
			header:   hdr, body: payload, insecure: !h.enableSSLVerify})
	}
	return out
}

// isLoopbackURL: only these are delivered to.
func isLoopbackURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	host := u.Hostname()
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// deliver sends one webhook POST and records the outcome.
func (e *Emulator) deliver(p pendingDelivery) Delivery {
	d := p.Delivery
	if !isLoopbackURL(p.URL) {
		d.Error = "not delivered: the emulator only delivers webhooks to loopback addresses"
		return d
	}
	ctx, cancel := context.WithTimeout(context.Background(), deliveryTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.URL, bytes.NewReader(p.body))
	if err != nil {
		d.Error = err.Error()
		return d
	}
	req.Header = p.header
	client := e.hookClient
	if p.insecure {
		client = e.insecureHookClient
	}
	resp, err := client.Do(req)
	if err != nil {
		d.Error = err.Error()
		return d
	}
	defer func() { _ = resp.Body.Close() }()                       // drained below; a close error changes nothing
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxBody)) // let the connection be reused
	d.StatusCode = resp.StatusCode
	return d
}

// newHookClients makes the clients deliveries use: one verifying TLS, one not (insecure_ssl "1",
// enable_ssl_verification false). Redirects are not followed, as the hosts do not follow them.
func newHookClients() (verifying, insecure *http.Client) {
	noRedirect := func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	tr, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		tr = &http.Transport{}
	}
	insecureTr := tr.Clone()
	insecureTr.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // only when the hook asks for it
	return &http.Client{Timeout: deliveryTimeout, Transport: tr.Clone(), CheckRedirect: noRedirect},
		&http.Client{Timeout: deliveryTimeout, Transport: insecureTr, CheckRedirect: noRedirect}
}

// recordDeliveries stores each hook's last response (GitHub's last_response), when the hook still
// exists.
func (st *state) recordDeliveries(host, repo string, deliveries []Delivery) {
	if host != HostGitHub {
		return // GitLab's hook JSON has no last response; alert_status stays "executable"
	}
	r := st.github.repos[strings.ToLower(repo)]
	if r == nil {
		return
	}
	for _, d := range deliveries {
		_, h := r.hook(d.HookID)
		if h == nil {
			continue
		}
		switch {
		case d.StatusCode >= 200 && d.StatusCode < 300:
			h.last = hookResponse{code: d.StatusCode, status: "active", message: "OK"}
		case d.StatusCode != 0:
			h.last = hookResponse{code: d.StatusCode, status: "failed", message: "Invalid HTTP Response: " + strconv.Itoa(d.StatusCode)}
		default:
			h.last = hookResponse{code: 502, status: "failed", message: d.Error}
		}
	}
}
