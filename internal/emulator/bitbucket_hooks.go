package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Bitbucket repository webhooks: GET/POST /repositories/{workspace}/{repo_slug}/hooks, GET/PUT/DELETE
// .../hooks/{uid} (OpenAPI description, "Webhooks"), and push deliveries.
//
// The secret is write-only: answers say only secret_set. On PUT a secret sent replaces it, null or ""
// removes it, and a secret not sent is kept. Bitbucket refuses webhook URLs that are "internal,
// non-routed" addresses; the emulator accepts them, because its deliveries only ever go to loopback.

// bbHookEvents are the events a repository webhook may subscribe to (the OpenAPI enum).
var bbHookEvents = []string{"issue:comment_created", "issue:created", "issue:updated", "project:updated",
	"pullrequest:approved", "pullrequest:changes_request_created", "pullrequest:changes_request_removed",
	"pullrequest:comment_created", "pullrequest:comment_deleted", "pullrequest:comment_reopened",
	"pullrequest:comment_resolved", "pullrequest:comment_updated", "pullrequest:created", "pullrequest:fulfilled",
	"pullrequest:rejected", "pullrequest:unapproved", "pullrequest:updated", "repo:commit_comment_created",
	"repo:commit_status_created", "repo:commit_status_updated", "repo:created", "repo:deleted", "repo:fork",
	"repo:imported", "repo:push", "repo:transfer", "repo:updated"}

// bbSecretMaxLen is the secret's maxLength in the OpenAPI description.
const bbSecretMaxLen = 128

type bbHook struct {
	uuid        string
	url         string
	description string
	active      bool
	events      []string
	secret      string
	createdAt   time.Time
}

func (e *Emulator) bitbucketHookRoutes() {
	p := BitbucketPrefix + "/repositories/{workspace}/{repo_slug}/hooks"
	e.api.HandleFunc("GET "+p, e.bitbucket(e.bbListHooks))
	e.api.HandleFunc("POST "+p, e.bitbucket(e.bbCreateHook))
	e.api.HandleFunc("GET "+p+"/{uid}", e.bitbucket(e.bbGetHook))
	e.api.HandleFunc("PUT "+p+"/{uid}", e.bitbucket(e.bbUpdateHook))
	e.api.HandleFunc("DELETE "+p+"/{uid}", e.bitbucket(e.bbDeleteHook))
}

// ---- JSON ----

type bbHookJSON struct {
	Type        string                `json:"type"`
	UUID        string                `json:"uuid"`
	URL         string                `json:"url"`
	Description string                `json:"description"`
	SubjectType string                `json:"subject_type"`
	Subject     bbRepoRefJSON         `json:"subject"`
	Active      bool                  `json:"active"`
	CreatedAt   string                `json:"created_at"`
	Events      []string              `json:"events"`
	SecretSet   bool                  `json:"secret_set"`
	Links       map[string]bbLinkJSON `json:"links"`
}

func bbHookOut(base string, r *bbRepo, h *bbHook) bbHookJSON {
	return bbHookJSON{Type: "webhook_subscription", UUID: h.uuid, URL: h.url, Description: h.description,
		SubjectType: "repository", Subject: bbRepoRef(base, r), Active: h.active, CreatedAt: bbTime(h.createdAt),
		Events: slices.Clone(h.events), SecretSet: h.secret != "",
		Links: map[string]bbLinkJSON{"self": {Href: bbAPI(base) + "/repositories/" + r.fullName() + "/hooks/" + h.uuid}}}
}

// bbHookWrite is the body of POST and PUT. Secret is raw JSON so that null (remove) and absent (keep)
// differ.
type bbHookWrite struct {
	Description *string         `json:"description"`
	URL         *string         `json:"url"`
	Active      *bool           `json:"active"`
	Events      *[]string       `json:"events"`
	Secret      json.RawMessage `json:"secret"`
}

// apply validates body and applies it onto h; it returns Bitbucket's message for an invalid body ("" when
// applied), and nothing changes then. On create, a missing active means true (the documented example
// sends it; the default is not documented).
func (h *bbHook) apply(body *bbHookWrite, create bool) string {
	next := *h
	if create {
		next.active = true
	}
	if body.URL != nil {
		next.url = *body.URL
	}
	if create || body.URL != nil {
		if !validHookURL(next.url) {
			return "url: Enter a valid URL."
		}
	}
	if body.Description != nil {
		next.description = *body.Description
	}
	if body.Active != nil {
		next.active = *body.Active
	}
	if body.Events != nil {
		next.events = dedupe(*body.Events)
	}
	if create || body.Events != nil {
		if len(next.events) == 0 {
			return "events: This field is required."
		}
		for _, ev := range next.events {
			if !slices.Contains(bbHookEvents, ev) {
				return fmt.Sprintf("events: %q is not a valid event.", ev)
			}
		}
	}
	if body.Secret != nil {
		var secret *string
		if err := json.Unmarshal(body.Secret, &secret); err != nil {
			return "secret: must be a string or null"
		}
		next.secret = ""
		if secret != nil {
			next.secret = *secret
		}
		if len(next.secret) > bbSecretMaxLen {
			return fmt.Sprintf("secret: Ensure this value has at most %d characters.", bbSecretMaxLen)
		}
	}
	*h = next
	return ""
}

