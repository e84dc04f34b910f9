package main

import (
	"io"

	"github.com/spf13/cobra"
	"github.com/syncdoctor/syncdoctor/client"
)

// app carries the process's streams and environment to every subcommand,
// so that tests can run the whole CLI in-process.
type app struct {
	stdin io.Reader
	// stdout and stderr are guarded (safetext.Writer): every command but
	// the wizard writes there.
	stdout, stderr io.Writer
	// terminal is the process's own stdout, for the wizard alone.
	terminal io.Writer
	getenv   func(string) string
	// started is set once a command's own code runs: an error before that
	// came from parsing the command line, so it is bad input (exit 2).
	started bool
	// debug is --debug: log every API call to stderr (see debugOn).
	debug bool
	// wizard: the wizard owns the terminal, so nothing is printed beside it.
	wizard bool
	// waits carries the client's waits to the wizard's status line.
	waits chan client.Wait
	// stderrTerminal: stderr is a terminal (the wizard then refuses --debug).
	stderrTerminal bool
}

func newRootCommand(a *app) *cobra.Command {
	var wiz wizardFlags
	root := &cobra.Command{
		Use:   "syncdoctor",
		Short: "Diagnose and fix Atlassian accounts whose email will not update through SCIM provisioning",
		Long: `syncdoctor walks an operator through one user whose Atlassian Cloud account email
will not update through SCIM provisioning (a 409 "uniqueness" error in the IdP, or a
second account created instead of the first updated): it finds the account, classifies
the situation, shows the plan, and carries out each step with confirmation, keeping a
journal of every change.

Run with no command, it opens the interactive wizard. Without API keys in the
environment it works on an embedded simulated demo org.`,
		Version:       versionString(),
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
		PersistentPreRun: func(*cobra.Command, []string) {
			a.started = true
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runWizard(cmd.Context(), a, wiz)
		},
	}
	wiz.register(root)
	root.PersistentFlags().BoolVar(&a.debug, "debug", false,
		"log every API call (method, path, status, duration, attempt) to stderr, keys redacted; also "+EnvDebug+"=1")
	root.SetIn(a.stdin)
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	root.SetVersionTemplate("{{.Version}}\n")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return badInput(err) })
	root.AddCommand(newDiagnoseCommand(a), newFixCommand(a), newResumeCommand(a), newJournalCommand(a),
		newPlanCommand(a), newBulkCommand(a), newSimulateCommand(a), newCacheCommand(a), newDocsCommand())
	return root
}
