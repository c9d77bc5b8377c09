package githubsim

import (
	"strconv"

	"github.com/batonhq/baton/apisim/jsonappend"
)

// A board item is written by hand, member by member, as json.Marshal wrote
// the structs it was once rendered from (TestItemJSONIsWhatMarshalWrites
// keeps them as the reference): a full sync asks every item of every
// board, and their reflection, URLs and versions were a third of a page.

// itemPage is what every item of a board page is written with.
type itemPage struct {
	u      urls
	url    string // the board's
	fields []fieldJSON
	want   map[int64]bool // the fields asked for
	ms     map[*repo][]*milestoneJSON
}

// appendItem appends it's JSON, its issue is of r as content; callers hold
// s.mu.
func (s *Server) appendItem(dst []byte, pg *itemPage, it *projectItem, r *repo, is *issue) []byte {
	ms, ok := pg.ms[r]
	if !ok {
		ms = pg.u.milestones(r)
		pg.ms[r] = ms
	}
	dst = strconv.AppendInt(append(dst, `{"id":`...), it.id, 10)
	dst = strconv.AppendInt(append(dst, `,"node_id":"PVTI_`...), it.id, 10)
	dst = field(append(dst, '"'), ',', "project_url", pg.url)
	dst = s.appendIssueJSON(append(dst, `,"content":`...), pg.u, r, ms, is)
	kind := "Issue"
	if is.PullRequest {
		kind = "PullRequest"
	}
	dst = field(dst, ',', "content_type", kind)
	dst = append(append(dst, `,"creator":`...), s.fragments.user(pg.u, is.User)...)
	dst = appendTime(append(dst, `,"created_at":`...), it.created)
	dst = appendTime(append(dst, `,"updated_at":`...), it.updated)
	dst = jsonappend.String(append(dst, `,"archived_at":null,"item_url":`...), pg.url+"/items/"+strconv.FormatInt(it.id, 10))
	dst = append(dst, `,"fields":[`...)
	n := 0
	for _, f := range pg.fields {
		if !pg.want[f.ID] {
			continue
		}
		if n++; n > 1 {
			dst = append(dst, ',')
		}
		dst = strconv.AppendInt(append(dst, `{"id":`...), f.ID, 10)
		dst = field(field(dst, ',', "name", f.Name), ',', "data_type", f.DataType)
		dst = append(s.appendItemValue(append(dst, `,"value":`...), pg.u, f.ID, it, r, is), '}')
	}
	return append(dst, "]}"...)
}

// appendItemValue appends the value of the item's field id: the title as a
// map (its keys sorted), the status as its option, else null.
func (s *Server) appendItemValue(dst []byte, u urls, id int64, it *projectItem, r *repo, is *issue) []byte {
	switch {
	case id == titleFieldID:
		dst = field(dst, '{', "html", is.Title)
		dst = strconv.AppendInt(append(dst, `,"number":`...), int64(is.Number), 10)
		return append(field(field(dst, ',', "raw", is.Title), ',', "url", u.issueHTML(r, is)), '}')
	case id == statusFieldID && it.option != "":
		dst = field(dst, '{', "id", optionID(it.option))
		dst = append(field(field(append(dst, `,"name":`...), '{', "raw", it.option), ',', "html", it.option), '}')
		return append(dst, `,"color":"GRAY","description":{"raw":"","html":""}}`...)
	}
	return append(dst, "null"...)
}
