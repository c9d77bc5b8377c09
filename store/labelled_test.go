package store

import (
	"slices"
	"testing"
	"time"

	"github.com/batonhq/baton/model"
)

func TestLabelledFindsTheIssuesOfOneRepositoryCarryingTheLabel(t *testing.T) {
	st := openTestStore(t)
	at := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	issue := func(key string, labels ...string) model.Issue {
		return model.Issue{Key: key, Source: "gh", System: model.GitHub, Title: key, Status: model.StatusTodo, Updated: at, Labels: labels}
	}
	b := model.Batch{Source: "gh", Issues: []model.Issue{
		issue("github:acme/core#1", "blocked", "p1"),
		issue("github:acme/core#2", "p1"),
		issue("github:acme/core#3", "blocked-ish"),
		issue("github:acme/core2#4", "blocked"),
	}}
	if _, err := st.ApplyBatch(t.Context(), b); err != nil {
		t.Fatal(err)
	}
	got, err := st.Labelled(t.Context(), "gh", "github:acme/core#", "blocked")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"github:acme/core#1"}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}
