package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton/model"
)

// endsAtErr is a context that ends when its Err is asked for the nth time:
// ApplyBatch asks once before each issue, so it ends between two issues of
// a batch, in the middle of the transaction.
type endsAtErr struct {
	context.Context
	cancel func()
	n      *int
}

func (c endsAtErr) Err() error {
	if *c.n--; *c.n == 0 {
		c.cancel()
	}
	return c.Context.Err()
}

// failedBatchThenNext applies a batch that fails with wantErr on the store's
// write connection, checks it left nothing, and then that the next batch on
// that connection commits.
func failedBatchThenNext(t *testing.T, s *Store, ctx context.Context, issues []model.Issue, wantErr error) {
	t.Helper()
	apply(t, s, model.Batch{Source: "jira", Issues: []model.Issue{fullIssue("jira:PAY-1", now)},
		Cursors: map[string]string{"PAY": "c1"}})
	before := dump(t, s)
	_, err := s.ApplyBatch(ctx, model.Batch{Source: "jira", Issues: issues, Cursors: map[string]string{"PAY": "c2"}})
	if err == nil || !strings.Contains(err.Error(), wantErr.Error()) {
		t.Fatalf("ApplyBatch error = %v, want one containing %q", err, wantErr)
	}
	if diff := cmp.Diff(before, dump(t, s)); diff != "" {
		t.Errorf("failed batch left changes (-before +after):\n%s", diff)
	}
	next := fullIssue("jira:PAY-9", now)
	if n := apply(t, s, model.Batch{Source: "jira", Issues: []model.Issue{next}}); n.Upserted != 1 {
		t.Errorf("next batch Upserted = %d, want 1", n.Upserted)
	}
	if got, ok := storedIssue(t, s, next.Key); !ok || len(got.Links) != len(next.Links) {
		t.Errorf("after the next batch %s is stored %v with %d links, want true with %d", next.Key, ok, len(got.Links), len(next.Links))
	}
}

func TestApplyBatchWhoseContextEndsBetweenIssuesLeavesNothingAndTheNextBatchCommits(t *testing.T) {
	issues := []model.Issue{fullIssue("jira:PAY-1", now.Add(time.Second)), fullIssue("jira:PAY-2", now), fullIssue("jira:PAY-3", now)}
	for n := 1; n <= len(issues); n++ {
		t.Run(fmt.Sprint("before issue ", n), func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			left := n
			failedBatchThenNext(t, openTestStore(t), endsAtErr{ctx, cancel, &left}, issues, context.Canceled)
		})
	}
}

func TestApplyBatchFailingInSQLiteMidBatchLeavesNothingAndTheNextBatchCommits(t *testing.T) {
	s := openTestStore(t)
	if _, err := s.db.Exec(`CREATE TRIGGER refuse BEFORE INSERT ON links WHEN NEW.raw_type = 'refused'
		BEGIN SELECT RAISE(ABORT, 'link refused'); END`); err != nil {
		t.Fatal(err)
	}
	refused := fullIssue("jira:PAY-3", now)
	refused.Links[1].RawType = "refused"
	issues := []model.Issue{fullIssue("jira:PAY-1", now.Add(time.Second)), fullIssue("jira:PAY-2", now), refused}
	failedBatchThenNext(t, s, context.Background(), issues, errors.New("inserting link 1: constraint failed: link refused"))
}

// TestApplyBatchAfterItsConnectionWasClosedOpensAnother: a panic on the
// write connection (the sync engine recovers a commit's) makes database/sql
// close it; the batches after it open another instead of failing for the
// store's life, and the store closes without an error (openTestStore's
// cleanup) with its write connection closed so.
func TestApplyBatchAfterItsConnectionWasClosedOpensAnother(t *testing.T) {
	s := openTestStore(t)
	panicOnWriter := func() {
		defer func() { _ = recover() }()
		s.writer.conn.Raw(func(any) error { panic("in a batch") })
	}
	apply(t, s, model.Batch{Source: "jira", Issues: []model.Issue{fullIssue("jira:PAY-1", now)}})
	panicOnWriter()
	t.Cleanup(panicOnWriter) // runs before the store closes
	next := fullIssue("jira:PAY-2", now)
	if n := apply(t, s, model.Batch{Source: "jira", Issues: []model.Issue{next}}); n.Upserted != 1 {
		t.Errorf("next batch Upserted = %d, want 1", n.Upserted)
	}
	if _, ok := storedIssue(t, s, next.Key); !ok {
		t.Errorf("%s not stored after the batch following the closed connection", next.Key)
	}
}
