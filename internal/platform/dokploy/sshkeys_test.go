package dokploy

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/httpx"
)

// createKey generates, stores and finds a key, as the provider does.
func createKey(t *testing.T, c *Client, name string) *SSHKey {
	t.Helper()
	ctx := context.Background()
	pair, err := c.GenerateSSHKey(ctx, "ed25519")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.CreateSSHKey(ctx, SSHKeyInput{Name: name, Pair: *pair}); err != nil {
		t.Fatal(err)
	}
	key, err := c.FindSSHKey(ctx, pair.PublicKey)
	if err != nil || key == nil {
		t.Fatalf("the created key is not found: %v", err)
	}
	return key
}

func TestSSHKeys(t *testing.T) {
	emu, _, c := newEmulated(t)
	ctx := context.Background()

	pair, err := c.GenerateSSHKey(ctx, "ed25519")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(pair.PublicKey, "ssh-ed25519 ") || !strings.Contains(pair.PrivateKey, "BEGIN OPENSSH PRIVATE KEY") {
		t.Fatalf("pair %v", pair)
	}
	for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
		if printed := fmt.Sprintf(format, *pair); strings.Contains(printed, "PRIVATE KEY") || !strings.Contains(printed, "***") {
			t.Errorf("%s prints %q", format, printed)
		}
	}
	if err := c.CreateSSHKey(ctx, SSHKeyInput{Name: "first", Description: "d", Pair: *pair}); err != nil {
		t.Fatal(err)
	}
	// The comment does not matter when looking the key up.
	key, err := c.FindSSHKey(ctx, strings.TrimSuffix(pair.PublicKey, " dokploy")+" other-comment")
	if err != nil || key == nil {
		t.Fatalf("FindSSHKey: %v %v", key, err)
	}
	if key.Name != "first" || key.Description != "d" || key.PublicKey != pair.PublicKey || key.CreatedAt.IsZero() {
		t.Errorf("key %+v", key)
	}
	if stored := emu.DokploySSHKeys(); len(stored) != 1 || stored[0].PrivateKey != pair.PrivateKey {
		t.Error("the private key did not reach Dokploy as generated")
	}
	if none, err := c.FindSSHKey(ctx, "ssh-ed25519 AAAAnothere"); err != nil || none != nil {
		t.Errorf("FindSSHKey of an unknown key: %v %v", none, err)
	}

	second := createKey(t, c, "second")
	keys, err := c.ListSSHKeys(ctx)
	if err != nil || len(keys) != 2 || keys[0].ID != second.ID {
		t.Fatalf("ListSSHKeys: %+v %v", keys, err)
	}
	// Dokploy's list carries the private keys; the client's values never do.
	if printed := fmt.Sprintf("%+v %+v", keys, key); strings.Contains(printed, "PRIVATE") {
		t.Errorf("a private key reached the client's values: %s", printed)
	}

	got, err := c.GetSSHKey(ctx, key.ID)
	if err != nil || got.Name != "first" {
		t.Fatalf("GetSSHKey: %+v %v", got, err)
	}
	name, empty := "renamed", ""
	updated, err := c.UpdateSSHKey(ctx, key.ID, SSHKeyUpdate{Name: &name, Description: &empty})
	if err != nil || updated.Name != "renamed" || updated.Description != "" {
		t.Fatalf("UpdateSSHKey: %+v %v", updated, err)
	}
	if err := c.DeleteSSHKey(ctx, key.ID); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteSSHKey(ctx, key.ID); !httpx.IsNotFound(err) {
		t.Errorf("second delete: %v", err)
	}
}

func TestPrivateKeyNeverInErrors(t *testing.T) {
	_, _, emulated := newEmulated(t)
	ctx := context.Background()
	pair, err := emulated.GenerateSSHKey(ctx, "rsa")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(pair.PrivateKey), "\n")
	leaks := func(err error) bool {
		msg := err.Error()
		for _, l := range lines[1 : len(lines)-1] { // the base64 lines
			if strings.Contains(msg, l) {
				return true
			}
		}
		return strings.Contains(msg, pair.PrivateKey)
	}

	// A server that echoes the request in its error (Dokploy's drizzle errors carry the query's
	// parameters), as JSON and as plain text.
	for _, answer := range []func(body []byte) string{
		func(body []byte) string {
			return `{"message":` + fmt.Sprintf("%q", "Failed query: insert … params: "+string(body)) + `}`
		},
		func(body []byte) string { return "<html><body>bad request " + string(body) + "</body></html>" },
	} {
		c, _ := fakeDokploy(t, 400, func(_ *http.Request, body []byte) string { return answer(body) })
		err := c.CreateSSHKey(ctx, SSHKeyInput{Name: "k", Pair: *pair})
		if err == nil || leaks(err) {
			t.Errorf("private key in the error: %v", err)
		}
		if apiErr := apiError(t, err); !strings.Contains(apiErr.Message, "***") {
			t.Errorf("nothing masked: %q", apiErr.Message)
		}
	}
	// Dokploy's own validation errors do not echo the input, and stay readable.
	bad := *pair
	bad.PublicKey = "not a key"
	err = emulated.CreateSSHKey(ctx, SSHKeyInput{Name: "k", Pair: bad})
	if apiErr := apiError(t, err); apiErr.StatusCode != 400 || leaks(err) || apiErr.Message != "Input validation failed: publicKey: Invalid public key format" {
		t.Errorf("validation error: %v", err)
	}
}
