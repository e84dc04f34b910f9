package main

import (
	"context"
	"errors"
	"strings"

	"github.com/syncdoctor/syncdoctor/steps/safetext"
)

// Exit codes of contract §6.
const (
	exitOK          = 0
	exitFailed      = 1   // the org could not be read, or a step failed
	exitBadInput    = 2   // a malformed flag, email, snapshot or CSV, or a missing file
	exitWaiting     = 3   // stopped for a person: an idp, console or handoff step
	exitInterrupted = 130 // Ctrl-C: the journal says where the run stopped
)

// inputError marks bad input: it exits 2 and changes nothing.
type inputError struct{ err error }

func (e *inputError) Error() string { return e.err.Error() }
func (e *inputError) Unwrap() error { return e.err }

func badInput(err error) error {
	if err == nil {
		return nil
	}
	return &inputError{err: err}
}

// waitingError is a run that stopped for a person (exit 3): what to do is
// in the output, and resume goes on once it is done.
type waitingError struct{ msg string }

func (e *waitingError) Error() string { return e.msg }

// interruptedError is a run stopped by Ctrl-C (exit 130).
type interruptedError struct{ err error }

func (e *interruptedError) Error() string { return e.err.Error() }
func (e *interruptedError) Unwrap() error { return e.err }

func exitCode(err error) int {
	var (
		in *inputError
		wa *waitingError
		ir *interruptedError
	)
	switch {
	case errors.As(err, &in):
		return exitBadInput
	case errors.As(err, &wa):
		return exitWaiting
	case errors.As(err, &ir), errors.Is(err, context.Canceled):
		return exitInterrupted
	}
	return exitFailed
}

// oneLine keeps error output to the single line the contract promises.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// maxErrorRunes bounds the error line: an error quoting input (a target
// list's cell, a pasted error, a server's answer) should cut it itself;
// this is the net under any that does not.
const maxErrorRunes = 1000

// errorLine is err as the one line stderr gets: the environment's keys
// taken out (a last net: the client and the journal already redact what
// they pass on), then cut to at most maxErrorRunes. Redacted before it is
// cut, so no key is cut to a part no longer recognised. The stream's guard
// cleans anything a terminal obeys.
func errorLine(err error, getenv func(string) string) string {
	return safetext.Cut(envSecrets(getenv).Redact(oneLine(err.Error())), maxErrorRunes)
}
