package bitbucket

import (
	"bytes"
	"context"
	"encoding/base64"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/emulator"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/httpx"
)

// On the shared HTTP stack at TRACE, neither the API token nor the Basic credentials it travels in,
// nor a webhook secret, reach the log or an error message; the calls are logged.
func TestCredentialsNeverLogged(t *testing.T) {
	emu := emulator.New(nil)
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	cfg := Config{BaseURL: srv.URL + emulator.BitbucketPrefix, Email: emulator.DefaultBitbucketEmail, APIToken: emulator.DefaultBitbucketAPIToken}
	cfg.HTTPClient = httpx.NewClient(httpx.Options{Service: "Bitbucket", Secrets: cfg.Secrets(), MaxRetries: -1})
	client, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &buf)
	const secret = "hook-secret-value"
	if _, err := client.CreateWebhook(ctx, "gitdeploy-demo/website", githost.WebhookInput{URL: "https://x.example/h", Secret: secret, Events: []string{"push"}}); err != nil {
		t.Fatal(err)
	}
	_, err = client.GetRepository(ctx, "gitdeploy-demo/gone")
	basic := base64.StdEncoding.EncodeToString([]byte(emulator.DefaultBitbucketEmail + ":" + emulator.DefaultBitbucketAPIToken))
	out := buf.String() + err.Error()
	for _, leaked := range []string{emulator.DefaultBitbucketAPIToken, basic, secret} {
		if strings.Contains(out, leaked) {
			t.Fatalf("%q reached the log or the error:\n%s", leaked, out)
		}
	}
	if !strings.Contains(out, "/bitbucket/2.0/repositories/gitdeploy-demo/website/hooks") {
		t.Fatalf("the calls were not logged:\n%s", out)
	}
}
