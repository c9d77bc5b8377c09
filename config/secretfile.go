package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// readSecretFiles fills each Secret from its *_file companion: sources[].token
// from token_file, a source type's own files (SourceFileReader), and
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
		if r, ok := s.Settings.(SourceFileReader); ok {
			if err := r.ReadFiles(SourceFiles{c: c, at: p}); err != nil {
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
	switch {
	case v == "":
		return fmt.Errorf("%s%s: %s is empty", c.where(fileKey), fileKey, path)
	case strings.TrimSpace(v) == "":
		return fmt.Errorf("%s%s: %s holds only whitespace", c.where(fileKey), fileKey, path)
	}
	*dst = Secret(v)
	return nil
}

// SourceFiles reads the files a source type's own *_file keys name.
type SourceFiles struct {
	c  *Config
	at string // sources[i]
}

// Read returns the content of file, named by key, and the path it was read
// from: relative to the configuration file's directory. Its error says
// "file:line: sources[i].key: reading path: reason".
func (f SourceFiles) Read(key, file string) ([]byte, string, error) {
	return f.c.readFile(file, f.at+"."+key)
}

// Errorf returns "file:line: sources[i].key: message", for a file whose
// content is wrong. The message must not quote the content.
func (f SourceFiles) Errorf(key, format string, args ...any) error {
	path := f.at + "." + key
	return fmt.Errorf("%s%s: %s", f.c.where(path), path, fmt.Sprintf(format, args...))
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
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o044 != 0 {
		c.warnings = append(c.warnings, fmt.Sprintf("%s%s: %s is readable by group or others (mode %04o); chmod 600 it",
			c.where(fileKey), fileKey, path, fi.Mode().Perm()))
	}
	return data, path, nil
}

// Warnings returns what Load found that is allowed but unsafe: a secret
// file other users can read. `baton config check` prints them and the
// daemon logs them, at start and on reload.
func (c *Config) Warnings() []string { return c.warnings }
