package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// runCLI runs the whole command line in-process with an empty environment.
func runCLI(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	getenv := func(k string) string { return env[k] }
	code = runMain(context.Background(), args, strings.NewReader(""), &out, &errOut, getenv)
	return code, out.String(), errOut.String()
}

func TestVersionFlag(t *testing.T) {
	t.Parallel()
	code, out, _ := runCLI(t, nil, "--version")
	if code != exitOK || !strings.HasPrefix(out, "syncdoctor ") {
		t.Fatalf("--version: code %d, output %q", code, out)
	}
}

func TestBadCommandLineExitsTwo(t *testing.T) {
	t.Parallel()
	cases := map[string][]string{
		"unknown flag":       {"--bogus"},
		"unknown subcommand": {"frobnicate"},
		"bad flag value":     {"simulate", "--accounts", "many"},
		"conflicting flags":  {"simulate", "--accounts", "5", "--snapshot", "x.json"},
		"rate out of range":  {"simulate", "--error-rate", "2"},
		"missing snapshot":   {"simulate", "--snapshot", "/nonexistent/org.json"},
	}
	for name, args := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			code, _, stderr := runCLI(t, nil, args...)
			if code != exitBadInput {
				t.Fatalf("%v: exit %d, want %d (stderr %q)", args, code, exitBadInput, stderr)
			}
			if lines := strings.Count(strings.TrimSpace(stderr), "\n"); lines != 0 || !strings.HasPrefix(stderr, "syncdoctor: ") {
				t.Fatalf("%v: want one error line, got %q", args, stderr)
			}
		})
	}
}
