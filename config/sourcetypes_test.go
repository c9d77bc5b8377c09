package config_test

// The connectors register the source types config decodes; linking them
// into this package's tests makes github and jira known to all of them, the
// internal ones (TestBadFiles) included.
import (
	_ "github.com/batonhq/baton/connectors/github"
	_ "github.com/batonhq/baton/connectors/jira"
)
