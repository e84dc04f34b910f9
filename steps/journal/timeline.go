package journal

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/safetext"
)

// Timeline renders the run for a person: one line per record, with its
// time, the step it belongs to and what happened, in plain words, the
// secrets redacted as a last net. A journal is a file anyone with access
// could have written, and its records quote the org: each part of a line
// is cleaned (safetext.Clean), so a line stays one line and nothing in it
// reaches the terminal as a control character.
func (r *RunLog) Timeline(secrets *Secrets) string {
	var b strings.Builder
	width := 0
	labels := make([]string, len(r.Records))
	for i, rec := range r.Records {
		labels[i] = "run"
		if rec.Index > 0 {
			labels[i] = safetext.Clean(fmt.Sprintf("step %d %s", rec.Index, rec.Step))
		}
		width = max(width, len(labels[i]))
	}
	for i, rec := range r.Records {
		fmt.Fprintf(&b, "%s  %-*s  %s\n", safetext.Clean(rec.Time), width, labels[i], safetext.Clean(secrets.Redact(describe(rec))))
	}
	if r.Torn != nil {
		fmt.Fprintf(&b, "(the journal ends in a torn line %d, %d bytes: a write cut short by an interruption; it was never acted on)\n", r.Torn.Line, r.Torn.Bytes)
	}
	return b.String()
}

// describe says what one record means.
func describe(rec Record) string {
	switch rec.Type {
	case RecRunStart:
		return describeStart(rec)
	case RecResume:
		return fmt.Sprintf("resumed by process %d", rec.PID)
	case RecStepStart:
		return "started"
	case RecConfirm:
		if rec.Status == "yes" {
			return "confirmed by the operator"
		}
		return "not confirmed: " + rec.Reason
	case RecFact:
		return fmt.Sprintf("recorded %s: %s", rec.Key, plain(rec.Value))
	case RecIntent:
		s := "about to call " + describeCall(rec.Call)
		if len(rec.Before) > 0 && string(rec.Before) != "null" {
			s += "; before: " + plain(rec.Before)
		}
		return s
	case RecOutcome:
		switch rec.Status {
		case OutcomeOK:
			return "the call succeeded"
		case OutcomeError:
			return "the call failed: " + rec.Error
		case OutcomeUncertain:
			return "the call's answer was lost (" + rec.Error + "); the org must be read to know whether it took effect"
		case OutcomeSettled:
			return "the interrupted call is settled: " + rec.Reason
		}
	case RecStepEnd:
		return describeEnd(StepStatus(rec.Status), rec.Reason, rec.Error)
	case RecRunEnd:
		s := "run ended: " + rec.Status
		if rec.Reason != "" {
			s += " (" + rec.Reason + ")"
		}
		return s
	}
	return fmt.Sprintf("%s %s", rec.Type, rec.Status)
}

func describeStart(rec Record) string {
	h := rec.Header
	who := h.User
	if h.UserAccountID != "" {
		who += " (" + h.UserAccountID + ")"
	}
	parts := []string{"started " + h.RunID + " for " + who}
	if h.Bulk != nil {
		parts[0] = "started bulk run " + h.RunID + " for the target list " + h.Bulk.Targets
	}
	if h.Target != "" {
		parts[0] += ", target " + h.Target
	}
	if h.Verdict != "" {
		parts = append(parts, "verdict "+string(h.Verdict))
	}
	parts = append(parts, fmt.Sprintf("%d steps", len(h.Plan)))
	if h.Mode != "" {
		parts = append(parts, string(h.Mode)+" org "+h.Org)
	}
	if h.Tool != "" {
		parts = append(parts, "syncdoctor "+h.Tool)
	}
	return strings.Join(parts, "; ")
}

func describeCall(c *steps.Call) string {
	if c == nil {
		return "(no call)"
	}
	s := strings.TrimSpace(c.Method + " " + c.Path)
	if c.Note != "" {
		s += " (" + c.Note + ")"
	}
	return s
}

func describeEnd(status StepStatus, reason, errText string) string {
	var s string
	switch status {
	case StepDone:
		s = "done, verified"
	case StepOperator:
		s = "done, by the operator's word (not verifiable)"
		reason = ""
	case StepSkipped:
		s = "skipped"
	case StepWaiting:
		s = "waiting for a person"
	default:
		s = string(status)
	}
	for _, more := range []string{reason, errText} {
		if more != "" {
			s += ": " + more
		}
	}
	return s
}

// plain renders a JSON value without JSON syntax: objects as key=value
// pairs in key order, lists comma-separated, nested ones in parentheses.
func plain(raw json.RawMessage) string {
	var v any
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		return "(unreadable)"
	}
	return plainValue(v, false)
}

func plainValue(v any, nested bool) string {
	wrap := func(s string) string {
		if nested {
			return "(" + s + ")"
		}
		return s
	}
	switch t := v.(type) {
	case nil:
		return "none"
	case string:
		return t
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + "=" + plainValue(t[k], true)
		}
		return wrap(strings.Join(parts, ", "))
	case []any:
		parts := make([]string, len(t))
		for i, e := range t {
			parts[i] = plainValue(e, true)
		}
		if len(parts) == 0 {
			return "none"
		}
		return wrap(strings.Join(parts, ", "))
	}
	return fmt.Sprint(v)
}
