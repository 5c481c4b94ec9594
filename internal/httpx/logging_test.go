package httpx

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

func TestLoggingMasksSecretsAndQuery(t *testing.T) {
	const token = "glpat-SECRET-TOKEN-123"
	srv := newScriptedServer(t, status(503), status(200))

	opts := fastOptions()
	opts.Secrets = []string{token, ""}
	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &buf)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet,
		srv.URL+"/api/v4/projects/"+token+"/hooks?private_token="+token+"&per_page=100", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("PRIVATE-TOKEN", token)
	resp, err := NewClient(opts).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close() // body not needed

	out := buf.String()
	if strings.Contains(out, token) || strings.Contains(out, "SECRET") {
		t.Fatalf("the token reached the log:\n%s", out)
	}
	entries, err := tflogtest.MultilineJSONDecode(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	var requests []map[string]any
	for _, e := range entries {
		if e["@message"] == "Test API request" {
			requests = append(requests, e)
		}
	}
	if len(requests) != 2 {
		t.Fatalf("want one log entry per attempt (2), got %d:\n%s", len(requests), out)
	}
	first, second := requests[0], requests[1]
	if first["http_status"] != float64(503) || second["http_status"] != float64(200) {
		t.Fatalf("statuses %v, %v", first["http_status"], second["http_status"])
	}
	if first["attempt"] != float64(1) || second["attempt"] != float64(2) {
		t.Fatalf("attempts %v, %v", first["attempt"], second["attempt"])
	}
	if first["http_method"] != "GET" || first["service"] != "Test" {
		t.Fatalf("fields: %v", first)
	}
	if q := first["http_query"]; q != "per_page=100&private_token=***" {
		t.Fatalf("query logged as %q", q)
	}
	if p, _ := first["http_path"].(string); !strings.HasPrefix(p, "/api/v4/projects/") || !strings.HasSuffix(p, "/hooks") {
		t.Fatalf("path logged as %q", p)
	}
	if _, ok := first["duration_ms"]; !ok {
		t.Fatal("no duration")
	}
	for _, e := range entries {
		for k := range e {
			if strings.EqualFold(k, "authorization") || strings.EqualFold(k, "private-token") {
				t.Fatalf("a credential header was logged: %v", e)
			}
		}
	}
}

func TestMaskQuery(t *testing.T) {
	cases := map[string]string{
		"":                              "",
		"private_token=abc":             "private_token=***",
		"page=2&per_page=100&q=secret":  "page=2&per_page=100&q=***",
		"sort=created&access_token=xyz": "access_token=***&sort=created",
		"a=%zz":                         "<unparsable query>",
	}
	for in, want := range cases {
		if got := maskQuery(in); got != want {
			t.Errorf("maskQuery(%q) = %q, want %q", in, got, want)
		}
	}
}
