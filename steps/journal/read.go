package journal

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strings"

	"github.com/syncdoctor/syncdoctor/steps/safetext"
)

// RunLog is one run as read back from the journal: its header, its records
// in order, and the state they add up to.
type RunLog struct {
	Header  RunHeader
	Records []Record
	Path    string // the journal file

	Status  RunStatus // of the last run-end; StatusInterrupted when the last start or resume has none
	Reason  string    // of the last run-end
	Steps   []StepState
	Facts   map[string]json.RawMessage
	Pending []Record // intents with no outcome: the answer to a change was never journaled
	LastSeq int64    // the run's latest record, to tell which run was touched last
	Torn    *TornLine
	// Dismissed: the operator asked for the run not to be offered again
	// (since its last start or resume).
	Dismissed bool

	intents map[int64]bool // the seq of every intent, for outcomes to name
}

// StepState is where one plan step stands.
type StepState struct {
	Status StepStatus
	Reason string
	Error  string
	Time   string // of the step's last step-start or step-end
}

// TornLine is a final line cut short by a killed process. It is reported on
// the run it names (or the journal's last run when it names none).
type TornLine struct {
	Line   int   `json:"line"`   // 1-based line number
	Bytes  int   `json:"bytes"`  // its length
	Offset int64 `json:"offset"` // where it starts: the length of the journal's sound part
	// Kept is the side file Open copied the line to before cutting it off
	// ("" when it was only read, not cut).
	Kept string `json:"kept,omitempty"`
}

// CorruptError is a journal line that cannot be read back, not at the end.
type CorruptError struct {
	Path   string
	Line   int
	Reason string
}

// Error is one line: the reason may quote the file (a record type, a run
// id), which is shown cleaned and cut, never obeyed.
func (e *CorruptError) Error() string {
	return fmt.Sprintf("journal %s: line %d is corrupt: %s", e.Path, e.Line, safetext.Cut(e.Reason, maxCorruptReason))
}

// maxCorruptReason bounds the reason a CorruptError gives.
const maxCorruptReason = 300

// Unfinished reports whether the run may be resumed: everything but a
// completed run. Resuming re-checks each remaining step, so picking up a
// failed, declined or blocked run is as safe as an interrupted one.
func (r *RunLog) Unfinished() bool { return r.Status != StatusCompleted }

// Fixed reports whether the run completed and its proof step (verify-user,
// or verify-email where nothing provisions)
// verified, through the API, that the account has the target.
func (r *RunLog) Fixed() bool {
	if r.Status != StatusCompleted {
		return false
	}
	for i := len(r.Header.Plan) - 1; i >= 0; i-- {
		if r.Header.Plan[i].ID.VerifiesTarget() {
			return r.Done(i) && r.Steps[i].Status == StepDone
		}
	}
	return false
}

// Done reports whether plan step i (0-based) needs nothing more.
func (r *RunLog) Done(i int) bool { return i >= 0 && i < len(r.Steps) && r.Steps[i].Status.Finished() }

// ReadRuns reads every run in the journal at path, oldest first. A torn
// final line is tolerated and reported in the Torn field of its run; a
// corrupt line elsewhere is a *CorruptError naming it. It applies the same
// file checks as OpenJournal: a journal others may write could hold a plan
// nobody chose.
func ReadRuns(path string) ([]*RunLog, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return nil, fmt.Errorf("journal %s: %w", path, err)
	}
	if err := checkJournalFile(path, fi); err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("journal %s: %w", path, err)
	}
	defer f.Close()
	data, err := parseJournal(f, path)
	if err != nil {
		return nil, err
	}
	return data.runs, nil
}

// FindRunIn reads the journal at path and finds one run in it, as FindRun.
func FindRunIn(path, idOrPrefix string) (*RunLog, error) {
	runs, err := ReadRuns(path)
	if err != nil {
		return nil, err
	}
	return FindRun(runs, idOrPrefix)
}

