package journal

import (
	"encoding/json"
	"testing"
)

func TestTimelineOutcomesAndEnds(t *testing.T) {
	for _, c := range []struct {
		rec  Record
		want string
	}{
		{Record{Type: RecOutcome, Status: OutcomeError, Error: "409 conflict"}, "the call failed: 409 conflict"},
		{Record{Type: RecOutcome, Status: OutcomeUncertain, Error: "connection reset"}, "the call's answer was lost (connection reset); the org must be read to know whether it took effect"},
		{Record{Type: RecConfirm, Status: "no", Reason: "declined by the operator"}, "not confirmed: declined by the operator"},
		{Record{Type: RecStepEnd, Status: string(StepSkipped), Reason: "already done: x"}, "skipped: already done: x"},
		{Record{Type: RecStepEnd, Status: string(StepBlocked), Reason: "held by acc-x"}, "blocked: held by acc-x"},
		{Record{Type: RecResume, PID: 42}, "resumed by process 42"},
		{Record{Type: RecFact, Key: "placeholder", Value: json.RawMessage(`"y_dup@acme.com"`)}, "recorded placeholder: y_dup@acme.com"},
	} {
		if got := describe(c.rec); got != c.want {
			t.Errorf("describe(%s) = %q, want %q", c.rec.Type, got, c.want)
		}
	}
}
