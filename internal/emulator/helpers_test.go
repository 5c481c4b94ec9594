package emulator

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// testServer is an emulator behind a real HTTP server.
type testServer struct {
	t   *testing.T
	emu *Emulator
	srv *httptest.Server
}

func newTestServer(t *testing.T, seed *Seed) *testServer {
	t.Helper()
	emu := New(seed)
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	return &testServer{t: t, emu: emu, srv: srv}
}

// response is a finished HTTP exchange.
type response struct {
	status int
	header http.Header
	body   []byte
}

// do sends a request; path is appended to the server URL as is (so %2F stays encoded). body may be nil,
// a string (sent raw) or anything JSON-encodable. auth is a full header line "Name: value" or "".
func (ts *testServer) do(method, path, auth string, body any) response {
	ts.t.Helper()
	var reader io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		reader = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			ts.t.Fatalf("encode body: %v", err)
		}
		reader = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, ts.srv.URL+path, reader)
	if err != nil {
		ts.t.Fatalf("new request: %v", err)
	}
	if reader != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if auth != "" {
		name, value, ok := strings.Cut(auth, ": ")
		if !ok {
			ts.t.Fatalf("auth %q is not 'Name: value'", auth)
		}
		req.Header.Set(name, value)
	}
	resp, err := ts.srv.Client().Do(req)
	if err != nil {
		ts.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer func() { _ = resp.Body.Close() }() // read fully below; nothing to report
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		ts.t.Fatalf("read body: %v", err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: data}
}

// want checks the status and decodes the body into out (when not nil).
func (r response) want(t *testing.T, status int, out any) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body: %s", r.status, status, r.body)
	}
	if out != nil {
		if err := json.Unmarshal(r.body, out); err != nil {
			t.Fatalf("decode %s: %v", r.body, err)
		}
	}
}

const (
	netlifyAuth = "Authorization: Bearer " + DefaultNetlifyToken
	githubAuth  = "Authorization: Bearer " + DefaultGitHubToken
	gitlabAuth  = "PRIVATE-TOKEN: " + DefaultGitLabToken
)

func newPublicKey(t *testing.T) string {
	t.Helper()
	pub, _, err := newSSHKeyPair()
	if err != nil {
		t.Fatal(err)
	}
	return pub
}
