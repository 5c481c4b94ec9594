package emulator

import (
	"crypto/ed25519"
	"crypto/md5" //nolint:gosec // GitLab's legacy fingerprint is MD5 by definition
	"crypto/rand"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"strings"

	"golang.org/x/crypto/ssh"
)

// newSSHKeyPair makes a real key pair so that clients can parse and install the public key. Real Netlify
// answers with an ssh-rsa key; ed25519 is used here because it is generated instantly.
func newSSHKeyPair() (publicKey, privateKeyPEM string, err error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return "", "", fmt.Errorf("generate key: %w", err)
	}
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		return "", "", fmt.Errorf("encode public key: %w", err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		return "", "", fmt.Errorf("encode private key: %w", err)
	}
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sshPub))), string(pem.EncodeToMemory(block)), nil
}

// parsedKey is an OpenSSH public key line taken apart.
type parsedKey struct {
	normalized        string // "type base64", no comment
	fingerprintMD5    string // aa:bb:...
	fingerprintSHA256 string // SHA256:...
}

func parsePublicKey(text string) (parsedKey, error) {
	pub, _, _, rest, err := ssh.ParseAuthorizedKey([]byte(strings.TrimSpace(text)))
	if err != nil {
		return parsedKey{}, err
	}
	if len(strings.TrimSpace(string(rest))) > 0 {
		return parsedKey{}, fmt.Errorf("more than one key")
	}
	md5sum := md5.Sum(pub.Marshal()) //nolint:gosec // see import
	hexPairs := make([]string, len(md5sum))
	for i, b := range md5sum {
		hexPairs[i] = fmt.Sprintf("%02x", b)
	}
	return parsedKey{
		normalized:        pub.Type() + " " + base64.StdEncoding.EncodeToString(pub.Marshal()),
		fingerprintMD5:    strings.Join(hexPairs, ":"),
		fingerprintSHA256: ssh.FingerprintSHA256(pub),
	}, nil
}
