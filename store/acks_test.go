package store

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton/model"
)

func TestAcksSurviveReopeningTheStore(t *testing.T) {
	ctx := context.Background()
	want := model.Ack{Issue: "jira:PAY-1", Rule: "priority_inversion", Until: now.Add(14 * 24 * time.Hour),
		Reason: "agreed with core", By: "tpm", Created: now, Severity: "warning", Related: []string{"github:acme/core#7"}}
	s := reopened(t, func(s *Store) {
		var err error
		if want.ID, err = s.AddAck(ctx, want); err != nil {
			t.Fatal(err)
		}
	})

	got, err := s.Acks(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]model.Ack{want}, got); diff != "" {
		t.Errorf("acks after reopening (-want +got):\n%s", diff)
	}
}

func TestAcksListsOnlyThoseExpiringAfterSince(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	for _, until := range []time.Time{now.Add(-time.Hour), now, now.Add(time.Hour)} {
		if _, err := s.AddAck(ctx, model.Ack{Issue: "jira:PAY-1", Until: until, Reason: "r", Created: now}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Acks(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || !got[0].Until.Equal(now.Add(time.Hour)) || got[0].Related != nil {
		t.Errorf("Acks(now) = %+v, want only the one expiring after now, with nil Related", got)
	}
}

func TestRemoveAckReportsWhetherThereWasOne(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	id, err := s.AddAck(ctx, model.Ack{Issue: "jira:PAY-1", Until: now.Add(time.Hour), Reason: "r", Created: now})
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := s.RemoveAck(ctx, id); !ok || err != nil {
		t.Errorf("RemoveAck(%d) = %v, %v; want true, nil", id, ok, err)
	}
	if ok, err := s.RemoveAck(ctx, id); ok || err != nil {
		t.Errorf("second RemoveAck(%d) = %v, %v; want false, nil", id, ok, err)
	}
	if got, err := s.Acks(ctx, now); len(got) != 0 || err != nil {
		t.Errorf("Acks after removal = %v, %v; want none", got, err)
	}
}
