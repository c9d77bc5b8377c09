package report

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/analysis"
	"github.com/batonhq/baton/model"
)

func TestTableShowsWhoAcknowledgedAFindingUntilWhenAndWhy(t *testing.T) {
	f := scenario(t).Findings[0]
	f.Acknowledged = &analysis.Acknowledgement{Until: time.Date(2026, 12, 18, 23, 0, 0, 0, time.UTC), Reason: "agreed\twith core", By: "tpm"}
	var b bytes.Buffer
	if err := WriteTable(&b, []analysis.Finding{f}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	if len(lines) != 4 || !strings.HasSuffix(lines[3], "✓ acknowledged by tpm until 2026-12-18: agreed with core") {
		t.Errorf("table:\n%s\nwant a fourth line with the acknowledgement", b.String())
	}
}

func TestAcksTableAndJSON(t *testing.T) {
	until := time.Date(2026, 12, 18, 23, 0, 0, 0, time.UTC)
	acks := []Ack{NewAck(model.Ack{ID: 3, Issue: "jira:PAY-3", Until: until, Reason: "parked", By: "tpm", Severity: "warning"}, analysis.AckLapsed)}
	var b bytes.Buffer
	if err := WriteAcksTable(&b, acks, time.UTC); err != nil {
		t.Fatal(err)
	}
	if want := "3   lapsed  jira:PAY-3  (all)  2026-12-18 23:00 UTC  tpm  parked"; !strings.Contains(b.String(), want) {
		t.Errorf("table:\n%s\nwant a row %q", b.String(), want)
	}
	b.Reset()
	if err := WriteAcksJSON(&b, acks); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"id": 3`, `"state": "lapsed"`, `"rule": ""`, `"related": []`, `"until": "2026-12-18T23:00:00Z"`} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("JSON %s lacks %s", b.String(), want)
		}
	}
	b.Reset()
	if err := WriteAcksJSON(&b, nil); err != nil || strings.TrimSpace(b.String()) != "[]" {
		t.Errorf("JSON of no acks = %q, %v; want []", b.String(), err)
	}
}
