package tui

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/syncdoctor/syncdoctor/steps/run"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"github.com/syncdoctor/syncdoctor/client"
	"github.com/syncdoctor/syncdoctor/steps"
)

// TestLoadErrorSaysWhatToDo: a refused key is explained in plain words,
// and r tries again.
func TestLoadErrorSaysWhatToDo(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"code":401,"message":"Unauthorized"}`)
	}))
	t.Cleanup(srv.Close)
	c, err := client.New(client.Config{BaseURL: srv.URL, OrgID: "o-1", OrgKey: "k"})
	if err != nil {
		t.Fatal(err)
	}
	org := &run.Org{Client: c, Mode: "live", Close: func() {}}
	w := startWizard(t, testDeps(org, t.TempDir()), 80, 24)
	s := w.waitFor("the error", func(s snap) bool { return strings.Contains(s.view, "could not be read") })
	for _, want := range []string{"ATLASSIAN_ORG_API_KEY", "without scopes", "to try again"} {
		if !strings.Contains(s.view, want) {
			t.Errorf("the error screen lacks %q:\n%s", want, s.view)
		}
	}
	if strings.Contains(s.view, "SIMULATED") || strings.Contains(s.view, "DEMO") {
		t.Errorf("a live org is labelled simulated:\n%s", s.view)
	}
	before := calls.Load()
	w.typeText("r")
	w.waitFor("another attempt", func(snap) bool { return calls.Load() > before })
	w.final()
}

// TestAccessibleFormsArePlainPrompts: in accessible mode a step's question
// runs as huh's plain prompts; an empty answer to the typed confirmation
// stops.
func TestAccessibleFormsArePlainPrompts(t *testing.T) {
	t.Parallel()
	m := New(Deps{Accessible: true})
	park := steps.PlanStep{ID: "park-holder", Kind: steps.KindAPI, Destructive: true, Params: steps.Params{Email: "a@acme.com"}}
	for input, yes := range map[string]bool{"A@acme.com\n": true, "\n": false} {
		a := &askState{step: park, kind: askTyped, field: m.askField(park)}
		a.form = huh.NewForm(huh.NewGroup(a.field))
		var out bytes.Buffer
		fe := &formExec{form: a.form}
		fe.SetStdin(strings.NewReader(input))
		fe.SetStdout(&out)
		if err := fe.Run(); err != nil {
			t.Fatal(err)
		}
		if got := a.replyFrom(true); got.yes != yes {
			t.Errorf("answer %q: yes=%v, want %v (prompt %q)", input, got.yes, yes, out.String())
		}
		if !strings.Contains(out.String(), "a@acme.com") {
			t.Errorf("the prompt does not name the email: %q", out.String())
		}
	}
}

// TestResizeKeepsEveryLineInside: after a resize the screen still fits.
func TestResizeKeepsEveryLineInside(t *testing.T) {
	t.Parallel()
	d := startDemo(t, false)
	w := startWizard(t, testDeps(d.org, t.TempDir()), 120, 40)
	w.searchAndPick("lukasz.dabrowski@acme.com")
	w.enterTarget("lukasz.dabrowski@acme.io", "")
	w.diagnose()
	for _, size := range [][2]int{{80, 24}, {60, 20}, {100, 30}} {
		w.tm.Send(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		s := w.waitFor("the new size", func(s snap) bool { return len(strings.Split(s.view, "\n")) == size[1] })
		checkFits(t, fmt.Sprintf("%dx%d", size[0], size[1]), s.view, size[0], size[1])
	}
	w.final()
}
