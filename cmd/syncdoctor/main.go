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
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := runMain(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// runMain is main without the process: tests call it with their own streams.
func runMain(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	a := &app{stdin: stdin, stdout: stdout, stderr: &lockedWriter{w: stderr}, getenv: getenv, stderrTerminal: isTerminal(stderr)}
	root := newRootCommand(a)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	if !a.started {
		err = badInput(err)
	}
	// The environment's keys are taken out as a last net: the client and
	// the journal already redact what they pass on.
	fmt.Fprintln(a.stderr, "syncdoctor: "+envSecrets(getenv).Redact(oneLine(err.Error())))
	return exitCode(err)
}
