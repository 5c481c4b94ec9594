package httpx

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

func errorResponse(status int, body string) *http.Response {
	return &http.Response{
		StatusCode: status,
		Body:       io.NopCloser(strings.NewReader(body)),
		Request:    &http.Request{Method: http.MethodPost, URL: &url.URL{Path: "/api/v1/deploy_keys", RawQuery: "private_token=x"}},
	}
}

func TestReadErrorMessages(t *testing.T) {
	cases := []struct {
		name, body, want string
	}{
		{"Netlify code and message", `{"code":422,"message":"Validation failed: name is already taken"}`, "Validation failed: name is already taken"},
		{"GitHub errors with messages", `{"message":"Validation Failed","errors":[{"resource":"PublicKey","code":"custom","field":"key","message":"key is already in use"}],"documentation_url":"https://docs.github.com"}`,
			"Validation Failed: key is already in use"},
		{"GitHub errors without messages", `{"message":"Validation Failed","errors":[{"resource":"Hook","field":"config","code":"missing_field"}]}`,
			"Validation Failed: Hook config missing_field"},
		{"GitHub errors as strings", `{"message":"Validation Failed","errors":["one","two"]}`, "Validation Failed: one; two"},
		{"GitLab field messages", `{"message":{"key":["has already been taken"],"fingerprint":["has already been taken","is invalid"]}}`,
			"fingerprint has already been taken, is invalid; key has already been taken"},
		{"GitLab message list", `{"message":["a","b"]}`, "a, b"},
		{"GitLab error", `{"error":"invalid_token","error_description":"Token was revoked."}`, "invalid_token: Token was revoked."},
		{"GitLab 404", `{"message":"404 Project Not Found"}`, "404 Project Not Found"},
		{"JSON string", `"just text"`, "just text"},
		{"JSON without message", `{"status":"bad"}`, `{"status":"bad"}`},
		{"HTML 502", "<html><head><title>502 Bad Gateway</title><style>body{color:red}</style></head>\n<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>",
			"502 Bad Gateway 502 Bad Gateway nginx"},
		{"plain text", "  upstream connect error\n\n or disconnect  ", "upstream connect error or disconnect"},
		{"entities", "<p>Tom &amp; Jerry</p>", "Tom & Jerry"},
		{"empty", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := ReadError(errorResponse(400, tc.body), "Netlify", "create deploy key")
			if e.Message != tc.want {
				t.Fatalf("Message %q, want %q", e.Message, tc.want)
			}
		})
	}
}

func TestReadErrorFields(t *testing.T) {
	e := ReadError(errorResponse(404, `{"code":404,"message":"Not Found"}`), "Netlify", "read deploy key")
	if e.Service != "Netlify" || e.Operation != "read deploy key" || e.Method != "POST" ||
		e.Path != "/api/v1/deploy_keys" || e.StatusCode != 404 {
		t.Fatalf("fields: %+v", e)
	}
	if !IsNotFound(e) {
		t.Fatal("IsNotFound is false")
	}
	if strings.Contains(e.Error(), "private_token") {
		t.Fatalf("the query reached the message: %s", e.Error())
	}
	if e.Error() != "Netlify: read deploy key (POST /api/v1/deploy_keys) answered 404: Not Found" {
		t.Fatalf("Error() = %q", e.Error())
	}
}

func TestReadErrorCapsLongBodies(t *testing.T) {
	body := "<html><body>" + strings.Repeat("é word ", 200) + "</body></html>"
	e := ReadError(errorResponse(502, body), "GitHub", "list repositories")
	if n := utf8.RuneCountInString(e.Message); n > plainSummaryLimit+1 {
		t.Fatalf("message of %d characters", n)
	}
	if !strings.HasSuffix(e.Message, "…") || !utf8.ValidString(e.Message) {
		t.Fatalf("message %q", e.Message)
	}
}
