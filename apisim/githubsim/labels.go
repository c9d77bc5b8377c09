package githubsim

import (
	"encoding/json"
	"fmt"
	"slices"
)

// RenameLabel renames repo's label from to to, as PATCH
// /repos/{owner}/{repo}/labels/{name} with new_name does: every issue
// carrying it carries the new name, with no issues event and no event in
// its timeline, and one label event (edited, with changes.name.from) is
// delivered.
func (s *Server) RenameLabel(repo, from, to string) error {
	if to == "" || to == from {
		return fmt.Errorf("renaming label %q of %s: new name %q", from, repo, to)
	}
	return s.relabel(repo, from, to)
}

// DeleteLabel deletes repo's label name, as DELETE
// /repos/{owner}/{repo}/labels/{name} does: it leaves every issue carrying
// it, with no issues event, and one label event (deleted) is delivered.
func (s *Server) DeleteLabel(repo, name string) error {
	return s.relabel(repo, name, "")
}

// relabel renames label name of repo to to on every live issue carrying it,
// or takes it off them when to is "", then delivers the label event. The
// issues' updated_at are left alone: the label changed, not the issue, so a
// listing since a cursor does not return them.
func (s *Server) relabel(repoName, name, to string) error {
	doing := "deleting"
	if to != "" {
		doing = "renaming"
	}
	err := s.editRepo(repoName, doing+" label "+name+" of", func(r *repo) error {
		found := false
		for _, is := range r.issues {
			i := slices.Index(is.Labels, name)
			if i < 0 || is.deleted || is.movedTo.Repo != "" {
				continue
			}
			found = true
			if to == "" || slices.Contains(is.Labels, to) {
				is.Labels = slices.Delete(is.Labels, i, i+1)
			} else {
				is.Labels[i] = to
			}
		}
		if !found {
			return fmt.Errorf("no such label: no issue carries it")
		}
		r.changed()
		return nil
	})
	if err != nil {
		return err
	}
	s.notifyLabel(repoName, name, to)
	return nil
}

// notifyLabel delivers the label event of repo's label name renamed to to
// (action edited, changes.name.from) or deleted (to is ""), shaped as in
// "Webhook events and payloads"
// (https://docs.github.com/en/webhooks/webhook-events-and-payloads#label):
// action, label, repository and sender.
func (s *Server) notifyLabel(repoName, name, to string) {
	s.deliver("label", func(target Webhook) ([]byte, error) { return s.labelPayload(target, repoName, name, to) })
}

// labelPayload renders the label event notifyLabel delivers.
func (s *Server) labelPayload(target Webhook, repoName, name, to string) ([]byte, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	u := urls{api: target.APIBase, html: s.opts.HTMLBase}
	r, err := s.repo(repoName)
	if err != nil {
		return nil, err
	}
	p := map[string]any{"action": "deleted", "label": u.label(r, name), "repository": u.repo(r), "sender": u.user("octocat")}
	if to != "" {
		p["action"], p["label"] = "edited", u.label(r, to)
		p["changes"] = map[string]any{"name": map[string]string{"from": name}}
	}
	return json.Marshal(p)
}