func decodeBitbucketHook(w http.ResponseWriter, r *http.Request) (*bbHookWrite, bool) {
	var body bbHookWrite
	if err := decodeBody(r, &body); err != nil && !errors.Is(err, errEmptyBody) {
		writeBitbucketError(w, http.StatusBadRequest, "the body must be a JSON object")
		return nil, false
	}
	return &body, true
}

// ---- handlers ----

func (e *Emulator) bbListHooks(w http.ResponseWriter, r *http.Request, c bbCaller) {
	repo := e.bbAdminRepoFor(w, r, c)
	if repo == nil {
		return
	}
	page := bbPage(r, repo.hooks)
	base := externalBase(r)
	out := bbPageJSON[bbHookJSON]{Pagelen: page.Pagelen, Size: page.Size, Page: page.Page, Next: page.Next,
		Previous: page.Previous, Values: make([]bbHookJSON, 0, len(page.Values))}
	for _, h := range page.Values {
		out.Values = append(out.Values, bbHookOut(base, repo, h))
	}
	writeJSON(w, http.StatusOK, out)
}

// bbCreateHook is POST .../hooks: 201 with a Location header.
func (e *Emulator) bbCreateHook(w http.ResponseWriter, r *http.Request, c bbCaller) {
	repo := e.bbAdminRepoFor(w, r, c)
	if repo == nil {
		return
	}
	body, ok := decodeBitbucketHook(w, r)
	if !ok {
		return
	}
	bb := &e.st.bitbucket
	bb.seq++
	h := &bbHook{uuid: bbUUID(fmt.Sprintf("hook/%d", bb.seq)), createdAt: e.now()}
	if problem := h.apply(body, true); problem != "" {
		writeBitbucketError(w, http.StatusBadRequest, problem)
		return
	}
	repo.hooks = append(repo.hooks, h)
	out := bbHookOut(externalBase(r), repo, h)
	w.Header().Set("Location", out.Links["self"].Href)
	writeJSON(w, http.StatusCreated, out)
}

func (r *bbRepo) hook(uid string) (int, *bbHook) {
	for i, h := range r.hooks {
		if strings.EqualFold(h.uuid, uid) {
			return i, h
		}
	}
	return -1, nil
}

func (e *Emulator) bbHookFor(w http.ResponseWriter, r *http.Request, c bbCaller) (*bbRepo, int, *bbHook) {
	repo := e.bbAdminRepoFor(w, r, c)
	if repo == nil {
		return nil, -1, nil
	}
	i, h := repo.hook(r.PathValue("uid"))
	if h == nil {
		writeBitbucketError(w, http.StatusNotFound, "Webhook not found")
		return nil, -1, nil
	}
	return repo, i, h
}

func (e *Emulator) bbGetHook(w http.ResponseWriter, r *http.Request, c bbCaller) {
	if repo, _, h := e.bbHookFor(w, r, c); h != nil {
		writeJSON(w, http.StatusOK, bbHookOut(externalBase(r), repo, h))
	}
}

func (e *Emulator) bbUpdateHook(w http.ResponseWriter, r *http.Request, c bbCaller) {
	repo, _, h := e.bbHookFor(w, r, c)
	if h == nil {
		return
	}
	body, ok := decodeBitbucketHook(w, r)
	if !ok {
		return
	}
	if problem := h.apply(body, false); problem != "" {
		writeBitbucketError(w, http.StatusBadRequest, problem)
		return
	}
	writeJSON(w, http.StatusOK, bbHookOut(externalBase(r), repo, h))
}

func (e *Emulator) bbDeleteHook(w http.ResponseWriter, r *http.Request, c bbCaller) {
	repo, i, h := e.bbHookFor(w, r, c)
	if h == nil {
		return
	}
	repo.hooks = slices.Delete(repo.hooks, i, i+1)
	writeNoContent(w)
}

// ---- push deliveries ----

