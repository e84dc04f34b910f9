package tui

import (
	"time"

	"github.com/syncdoctor/syncdoctor/client"
	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/bulk"
	"github.com/syncdoctor/syncdoctor/steps/diagnose"
	"github.com/syncdoctor/syncdoctor/steps/journal"
	"github.com/syncdoctor/syncdoctor/steps/run"
	"github.com/syncdoctor/syncdoctor/steps/search"
)

// Every message the wizard's own Cmds send. Each async result carries the
// sequence number of the request that asked for it: the screen that asked
// may have moved on (a new keystroke, esc), and a stale answer is dropped.

// orgOpenedMsg: Deps.Open answered for a fresh session.
type orgOpenedMsg struct {
	seq int
	org *run.Org
	err error
}

// loadProgressMsg: one more page of accounts or groups is in the index.
type loadProgressMsg struct {
	seq int
	p   search.LoadProgress
}

// loadDoneMsg: loading the org ended, err nil when it all arrived.
type loadDoneMsg struct {
	seq int
	err error
}

// loadRefreshMsg: time to search again what the load has brought.
type loadRefreshMsg struct{ seq int }

// searchTickMsg: the debounce interval after a keystroke has passed.
type searchTickMsg struct{ seq int }

// searchResultsMsg: the index answered a query.
// userLookedUpMsg: the org's account for what was typed (nil: none).
type userLookedUpMsg struct {
	seq  int
	user *client.User
	err  error
}

// orgAnswerMsg: what the org API answered for the query of seq.
type orgAnswerMsg struct {
	seq   int
	users []client.User
	err   error
}

// cacheOpenedMsg: the saved org's index, handed over as soon as its file
// is open; it fills while the file is read (cacheAddedMsg).
type cacheOpenedMsg struct {
	seq      int
	ix       *search.Index
	saved    time.Time
	accounts int // in the file
}

// cacheAddedMsg: in accounts of the saved org are in its index.
type cacheAddedMsg struct{ seq, in int }

// cacheReadMsg: the saved org's read is over: whole (ok), or not to be
// used (none, damaged, stopped).
type cacheReadMsg struct {
	seq int
	ok  bool
}

// waitMsg: the client waits before a retry (a rate limit, a backoff).
type waitMsg struct{ w client.Wait }

// waitOverMsg: the wait of that sequence number has run its time.
type waitOverMsg struct{ seq int }

// runDismissedMsg: the offered run was marked as not to be offered again.
type runDismissedMsg struct{ err error }

// targetSettleMsg: the enter on the target waited pasteSettle and no key
// followed it.
type targetSettleMsg struct{ seq int }

// indexRefreshedMsg: the accounts a run acted on were read again.
type indexRefreshedMsg struct{ err error }

type searchResultsMsg struct {
	seq  int
	hits []search.Hit
}

// scimReadMsg: the account's SCIM links and the SCIM users behind them.
type scimReadMsg struct {
	seq   int
	links []scimLinkView
	err   error
}

// scimLinkView is one SCIM link with what could be read of its SCIM user.
type scimLinkView struct {
	link   client.ScimLink
	user   *client.ScimUser
	unread string // why user is nil, in words
}

// evidenceMsg: diagnosis made one more check.
type evidenceMsg struct {
	seq int
	ev  diagnose.Evidence
}

// diagnosisMsg: diagnosis ended.
type diagnosisMsg struct {
	seq int
	d   *diagnose.Diagnosis
	err error
}

// runEventMsg: the executor reached a stage of a step.
type runEventMsg struct {
	seq int
	ev  run.Event
}

// confirmAskMsg: the executor waits for the operator's answer on reply.
type confirmAskMsg struct {
	seq   int
	step  steps.PlanStep
	reply chan<- confirmReply
}

// confirmReply is the operator's answer to one step. manual: on a
// simulated org, the operator does the IdP step "by hand": the run pauses
// with the instructions until they say it is done.
type confirmReply struct {
	yes    bool
	manual bool
}

// runDoneMsg: the executor returned. note is the ticket note read back
// from the journal (empty when it could not be read: noteErr).
type runDoneMsg struct {
	seq     int
	res     *run.Result
	err     error
	note    string
	noteErr error
}

// handsMsg: on a simulated org, a step the operator chose to do "by
// hand" waits for them to say it is done (true) or to stop (false).
type handsMsg struct {
	seq  int
	step steps.PlanStep
	done chan<- bool
}

// journalReadMsg: the journal's last unfinished run, nil when none.
type journalReadMsg struct {
	run *journal.RunLog
	err error
}

// runOrgOpenedMsg: Deps.Open answered for the run being resumed.
type runOrgOpenedMsg struct {
	seq int
	org *run.Org
	run *journal.RunLog
	err error
}

// noteSavedMsg: the ticket note was written to path.
type noteSavedMsg struct {
	path string
	err  error
}

// formExecDoneMsg: an accessible-mode form (run outside the TUI) ended.
type formExecDoneMsg struct {
	seq   int
	reply confirmReply
}

// bulkPreparedMsg: the target list was read and planned against the org
// (path as typed, abs and worksheet absolute), or err says, in a line,
// why it could not be.
type bulkPreparedMsg struct {
	seq       int
	path      string
	abs       string
	worksheet string
	prep      *bulk.Prepared
	err       error
}

// bulkStartedMsg: the worksheet is written and the bulk run journaled
// under header (a new run), or the journaled run is being gone on with.
type bulkStartedMsg struct {
	seq    int
	header journal.RunHeader
}

// bulkProgressMsg: one more change of the bulk run ended. Workers report
// in parallel, so these may come a little out of order.
type bulkProgressMsg struct {
	seq int
	p   bulk.Progress
}

// bulkDoneMsg: the bulk run returned; res is nil when it could not start.
type bulkDoneMsg struct {
	seq int
	res *bulk.ApplyResult
	err error
}
