package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// writeJSON answers with a JSON body. An Encode error means the client went away: nothing to do then.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v) // the status is already sent; a broken connection is the client's
}

func writeNoContent(w http.ResponseWriter) { w.WriteHeader(http.StatusNoContent) }

// maxBody bounds request bodies; the real APIs take far less for the calls emulated here.
const maxBody = 1 << 20

var errEmptyBody = errors.New("empty body")

// decodeBody reads a JSON object. An empty body gives errEmptyBody, which callers may accept.
func decodeBody(r *http.Request, v any) error {
	data, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		return err
	}
	if strings.TrimSpace(string(data)) == "" {
		return errEmptyBody
	}
	return json.Unmarshal(data, v)
}

// externalBase is the scheme and host the client used, so that URLs in answers point back at this
// emulator both behind httptest and as a program.
func externalBase(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// hostOnly is r.Host without the port, for ssh URLs.
func hostOnly(r *http.Request) string {
	if h, _, ok := strings.Cut(r.Host, ":"); ok {
		return h
	}
	return r.Host
}

func formatTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// formatTimeMillis is the Rails style (GitLab, Netlify): 2024-01-02T03:04:05.000Z.
func formatTimeMillis(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// pageRequest is a page/per_page pair read from the query.
type pageRequest struct {
	page    int
	perPage int
}

// maxPerPage is the largest page GitHub and GitLab serve (and what Netlify serves here).
const maxPerPage = 100

// readPage reads page and per_page. Bad or missing values fall back to the defaults and per_page is
// capped, as GitHub and GitLab do (they do not reject them).
func readPage(r *http.Request, defaultPerPage int) pageRequest {
	q := r.URL.Query()
	p := pageRequest{page: 1, perPage: defaultPerPage}
	if v, err := strconv.Atoi(q.Get("page")); err == nil && v > 0 {
		p.page = v
	}
	if v, err := strconv.Atoi(q.Get("per_page")); err == nil && v > 0 {
		p.perPage = min(v, maxPerPage)
	}
	return p
}

// bounds gives the slice bounds of this page in a list of total items.
func (p pageRequest) bounds(total int) (start, end int) {
	start = min((p.page-1)*p.perPage, total)
	end = min(start+p.perPage, total)
	return start, end
}

func (p pageRequest) lastPage(total int) int {
	return max(1, (total+p.perPage-1)/p.perPage)
}

// pageURL is the request's own absolute URL with page and per_page replaced.
func pageURL(r *http.Request, page, perPage int) string {
	q := r.URL.Query()
	q.Set("page", strconv.Itoa(page))
	q.Set("per_page", strconv.Itoa(perPage))
	u := url.URL{Path: r.URL.Path, RawPath: r.URL.RawPath, RawQuery: q.Encode()}
	return externalBase(r) + u.RequestURI()
}

func linkPart(r *http.Request, page, perPage int, rel string) string {
	return fmt.Sprintf("<%s>; rel=%q", pageURL(r, page, perPage), rel)
}

// setGitHubPagination sets GitHub's Link header: next and last while there are more pages, prev and
// first when not on the first page; no header when everything fits on page 1.
func setGitHubPagination(w http.ResponseWriter, r *http.Request, p pageRequest, total int) {
	last := p.lastPage(total)
	var parts []string
	if p.page > 1 {
		parts = append(parts, linkPart(r, min(p.page-1, last), p.perPage, "prev"))
	}
	if p.page < last {
		parts = append(parts, linkPart(r, p.page+1, p.perPage, "next"), linkPart(r, last, p.perPage, "last"))
	}
	if p.page > 1 {
		parts = append(parts, linkPart(r, 1, p.perPage, "first"))
	}
	if len(parts) > 0 {
		w.Header().Set("Link", strings.Join(parts, ", "))
	}
}

// gitlabCountLimit: above this many items GitLab leaves out X-Total, X-Total-Pages and the rel="last"
// link, for performance (GitLab docs, "Pagination response headers").
const gitlabCountLimit = 10000

// setGitLabPagination sets GitLab's offset pagination headers: X-Page, X-Per-Page, X-Next-Page and
// X-Prev-Page (empty when there is none), X-Total and X-Total-Pages, and a Link header with prev, next,
// first and last; without the totals and "last" above 10,000 items.
func setGitLabPagination(w http.ResponseWriter, r *http.Request, p pageRequest, total int) {
	last := p.lastPage(total)
	counted := total <= gitlabCountLimit
	h := w.Header()
	h.Set("X-Page", strconv.Itoa(p.page))
	h.Set("X-Per-Page", strconv.Itoa(p.perPage))
	if counted {
		h.Set("X-Total", strconv.Itoa(total))
		h.Set("X-Total-Pages", strconv.Itoa(last))
	}
	h.Set("X-Next-Page", "")
	h.Set("X-Prev-Page", "")
	var parts []string
	if p.page > 1 {
		prev := min(p.page-1, last)
		h.Set("X-Prev-Page", strconv.Itoa(prev))
		parts = append(parts, linkPart(r, prev, p.perPage, "prev"))
	}
	if p.page < last {
		h.Set("X-Next-Page", strconv.Itoa(p.page+1))
		parts = append(parts, linkPart(r, p.page+1, p.perPage, "next"))
	}
	parts = append(parts, linkPart(r, 1, p.perPage, "first"))
	if counted {
		parts = append(parts, linkPart(r, last, p.perPage, "last"))
	}
	h.Set("Link", strings.Join(parts, ", "))
}

// setNetlifyPagination sets Netlify's Link header (next/last, prev/first), like GitHub's.
func setNetlifyPagination(w http.ResponseWriter, r *http.Request, p pageRequest, total int) {
	setGitHubPagination(w, r, p, total)
}

// bearerToken is the token of "Authorization: Bearer <t>" (or "token <t>" when allowToken).
func bearerToken(r *http.Request, allowTokenScheme bool) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok {
		return "", false
	}
	tok = strings.TrimSpace(tok)
	switch {
	case strings.EqualFold(scheme, "bearer"):
		return tok, tok != ""
	case allowTokenScheme && strings.EqualFold(scheme, "token"):
		return tok, tok != ""
	}
	return "", false
}

// bufferedWriter holds an answer while the state is locked, so that a slow client never holds the lock
// while the answer is written to the network.
type bufferedWriter struct {
	header http.Header
	status int
	body   []byte
}

func newBufferedWriter() *bufferedWriter { return &bufferedWriter{header: http.Header{}} }

func (b *bufferedWriter) Header() http.Header { return b.header }

func (b *bufferedWriter) WriteHeader(status int) {
	if b.status == 0 {
		b.status = status
	}
}

func (b *bufferedWriter) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	b.body = append(b.body, p...)
	return len(p), nil
}

// flushTo sends the held answer.
func (b *bufferedWriter) flushTo(w http.ResponseWriter) {
	for k, v := range b.header {
		w.Header()[k] = v
	}
	if b.status == 0 {
		b.status = http.StatusOK
	}
	w.WriteHeader(b.status)
	if len(b.body) > 0 {
		_, _ = w.Write(b.body) // a failed write means the client is gone
	}
}

// locked runs fn with the state locked, writing into a buffer, then sends the answer unlocked.
func (e *Emulator) locked(w http.ResponseWriter, fn func(w http.ResponseWriter)) {
	bw := newBufferedWriter()
	func() {
		e.mu.Lock()
		defer e.mu.Unlock()
		fn(bw)
	}()
	bw.flushTo(w)
}
