package githost

import (
	"strings"
	"testing"
)

// Keys and fingerprints made with ssh-keygen (OpenSSH), so the fingerprint format is checked
// against the tool users compare with.
const (
	ed25519Body        = "AAAAC3NzaC1lZDI1NTE5AAAAIB6LGlThZdTXz8HGPT3HQUQpcZHijrXx+dZuESHLY4UU"
	ed25519Key         = "ssh-ed25519 " + ed25519Body + " alice@example"
	ed25519Fingerprint = "SHA256:mjPEBgGROvYFyNF4m/tiF5gRAQzaWLCHop9mBb+eyLM"

	rsaBody        = "AAAAB3NzaC1yc2EAAAADAQABAAABAQC4VWbe2sJg4tSoYL5/cEvqp8CZM4+noD/WKyN5kqNSveQaVhMtZec6Mi9+36uMOXDz2KbgF+TQEPFOc9C8i0uEoaCTCBomQ4hnarV9wXk6Df4qYVB8Q0ZF36ozNchraRwWKGH+IlBf4G5dZnifnqjWb728t7AMY1S5mseWXZhwgUjGrBJXaSdrhvpYoHYnuf8moLYxAKcGht7VZTAL256xq8LfUBlsmXm/HQGExOcoPZr2WN4O6LzXYM0C/FtzOMbZWPvBFOLCSx44BXPcZNmBJwW+G5jCLkqkq/hyCyGLoohwqvtuVXVveKgfOnXT6BieRvvlG0Xjhnk0gHjwx0Rr"
	rsaKey         = "ssh-rsa " + rsaBody + " bob@ci"
	rsaFingerprint = "SHA256:v9NvoUlC2aGg5DHppNd4Z/TFes80qbApY2PbblOgM3k"

	otherEd25519Key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMC9owZ0xftjpqJMJtHLS3A1UHxY2DsI3+iIi5D26CE2 carol"

	ecdsaBody        = "AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBAgARBMPnlVZ1hukkOgWgTZEoQqCRlMjDkMioBwVpP78OMuzzeTo8mioX+L9EOcZkoSF8ZUrPJGcuZBf7EGlO7k="
	ecdsaKey         = "ecdsa-sha2-nistp256 " + ecdsaBody
	ecdsaFingerprint = "SHA256:WOBlx+ToIOJFZtMokXsf9dxGY0vBq78ycGuM90uxMzo"
)

