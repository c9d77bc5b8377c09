package rollup

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// selfSigned writes a certificate for 127.0.0.1 and its key to dir and
// returns the files and a TLS config that trusts only that certificate.
func selfSigned(t *testing.T) (certFile, keyFile string, tc *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "baton test SMTP"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
}

func TestMailpitOverTLS(t *testing.T) {
	cases := []struct {
		mode string
		flag string // makes Mailpit refuse anything but this mode
	}{
		{TLSStartTLS, "--smtp-require-starttls"},
		{TLSImplicit, "--smtp-require-tls"},
	}
	for _, c := range cases {
		t.Run(c.mode, func(t *testing.T) {
			cert, key, tc := selfSigned(t)
			m := startMailpit(t, "--smtp-tls-cert", cert, "--smtp-tls-key", key, c.flag)
			smtp := m.smtp("baton")
			smtp.TLS = c.mode
			mailer, err := NewMailer(smtp, WithTLSConfig(tc))
			if err != nil {
				t.Fatal(err)
			}
			if err := mailer.Send(context.Background(), orgMessage(t, smtp.From)); err != nil {
				t.Fatalf("sending over %s: %v", c.mode, err)
			}
			got := m.messages(t)
			if len(got) != 1 || got[0].Username != "baton" {
				t.Errorf("mailpit got %+v, want one message authenticated as baton", got)
			}
		})
	}
}

func TestMailerRefusesAnUntrustedCertificate(t *testing.T) {
	cert, key, _ := selfSigned(t)
	m := startMailpit(t, "--smtp-tls-cert", cert, "--smtp-tls-key", key, "--smtp-require-starttls")
	smtp := m.smtp("")
	smtp.TLS = TLSStartTLS
	mailer, err := NewMailer(smtp) // the system's roots do not know the test CA
	if err != nil {
		t.Fatal(err)
	}
	if err := mailer.Send(context.Background(), orgMessage(t, smtp.From)); err == nil {
		t.Error("sent through a server whose certificate nobody vouches for")
	}
	if got := len(m.messages(t)); got != 0 {
		t.Errorf("mailpit got %d messages", got)
	}
}
