package jira

import (
	"strings"

	"github.com/batonhq/baton/config"
)

// Config is a jira source's own keys, written beside name, type, url and
// the others in the source's mapping.
type Config struct {
	Deployment string `yaml:"deployment"` // cloud | server (Data Center); default cloud
	Email      string `yaml:"email"`      // cloud: the account the API token belongs to
	// Username makes a server source log in with basic auth, username and
	// token (a password, or a token the site accepts as one), for sites
	// that disabled personal access tokens; without it the token is a PAT.
	Username string `yaml:"username"`
	JQL      string `yaml:"jql"`
}

func init() {
	config.RegisterSourceType("jira", func() config.SourceConfig { return &Config{} })
}

const defaultDeployment = "cloud"

// Defaults sets deployment to cloud when the file leaves it out.
func (c *Config) Defaults(*config.Source, func(string) bool) {
	if c.Deployment == "" {
		c.Deployment = defaultDeployment
	}
}

// Validate checks url, jql, the token and the email the deployment needs.
func (c *Config) Validate(src *config.Source, check *config.SourceCheck) {
	if src.URL == "" {
		check.Add("url", "is required for jira sources")
	} else {
		check.URL()
	}
	if c.JQL == "" {
		check.Add("jql", "is required for jira sources")
	} else if strings.Contains(strings.ToUpper(c.JQL), "ORDER BY") {
		check.Add("jql", "must not have an ORDER BY: baton orders by updated and key to page safely")
	}
	check.OtherTypesKeys()
	if src.Token == "" && src.TokenFile == "" {
		check.Add("token", "is required (or token_file)")
	}
	switch c.Deployment {
	case "cloud":
		if c.Email == "" {
			check.Add("email", "is required for Jira Cloud (the account the API token belongs to)")
		} else {
			check.Email("email", c.Email)
		}
		if c.Username != "" {
			check.Add("username", "applies only to deployment: server (Jira Cloud logs in with email and an API token)")
		}
	case "server":
		if c.Email != "" {
			check.Add("email", "applies only to deployment: cloud (Jira Server and Data Center use a personal access token, or username and token)")
		}
		if strings.Contains(c.Username, ":") {
			check.Add("username", "must not contain a colon (basic auth cannot carry one)")
		}
	default:
		check.Add("deployment", "%q is not cloud or server", c.Deployment)
	}
}
