package tui

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/syncdoctor/syncdoctor/fixtures"
)

// TestSmokeRealBinaryInTmux builds syncdoctor and runs the wizard in a
// real terminal (tmux) on the demo org, as a person would: a misspelled
// name, the old account, the new email, the diagnosis, quit.
func TestSmokeRealBinaryInTmux(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed")
	}
	t.Parallel()
	dir := t.TempDir()
	bin := filepath.Join(dir, "syncdoctor")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/syncdoctor").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	tm := newTmux(t, dir, bin+" --journal "+filepath.Join(dir, "journal.jsonl"), 100, 30)

	tm.waitFor("200 accounts")
	tm.send("-l", "takeshi kobayasi") // misspelled
	tm.waitFor("<tkobayashi@acme.com>")
	screen := tm.settle() // the hits of the whole query, not of a part typed so far
	for range rowOf(screen, "<tkobayashi@acme.com>") {
		tm.send("Down")
	}
	tm.send("Enter")
	tm.waitFor("Account id")
	tm.send("Enter")
	tm.waitFor("What should the email become?")
	tm.send("-l", "takeshi.kobayashi@acme.com")
	tm.send("Enter")
	screen = tm.waitFor("Provisioning made a second account")
	if !strings.Contains(screen, "DEMO ORG (simulated)") {
		t.Errorf("the demo banner is missing:\n%s", screen)
	}
	tm.send("q")
	tm.waitExit()
}

// rowOf is the position of the hit that shows text among the hits on the
// screen (the rows that show an address in angle brackets).
func rowOf(screen, text string) int {
	n := 0
	for _, l := range strings.Split(screen, "\n") {
		if !strings.Contains(l, "@") || !strings.Contains(l, "<") {
			continue
		}
		if strings.Contains(l, text) {
			return n
		}
		n++
	}
	return 0
}

// tmux drives one session on a server of its own.
type tmux struct {
	t      *testing.T
	socket string
}

// newTmux runs command in a w×h terminal, on a tmux server of the test's
// own (tests run in parallel).
func newTmux(t *testing.T, dir, command string, w, h int) *tmux {
	tm := &tmux{t: t, socket: fmt.Sprintf("sd-smoke-%d-%s", os.Getpid(), t.Name())}
	// A clean environment: no API keys, so the wizard opens the demo org.
	cmd := "env -i HOME=" + dir + " TERM=xterm-256color PATH=" + os.Getenv("PATH") + " " + command
	tm.run("new-session", "-d", "-s", "w", "-x", fmt.Sprint(w), "-y", fmt.Sprint(h), cmd)
	t.Cleanup(func() { _ = exec.Command("tmux", "-L", tm.socket, "kill-server").Run() })
	return tm
}

