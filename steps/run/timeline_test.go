package run

import (
	"context"
	"strings"
	"testing"
)

func TestTimelineSaysWhatHappened(t *testing.T) {
	h := newHarness(t, newFakeOrg(), "")
	h.set.verifyErr = errorString("acc-new still has yuki@acme.com")
	if _, err := h.x.Start(context.Background(), fixHeader("run-tl")); err != nil {
		t.Fatal(err)
	}
	run := readOnlyRun(t, h.path)
	tl := run.Timeline(nil)
	lines := strings.Split(strings.TrimSuffix(tl, "\n"), "\n")
	for _, want := range []string{
		"2026-11-23T10:00:02.000Z  run                   started run-tl for yuki@old.example (acc-old), target yuki@acme.com; verdict duplicate-account; 5 steps; demo org 8f3c2d10-demo; syncdoctor v0.0.0-test",
		"2026-11-23T10:00:04.000Z  step 1 record-groups  started",
		"2026-11-23T10:00:08.000Z  step 1 record-groups  recorded memberships: (accountId=acc-old, externalId=ext-yuki, groups=(eng-all, design))",
		"2026-11-23T10:00:11.000Z  step 1 record-groups  done, verified",
		"2026-11-23T10:00:16.000Z  step 2 remove-groups  confirmed by the operator",
		"2026-11-23T10:00:20.000Z  step 2 remove-groups  about to call IDP remove from groups (in the IdP); before: eng-all, design",
		"2026-11-23T10:00:21.000Z  step 2 remove-groups  the call succeeded",
		"2026-11-23T10:00:33.000Z  step 3 set-email      about to call PUT /users/acc-new/manage/email; before: email=yuki@acme.com",
		"2026-11-23T10:00:36.000Z  step 3 set-email      failed: verification failed: acc-new still has yuki@acme.com",
		"2026-11-23T10:00:38.000Z  run                   run ended: failed (step 3 (set-email): verification failed: acc-new still has yuki@acme.com)",
	} {
		if !contains(lines, want) {
			t.Errorf("timeline lacks\n%s\nin\n%s", want, tl)
		}
	}
	if len(lines) != len(run.Records) || len(lines) != 15 {
		t.Errorf("%d lines for %d records", len(lines), len(run.Records))
	}
	if strings.ContainsAny(tl, "{}\"") {
		t.Errorf("timeline shows JSON:\n%s", tl)
	}
}

type errorString string

func (e errorString) Error() string { return string(e) }

func contains(lines []string, want string) bool {
	for _, l := range lines {
		if l == want {
			return true
		}
	}
	return false
}
