package jira

import (
	"reflect"

	jira "github.com/andygrunwald/go-jira"
)

// Search pages decode the object fields of an issue as lean types of only
// what convert reads of them, and copy those into go-jira's types: as
// go-jira's own, every status, priority and user was decoded with all its
// URLs, ids and descriptions, each a string allocated to be dropped. What a
// lean type leaves out is skipped unread, so a value of the wrong type there
// (a status id as a number) no longer fails the page; one that convert
// reads still fails it, with the field's path in the error.

// leanType is how a field of jira.IssueFields is decoded: as typ, copied
// into the issue's fields by copy.
type leanType struct {
	typ  reflect.Type
	copy leanCopy
}

// leanCopy copies the decoded lean value v (addressable) into f.
type leanCopy func(f *jira.IssueFields, v reflect.Value)

// leanField is the leanType decoding as L, which set copies.
func leanField[L any](set func(f *jira.IssueFields, v *L)) leanType {
	return leanType{typ: reflect.TypeFor[L](), copy: func(f *jira.IssueFields, v reflect.Value) {
		set(f, v.Addr().Interface().(*L))
	}}
}

// leanFields are the fields decoded as lean types, by JSON name.
var leanFields = map[string]leanType{
	"issuelinks": leanField(func(f *jira.IssueFields, v *[]*pageLink) { f.IssueLinks = issueLinks(*v) }),
	"comment":    leanField(func(f *jira.IssueFields, v **pageComments) { f.Comments = (*v).comments() }),
	"status":     leanField(func(f *jira.IssueFields, v **pageStatus) { f.Status = (*v).status() }),
	"assignee":   leanField(func(f *jira.IssueFields, v **pageUser) { f.Assignee = (*v).user() }),
	"priority": leanField(func(f *jira.IssueFields, v **named) {
		if *v != nil {
			f.Priority = &jira.Priority{Name: (*v).Name}
		}
	}),
	"resolution": leanField(func(f *jira.IssueFields, v **named) {
		if *v != nil {
			f.Resolution = &jira.Resolution{Name: (*v).Name}
		}
	}),
	"components":     leanField(func(f *jira.IssueFields, v *[]*named) { f.Components = components(*v) }),
	"created":        leanField(func(f *jira.IssueFields, v *pageTime) { f.Created = jira.Time(*v) }),
	"updated":        leanField(func(f *jira.IssueFields, v *pageTime) { f.Updated = jira.Time(*v) }),
	"resolutiondate": leanField(func(f *jira.IssueFields, v *pageTime) { f.Resolutiondate = jira.Time(*v) }),
}

// named is a priority, resolution or component: convert reads its name.
type named struct {
	Name string `json:"name"`
}

// components returns cs as go-jira's components, a null among them kept as nil.
func components(cs []*named) []*jira.Component {
	if cs == nil {
		return nil
	}
	out := make([]*jira.Component, len(cs))
	for i, c := range cs {
		if c != nil {
			out[i] = &jira.Component{Name: c.Name}
		}
	}
	return out
}

// pageStatus is a status as convert reads it: its name and its category.
type pageStatus struct {
	Name           string `json:"name"`
	StatusCategory struct {
		Key string `json:"key"`
	} `json:"statusCategory"`
}

func (s *pageStatus) status() *jira.Status {
	if s == nil {
		return nil
	}
	return &jira.Status{Name: s.Name, StatusCategory: jira.StatusCategory{Key: s.StatusCategory.Key}}
}

// pageUser is a user as convert names an assignee.
type pageUser struct {
	AccountID    string `json:"accountId"`
	Name         string `json:"name"`
	EmailAddress string `json:"emailAddress"`
	DisplayName  string `json:"displayName"`
}

func (u *pageUser) user() *jira.User {
	if u == nil {
		return nil
	}
	return &jira.User{AccountID: u.AccountID, Name: u.Name, EmailAddress: u.EmailAddress, DisplayName: u.DisplayName}
}

// pageTime is a jira.Time read by readJiraTime where it can, else by
// go-jira's UnmarshalJSON, which parses every time with a quoted layout
// through time.Parse's generic parser. Only the instant is kept the same:
// convert reads nothing else (go-jira's is in the local or a fixed zone,
// this one in UTC).
type pageTime jira.Time

func (t *pageTime) UnmarshalJSON(b []byte) error {
	if n := len(b); n > 2 && b[0] == '"' && b[n-1] == '"' {
		if at, ok := readJiraTime(string(b[1 : n-1])); ok {
			*t = pageTime(at)
			return nil
		}
	}
	return (*jira.Time)(t).UnmarshalJSON(b)
}

// pageLink is an issue link as convert reads it: its type and the keys of
// its ends. As jira.IssueLink, each end would be a jira.Issue whose fields
// go-jira decodes twice (IssueFields.UnmarshalJSON), which took 0.26 of the
// 0.60 CPU seconds of decoding the search pages of a simulated organisation.
type pageLink struct {
	Type         jira.IssueLinkType `json:"type"`
	OutwardIssue *linkEnd           `json:"outwardIssue"`
	InwardIssue  *linkEnd           `json:"inwardIssue"`
}

// linkEnd is the issue at one end of a pageLink: convert reads its key.
type linkEnd struct {
	Key string `json:"key"`
}

func (e *linkEnd) issue() *jira.Issue {
	if e == nil {
		return nil
	}
	return &jira.Issue{Key: e.Key}
}

// issueLinks returns ls as go-jira's links, a null among them kept as nil.
func issueLinks(ls []*pageLink) []*jira.IssueLink {
	if ls == nil {
		return nil
	}
	out := make([]*jira.IssueLink, len(ls))
	for i, l := range ls {
		if l != nil {
			out[i] = &jira.IssueLink{Type: l.Type, OutwardIssue: l.OutwardIssue.issue(), InwardIssue: l.InwardIssue.issue()}
		}
	}
	return out
}

// pageComments are an issue's comments as activity reads them: when each
// was made. As jira.Comments, each comment's author and its last editor
// were decoded as go-jira's User (with the avatars' URLs), and its body,
// for one time.
type pageComments struct {
	Comments []*struct {
		Created string `json:"created"`
	} `json:"comments"`
}

// comments returns c as go-jira's comments, a null among them kept as nil.
func (c *pageComments) comments() *jira.Comments {
	if c == nil {
		return nil
	}
	out := &jira.Comments{}
	if c.Comments == nil {
		return out
	}
	out.Comments = make([]*jira.Comment, len(c.Comments))
	made := make([]jira.Comment, len(c.Comments))
	for i, x := range c.Comments {
		if x != nil {
			made[i].Created = x.Created
			out.Comments[i] = &made[i]
		}
	}
	return out
}
