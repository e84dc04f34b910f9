package run

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/syncdoctor/syncdoctor/steps/journal"

	"github.com/syncdoctor/syncdoctor/client"
)

// A change whose answer was lost is never sent again blindly: the org is
// read back, and only what it shows decides.

func lostAnswer() error {
	return &client.UncertainError{Op: "set email", Method: "PUT", Path: "/users/acc-new/manage/email", Err: errors.New("connection reset")}
}

func TestUncertainChangeThatLandedIsVerified(t *testing.T) {
	h := newHarness(t, newFakeOrg(), "")
	h.set.sendErr, h.set.applyThenErr = lostAnswer(), true
	res, err := h.x.Start(context.Background(), fixHeader("run-uncertain-landed"))
	if err != nil || res.Status != journal.StatusCompleted {
		t.Fatalf("%+v %v", res, err)
	}
	if res.Steps[2].Status != journal.StepDone {
		t.Errorf("step 3 %+v", res.Steps[2])
	}
	if n := h.org.applied["set-email:acc-new:yuki_duplicate@acme.com"]; n != 1 {
		t.Errorf("applied %d times", n)
	}
	run := readOnlyRun(t, h.path)
	var outcome journal.Record
	for _, rec := range run.Records {
		if rec.Type == journal.RecOutcome && rec.Index == 3 {
			outcome = rec
		}
	}
	if outcome.Status != journal.OutcomeUncertain || !strings.Contains(outcome.Error, "connection reset") {
		t.Errorf("outcome %+v", outcome)
	}
}

func TestUncertainChangeThatDidNotLandStopsThenResumes(t *testing.T) {
	h := newHarness(t, newFakeOrg(), "")
	h.set.sendErr = lostAnswer()
	res, err := h.x.Start(context.Background(), fixHeader("run-uncertain-lost"))
	if err != nil {
		t.Fatal(err)
	}
	if s := res.Steps[2]; res.Status != journal.StatusFailed || s.Status != journal.StepFailed || !strings.Contains(s.Reason, "org does not show it") {
		t.Fatalf("step 3 %+v", s)
	}
	if n := h.org.applied["set-email:acc-new:yuki_duplicate@acme.com"]; n != 0 {
		t.Fatalf("applied %d times", n)
	}
	h.set.sendErr = nil
	res, err = h.x.Resume(context.Background(), readOnlyRun(t, h.path))
	if err != nil || res.Status != journal.StatusCompleted {
		t.Fatalf("resume %+v %v", res, err)
	}
	if n := h.org.applied["set-email:acc-new:yuki_duplicate@acme.com"]; n != 1 {
		t.Errorf("applied %d times", n)
	}
}
