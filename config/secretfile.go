package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// readSecretFiles fills each Secret from its *_file companion: sources[].token
// from token_file and rollup.smtp.password from password_file. A relative
// path is taken from the directory of the configuration file. The file's
// content is the secret, less its trailing newline. Errors name the line of
// the *_file key and the file path, never the content.
func (c *Config) readSecretFiles() []error {
	var errs []error
	for i := range c.Sources {
		s := &c.Sources[i]
		p := fmt.Sprintf("sources[%d]", i)
		if err := c.readSecretFile(&s.Token, s.TokenFile, p+".token", p+".token_file"); err != nil {
			errs = append(errs, err)
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
		return fmt.Errorf("%s%s: reading %s: %v", c.where(fileKey), fileKey, path, err)
	}
	v := strings.TrimSuffix(strings.TrimSuffix(string(data), "\n"), "\r")
	if v == "" {
		return fmt.Errorf("%s%s: %s is empty", c.where(fileKey), fileKey, path)
	}
	*dst = Secret(v)
	return nil
}
