package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/run"
	"github.com/syncdoctor/syncdoctor/steps/safetext"
)

// An operator who runs a command on the demo org, or on a snapshot, and
// reads "Fixed" must not believe the real org was fixed: every text output
// on a simulated org starts by saying so, and every JSON output carries the
// org with its mode (contract §2's "org").

// printSimulated writes the first line of a text output on a simulated
// org; nothing for a live one. snapshot is the --snapshot file, "" for the
// demo org or an org reopened from a run's state.
func printSimulated(w io.Writer, org *run.Org, snapshot string) {
	if !org.Simulated() {
		return
	}
	what := string(org.Mode)
	switch {
	case snapshot != "":
		what = "snapshot " + safetext.Clean(snapshot)
	case org.Mode == steps.ModeSimulated:
		what = "from a snapshot"
	}
	fmt.Fprintf(w, "Simulated org (%s): nothing real is changed.\n", what)
}

// withOrg puts "org" first in the JSON object data: the org the output is
// about, whose mode says whether it is simulated.
func withOrg(data []byte, org steps.OrgRef) ([]byte, error) {
	ref, err := json.Marshal(org)
	if err != nil {
		return nil, err
	}
	body, ok := bytes.CutPrefix(bytes.TrimSpace(data), []byte("{"))
	if !ok {
		return nil, fmt.Errorf("JSON output: want an object, got %.20q", data)
	}
	sep := []byte(",")
	if len(bytes.TrimSpace(body)) == 1 { // "}": an empty object
		sep = nil
	}
	out := append([]byte("{\n  \"org\": "), ref...)
	out = append(out, sep...)
	return append(out, body...), nil
}
