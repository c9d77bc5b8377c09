package rollup

import (
	"context"
	"sync"
	"time"

	"github.com/batonhq/baton/analysis"
	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/model"
)

// now is a Thursday in ISO week 2026-W48.
var now = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)

func day(month time.Month, d int) time.Time { return time.Date(2026, month, d, 10, 0, 0, 0, time.UTC) }

// snapshot is a fixed analysis of three teams: payments waits on core, core
// waits on payments, search has nothing going on.
func snapshot() *analysis.Report {
	issues := []model.Issue{
		{Key: "github:acme/core#12", URL: "https://github.com/acme/core/issues/12", Title: "Currency table API", Team: "core",
			Status: model.StatusTodo, Priority: 3},
		{Key: "github:acme/core#15", URL: "https://github.com/acme/core/issues/15", Title: "Rate limiter", Team: "core",
			Status: model.StatusInProgress, Assignees: []string{"dave"}, StatusChanged: day(11, 25)},
		{Key: "github:acme/core#20", URL: "https://github.com/acme/core/issues/20", Title: "Ledger export", Team: "core",
			Status: model.StatusTodo, Assignees: []string{"erin"}},
		{Key: "jira:PAY-1", URL: "https://jira.example.com/browse/PAY-1", Title: "Refund flow for partial captures", Team: "payments",
			Status: model.StatusDone, Resolution: model.ResolutionCompleted, Assignees: []string{"alice"}, Closed: day(11, 24)},
		{Key: "jira:PAY-2", URL: "https://jira.example.com/browse/PAY-2", Title: "Retry webhooks with backoff", Team: "payments",
			Status: model.StatusInProgress, Assignees: []string{"bob"}, StatusChanged: day(11, 23)},
		{Key: "jira:PAY-3", URL: "https://jira.example.com/browse/PAY-3", Title: "Settle in EUR & GBP", Team: "payments",
			Status: model.StatusBlocked, Priority: 1, Assignees: []string{"carol", "alice"}, StatusChanged: day(11, 10)},
		{Key: "jira:PAY-4", URL: "https://jira.example.com/browse/PAY-4", Title: "Drop the <b>legacy</b> gateway", Team: "payments",
			Status: model.StatusTodo},
		{Key: "jira:PAY-5", URL: "https://jira.example.com/browse/PAY-5", Title: "Closed long ago", Team: "payments",
			Status: model.StatusDone, Closed: day(11, 10)},
	}
	edges := []analysis.Edge{
		{From: "github:acme/core#12", To: "jira:PAY-3", FromTeam: "core", ToTeam: "payments", Origins: []model.Origin{model.OriginJiraLink}, Open: true},
		{From: "jira:PAY-1", To: "jira:PAY-3", FromTeam: "payments", ToTeam: "payments", Origins: []model.Origin{model.OriginJiraLink}},
		{From: "jira:PAY-2", To: "github:acme/core#20", FromTeam: "payments", ToTeam: "core", Origins: []model.Origin{model.OriginTextReference}, Open: true},
	}
	findings := []analysis.Finding{
		{Kind: analysis.KindMisaligned, Rule: analysis.RulePriorityInversion, Issue: "jira:PAY-3", Team: "payments",
			Related: []string{"github:acme/core#12"}, RelatedTeams: []string{"core"}, Severity: analysis.SeverityCritical, Since: day(11, 10),
			Summary: "PAY-3 (P1) waits on acme/core#12 (P3)", NextStep: "core: raise acme/core#12 to P1 or agree a date with payments"},
		{Kind: analysis.KindStalled, Rule: analysis.RuleIdle, Issue: "github:acme/core#12", Team: "core",
			Severity: analysis.SeverityWarning, Since: day(11, 1), Summary: "no activity for 25d",
			NextStep: "core: assign an owner to acme/core#12"},
		{Kind: analysis.KindStalled, Rule: analysis.RuleUnowned, Issue: "github:acme/core#12", Team: "core",
			Related: []string{"jira:PAY-3"}, RelatedTeams: []string{"payments"}, Severity: analysis.SeverityWarning, Since: day(11, 1),
			Summary: "blocks PAY-3 and has no assignee", NextStep: "core: assign an owner to acme/core#12"},
		{Kind: analysis.KindStalled, Rule: analysis.RuleBlockedByStalled, Issue: "jira:PAY-3", Team: "payments",
			Related: []string{"github:acme/core#12"}, RelatedTeams: []string{"core"}, Severity: analysis.SeverityWarning, Since: day(11, 10),
			Summary: "waits on acme/core#12, idle for 25d", NextStep: "payments: escalate acme/core#12 with core"},
		{Kind: analysis.KindStalled, Rule: analysis.RuleIdle, Issue: "jira:PAY-4", Team: "payments",
			Severity: analysis.SeverityInfo, Since: day(10, 20), Summary: "no activity for 37d",
			NextStep: "payments: close PAY-4 or plan it"},
		{Kind: analysis.KindStalled, Rule: analysis.RuleUnowned, Issue: "jira:PAY-4", Team: "payments",
			Severity: analysis.SeverityInfo, Since: day(10, 20), Summary: "no assignee",
			NextStep: "payments: close PAY-4 or plan it"},
	}
	return &analysis.Report{Now: now, Teams: []string{"payments", "core", "search"}, Issues: issues, Edges: edges, Findings: findings}
}

// testConfig has three teams, two with recipients, and an org recipient.
func testConfig() *config.Config {
	team := func(name string, email ...string) config.Team {
		return config.Team{Team: model.Team{Name: name}, Email: email}
	}
	return &config.Config{
		Timezone: "UTC",
		Teams:    []config.Team{team("payments", "payments@example.com"), team("core", "core-lead@example.com", "core@example.com"), team("search")},
		Rollup: config.Rollup{
			Schedule: "0 9 * * MON",
			To:       []string{"program@example.com"},
			SMTP:     config.SMTP{From: "baton@example.com", TLS: TLSNone},
		},
	}
}

// memLedger is an in-memory Ledger.
type memLedger struct {
	mu      sync.Mutex
	sent    map[string]time.Time // "group channel week"
	refused map[string]string
	stats   map[string][]byte
}

func newMemLedger() *memLedger {
	return &memLedger{sent: map[string]time.Time{}, refused: map[string]string{}, stats: map[string][]byte{}}
}

func (l *memLedger) RollupDone(_ context.Context, group, channel, week string) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	key := group + " " + channel + " " + week
	_, sent := l.sent[key]
	_, refused := l.refused[key]
	return sent || refused, nil
}

func (l *memLedger) MarkRollupSent(_ context.Context, group, channel, week string, at time.Time) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sent[group+" "+channel+" "+week] = at
	return nil
}

func (l *memLedger) MarkRollupRefused(_ context.Context, group, channel, week string, _ time.Time, reason string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.refused[group+" "+channel+" "+week] = reason
	return nil
}

func (l *memLedger) SaveWeekStats(_ context.Context, group, week string, data []byte) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.stats[group+" "+week] = data
	return nil
}

func (l *memLedger) WeekStats(_ context.Context, group, week string) ([]byte, bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	data, ok := l.stats[group+" "+week]
	return data, ok, nil
}
