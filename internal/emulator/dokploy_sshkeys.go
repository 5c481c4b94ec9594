package emulator

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"encoding/pem"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"golang.org/x/crypto/ssh"
)

// Dokploy's SSH keys (apps/dokploy/server/api/routers/ssh-key.ts, packages/server/src/services/ssh-key.ts,
// packages/server/src/db/schema/ssh-key.ts, packages/server/src/db/validations/index.ts):
//
//   - sshKey.generate {type?: rsa|ed25519} makes a pair (ssh2's generateKeyPairSync, comment "dokploy",
//     rsa by default) and answers {privateKey, publicKey}; nothing is stored.
//   - sshKey.create stores a pair and answers nothing: no id. The caller finds the key again in sshKey.all.
//   - sshKey.all and sshKey.one answer whole rows, privateKey included; sshKey.update and sshKey.remove
//     answer the changed or deleted row, privateKey included too.
//   - A missing key: one and remove 404 "SSH Key not found"; update wraps it as 400 "Error updating
//     this SSH key".

// dkSSHKeyJSON is a row of the ssh-key table.
type dkSSHKeyJSON struct {
	SSHKeyID       string  `json:"sshKeyId"`
	PrivateKey     string  `json:"privateKey"`
	PublicKey      string  `json:"publicKey"`
	Name           string  `json:"name"`
	Description    *string `json:"description"`
	CreatedAt      string  `json:"createdAt"`
	LastUsedAt     *string `json:"lastUsedAt"`
	OrganizationID string  `json:"organizationId"`
}

func (dk *dokployState) sshKeyOut(k *dkSSHKey) dkSSHKeyJSON {
	return dkSSHKeyJSON{SSHKeyID: k.id, PrivateKey: k.privateKey, PublicKey: k.publicKey, Name: k.name,
		Description: k.description, CreatedAt: formatTimeMillis(k.createdAt), LastUsedAt: k.lastUsedAt,
		OrganizationID: dk.orgID}
}

// The key formats sshKey.create accepts (sshKeyCreate's refine()s).
var (
	dkRSAPublic      = regexp.MustCompile(`^ssh-rsa\s+([A-Za-z0-9+/=]+)\s*(.*)?\s*$`)
	dkEd25519Public  = regexp.MustCompile(`^ssh-ed25519\s+([A-Za-z0-9+/=]+)\s*(.*)?\s*$`)
	dkRSAPrivate     = regexp.MustCompile(`^-----BEGIN RSA PRIVATE KEY-----\n([A-Za-z0-9+/=\n]+)-----END RSA PRIVATE KEY-----\s*$`)
	dkOpenSSHPrivate = regexp.MustCompile(`^-----BEGIN OPENSSH PRIVATE KEY-----\n([A-Za-z0-9+/=\n]+)-----END OPENSSH PRIVATE KEY-----\s*$`)
)

func validPublicKey(s string) bool {
	return dkRSAPublic.MatchString(s) || dkEd25519Public.MatchString(s)
}

func validPrivateKey(s string) bool {
	return dkRSAPrivate.MatchString(s) || dkOpenSSHPrivate.MatchString(s)
}

// dkGenerateKeyPair makes a pair as ssh2's generateKeyPairSync does: OpenSSH private key, public key
// line with the comment "dokploy". Dokploy's RSA keys have 4096 bits; 2048 here, because generating
// 4096-bit keys takes seconds (not confirmed to matter to any client: only the format is checked).
func dkGenerateKeyPair(keyType string) (privateKey, publicKey string, err error) {
	var pub ssh.PublicKey
	var block *pem.Block
	switch keyType {
	case "ed25519":
		edPub, edPriv, genErr := ed25519.GenerateKey(rand.Reader)
		if genErr != nil {
			return "", "", genErr
		}
		if pub, err = ssh.NewPublicKey(edPub); err != nil {
			return "", "", err
		}
		block, err = ssh.MarshalPrivateKey(edPriv, "dokploy")
	default:
		rsaPriv, genErr := rsa.GenerateKey(rand.Reader, 2048)
		if genErr != nil {
			return "", "", genErr
		}
		if pub, err = ssh.NewPublicKey(&rsaPriv.PublicKey); err != nil {
			return "", "", err
		}
		block, err = ssh.MarshalPrivateKey(rsaPriv, "dokploy")
	}
	if err != nil {
		return "", "", fmt.Errorf("encode private key: %w", err)
	}
	return string(pem.EncodeToMemory(block)), strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pub))) + " dokploy", nil
}