// bbPushChangeJSON is one ref change of a repo:push event ("Event payloads" → Push).
type bbPushChangeJSON struct {
	New       *bbPushRefJSON        `json:"new"`
	Old       *bbPushRefJSON        `json:"old"`
	Links     map[string]bbLinkJSON `json:"links"`
	Created   bool                  `json:"created"`
	Forced    bool                  `json:"forced"`
	Closed    bool                  `json:"closed"`
	Commits   []bbCommitJSON        `json:"commits"`
	Truncated bool                  `json:"truncated"`
}

type bbPushRefJSON struct {
	Type   string                `json:"type"`
	Name   string                `json:"name"`
	Target bbCommitJSON          `json:"target"`
	Links  map[string]bbLinkJSON `json:"links"`
}

type bbPushJSON struct {
	Push struct {
		Changes []bbPushChangeJSON `json:"changes"`
	} `json:"push"`
	Repository bbRepoJSON    `json:"repository"`
	Actor      bbAccountJSON `json:"actor"`
}

func (st *state) bitbucketPushPayload(r *bbRepo, res PushResult, base string, now time.Time) bbPushJSON {
	bb := &st.bitbucket
	web := bbWeb(base) + "/" + r.fullName()
	newCommit := bbCommitOut(base, r, res.After, "Emulated push to "+res.Branch+"\n", now)
	change := bbPushChangeJSON{Created: res.Created, Commits: []bbCommitJSON{newCommit},
		New: &bbPushRefJSON{Type: "branch", Name: res.Branch, Target: newCommit,
			Links: map[string]bbLinkJSON{"html": {Href: web + "/branch/" + res.Branch}}},
		Links: map[string]bbLinkJSON{"html": {Href: web + "/branches/compare/" + res.After + ".." + res.Before},
			"commits": {Href: bbAPI(base) + "/repositories/" + r.fullName() + "/commits?include=" + res.After}}}
	if !res.Created {
		oldCommit := bbCommitOut(base, r, res.Before, "Emulated head of "+res.Branch+"\n", r.createdAt)
		change.Old = &bbPushRefJSON{Type: "branch", Name: res.Branch, Target: oldCommit,
			Links: map[string]bbLinkJSON{"html": {Href: web + "/branch/" + res.Branch}}}
		change.New.Target.Parents = []bbCommitRefJSON{{Type: "commit", Hash: res.Before, Links: map[string]bbLinkJSON{}}}
	}
	var p bbPushJSON
	p.Push.Changes = []bbPushChangeJSON{change}
	p.Repository = bb.repoOut(base, r)
	p.Actor = bbAccountJSON{Type: "user", UUID: bbUUID("user/emulator"), DisplayName: "gitdeploy emulator", Links: map[string]bbLinkJSON{}}
	for _, u := range bb.users {
		if (bbCaller{user: u}).isMember(r) {
			p.Actor = bbAccountJSON{Type: "user", UUID: u.uuid, DisplayName: u.nickname, Nickname: u.nickname,
				AccountID: strings.Trim(u.uuid, "{}"), Links: map[string]bbLinkJSON{}}
			break
		}
	}
	return p
}

// bitbucketPushDeliveries prepares a POST per active hook subscribed to repo:push, with Bitbucket's
// headers: X-Event-Key, X-Hook-UUID, X-Request-UUID, X-Attempt-Number, and X-Hub-Signature
// ("sha256=" + hex HMAC-SHA256 of the body) when the hook has a secret. Whether the UUID headers carry
// the braces is not documented; they are sent without.
func (st *state) bitbucketPushDeliveries(r *bbRepo, res PushResult, base string, now time.Time) []pendingDelivery {
	var out []pendingDelivery
	var payload []byte
	for _, h := range r.hooks {
		if !h.active || !slices.Contains(h.events, "repo:push") {
			continue
		}
		if payload == nil {
			var err error
			if payload, err = json.Marshal(st.bitbucketPushPayload(r, res, base, now)); err != nil {
				panic(fmt.Sprintf("emulator: encode push payload: %v", err)) // plain structs: cannot fail
			}
		}
		request := strings.Trim(st.nextDeliveryGUID(), "{}")
		hdr := http.Header{}
		hdr.Set("Content-Type", "application/json")
		hdr.Set("User-Agent", "Bitbucket-Webhooks/2.0")
		hdr.Set("X-Event-Key", "repo:push")
		hdr.Set("X-Hook-UUID", strings.Trim(h.uuid, "{}"))
		hdr.Set("X-Request-UUID", request)
		hdr.Set("X-Attempt-Number", "1")
		if h.secret != "" {
			hdr.Set("X-Hub-Signature", hubSignature(h.secret, payload, true))
		}
		out = append(out, pendingDelivery{
			Delivery: Delivery{HookID: h.uuid, URL: h.url, Event: "repo:push", GUID: request},
			header:   hdr, body: payload})
	}
	return out
}
