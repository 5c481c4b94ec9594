package githosttest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"sync"
)

var (
	appKeyOnce sync.Once
	appKeys    [2]struct{ private, public string }
)

// GitHubAppKey returns a GitHub App key pair as PEM text: the private key as GitHub hands it out (PKCS#1
// "RSA PRIVATE KEY") and the public key (PKIX) for an emulator seed. which picks one of two pairs, made
// once per test binary (RSA key generation is slow), so that a test can sign with the wrong key.
func GitHubAppKey(which int) (privatePEM, publicPEM string) {
	appKeyOnce.Do(func() {
		for i := range appKeys {
			key, err := rsa.GenerateKey(rand.Reader, 2048)
			if err != nil {
				panic(err)
			}
			pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
			if err != nil {
				panic(err)
			}
			appKeys[i].private = string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}))
			appKeys[i].public = string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}))
		}
	})
	return appKeys[which].private, appKeys[which].public
}
