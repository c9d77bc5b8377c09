package main

import (
	"strings"
	"testing"
)

func TestWrongArgumentsAndUnknownCommandsExitWithUsage(t *testing.T) {
	for _, args := range [][]string{
		{"nosuchcommand"},
		{"version", "extra"},
		{"findings", "extra"},
		{"config", "nosuchcommand"},
		{"config", "check", "extra"},
		{"ack", "list", "extra"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			if code := run(args); code != exitUsage {
				t.Errorf("baton %s exited %d, want %d (usage)", strings.Join(args, " "), code, exitUsage)
			}
		})
	}
}

func TestGroupingCommandsShowHelpWhenRunBare(t *testing.T) {
	for _, args := range [][]string{{}, {"config"}} {
		if code := run(args); code != exitOK {
			t.Errorf("baton %s exited %d, want %d", strings.Join(args, " "), code, exitOK)
		}
	}
}
