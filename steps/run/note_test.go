package run

import (
	"context"
	"strings"
	"testing"

	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/journal"
)

func TestTicketNote(t *testing.T) {
	const key = "notekey-Hd83kfQ0pL2x"
	h := newHarness(t, newFakeOrg(), "", key)
	if _, err := h.x.Start(context.Background(), fixHeader("run-note")); err != nil {
		t.Fatal(err)
	}
	note := journal.TicketNote(readOnlyRun(t, h.path), journal.NoteInput{
		UserName: "Yuki Tanaka",
		Findings: []journal.NoteFinding{
			{Code: steps.VerdictDuplicateAccount.Code(), AccountID: "acc-new", Detail: "Provisioning made a second account | not an update"},
			{Code: steps.FindingHolderProductAccess, AccountID: "acc-new", Detail: "key " + key + " leaked into a detail"},
		},
		Accounts: []journal.NoteAccount{{Role: "duplicate", AccountID: "acc-new", Email: "yuki@acme.com"}},
	}, journal.NewSecrets(key))
	for _, want := range []string{
		"## syncdoctor: email change for yuki@old.example",
		"- **User:** Yuki Tanaka, yuki@old.example (account `acc-old`)",
		"- **Target email:** yuki@acme.com",
		"- **Verdict:** `duplicate-account`",
		"- **Org:** 8f3c2d10-demo (demo: a simulated org, nothing real was changed)",
		"- **Outcome:** completed, not fixed: no check shows the account with its new email",
		"- **Run id:** `run-note`",
		"- **Journal:** `" + h.path + "`",
		"| duplicate | `acc-new` | yuki@acme.com |",
		"- `duplicate-account` (account `acc-new`): Provisioning made a second account \\| not an update",
		"| 1 | Record the user's group memberships (`record-groups`) | 2026-11-23T10:00:11.000Z | done, verified |",
		"| 4 | Give the old account the target email (`set-email`) | 2026-11-23T10:00:50.000Z | done, verified |",
		"- Recorded before the fix for account `acc-old`: eng-all, design",
		"- Restored and verified: yes",
	} {
		if !strings.Contains(note, want+"\n") {
			t.Errorf("note lacks line %q", want)
		}
	}
	if strings.Contains(note, key) || !strings.Contains(note, "key [redacted] leaked") {
		t.Error("the note carries a secret")
	}
	if strings.Contains(note, "syncdoctor resume") {
		t.Error("a completed run's note offers to resume it")
	}
}

func TestTicketNoteUnfinishedRun(t *testing.T) {
	h := newHarness(t, newFakeOrg(), "")
	h.x.Env.IdP = nil
	if _, err := h.x.Start(context.Background(), fixHeader("run-note-wait")); err != nil {
		t.Fatal(err)
	}
	note := journal.TicketNote(readOnlyRun(t, h.path), journal.NoteInput{Verdict: steps.VerdictEmailTaken}, nil)
	for _, want := range []string{
		"- **User:** yuki@old.example (account `acc-old`)",
		"- **Verdict:** `email-taken`",
		"- **Outcome:** waiting for a person: step 2 (remove-groups): in the IdP, remove the user from every group of ext-yuki",
		"None recorded.",
		"| 2 | Remove the user from the IdP groups (`remove-groups`) | 2026-11-23T10:00:20.000Z | waiting for a person: in the IdP, remove the user from every group of ext-yuki |",
		"| 3 | Move the duplicate account aside (`set-email`) | - | not reached |",
		"- Restored and verified: **not yet**: put the user back in these groups",
		"To continue this run: `syncdoctor resume --journal " + h.path + "`",
	} {
		if !strings.Contains(note, want+"\n") {
			t.Errorf("note lacks line %q\n%s", want, note)
		}
	}
}
