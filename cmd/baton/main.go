// Command baton watches GitHub and Jira for cross-team work that falls through
// the cracks: stalled tickets, misaligned dependencies, drifting twins.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1 // runtime failure
	exitUsage   = 2 // bad flags or configuration
)

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	root := newRootCmd()
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	var ue *usageError
	if errors.As(err, &ue) {
		fmt.Fprintln(os.Stderr, "baton:", ue.err)
		return exitUsage
	}
	var fe *failedError
	if errors.As(err, &fe) {
		return exitFailure // the command already reported the details
	}
	fmt.Fprintln(os.Stderr, "baton:", err)
	return exitFailure
}

// usageError marks bad flags, arguments or configuration (exit code 2).
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usagef(format string, a ...any) error { return &usageError{fmt.Errorf(format, a...)} }

// failedError is a runtime failure whose details were already printed.
type failedError struct{}

func (*failedError) Error() string { return "failed" }
