package emulator

import (
	"crypto/hmac"
	"crypto/sha1" //nolint:gosec // Gitea's X-Hub-Signature is HMAC-SHA1 by definition
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Gitea repository webhooks: GET/POST /repos/{owner}/{repo}/hooks, GET/PATCH/DELETE .../hooks/{id}
// (routers/api/v1/utils/hook.go), and push deliveries (services/webhook/deliver.go).
//
// Create: type must be a known hook type; config needs "url" and "content_type" (json or form); events
// default to ["push"]; active defaults to false; the secret is config["secret"]. Edit: config keys that
// are sent replace (a secret not sent is kept); events are always replaced (empty: ["push"]); branch_filter
// and authorization_header are always replaced; active only when sent. Answers never carry the secret:
// config holds url and content_type only.

var gtHookTypes = []string{"dingtalk", "discord", "gitea", "gogs", "msteams", "slack", "telegram", "feishu",
	"wechatwork", "packagist", "matrix"}

// gtEventOrder is the order Gitea's EventsArray reports events in (its EventCheckers).
var gtEventOrder = []string{"create", "delete", "fork", "push", "issues", "issue_assign", "issue_label",
	"issue_milestone", "issue_comment", "pull_request", "pull_request_assign", "pull_request_label",
	"pull_request_milestone", "pull_request_comment", "pull_request_review_approved",
	"pull_request_review_rejected", "pull_request_review_comment", "pull_request_sync", "wiki", "repository",
	"release", "package", "pull_request_review_request"}

// gtEventGroups: choosing "issues" or "pull_request" turns on every event of that group (Gitea's
// issuesHook and pullHook); "issues_only" and "pull_request_only" turn on the base event alone.
var gtEventGroups = map[string][]string{
	"issues": {"issues", "issue_assign", "issue_label", "issue_milestone", "issue_comment"},
	"pull_request": {"pull_request", "pull_request_assign", "pull_request_label", "pull_request_milestone",
		"pull_request_comment", "pull_request_review_approved", "pull_request_review_rejected",
		"pull_request_review_comment", "pull_request_sync", "pull_request_review_request"},
	"issues_only":         {"issues"},
	"pull_request_only":   {"pull_request"},
	"pull_request_review": {"pull_request_review_approved", "pull_request_review_rejected", "pull_request_review_comment"},
}

type gtHook struct {
	id           int64
	typ          string
	url          string
	contentType  string // json or form
	secret       string
	events       map[string]bool
	branchFilter string
	authHeader   string
	active       bool
	createdAt    time.Time
	updatedAt    time.Time
}

// eventsArray lists the hook's events in Gitea's order.
func (h *gtHook) eventsArray() []string {
	out := []string{}
	for _, ev := range gtEventOrder {
		if h.events[ev] {
			out = append(out, ev)
		}
	}
	return out
}

// setEvents chooses events as Gitea's addHook and editHook do: unknown names are ignored.
func (h *gtHook) setEvents(events []string) {
	if len(events) == 0 {
		events = []string{"push"}
	}
	h.events = map[string]bool{}
	for _, ev := range events {
		ev = strings.ToLower(ev)
		if group, ok := gtEventGroups[ev]; ok {
			for _, sub := range group {
				h.events[sub] = true
			}
			continue
		}
		if slices.Contains(gtEventOrder, ev) {
			h.events[ev] = true
		}
	}
}

// matchesBranch applies the branch filter, a glob (Gitea uses gobwas/glob): "" and "*" match every branch.
func (h *gtHook) matchesBranch(branch string) bool {
	if h.branchFilter == "" || h.branchFilter == "*" {
		return true
	}
	re, err := branchGlobRegexp(h.branchFilter)
	return err == nil && re.MatchString(branch)
}

// branchGlobRegexp translates the glob syntax Gitea's branch filters use: * and ** (any run of characters), ?
// (one character), [abc] and [!abc], {a,b}.
func branchGlobRegexp(pattern string) (*regexp.Regexp, error) {
	var b strings.Builder
	b.WriteString("^")
	depth := 0
	for i := 0; i < len(pattern); i++ {
		c := pattern[i]
		switch {
		case c == '*':
			b.WriteString(".*")
			for i+1 < len(pattern) && pattern[i+1] == '*' {
				i++
			}
		case c == '?':
			b.WriteString(".")
		case c == '[':
			end := strings.IndexByte(pattern[i:], ']')
			if end < 0 {
				return nil, errors.New("unclosed [")
			}
			class := pattern[i+1 : i+end]
			if strings.HasPrefix(class, "!") {
				class = "^" + class[1:]
			}
			b.WriteString("[" + class + "]")
			i += end
		case c == '{':
			depth++
			b.WriteString("(?:")
		case c == '}' && depth > 0:
			depth--
			b.WriteString(")")
		case c == ',' && depth > 0:
			b.WriteString("|")
		case c == '\\' && i+1 < len(pattern):
			i++
			b.WriteString(regexp.QuoteMeta(string(pattern[i])))
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	if depth != 0 {
		return nil, errors.New("unclosed {")
	}
	b.WriteString("$")
	return regexp.Compile(b.String())
}

func (e *Emulator) giteaHookRoutes() {
	p := GiteaPrefix + "/repos/{owner}/{repo}/hooks"
	e.api.HandleFunc("GET "+p, e.gitea(e.gtListHooks))
	e.api.HandleFunc("POST "+p, e.gitea(e.gtCreateHook))
	e.api.HandleFunc("GET "+p+"/{id}", e.gitea(e.gtGetHook))
	e.api.HandleFunc("PATCH "+p+"/{id}", e.gitea(e.gtUpdateHook))
	e.api.HandleFunc("DELETE "+p+"/{id}", e.gitea(e.gtDeleteHook))
}

// ---- JSON ----

type gtHookJSON struct {
	ID                  int64             `json:"id"`
	Type                string            `json:"type"`
	BranchFilter        string            `json:"branch_filter"`
	Config              map[string]string `json:"config"`
	Events              []string          `json:"events"`
	AuthorizationHeader string            `json:"authorization_header"`
	Active              bool              `json:"active"`
	UpdatedAt           string            `json:"updated_at"`
	CreatedAt           string            `json:"created_at"`
}

func gtHookOut(h *gtHook) gtHookJSON {
	return gtHookJSON{ID: h.id, Type: h.typ, BranchFilter: h.branchFilter,
		Config: map[string]string{"url": h.url, "content_type": h.contentType}, Events: h.eventsArray(),
		AuthorizationHeader: h.authHeader, Active: h.active, UpdatedAt: formatTime(h.updatedAt), CreatedAt: formatTime(h.createdAt)}
}

// gtHookWrite is CreateHookOption and EditHookOption in one.
type gtHookWrite struct {
	Type                string            `json:"type"`
	Config              map[string]string `json:"config"`
	Events              []string          `json:"events"`
	BranchFilter        string            `json:"branch_filter"`
	AuthorizationHeader string            `json:"authorization_header"`
	Active              *bool             `json:"active"`
}

// gtHookProblem is a refused hook write: status and message.
type gtHookProblem struct {
	status  int
	message string
}

func (p *gtHookProblem) Error() string { return p.message }

func checkGiteaBranchFilter(filter string) *gtHookProblem {
	if _, err := branchGlobRegexp(filter); filter != "" && err != nil {
		// Gitea's GlobPattern binding rejects it before the handler runs.
		return &gtHookProblem{http.StatusUnprocessableEntity, "[BranchFilter]: GlobPattern"}
	}
	return nil
}

func giteaContentType(ct string) bool { return ct == "json" || ct == "form" }

// create applies a CreateHookOption onto a new hook.
func (h *gtHook) create(body *gtHookWrite) *gtHookProblem {
	if !slices.Contains(gtHookTypes, body.Type) {
		return &gtHookProblem{http.StatusUnprocessableEntity, "Invalid hook type: " + body.Type}
	}
	for _, name := range []string{"url", "content_type"} {
		if _, ok := body.Config[name]; !ok {
			return &gtHookProblem{http.StatusUnprocessableEntity, "Missing config option: " + name}
		}
	}
	if !giteaContentType(body.Config["content_type"]) {
		return &gtHookProblem{http.StatusUnprocessableEntity, "Invalid content type"}
	}
	if problem := checkGiteaBranchFilter(body.BranchFilter); problem != nil {
		return problem
	}
	if u, err := url.Parse(body.Config["url"]); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		// Gitea's ValidUrl binding on the web form; the API's wording is not documented.
		return &gtHookProblem{http.StatusUnprocessableEntity, "Invalid url"}
	}
	h.typ, h.url, h.contentType, h.secret = body.Type, body.Config["url"], body.Config["content_type"], body.Config["secret"]
	h.branchFilter, h.authHeader = body.BranchFilter, body.AuthorizationHeader
	h.active = body.Active != nil && *body.Active
	h.setEvents(body.Events)
	return nil
}

// edit applies an EditHookOption; nothing changes on error.
func (h *gtHook) edit(body *gtHookWrite, now time.Time) *gtHookProblem {
	next := *h
	if body.Config != nil {
		if u, ok := body.Config["url"]; ok {
			next.url = u
		}
		if ct, ok := body.Config["content_type"]; ok {
			if !giteaContentType(ct) {
				return &gtHookProblem{http.StatusUnprocessableEntity, "Invalid content type"}
			}
			next.contentType = ct
		}
		if secret, ok := body.Config["secret"]; ok {
			next.secret = secret
		}
	}
	if problem := checkGiteaBranchFilter(body.BranchFilter); problem != nil {
		return problem
	}
	next.setEvents(body.Events)
	next.branchFilter, next.authHeader = body.BranchFilter, body.AuthorizationHeader
	if body.Active != nil {
		next.active = *body.Active
	}
	next.updatedAt = now
	*h = next
	return nil
}

func decodeGiteaHook(w http.ResponseWriter, r *http.Request) (*gtHookWrite, bool) {
	var body gtHookWrite
	if err := decodeBody(r, &body); err != nil && !errors.Is(err, errEmptyBody) {
		writeGiteaError(w, r, http.StatusUnprocessableEntity, "invalid JSON body: "+err.Error())
		return nil, false
	}
	return &body, true
}

// ---- handlers ----

func (e *Emulator) gtListHooks(w http.ResponseWriter, r *http.Request, u *gtUser) {
	repo := e.gtAdminRepoFor(w, r, u)
	if repo == nil {
		return
	}
	p := gtPage(r)
	start, end := p.bounds(len(repo.hooks))
	out := make([]gtHookJSON, 0, end-start)
	for _, h := range repo.hooks[start:end] {
		out = append(out, gtHookOut(h))
	}
	setGiteaPagination(w, r, p, len(repo.hooks))
	writeJSON(w, http.StatusOK, out)
}

func (e *Emulator) gtCreateHook(w http.ResponseWriter, r *http.Request, u *gtUser) {
	repo := e.gtAdminRepoFor(w, r, u)
	if repo == nil {
		return
	}
	body, ok := decodeGiteaHook(w, r)
	if !ok {
		return
	}
	now := e.now()
	h := &gtHook{createdAt: now, updatedAt: now}
	if problem := h.create(body); problem != nil {
		writeGiteaError(w, r, problem.status, problem.message)
		return
	}
	gt := &e.st.gitea
	h.id = gt.nextHook
	gt.nextHook++
	repo.hooks = append(repo.hooks, h)
	writeJSON(w, http.StatusCreated, gtHookOut(h))
}

func (r *gtRepo) hook(idText string) (int, *gtHook) {
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil {
		return -1, nil
	}
	for i, h := range r.hooks {
		if h.id == id {
			return i, h
		}
	}
	return -1, nil
}

func (e *Emulator) gtHookFor(w http.ResponseWriter, r *http.Request, u *gtUser) (*gtRepo, int, *gtHook) {
	repo := e.gtAdminRepoFor(w, r, u)
	if repo == nil {
		return nil, -1, nil
	}
	i, h := repo.hook(r.PathValue("id"))
	if h == nil {
		writeGiteaNotFound(w, r)
		return nil, -1, nil
	}
	return repo, i, h
}

func (e *Emulator) gtGetHook(w http.ResponseWriter, r *http.Request, u *gtUser) {
	if _, _, h := e.gtHookFor(w, r, u); h != nil {
		writeJSON(w, http.StatusOK, gtHookOut(h))
	}
}

func (e *Emulator) gtUpdateHook(w http.ResponseWriter, r *http.Request, u *gtUser) {
	_, _, h := e.gtHookFor(w, r, u)
	if h == nil {
		return
	}
	body, ok := decodeGiteaHook(w, r)
	if !ok {
		return
	}
	if problem := h.edit(body, e.now()); problem != nil {
		writeGiteaError(w, r, problem.status, problem.message)
		return
	}
	writeJSON(w, http.StatusOK, gtHookOut(h))
}

func (e *Emulator) gtDeleteHook(w http.ResponseWriter, r *http.Request, u *gtUser) {
	repo, i, h := e.gtHookFor(w, r, u)
	if h == nil {
		return
	}
	repo.hooks = slices.Delete(repo.hooks, i, i+1)
	writeNoContent(w)
}

// ---- push deliveries ----

// gtPushJSON is Gitea's PushPayload.
type gtPushJSON struct {
	Ref          string                `json:"ref"`
	Before       string                `json:"before"`
	After        string                `json:"after"`
	CompareURL   string                `json:"compare_url"`
	Commits      []gtPayloadCommitJSON `json:"commits"`
	TotalCommits int                   `json:"total_commits"`
	HeadCommit   *gtPayloadCommitJSON  `json:"head_commit"`
	Repository   gtRepoJSON            `json:"repository"`
	Pusher       gtUserJSON            `json:"pusher"`
	Sender       gtUserJSON            `json:"sender"`
}

func (gt *giteaState) pushPayload(r *gtRepo, res PushResult, base string, now time.Time) gtPushJSON {
	pusher := &gtUser{login: "emulator"}
	for _, u := range gt.users {
		if u.isAdmin(r) {
			pusher = u
			break
		}
	}
	commit := gtCommitOut(base, r, res.After, "Emulated push to "+res.Branch+"\n", now)
	person := gtPayloadUserJSON{Name: pusher.login, Email: pusher.login + "@noreply.example.invalid", UserName: pusher.login}
	commit.Author, commit.Committer, commit.Modified = person, person, []string{"README.md"}
	user := gtUserOut(base, pusher.login, pusher.id)
	return gtPushJSON{Ref: "refs/heads/" + res.Branch, Before: res.Before, After: res.After,
		CompareURL: base + "/gitea/" + r.fullName() + "/compare/" + res.Before + "..." + res.After,
		Commits:    []gtPayloadCommitJSON{commit}, TotalCommits: 1, HeadCommit: &commit,
		Repository: gtRepoOut(base, nil, r), Pusher: user, Sender: user}
}

// giteaPushDeliveries prepares a POST per active hook with the push event whose branch filter matches,
// with the headers Gitea's deliver adds to every request: X-Gitea-Delivery, -Event, -Event-Type,
// -Signature (hex HMAC-SHA256 of the body, empty without a secret), their X-Gogs- twins, X-Hub-Signature
// ("sha1=…"), X-Hub-Signature-256 ("sha256=…") and X-GitHub-Delivery, -Event, -Event-Type. A form hook
// sends payload=<json>, and the signature covers the JSON.
func (st *state) giteaPushDeliveries(r *gtRepo, res PushResult, base string, now time.Time) []pendingDelivery {
	var out []pendingDelivery
	var payload []byte
	for _, h := range r.hooks {
		if !h.active || !h.events["push"] || !h.matchesBranch(res.Branch) {
			continue
		}
		if payload == nil {
			var err error
			// Gitea indents its payloads (JSONPayload uses MarshalIndent).
			if payload, err = json.MarshalIndent(st.gitea.pushPayload(r, res, base, now), "", "  "); err != nil {
				panic(fmt.Sprintf("emulator: encode push payload: %v", err)) // plain structs: cannot fail
			}
		}
		body, contentType := payload, "application/json"
		if h.contentType == "form" {
			body, contentType = []byte(url.Values{"payload": {string(payload)}}.Encode()), "application/x-www-form-urlencoded"
		}
		var sig1, sig256 string
		if h.secret != "" {
			mac1 := hmac.New(sha1.New, []byte(h.secret))
			mac1.Write(payload)
			mac256 := hmac.New(sha256.New, []byte(h.secret))
			mac256.Write(payload)
			sig1, sig256 = hex.EncodeToString(mac1.Sum(nil)), hex.EncodeToString(mac256.Sum(nil))
		}
		guid := st.nextDeliveryGUID()
		hdr := http.Header{}
		hdr.Set("Content-Type", contentType)
		for _, prefix := range []string{"X-Gitea-", "X-Gogs-"} {
			hdr.Set(prefix+"Delivery", guid)
			hdr.Set(prefix+"Event", "push")
			hdr.Set(prefix+"Event-Type", "push")
			hdr.Set(prefix+"Signature", sig256)
		}
		hdr.Set("X-Hub-Signature", "sha1="+sig1)
		hdr.Set("X-Hub-Signature-256", "sha256="+sig256)
		hdr["X-GitHub-Delivery"] = []string{guid}
		hdr["X-GitHub-Event"] = []string{"push"}
		hdr["X-GitHub-Event-Type"] = []string{"push"}
		out = append(out, pendingDelivery{
			Delivery: Delivery{HookID: strconv.FormatInt(h.id, 10), URL: h.url, Event: "push", GUID: guid},
			header:   hdr, body: body})
	}
	return out
}