func (e *Emulator) dkSSHKeyGenerate(w http.ResponseWriter, _ *http.Request, in dkInput) {
	v, err := in.validate(dkField{name: "type", typ: tString, enum: []string{"rsa", "ed25519"}})
	if err != nil {
		fail(w, err)
		return
	}
	priv, pub, genErr := dkGenerateKeyPair(v.str("type"))
	if genErr != nil {
		fail(w, dkErr(dkInternal, genErr.Error()))
		return
	}
	writeDokployResult(w, map[string]string{"privateKey": priv, "publicKey": pub})
}

// dkSSHKeyCreate is sshKey.create. organizationId is required by the schema but replaced by the API
// key's organisation.
func (e *Emulator) dkSSHKeyCreate(w http.ResponseWriter, _ *http.Request, in dkInput) {
	v, err := in.validate(
		reqStr("name", 1),
		nullStr("description"),
		dkField{name: "privateKey", typ: tString, required: true, check: validPrivateKey, checkMsg: "Invalid private key format"},
		dkField{name: "publicKey", typ: tString, required: true, check: validPublicKey, checkMsg: "Invalid public key format"},
		reqStr("organizationId", 0),
	)
	if err != nil {
		fail(w, err)
		return
	}
	dk := &e.st.dokploy
	dk.sshKeys = append(dk.sshKeys, &dkSSHKey{id: dk.next("sshKey"), name: v.str("name"),
		description: v.optStr("description"), privateKey: v.str("privateKey"), publicKey: v.str("publicKey"),
		createdAt: e.now()})
	writeDokployResult(w, nil)
}

// dkSSHKeyAll is sshKey.all: the organisation's keys, newest first, whole rows.
func (e *Emulator) dkSSHKeyAll(w http.ResponseWriter, _ *http.Request, _ dkInput) {
	dk := &e.st.dokploy
	out := make([]dkSSHKeyJSON, 0, len(dk.sshKeys))
	for i := len(dk.sshKeys) - 1; i >= 0; i-- {
		out = append(out, dk.sshKeyOut(dk.sshKeys[i]))
	}
	writeDokployResult(w, out)
}

func (e *Emulator) dkSSHKeyOne(w http.ResponseWriter, _ *http.Request, in dkInput) {
	v, err := in.validate(reqStr("sshKeyId", 1))
	if err != nil {
		fail(w, err)
		return
	}
	dk := &e.st.dokploy
	k := dk.sshKey(v.str("sshKeyId"))
	if k == nil {
		fail(w, dkErr(dkNotFound, "SSH Key not found"))
		return
	}
	writeDokployResult(w, dk.sshKeyOut(k))
}

func (e *Emulator) dkSSHKeyUpdate(w http.ResponseWriter, _ *http.Request, in dkInput) {
	v, err := in.validate(optStrMin("name", 1), nullStr("description"), nullStr("lastUsedAt"), reqStr("sshKeyId", 0))
	if err != nil {
		fail(w, err)
		return
	}
	dk := &e.st.dokploy
	k := dk.sshKey(v.str("sshKeyId"))
	if k == nil {
		fail(w, dkErr(dkBadRequest, "Error updating this SSH key"))
		return
	}
	if v.has("name") {
		k.name = v.str("name")
	}
	if v.has("description") {
		k.description = v.optStr("description")
	}
	if v.has("lastUsedAt") {
		k.lastUsedAt = v.optStr("lastUsedAt")
	}
	writeDokployResult(w, dk.sshKeyOut(k))
}

func optStrMin(name string, minLen int) dkField {
	return dkField{name: name, typ: tString, minLen: minLen}
}

func (e *Emulator) dkSSHKeyRemove(w http.ResponseWriter, _ *http.Request, in dkInput) {
	v, err := in.validate(reqStr("sshKeyId", 0))
	if err != nil {
		fail(w, err)
		return
	}
	dk := &e.st.dokploy
	k := dk.sshKey(v.str("sshKeyId"))
	if k == nil {
		fail(w, dkErr(dkNotFound, "SSH Key not found"))
		return
	}
	out := dk.sshKeyOut(k)
	dk.removeSSHKey(k.id)
	writeDokployResult(w, out)
}
