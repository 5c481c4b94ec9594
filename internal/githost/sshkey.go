package githost

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/ssh"
)

// NormalizeAuthorizedKey returns "type base64" (no comment, single space) of an OpenSSH public key,
// or an error. Hosts echo keys back without the comment, so comparing normalized forms keeps a
// trailing comment from looking like a change.
func NormalizeAuthorizedKey(key string) (string, error) {
	pub, err := parsePublicKey(key)
	if err != nil {
		return "", err
	}
	return pub.Type() + " " + base64.StdEncoding.EncodeToString(pub.Marshal()), nil
}

// SameKey reports whether two public keys are the same key, ignoring comments and whitespace.
// A key that does not parse is the same as nothing.
func SameKey(a, b string) bool {
	pubA, err := parsePublicKey(a)
	if err != nil {
		return false
	}
	pubB, err := parsePublicKey(b)
	if err != nil {
		return false
	}
	return bytes.Equal(pubA.Marshal(), pubB.Marshal())
}

// FingerprintSHA256 returns the key's fingerprint as `ssh-keygen -l` prints it: "SHA256:<base64 no padding>".
func FingerprintSHA256(key string) (string, error) {
	pub, err := parsePublicKey(key)
	if err != nil {
		return "", err
	}
	return ssh.FingerprintSHA256(pub), nil
}

// parsePublicKey accepts exactly one key in authorized_keys form without options: a deploy key is
// one key, and options (command=…, from=…) mean nothing to a git host.
func parsePublicKey(key string) (ssh.PublicKey, error) {
	trimmed := strings.TrimSpace(key)
	if trimmed == "" {
		return nil, errors.New(`public key is empty: want an OpenSSH public key like "ssh-ed25519 AAAA… comment"`)
	}
	pub, _, options, rest, err := ssh.ParseAuthorizedKey([]byte(trimmed))
	if err != nil {
		return nil, fmt.Errorf(`not an OpenSSH public key (want a line like "ssh-ed25519 AAAA… comment"): %w`, err)
	}
	if len(options) > 0 {
		return nil, errors.New("public key must not start with authorized_keys options such as command= or from=")
	}
	for _, line := range strings.Split(string(rest), "\n") {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "#") {
			return nil, errors.New("want exactly one public key, found more text after it")
		}
	}
	return pub, nil
}
