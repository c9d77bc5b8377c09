package githubsim

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"testing"
)

// TestBoardItemsPageBothWaysByCursor walks a board of 7 items 3 a page
// forwards through the next links, then back through the prev links.
func TestBoardItemsPageBothWaysByCursor(t *testing.T) {
	s := New(Options{Tokens: []string{"t"}})
	if err := s.AddRepo("acme", "core"); err != nil {
		t.Fatal(err)
	}
	if err := s.AddProject(Project{Owner: "acme", Number: 1, Options: []string{"Todo"}}); err != nil {
		t.Fatal(err)
	}
	for range 7 {
		n, err := s.AddIssue("acme/core", Issue{Title: "x"})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SetItem(Board{Owner: "acme", Number: 1}, IssueRef{Repo: "acme/core", Number: n}, "Todo"); err != nil {
			t.Fatal(err)
		}
	}
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	page := func(u string) (numbers []int, links map[string]string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		req.Header.Set("Authorization", "Bearer t")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var items []struct {
			Content struct {
				Number int `json:"number"`
			} `json:"content"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&items); err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			numbers = append(numbers, it.Content.Number)
		}
		links = map[string]string{}
		for _, m := range regexp.MustCompile(`<([^>]+)>; rel="(\w+)"`).FindAllStringSubmatch(resp.Header.Get("Link"), -1) {
			links[m[2]] = m[1]
		}
		return numbers, links
	}
	var forward []int
	u := hs.URL + "/orgs/acme/projectsV2/1/items?per_page=3&fields[]=3"
	var last map[string]string
	for u != "" {
		ns, links := page(u)
		forward = append(forward, ns...)
		u, last = links["next"], links
	}
	if len(forward) != 7 || forward[0] != 1 || forward[6] != 7 {
		t.Fatalf("forward: %v, want 1…7", forward)
	}
	back, _ := page(last["prev"])
	if len(back) != 3 || back[0] != 4 || back[2] != 6 {
		t.Errorf("back from the last page: %v, want [4 5 6]", back)
	}
	if q, _ := url.Parse(last["prev"]); q.Query().Get("fields[]") != "3" {
		t.Errorf("the prev link %s lost fields[]", last["prev"])
	}
}
