package jira

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/batonhq/baton/apisim/jirasim"
	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/model"
)

// BenchmarkFullSync5k syncs 5,000 issues with three histories each from a
// simulated site and reports the requests it took.
func BenchmarkFullSync5k(b *testing.B) {
	for _, dep := range deployments {
		b.Run(dep, func(b *testing.B) {
			sim, err := jirasim.New(jirasim.Options{Deployment: dep, Email: "e@x", Token: "t", Now: simNow})
			if err != nil {
				b.Fatal(err)
			}
			for i := range 5000 {
				up := simNow.Add(-time.Duration(i) * time.Minute)
				hs := []jirasim.History{{Created: up, Items: []jirasim.Change{{Field: "status", ToString: "In Progress"}}},
					{Created: up, Items: []jirasim.Change{{Field: "labels", ToString: "x"}}}, {Created: up, Items: []jirasim.Change{{Field: "summary", ToString: "y"}}}}
				if _, err := sim.AddIssue(jirasim.Issue{Key: fmt.Sprintf("PAY-%d", i+1), Summary: "s", Status: "In Progress", Created: up, Updated: up, Histories: hs}); err != nil {
					b.Fatal(err)
				}
			}
			srv := httptest.NewServer(sim)
			b.Cleanup(srv.Close)
			src, err := New(config.Source{Name: "j", Type: "jira", URL: srv.URL, Token: "t", Parallel: 4,
				Settings: &Config{Email: "e@x", Deployment: dep, JQL: "project = PAY"}}, Options{})
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for range b.N {
				sim.ResetRequests()
				n := 0
				err := src.Sync(context.Background(), nil, func(_ context.Context, bt model.Batch) error { n += len(bt.Issues); return nil })
				if err != nil || n != 5000 {
					b.Fatalf("synced %d issues: %v", n, err)
				}
				total := 0
				for _, c := range sim.Requests() {
					total += c
				}
				b.ReportMetric(float64(total), "requests")
			}
		})
	}
}