func (tm *tmux) run(args ...string) string {
	tm.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", tm.socket}, args...)...).CombinedOutput()
	if err != nil {
		tm.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func (tm *tmux) send(keys ...string) {
	tm.t.Helper()
	tm.run(append([]string{"send-keys", "-t", "w"}, keys...)...)
}

// waitFor waits until the screen shows text, and returns the screen.
func (tm *tmux) waitFor(text string) string {
	tm.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	var screen string
	for time.Now().Before(deadline) {
		screen = tm.run("capture-pane", "-p", "-t", "w")
		if strings.Contains(screen, text) {
			return screen
		}
		time.Sleep(100 * time.Millisecond)
	}
	tm.t.Fatalf("the screen never showed %q:\n%s", text, screen)
	return ""
}

// settle waits until the screen stops changing, and returns it.
func (tm *tmux) settle() string {
	tm.t.Helper()
	last := tm.run("capture-pane", "-p", "-t", "w")
	for range 50 {
		time.Sleep(300 * time.Millisecond)
		now := tm.run("capture-pane", "-p", "-t", "w")
		if now == last {
			return now
		}
		last = now
	}
	tm.t.Fatalf("the screen never came to rest:\n%s", last)
	return ""
}

// waitExit waits for the wizard to end, which ends the session.
func (tm *tmux) waitExit() {
	tm.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if exec.Command("tmux", "-L", tm.socket, "has-session", "-t", "w").Run() != nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	tm.t.Fatalf("the wizard did not quit:\n%s", tm.run("capture-pane", "-p", "-t", "w"))
}

// TestSmokeBulkInTmux runs the bulk change in a real terminal on the demo
// org and its rebrand list: ctrl+b, the path, the plan, the conflicts, the
// review with the count typed, the summary with the worksheet, quit.
func TestSmokeBulkInTmux(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed")
	}
	t.Parallel()
	dir := t.TempDir()
	bin := filepath.Join(dir, "syncdoctor")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/syncdoctor").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	targets := filepath.Join(dir, "targets.csv")
	if err := os.WriteFile(targets, fixtures.DemoTargetsCSV(), 0o600); err != nil {
		t.Fatal(err)
	}
	tm := newTmux(t, dir, bin+" --journal "+filepath.Join(dir, "journal.jsonl"), 120, 40)

	tm.waitFor("ctrl+b reads them from a CSV")
	tm.send("C-b")
	tm.waitFor("Bulk change from a target list")
	tm.send("-l", targets)
	tm.send("Enter")
	screen := tm.waitFor("Changes (2), in this order")
	if !strings.Contains(screen, "[all 25]") || !strings.Contains(screen, "DEMO ORG (simulated)") {
		t.Errorf("the plan:\n%s", screen)
	}
	tm.send("f")
	tm.send("f")
	tm.waitFor("[conflict 2]")
	tm.send("Down")
	tm.waitFor("provisioned (the IdP owns its email)")
	tm.send("Enter")
	tm.waitFor("type 2, the number of changes")
	tm.send("-l", "2")
	tm.send("Enter")
	screen = tm.waitFor("Done in Atlassian: all 2 changes made")
	if !strings.Contains(screen, filepath.Join(dir, "targets.worksheet.csv")) {
		t.Errorf("the summary does not name the worksheet:\n%s", screen)
	}
	tm.send("q")
	tm.waitExit()
}

// TestSmokeLiveTicketInTmux carries a live ticket in a real terminal: an
// IdP error pasted without bracketed paste (the terminal sends its lines as
// keys, each with an enter) is read; then a fix carried to its summary,
// and a new case that finds the user under the new email.
func TestSmokeLiveTicketInTmux(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed")
	}
	t.Parallel()
	dir := t.TempDir()
	bin := filepath.Join(dir, "syncdoctor")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/syncdoctor").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	tm := newTmux(t, dir, bin+" --journal "+filepath.Join(dir, "journal.jsonl"), 110, 34)
	tm.waitFor("200 accounts")

	var sc fixtures.Scenario
	for _, s := range fixtures.Scenarios() {
		if s.IdpError != "" && s.Snapshot == "" {
			sc = s
			break
		}
	}
	tm.pick(sc.User)
	// One send-keys: the lines arrive as a burst, as a paste does.
	keys := []string{}
	for _, line := range strings.SplitAfter(sc.IdpError, ". ") {
		keys = append(keys, strings.TrimSpace(line), "Enter")
	}
	tm.send(keys...)
	screen := tm.waitFor("Verdict")
	if !strings.Contains(screen, sc.Verdict) || !strings.Contains(screen, sc.Target) {
		t.Fatalf("the pasted error was not read (want %s for %s):\n%s", sc.Verdict, sc.Target, screen)
	}
	tm.send("Escape") // back to the search, a screen at a time
	tm.waitFor("What should the email become?")
	tm.send("Escape")
	tm.waitFor("Account id")
	tm.send("Escape")
	tm.waitFor("esc clear")
	tm.send("Escape") // the query goes
	tm.waitFor("Type part of a name")

	// A fix to its summary, then a new case.
	tm.pick("zofia.kaminska@acme.com")
	tm.send("-l", "zofia.lewandowska@acme.com")
	tm.send("Enter")
	tm.waitFor("Verdict")
	tm.send("Enter")
	tm.waitFor("The plan")
	tm.send("Enter")
	for {
		screen := tm.settle()
		switch {
		case strings.Contains(screen, "To confirm, type"):
			tm.send("-l", "zofia.lewandowska@acme.com")
			tm.send("Enter")
		case strings.Contains(screen, "Who does it?"), strings.Contains(screen, "Press enter for the summary"):
			tm.send("Enter")
		case strings.Contains(screen, "Ticket note"):
			tm.send("n")
			tm.waitFor("Type part of a name")
			tm.send("-l", "zofia")
			screen = tm.waitFor("zofia.lewandowska@acme.com")
			if strings.Contains(screen, "zofia.kaminska@acme.com") {
				t.Errorf("the new case lists the old email:\n%s", screen)
			}
			tm.send("C-c")
			tm.waitExit()
			return
		default:
			t.Fatalf("an unexpected screen:\n%s", screen)
		}
	}
}

// pick searches for an address and opens its account, then the target.
func (tm *tmux) pick(email string) {
	tm.t.Helper()
	tm.send("-l", email)
	tm.waitFor("<" + email + ">")
	screen := tm.settle()
	for range rowOf(screen, "<"+email+">") {
		tm.send("Down")
	}
	tm.send("Enter")
	tm.waitFor("Account id")
	tm.send("Enter")
	tm.waitFor("What should the email become?")
}