// Offered is the run the wizard offers to resume, and `syncdoctor resume`
// takes without --run: the unfinished run touched most recently that is
// worth resuming. Not one the operator dismissed, nor one that stopped
// before it changed anything (declined or blocked with no change made:
// resuming it would only ask again or stop again; a fresh diagnosis
// serves better).
func Offered(runs []*RunLog) *RunLog {
	var last *RunLog
	for _, r := range runs {
		if r.Unfinished() && !r.Dismissed && r.worthResuming() && (last == nil || r.LastSeq > last.LastSeq) {
			last = r
		}
	}
	return last
}

// worthResuming: the run is waiting for someone, was cut off, or made a
// change it has not finished.
func (r *RunLog) worthResuming() bool {
	switch r.Status {
	case StatusWaitingOperator, StatusInterrupted:
		return true
	}
	return r.MadeChanges()
}

// MadeChanges reports whether any change of the run went through (or may
// have: an answer lost).
func (r *RunLog) MadeChanges() bool {
	for _, rec := range r.Records {
		if rec.Type == RecOutcome && (rec.Status == OutcomeOK || rec.Status == OutcomeUncertain) {
			return true
		}
	}
	return len(r.Pending) > 0
}

// LastUnfinished is the unfinished run touched most recently, or nil.
func LastUnfinished(runs []*RunLog) *RunLog {
	var last *RunLog
	for _, r := range runs {
		if r.Unfinished() && (last == nil || r.LastSeq > last.LastSeq) {
			last = r
		}
	}
	return last
}

// FindRun finds a run by its id or an unambiguous prefix of it.
func FindRun(runs []*RunLog, idOrPrefix string) (*RunLog, error) {
	if idOrPrefix == "" {
		return nil, errors.New("no run id given")
	}
	var found []*RunLog
	for _, r := range runs {
		if r.Header.RunID == idOrPrefix {
			return r, nil
		}
		if strings.HasPrefix(r.Header.RunID, idOrPrefix) {
			found = append(found, r)
		}
	}
	switch len(found) {
	case 0:
		return nil, fmt.Errorf("no run %q in the journal", idOrPrefix)
	case 1:
		return found[0], nil
	}
	ids := make([]string, len(found))
	for i, r := range found {
		ids[i] = r.Header.RunID
	}
	return nil, fmt.Errorf("run id %q is ambiguous: it starts %d runs (%s); give more of it", idOrPrefix, len(found), strings.Join(ids, ", "))
}

type journalData struct {
	runs    []*RunLog
	lastSeq int64
	torn    *TornLine
	// tornBytes is the torn line itself, for Open to keep aside.
	tornBytes []byte
	// unterminated: the last line is a whole, valid record that only lacks
	// its line end (kept; Open adds the line end).
	unterminated int // its 1-based line number, 0 when none
}

// tornRunID recovers the run id from the start of a torn line: Record
// marshals Run first for this.
var tornRunID = regexp.MustCompile(`^\{"run":"([^"\\]+)"`)

func parseJournal(r io.Reader, path string) (*journalData, error) {
	d := &journalData{}
	byID := map[string]*RunLog{}
	br := bufio.NewReader(r)
	var offset int64
	for n := 1; ; n++ {
		line, err := br.ReadBytes('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("journal %s: %w", path, err)
		}
		if errors.Is(err, io.EOF) {
			if len(line) > 0 {
				d.lastLine(line, n, offset, byID, path)
			}
			break
		}
		offset += int64(len(line))
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var rec Record
		if err := json.Unmarshal(line, &rec); err != nil {
			return nil, &CorruptError{Path: path, Line: n, Reason: err.Error()}
		}
		if err := d.add(rec, byID, path); err != nil {
			return nil, &CorruptError{Path: path, Line: n, Reason: err.Error()}
		}
	}
	for _, run := range d.runs {
		run.derivePending()
	}
	return d, nil
}

// lastLine handles a final line without a line end. A whole record that
// reads back and fits the journal lost only its line end (the write was cut
// right before it, or an editor dropped it): it is kept. Anything else is a
// write cut short, whose record never counted: it is torn.
func (d *journalData) lastLine(line []byte, n int, offset int64, byID map[string]*RunLog, path string) {
	var rec Record
	if len(bytes.TrimSpace(line)) > 0 && json.Unmarshal(line, &rec) == nil && d.add(rec, byID, path) == nil {
		d.unterminated = n
		return
	}
	d.torn = &TornLine{Line: n, Bytes: len(line), Offset: offset}
	d.tornBytes = line
	d.attachTorn(line, byID)
}

