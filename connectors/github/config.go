package github

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"regexp"

	"github.com/batonhq/baton/config"
)

// Config is a github source's own keys, written beside name, type, url and
// the others in the source's mapping.
type Config struct {
	Repos []string `yaml:"repos"` // owner/repo, or owner/* for every repo of an org
	// A GitHub App installation instead of a token: the app's id, the id of
	// its installation on the org, and the app's private key (PEM), which
	// ReadFiles reads from PrivateKeyFile into PrivateKey.
	AppID          int64         `yaml:"app_id"`
	InstallationID int64         `yaml:"installation_id"`
	PrivateKeyFile string        `yaml:"private_key_file"`
	PrivateKey     config.Secret `yaml:"-"`
	// CacheBytes bounds the conditional-request cache of issue
	// sub-resources (see answerCache): the bytes it keeps; default cacheBytes.
	CacheBytes int64 `yaml:"cache_bytes"`
	// QuotaReserve is the part of the hourly quota left untouched for the
	// other tools sharing the token: a percentage of the limit ("20%", the
	// default) or a number of requests ("500"). The source pauses when the
	// remaining quota falls to it and resumes at the reset.
	QuotaReserve string `yaml:"quota_reserve"`
}

func init() {
	config.RegisterSourceType("github", func() config.SourceConfig { return &Config{} })
}

var repoPattern = regexp.MustCompile(`^[A-Za-z0-9-]+/([A-Za-z0-9._-]+|\*)$`)

// Defaults sets url to GitHub's public API, cache_bytes to cacheBytes and
// quota_reserve to 20% when the file leaves them out.
func (c *Config) Defaults(src *config.Source, given func(string) bool) {
	if src.URL == "" {
		src.URL = defaultAPI
	}
	if c.CacheBytes == 0 && !given("cache_bytes") {
		c.CacheBytes = cacheBytes
	}
	if c.QuotaReserve == "" {
		c.QuotaReserve = defaultQuotaReserve
	}
}

// Validate checks the url, that the source has exactly one credential, and
// the repos.
func (c *Config) Validate(src *config.Source, check *config.SourceCheck) {
	check.URL()
	c.validateAuth(src, check)
	if len(c.Repos) == 0 {
		check.Add("repos", "must list at least one owner/repo or owner/*")
	}
	for j, r := range c.Repos {
		if !repoPattern.MatchString(r) {
			check.Add(fmt.Sprintf("repos[%d]", j), "%q is not owner/repo or owner/*", r)
		}
	}
	if c.CacheBytes < config.MinBytes {
		check.Add("cache_bytes", "must be at least %d (1 MiB), got %d", config.MinBytes, c.CacheBytes)
	}
	if _, err := parseReserve(c.QuotaReserve); err != nil {
		check.Add("quota_reserve", "%v", err)
	}
	check.OtherTypesKeys()
}

// validateAuth checks that the source has exactly one credential: a token
// (or token_file), or a GitHub App (app_id, installation_id and
// private_key_file, all three).
func (c *Config) validateAuth(src *config.Source, check *config.SourceCheck) {
	token := src.Token != "" || src.TokenFile != ""
	app := c.AppID != 0 || c.InstallationID != 0 || c.PrivateKeyFile != ""
	switch {
	case token && app:
		check.Add("token", "and a GitHub App (app_id, installation_id, private_key_file) are both set; keep one")
		return
	case !app:
		if !token {
			check.Add("token", "is required (or token_file, or a GitHub App: app_id, installation_id and private_key_file)")
		}
		return
	}
	for _, id := range []struct {
		key string
		v   int64
	}{{"app_id", c.AppID}, {"installation_id", c.InstallationID}} {
		switch {
		case id.v == 0:
			check.Add(id.key, "is required for a GitHub App (app_id, installation_id and private_key_file go together)")
		case id.v < 0:
			check.Add(id.key, "must be positive, got %d", id.v)
		}
	}
	if c.PrivateKeyFile == "" {
		check.Add("private_key_file", "is required for a GitHub App (app_id, installation_id and private_key_file go together)")
	}
}

// ReadFiles fills PrivateKey from PrivateKeyFile, which must hold a PEM RSA
// private key (PKCS #1, as GitHub issues them, or PKCS #8).
func (c *Config) ReadFiles(files config.SourceFiles) error {
	if c.PrivateKeyFile == "" {
		return nil
	}
	data, path, err := files.Read("private_key_file", c.PrivateKeyFile)
	if err != nil {
		return err
	}
	if !isRSAPrivateKey(data) {
		return files.Errorf("private_key_file", "%s is not a PEM RSA private key", path)
	}
	c.PrivateKey = config.Secret(data)
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
