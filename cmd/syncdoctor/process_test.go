package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// asCLI is the environment variable that makes the test binary act as the
// syncdoctor binary: tests start it as a real process (to kill it), with the
// command line in cliArgs as a JSON array.
const (
	asCLI   = "SYNCDOCTOR_TEST_AS_CLI"
	cliArgs = "SYNCDOCTOR_TEST_ARGS"
)

func TestMain(m *testing.M) {
	if os.Getenv(asCLI) == "1" {
		var args []string
		if err := json.Unmarshal([]byte(os.Getenv(cliArgs)), &args); err != nil {
			os.Stderr.WriteString("bad " + cliArgs + ": " + err.Error() + "\n")
			os.Exit(exitBadInput)
		}
		ctx, stop := signalContext() // as main: a test may send SIGTERM
		code := runMain(ctx, args, os.Stdin, os.Stdout, os.Stderr, os.Getenv)
		stop()
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// cliEnv is the environment of a syncdoctor process: this test binary as the
// CLI, plus the given variables.
func cliEnv(args []string, vars ...string) []string {
	data, _ := json.Marshal(args)
	env := []string{asCLI + "=1", cliArgs + "=" + string(data)}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "ATLASSIAN_") && !strings.HasPrefix(kv, "SYNCDOCTOR_") {
			env = append(env, kv)
		}
	}
	return append(env, vars...)
}
