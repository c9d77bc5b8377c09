package config

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// readSecretFiles fills each Secret from its *_file companion: sources[].token
// from token_file, sources[].webhook_secret from webhook_secret_file, a
// source type's own files (SourceFileReader), rollup.smtp.password from
// password_file, and the Slack webhooks from slack_webhook_file. A relative
// path is taken from the directory of the configuration file. A token's or password's file content
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
		if err := c.readSecretFile(&s.WebhookSecret, s.WebhookSecretFile, p+".webhook_secret", p+".webhook_secret_file"); err != nil {
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
	for i := range c.Teams {
		t := &c.Teams[i]
		p := fmt.Sprintf("teams[%d]", i)
		if err := c.readSecretFile(&t.SlackWebhook, t.SlackWebhookFile, p+".slack_webhook", p+".slack_webhook_file"); err != nil {
			errs = append(errs, err)
		}
	}
	r := &c.Rollup
	if err := c.readSecretFile(&r.SlackWebhook, r.SlackWebhookFile, "rollup.slack_webhook", "rollup.slack_webhook_file"); err != nil {
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

// maxSecretFile bounds what a *_file key may name: a token, a password or a
// PEM key is a few KiB, and reading more (a log file named by mistake) would
// only fill memory.
const maxSecretFile = 64 << 10

// readFile reads the file a *_file key names, returning its content and the
// path it was read from. Only a regular file of at most maxSecretFile bytes
// is read: a pipe or a device (/dev/stdin) could block the load, or a reload
// of the running daemon, for ever.
func (c *Config) readFile(file, fileKey string) ([]byte, string, error) {
	path := file
	if !filepath.IsAbs(path) && c.origin != nil {
		path = filepath.Join(filepath.Dir(c.origin.file), path)
	}
	fail := func(format string, args ...any) ([]byte, string, error) {
		return nil, path, fmt.Errorf("%s%s: %s", c.where(fileKey), fileKey, fmt.Sprintf(format, args...))
	}
	fi, err := os.Stat(path)
	if err == nil && !fi.Mode().IsRegular() {
		return fail("%s is not a regular file", path)
	}
	var data []byte
	if err == nil {
		data, err = readAtMost(path, maxSecretFile+1)
	}
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the path is named once
		}
		return fail("reading %s: %v", path, err)
	}
	if len(data) > maxSecretFile {
		return fail("%s is larger than %d KiB, too large for a secret", path, maxSecretFile>>10)
	}
	if exposed(fi) {
		c.warnings = append(c.warnings, fmt.Sprintf("%s%s: %s is readable by group or others (mode %04o); chmod 600 it",
			c.where(fileKey), fileKey, path, fi.Mode().Perm()))
	}
	return data, path, nil
}

// readAtMost reads up to n bytes of the file at path.
func readAtMost(path string, n int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, n))
}

// Warnings returns what Load found that is allowed but unsafe: a secret
// file other users can read. `baton config check` prints them and the
// daemon logs them, at start and on reload.
func (c *Config) Warnings() []string { return c.warnings }

// exposed reports whether users other than the process's own may read the
// secret file fi: others may, or its group may and fi is not a file another
// user owns and shares with one of the process's groups. That is how a
// platform hands a secret to a service: Kubernetes mounts a Secret's files
// owned by root with group fsGroup, and makes them group-readable whatever
// the volume's defaultMode says, so there a warning could not be acted on.
func exposed(fi os.FileInfo) bool {
	perm := fi.Mode().Perm()
	if perm&0o004 != 0 {
		return true
	}
	if perm&0o040 == 0 {
		return false
	}
	owner, group, ok := fileOwner(fi)
	return !ok || !sharedWithProcess(owner, group, os.Getuid(), processGroups())
}

// sharedWithProcess reports whether a file owned by owner:group was shared
// with the process running as uid in groups by its group, not owned by it.
func sharedWithProcess(owner, group, uid int, groups []int) bool {
	return owner != uid && slices.Contains(groups, group)
}

// processGroups returns the process's group and supplementary groups.
func processGroups() []int {
	groups, _ := os.Getgroups() // none where the system has no such notion
	return append(groups, os.Getgid())
}
