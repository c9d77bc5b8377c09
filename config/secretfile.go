package config

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// readSecretFiles fills each Secret from its *_file companion: sources[].token
// from token_file, a github source's private_key from private_key_file, and
// rollup.smtp.password from password_file. A relative path is taken from the
// directory of the configuration file. A token's or password's file content
// is the secret, less its trailing newline. Errors name the line of the *_file
// key and the file path, never the content.
func (c *Config) readSecretFiles() []error {
	var errs []error
	for i := range c.Sources {
		s := &c.Sources[i]
		p := fmt.Sprintf("sources[%d]", i)
		if err := c.readSecretFile(&s.Token, s.TokenFile, p+".token", p+".token_file"); err != nil {
			errs = append(errs, err)
		}
		if s.Type == "github" {
			if err := c.readPrivateKey(s, p+".private_key_file"); err != nil {
				errs = append(errs, err)
			}
		}
	}
	s := &c.Rollup.SMTP
	if err := c.readSecretFile(&s.Password, s.PasswordFile, "rollup.smtp.password", "rollup.smtp.password_file"); err != nil {
		errs = append(errs, err)
	}
	return errs
}

func (c *Config) readSecretFile(dst *Secret, file, key, fileKey string) error {
	if file == "" {
		return nil
	}
	if *dst != "" {
		return fmt.Errorf("%s%s and %s are both set; keep one", c.where(fileKey), key, fileKey)
	}
	data, path, err := c.readFile(file, fileKey)
	if err != nil {
		return err
	}
	v := strings.TrimSuffix(strings.TrimSuffix(string(data), "\n"), "\r")
	if v == "" {
		return fmt.Errorf("%s%s: %s is empty", c.where(fileKey), fileKey, path)
	}
	*dst = Secret(v)
	return nil
}

// readPrivateKey fills s.PrivateKey from s.PrivateKeyFile, which must hold a
// PEM RSA private key (PKCS #1, as GitHub issues them, or PKCS #8).
func (c *Config) readPrivateKey(s *Source, fileKey string) error {
	if s.PrivateKeyFile == "" {
		return nil
	}
	data, path, err := c.readFile(s.PrivateKeyFile, fileKey)
	if err != nil {
		return err
	}
	if !isRSAPrivateKey(data) {
		return fmt.Errorf("%s%s: %s is not a PEM RSA private key", c.where(fileKey), fileKey, path)
	}
	s.PrivateKey = Secret(data)
	return nil
}

func isRSAPrivateKey(data []byte) bool {
	block, _ := pem.Decode(data)
	if block == nil {
		return false
	}
	if _, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		return true
	}
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	_, rsaKey := key.(*rsa.PrivateKey)
	return err == nil && rsaKey
}

// readFile reads the file a *_file key names, returning its content and the
// path it was read from.
func (c *Config) readFile(file, fileKey string) ([]byte, string, error) {
	path := file
	if !filepath.IsAbs(path) && c.origin != nil {
		path = filepath.Join(filepath.Dir(c.origin.file), path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the path is named once, below
		}
		return nil, path, fmt.Errorf("%s%s: reading %s: %v", c.where(fileKey), fileKey, path, err)
	}
	return data, path, nil
}
