package httpx

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

// A secret learnt after the client was made (an installation token) is masked from then on, in the
// path of a request as in the retry lines.
func TestRuntimeSecretsAreMasked(t *testing.T) {
	const token = "ghs_RUNTIME-TOKEN-456"
	srv := newScriptedServer(t, status(503), status(200))
	opts := fastOptions()
	opts.RuntimeSecrets = &SecretSet{}
	opts.RuntimeSecrets.Add(token)
	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &buf)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/repos/"+token, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := NewClient(opts).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close() // body not needed
	if out := buf.String(); strings.Contains(out, "RUNTIME-TOKEN") || !strings.Contains(out, "/repos/") {
		t.Fatalf("log:\n%s", out)
	}
}

func TestSecretSetKeepsTheNewest(t *testing.T) {
	var nilSet *SecretSet
	nilSet.Add("x") // no panic
	if got := nilSet.with([]string{"a"}); len(got) != 1 {
		t.Fatalf("nil set: %v", got)
	}
	s := &SecretSet{}
	s.Add("")
	for i := range maxRuntimeSecrets + 3 {
		s.Add(fmt.Sprintf("secret-%d", i))
	}
	got := s.with([]string{"fixed"})
	if len(got) != maxRuntimeSecrets+1 || got[0] != "fixed" || got[1] != "secret-3" || got[len(got)-1] != fmt.Sprintf("secret-%d", maxRuntimeSecrets+2) {
		t.Fatalf("with = %v", got)
	}
}
