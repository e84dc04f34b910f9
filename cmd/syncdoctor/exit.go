package main

import (
	"errors"
	"strings"
)

// Exit codes of contract §6.
const (
	exitOK       = 0
	exitFailed   = 1 // the org could not be read, or a step failed
	exitBadInput = 2 // a malformed flag, email, snapshot or CSV, or a missing file
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

func exitCode(err error) int {
	var in *inputError
	if errors.As(err, &in) {
		return exitBadInput
	}
	return exitFailed
}

// oneLine keeps error output to the single line the contract promises.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
