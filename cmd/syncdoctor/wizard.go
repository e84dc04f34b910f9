package main

import (
	"context"
	"errors"
	"os"
	"strings"
	"time"

	"github.com/syncdoctor/syncdoctor/steps/journal"
	"github.com/syncdoctor/syncdoctor/steps/run"
	"github.com/syncdoctor/syncdoctor/steps/search"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/syncdoctor/syncdoctor/client"
	"github.com/syncdoctor/syncdoctor/tui"
)

// wizardFlags are the root command's own flags: `syncdoctor` with no
// subcommand opens the wizard.
type wizardFlags struct {
	snapshot   string
	journal    string
	accessible bool
	noCache    bool
}

func (f *wizardFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.snapshot, "snapshot", "", "the wizard works on a simulated org loaded from this snapshot file")
	fl.StringVar(&f.journal, "journal", "", "the journal file (default: in your state directory)")
	fl.BoolVar(&f.accessible, "accessible", false, "plain prompts a screen reader can follow (also SYNCDOCTOR_ACCESSIBLE=1)")
	fl.BoolVar(&f.noCache, "no-cache", false, "neither read nor save the live org's accounts in the cache folder (the warm start)")
}

// runWizard opens the org first, so that a bad snapshot or environment is
// bad input (exit 2) before the screen is taken over, then runs the wizard.
func runWizard(ctx context.Context, a *app, f wizardFlags) error {
	if !isTerminal(a.stdin) || !isTerminal(a.terminal) {
		return badInput(errors.New("the wizard needs a terminal; see syncdoctor --help for the commands that do not"))
	}
	if a.debugOn() && a.stderrTerminal {
		// The log lines would land on the wizard's screen.
		return badInput(errors.New("--debug logs to stderr, which is the wizard's screen: send it elsewhere, e.g. syncdoctor --debug 2>debug.log"))
	}
	a.wizard = true
	a.waits = make(chan client.Wait, 16) // the screen's status line tells them
	journalPath, err := journalPathOrDefault(f.journal)
	if err != nil {
		return err
	}
	// The session's simulated org keeps its state beside the journal, so a
	// run the wizard starts on it can be resumed on the org as it was left.
	session, err := openOrgWith(ctx, a, f.snapshot, orgStatePath(journalPath, run.NewRunID()))
	if err != nil {
		return err
	}
	defer session.Close()
	deps := tui.Deps{
		Open: func(ctx context.Context, h *journal.RunHeader) (*run.Org, error) {
			if h == nil {
				org := *session
				org.Close = func() {} // closed here, once the wizard has ended
				return &org, nil
			}
			return openOrgForResume(ctx, a, *h)
		},
		JournalPath: journalPath,
		Version:     strings.TrimPrefix(versionString(), "syncdoctor "),
		Accessible:  f.accessible || a.getenv("SYNCDOCTOR_ACCESSIBLE") == "1",
		Now:         time.Now,
		Waits:       a.waits,
	}
	if !f.noCache {
		deps.CacheDir, _ = search.DefaultCacheDir() // none found: no warm start
	}
	p := tea.NewProgram(tui.New(deps), tea.WithContext(ctx), tea.WithInput(a.stdin), tea.WithOutput(a.terminal))
	final, err := p.Run()
	if m, ok := final.(tui.Model); ok {
		m.Close()
	}
	dropUnusedState(journalPath, session.StatePath)
	if errors.Is(err, tea.ErrProgramKilled) {
		return errors.New("interrupted; a fix left unfinished goes on with: syncdoctor resume")
	}
	return err
}

// dropUnusedState removes the session's simulated org state file when no
// journaled run refers to it: a session that changed nothing leaves
// nothing behind.
func dropUnusedState(journalPath, statePath string) {
	if statePath == "" {
		return
	}
	runs, _ := journal.ReadRuns(journalPath) // no journal: no run uses it
	for _, r := range runs {
		if r.Header.OrgState == statePath {
			return
		}
	}
	_ = os.Remove(statePath)
}

// isTerminal reports whether a stream is a terminal the wizard can draw on.
func isTerminal(s any) bool {
	f, ok := s.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(f.Fd())
}
