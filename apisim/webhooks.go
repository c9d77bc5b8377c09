package apisim

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/batonhq/baton/apisim/githubsim"
	"github.com/batonhq/baton/apisim/jirasim"
)

// WebhookTarget is baton's webhook listener as the simulators see it: its
// base URL (http://127.0.0.1:9465) and the secret both sources share.
type WebhookTarget struct {
	URL, Secret string
}

// DeliverWebhooks makes the simulators, served at githubURL and jiraURL,
// deliver their mutations' webhooks to t, for the config's sources
// "github" and "jira"; ConfigYAML then turns webhooks on. A zero t does
// nothing.
func (o *Org) DeliverWebhooks(t WebhookTarget, githubURL, jiraURL string) error {
	if t.URL == "" {
		return nil
	}
	u, err := url.Parse(t.URL)
	if err != nil || u.Host == "" || t.Secret == "" {
		return fmt.Errorf("webhooks: want a base URL like http://127.0.0.1:9465 and a secret, got %q", t.URL)
	}
	base := strings.TrimSuffix(t.URL, "/") + "/hooks/"
	o.GitHub.SetWebhook(githubsim.Webhook{URL: base + "github/github", Secret: t.Secret, APIBase: strings.TrimSuffix(githubURL, "/")})
	o.Jira.SetWebhook(jirasim.Webhook{URL: base + "jira/jira", Secret: t.Secret, APIBase: jiraURL})
	o.webhooks = t
	o.webhookListen = u.Host
	return nil
}
