package github

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/batonhq/baton/config"
)

// TestPrivateKeyMustBeRSA loads private_key_file in both PEM encodings of an
// RSA key, and refuses an EC key and a PEM block that holds no key.
func TestPrivateKeyMustBeRSA(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pkcs8 := func(k any) []byte {
		der, err := x509.MarshalPKCS8PrivateKey(k)
		if err != nil {
			t.Fatal(err)
		}
		return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	}
	dir := t.TempDir()
	for _, tt := range []struct {
		file string
		body []byte
		ok   bool
	}{
		{"pkcs1.pem", pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rsaKey)}), true},
		{"pkcs8.pem", pkcs8(rsaKey), true},
		{"ec.pem", pkcs8(ecKey), false},
		{"junk.pem", pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: []byte("not a key")}), false},
	} {
		if err := os.WriteFile(filepath.Join(dir, tt.file), tt.body, 0o600); err != nil {
			t.Fatal(err)
		}
		name := filepath.Join(dir, "baton.yaml")
		cfg, err := config.Parse(name, []byte(`sources:
  - name: gh
    type: github
    app_id: 1
    installation_id: 2
    private_key_file: `+tt.file+`
    repos: [acme/core]
`))
		want := "<nil>"
		if !tt.ok {
			want = name + ":6: sources[0].private_key_file: " + filepath.Join(dir, tt.file) + " is not a PEM RSA private key"
		}
		if got := fmt.Sprint(err); got != want {
			t.Errorf("%s: error = %q, want %q", tt.file, got, want)
		}
		if tt.ok && err == nil && config.SettingsOf[Config](cfg.Sources[0]).PrivateKey.Reveal() != string(tt.body) {
			t.Errorf("%s: PrivateKey is not the file's content", tt.file)
		}
	}
}