func TestNormalizeAuthorizedKey(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    string
		wantErr string
	}{
		{name: "comment dropped", in: ed25519Key, want: "ssh-ed25519 " + ed25519Body},
		{name: "no comment", in: "ssh-ed25519 " + ed25519Body, want: "ssh-ed25519 " + ed25519Body},
		{name: "comment with spaces", in: "ssh-rsa " + rsaBody + " bob on the ci box", want: "ssh-rsa " + rsaBody},
		{name: "surrounding whitespace and newline", in: "  \t" + ecdsaKey + " \n", want: "ecdsa-sha2-nistp256 " + ecdsaBody},
		{name: "tabs between fields", in: "ssh-ed25519\t" + ed25519Body + "\tx", want: "ssh-ed25519 " + ed25519Body},
		{name: "CRLF line end", in: ed25519Key + "\r\n", want: "ssh-ed25519 " + ed25519Body},
		{name: "leading comment line", in: "# my deploy key\n" + ed25519Key, want: "ssh-ed25519 " + ed25519Body},
		{name: "empty", in: "", wantErr: "empty"},
		{name: "blank", in: " \n\t", wantErr: "empty"},
		{name: "garbage", in: "not a key", wantErr: "not an OpenSSH public key"},
		{name: "broken base64", in: "ssh-ed25519 AAAA!!!", wantErr: "not an OpenSSH public key"},
		{name: "truncated key", in: "ssh-ed25519 " + ed25519Body[:40], wantErr: "not an OpenSSH public key"},
		{name: "private key", in: "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----", wantErr: "not an OpenSSH public key"},
		{name: "options", in: `command="echo hi" ` + ed25519Key, wantErr: "options"},
		{name: "two keys", in: ed25519Key + "\n" + rsaKey, wantErr: "exactly one"},
		{name: "trailing text line", in: ed25519Key + "\nmore", wantErr: "exactly one"},
		{name: "trailing comment line is fine", in: ed25519Key + "\n# note", want: "ssh-ed25519 " + ed25519Body},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NormalizeAuthorizedKey(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("NormalizeAuthorizedKey(%q) = %q, %v; want error containing %q", tt.in, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("NormalizeAuthorizedKey(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestSameKey(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		want bool
	}{
		{name: "identical", a: ed25519Key, b: ed25519Key, want: true},
		{name: "different comment", a: ed25519Key, b: "ssh-ed25519 " + ed25519Body + " other@host", want: true},
		{name: "comment vs none and whitespace", a: ed25519Key + "\n", b: "  ssh-ed25519 " + ed25519Body, want: true},
		{name: "different keys", a: ed25519Key, b: rsaKey, want: false},
		{name: "different keys same type", a: ed25519Key, b: otherEd25519Key, want: false},
		{name: "one invalid", a: ed25519Key, b: "ssh-ed25519 garbage", want: false},
		{name: "both invalid and equal", a: "nope", b: "nope", want: false},
		{name: "both empty", a: "", b: "", want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SameKey(tt.a, tt.b); got != tt.want {
				t.Fatalf("SameKey(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
			}
			if got := SameKey(tt.b, tt.a); got != tt.want {
				t.Fatalf("SameKey(%q, %q) = %v, want %v (not symmetric)", tt.b, tt.a, got, tt.want)
			}
		})
	}
}

func TestFingerprintSHA256(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{name: "ed25519", in: ed25519Key, want: ed25519Fingerprint},
		{name: "ed25519 without comment", in: "ssh-ed25519 " + ed25519Body, want: ed25519Fingerprint},
		{name: "rsa", in: rsaKey, want: rsaFingerprint},
		{name: "ecdsa", in: ecdsaKey, want: ecdsaFingerprint},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := FingerprintSHA256(tt.in)
			if err != nil || got != tt.want {
				t.Fatalf("FingerprintSHA256(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
	if got, err := FingerprintSHA256("ssh-rsa nope"); err == nil {
		t.Fatalf("FingerprintSHA256 of an invalid key = %q, want an error", got)
	}
}

func FuzzNormalizeAuthorizedKey(f *testing.F) {
	for _, seed := range []string{
		ed25519Key, rsaKey, ecdsaKey, "", " ", "#", "ssh-ed25519", "ssh-ed25519 AAAA",
		`from="10.0.0.1" ` + ed25519Key, ed25519Key + "\n" + rsaKey, "\x00\xff", "ssh-rsa " + rsaBody[:100],
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, key string) {
		normalized, err := NormalizeAuthorizedKey(key)
		if err != nil {
			if normalized != "" {
				t.Fatalf("error %v came with a result %q", err, normalized)
			}
			return
		}
		// A normalized key is a fixed point, the same key as its input, and has a fingerprint.
		again, err := NormalizeAuthorizedKey(normalized)
		if err != nil || again != normalized {
			t.Fatalf("normalizing %q again gave %q, %v", normalized, again, err)
		}
		if strings.Count(normalized, " ") != 1 {
			t.Fatalf("normalized key %q is not \"type base64\"", normalized)
		}
		if !SameKey(key, normalized) {
			t.Fatalf("SameKey(%q, %q) = false", key, normalized)
		}
		fp, err := FingerprintSHA256(key)
		if err != nil || !strings.HasPrefix(fp, "SHA256:") || strings.HasSuffix(fp, "=") {
			t.Fatalf("FingerprintSHA256(%q) = %q, %v", key, fp, err)
		}
	})
}
