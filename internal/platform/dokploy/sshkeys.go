package dokploy

import (
	"context"
	"net/url"
	"strings"
	"time"
)

// SSH keys (apps/dokploy/server/api/routers/ssh-key.ts). Dokploy answers whole rows, private key
// included, from sshKey.all, one, update and remove: this client never decodes that member, so the
// private key stays out of every value it returns.

// SSHKeyPair is a key pair made by sshKey.generate. PrivateKey (OpenSSH PEM) only passes through the
// caller on its way to CreateSSHKey: never log it or keep it in state. %v and %+v print it masked.
type SSHKeyPair struct {
	PublicKey  string // "ssh-ed25519 AAAA… dokploy"
	PrivateKey string
}

// String masks the private key.
func (p SSHKeyPair) String() string { return "{PublicKey:" + p.PublicKey + " PrivateKey:***}" }

// GoString masks the private key.
func (p SSHKeyPair) GoString() string { return "dokploy.SSHKeyPair" + p.String() }

// SSHKey is a key stored in Dokploy, without its private half.
type SSHKey struct {
	ID          string
	Name        string
	Description string
	PublicKey   string
	CreatedAt   time.Time
	LastUsedAt  time.Time // zero until a deployment used it
}

type sshKeyJSON struct {
	SSHKeyID    string  `json:"sshKeyId"`
	Name        string  `json:"name"`
	Description *string `json:"description"`
	PublicKey   string  `json:"publicKey"`
	CreatedAt   *string `json:"createdAt"`
	LastUsedAt  *string `json:"lastUsedAt"`
	// privateKey is in Dokploy's answers and deliberately not decoded.
}

func (k sshKeyJSON) toSSHKey() SSHKey {
	return SSHKey{ID: k.SSHKeyID, Name: k.Name, Description: text(k.Description), PublicKey: k.PublicKey,
		CreatedAt: parseTime(k.CreatedAt), LastUsedAt: parseTime(k.LastUsedAt)}
}

var sshKeyNotFound = []string{"SSH Key not found"}

// GenerateSSHKey is sshKey.generate: Dokploy makes a pair of keyType "ed25519" or "rsa" ("" for
// Dokploy's default, rsa) and stores nothing.
func (c *Client) GenerateSSHKey(ctx context.Context, keyType string) (*SSHKeyPair, error) {
	body := map[string]any{}
	if keyType != "" {
		body["type"] = keyType
	}
	var out struct {
		PrivateKey string `json:"privateKey"`
		PublicKey  string `json:"publicKey"`
	}
	if err := c.do(ctx, call{operation: "generate SSH key", procedure: "sshKey.generate", in: body, repeatable: true}, &out); err != nil {
		return nil, err
	}
	return &SSHKeyPair{PublicKey: out.PublicKey, PrivateKey: out.PrivateKey}, nil
}

// SSHKeyInput is what sshKey.create stores.
type SSHKeyInput struct {
	Name        string
	Description string
	Pair        SSHKeyPair
	// OrganizationID is required by Dokploy's schema but replaced by the API key's organisation;
	// "" is sent when unknown.
	OrganizationID string
}

// CreateSSHKey is sshKey.create. Dokploy answers nothing, not even the new id: find the key with
// FindSSHKey. The private key is masked in any error.
func (c *Client) CreateSSHKey(ctx context.Context, in SSHKeyInput) error {
	body := map[string]any{"name": in.Name, "privateKey": in.Pair.PrivateKey, "publicKey": in.Pair.PublicKey,
		"organizationId": in.OrganizationID}
	if in.Description != "" {
		body["description"] = in.Description
	}
	return c.do(ctx, call{operation: "create SSH key", procedure: "sshKey.create", in: body, secrets: []string{in.Pair.PrivateKey}}, nil)
}

// ListSSHKeys is sshKey.all: the organisation's keys, newest first.
func (c *Client) ListSSHKeys(ctx context.Context) ([]SSHKey, error) {
	var out []sshKeyJSON
	if err := c.do(ctx, call{operation: "list SSH keys", procedure: "sshKey.all"}, &out); err != nil {
		return nil, err
	}
	keys := make([]SSHKey, 0, len(out))
	for _, k := range out {
		keys = append(keys, k.toSSHKey())
	}
	return keys, nil
}

// FindSSHKey lists the keys and returns the newest one with publicKey (compared without the comment),
// or nil when there is none.
func (c *Client) FindSSHKey(ctx context.Context, publicKey string) (*SSHKey, error) {
	keys, err := c.ListSSHKeys(ctx)
	if err != nil {
		return nil, err
	}
	want := keyMaterial(publicKey)
	for _, k := range keys {
		if want != "" && keyMaterial(k.PublicKey) == want {
			return &k, nil
		}
	}
	return nil, nil
}

// keyMaterial is "type base64" of an authorized_keys line, without its comment.
func keyMaterial(line string) string {
	fields := strings.Fields(line)
	if len(fields) < 2 {
		return ""
	}
	return fields[0] + " " + fields[1]
}

// GetSSHKey is sshKey.one; a missing key is a 404.
func (c *Client) GetSSHKey(ctx context.Context, id string) (*SSHKey, error) {
	var out sshKeyJSON
	if err := c.do(ctx, call{operation: "read SSH key", procedure: "sshKey.one", query: url.Values{"sshKeyId": {id}},
		notFound: sshKeyNotFound}, &out); err != nil {
		return nil, err
	}
	k := out.toSSHKey()
	return &k, nil
}

// SSHKeyUpdate changes a key's name or description (nil: unchanged; Description "" clears it).
type SSHKeyUpdate struct {
	Name        *string
	Description *string
}

// UpdateSSHKey is sshKey.update. Dokploy wraps a missing key into 400 "Error updating this SSH key",
// which does not say that it is gone: read it with GetSSHKey to know.
func (c *Client) UpdateSSHKey(ctx context.Context, id string, in SSHKeyUpdate) (*SSHKey, error) {
	body := map[string]any{"sshKeyId": id}
	if in.Name != nil {
		body["name"] = *in.Name
	}
	if in.Description != nil {
		body["description"] = nullable(*in.Description)
	}
	var out sshKeyJSON
	if err := c.do(ctx, call{operation: "update SSH key", procedure: "sshKey.update", in: body,
		notFound: sshKeyNotFound, repeatable: true}, &out); err != nil {
		return nil, err
	}
	k := out.toSSHKey()
	return &k, nil
}

// DeleteSSHKey is sshKey.remove; a missing key is a 404. Applications that used the key keep their
// git source with no key (the column is set to null).
func (c *Client) DeleteSSHKey(ctx context.Context, id string) error {
	return c.do(ctx, call{operation: "delete SSH key", procedure: "sshKey.remove", in: map[string]any{"sshKeyId": id},
		notFound: sshKeyNotFound, repeatable: true}, nil)
}
