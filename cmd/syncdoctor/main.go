// Command syncdoctor diagnoses and fixes Atlassian Cloud accounts whose email
// will not update through SCIM provisioning, and plans bulk email changes.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/syncdoctor/syncdoctor/steps/safetext"
)

func main() {
	ctx, stop := signalContext()
	code := runMain(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// signalContext is done on Ctrl-C or SIGTERM: every command then stops
// where it is safe to, and says so.
func signalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

// runMain is main without the process: tests call it with their own streams.
//
// Every command writes through safetext.Writer, the last guard: whatever
// org data a printer forgot to clean, no control character, escape
// sequence or bidi override of it reaches the terminal. Only the wizard,
// which draws the screen with escape sequences of its own, gets the raw
// stream (and cleans org data itself, as search.DisplayText does).
func runMain(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	// The lock keeps slog's lines (--debug, from the client's goroutines)
	// and the commands' own whole; the guard sits under it, as it keeps
	// state between writes.
	guardedErr := &lockedWriter{w: safetext.NewWriter(stderr)}
	a := &app{stdin: stdin, stdout: safetext.NewWriter(stdout), stderr: guardedErr, terminal: stdout, getenv: getenv, stderrTerminal: isTerminal(stderr)}
	root := newRootCommand(a)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	if !a.started {
		err = badInput(err)
	}
	fmt.Fprintln(guardedErr, "syncdoctor: "+errorLine(err, getenv))
	return exitCode(err)
}