func (d *journalData) attachTorn(line []byte, byID map[string]*RunLog) {
	if m := tornRunID.FindSubmatch(line); m != nil {
		if run := byID[string(m[1])]; run != nil {
			run.Torn = d.torn
			return
		}
	}
	if len(d.runs) > 0 {
		d.runs[len(d.runs)-1].Torn = d.torn
	}
}

// add validates one record against what came before and folds it into its
// run's state.
func (d *journalData) add(rec Record, byID map[string]*RunLog, path string) error {
	if rec.Run == "" {
		return errors.New("record has no run id")
	}
	if rec.Seq <= d.lastSeq {
		return fmt.Errorf("sequence number %d does not follow %d", rec.Seq, d.lastSeq)
	}
	run := byID[rec.Run]
	if rec.Type == RecRunStart {
		if run != nil {
			return fmt.Errorf("run %s starts twice", rec.Run)
		}
		if rec.Header == nil || rec.Header.RunID != rec.Run {
			return errors.New("run-start without a matching header")
		}
		run = &RunLog{Header: *rec.Header, Path: path, Status: StatusInterrupted, Facts: map[string]json.RawMessage{}}
		run.Steps = make([]StepState, len(rec.Header.Plan))
		for i := range run.Steps {
			run.Steps[i].Status = StepPending
		}
		byID[rec.Run] = run
		d.runs = append(d.runs, run)
	} else if run == nil {
		return fmt.Errorf("%s record of run %s, which never started", rec.Type, rec.Run)
	}
	if err := run.apply(rec); err != nil {
		return err
	}
	// Only a record that fits changes anything: a last line that does not
	// is set aside as torn, and must leave the journal as it was.
	d.lastSeq = rec.Seq
	run.Records = append(run.Records, rec)
	run.LastSeq = rec.Seq
	return nil
}

func (r *RunLog) apply(rec Record) error {
	step := func() (*StepState, error) {
		if rec.Index < 1 || rec.Index > len(r.Steps) {
			return nil, fmt.Errorf("%s record for step %d of a %d-step plan", rec.Type, rec.Index, len(r.Steps))
		}
		return &r.Steps[rec.Index-1], nil
	}
	switch rec.Type {
	case RecRunStart, RecResume:
		r.Status, r.Reason, r.Dismissed = StatusInterrupted, "", false
	case RecDismiss:
		r.Dismissed = true
	case RecStepStart:
		s, err := step()
		if err != nil {
			return err
		}
		*s = StepState{Status: StepStarted, Time: rec.Time}
	case RecStepEnd:
		s, err := step()
		if err != nil {
			return err
		}
		*s = StepState{Status: StepStatus(rec.Status), Reason: rec.Reason, Error: rec.Error, Time: rec.Time}
	case RecRunEnd:
		r.Status, r.Reason = RunStatus(rec.Status), rec.Reason
	case RecFact:
		if rec.Key == "" {
			return errors.New("fact without a key")
		}
		r.Facts[rec.Key] = rec.Value
	case RecConfirm:
	case RecIntent:
		if r.intents == nil {
			r.intents = map[int64]bool{}
		}
		r.intents[rec.Seq] = true
	case RecOutcome:
		if !r.hasIntent(rec.Ref) {
			return fmt.Errorf("outcome for intent %d, which this run never wrote", rec.Ref)
		}
	default:
		return fmt.Errorf("unknown record type %q", rec.Type)
	}
	return nil
}

func (r *RunLog) hasIntent(seq int64) bool { return r.intents[seq] }

func (r *RunLog) derivePending() {
	answered := map[int64]bool{}
	for _, rec := range r.Records {
		if rec.Type == RecOutcome {
			answered[rec.Ref] = true
		}
	}
	r.Pending = nil
	for _, rec := range r.Records {
		if rec.Type == RecIntent && !answered[rec.Seq] {
			r.Pending = append(r.Pending, rec)
		}
	}
}

// FactKeys lists the run's recorded facts, sorted.
func (r *RunLog) FactKeys() []string {
	keys := make([]string, 0, len(r.Facts))
	for k := range r.Facts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
