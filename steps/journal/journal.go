package journal

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/syncdoctor/syncdoctor/steps/safetext"
)

// Journal is the append-only record of every run: JSON Lines, one file for
// many runs. Each record goes out in a single write and is fsynced before
// append returns, so a killed process leaves at most a torn last line, and
// a change is never sent before its intent is on disk.
//
// An open Journal holds the journal's lock: only one process writes (and
// so acts on the org) at a time.
type Journal struct {
	path string
	lock *fileLock

	secrets *Secrets

	mu     sync.Mutex
	file   *os.File
	seq    int64 // last sequence number in the file
	broken error // set after a failed write: appending more would corrupt the middle
	torn   *TornLine
	// notices say what Open changed in the file, one sentence each.
	notices []string
}

// Open opens (creating it and its directory, 0700, if missing) the journal
// at path for appending and takes its lock. No record that holds one of the
// secrets (or credential-shaped text) is ever written. An empty path means
// DefaultJournalPath. It refuses a journal that is a symlink, not a regular
// file, or writable by group or others, and one with a corrupt line. It
// mends what it can, and Notices says what it did:
//   - a journal others may read is made 0600 (it names accounts and emails);
//   - a whole last record that lost only its line end is kept, the line end
//     added;
//   - a torn final line (a write cut short by a kill) is copied to a side
//     file beside the journal (Torn().Kept), then cut off: its write never
//     returned, so nothing was done on the strength of it.
func Open(path string, secrets *Secrets) (*Journal, error) {
	if path == "" {
		p, err := DefaultPath()
		if err != nil {
			return nil, err
		}
		path = p
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("journal directory %s: %w", filepath.Dir(path), err)
	}
	// Checked before the lock and the open, so a symlink is never followed
	// to create or lock a file somewhere else.
	if fi, err := os.Lstat(path); err == nil {
		if err := checkJournalFile(path, fi); err != nil {
			return nil, err
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("journal %s: %w", path, err)
	}
	lock, err := acquireLock(path)
	if err != nil {
		return nil, err
	}
	j, err := openLocked(path)
	if err != nil {
		_ = lock.release()
		return nil, err
	}
	j.lock, j.secrets = lock, secrets
	return j, nil
}

func openLocked(path string) (*Journal, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("journal %s: %w", path, err)
	}
	fail := func(err error) (*Journal, error) {
		f.Close()
		return nil, err
	}
	// The path may have been swapped between the first check and the open:
	// check again, and that the path still names the file we opened.
	fi, err := os.Lstat(path)
	if err != nil {
		return fail(fmt.Errorf("journal %s: %w", path, err))
	}
	if err := checkJournalFile(path, fi); err != nil {
		return fail(err)
	}
	if ofi, err := f.Stat(); err != nil || !os.SameFile(fi, ofi) {
		return fail(fmt.Errorf("journal %s changed while it was being opened; refusing to use it", path))
	}
	data, err := parseJournal(f, path)
	if err != nil {
		return fail(err)
	}
	j := &Journal{path: path, file: f, seq: data.lastSeq, torn: data.torn}
	if err := j.tighten(fi); err != nil {
		return fail(err)
	}
	if err := j.mendEnd(data); err != nil {
		return fail(err)
	}
	return j, nil
}

// tighten makes a journal that group or others may read private: it names
// accounts, emails and the org's state.
func (j *Journal) tighten(fi os.FileInfo) error {
	perm := fi.Mode().Perm()
	if runtime.GOOS == "windows" || perm&0o077 == 0 {
		return nil
	}
	if err := j.file.Chmod(perm &^ 0o077); err != nil {
		return fmt.Errorf("journal %s is readable by others (mode %04o) and could not be made private: %w", j.path, perm, err)
	}
	j.notices = append(j.notices, fmt.Sprintf("The journal %s was readable by others (mode %04o); it is now %04o.", j.path, perm, perm&^0o077))
	return nil
}

// mendEnd adds the line end a whole last record lost, or keeps a torn last
// line aside and cuts it off, so that the next record starts a line of its
// own.
func (j *Journal) mendEnd(data *journalData) error {
	switch {
	case data.unterminated > 0:
		if _, err := j.file.Write([]byte{'\n'}); err != nil {
			return fmt.Errorf("journal %s: adding the line end of line %d: %w", j.path, data.unterminated, err)
		}
		if err := j.file.Sync(); err != nil {
			return fmt.Errorf("journal %s: %w", j.path, err)
		}
		j.notices = append(j.notices, fmt.Sprintf("The journal's last record (line %d) had lost its line end; it is kept, and the line end added.", data.unterminated))
	case data.torn != nil:
		kept, err := keepAside(j.path, data.tornBytes)
		if err != nil {
			return fmt.Errorf("journal %s: keeping the torn last line %d aside: %w; nothing was cut", j.path, data.torn.Line, err)
		}
		data.torn.Kept = kept
		if err := j.file.Truncate(data.torn.Offset); err != nil {
			return fmt.Errorf("journal %s: cutting off the torn last line: %w", j.path, err)
		}
		if err := j.file.Sync(); err != nil {
			return fmt.Errorf("journal %s: %w", j.path, err)
		}
		j.notices = append(j.notices, fmt.Sprintf(
			"The journal's last line (line %d, %d bytes) was cut off by an interruption; it was never acted on. It is set aside in %s.",
			data.torn.Line, data.torn.Bytes, kept))
	}
	return nil
}

// keepAside copies a torn line to a new private file beside the journal,
// named after it and the time (journal.jsonl.torn-20261123T100000Z), so
// that nothing the journal held is lost without a trace.
func keepAside(path string, line []byte) (string, error) {
	base := path + ".torn-" + time.Now().UTC().Format("20060102T150405Z")
	for n := 1; n < 100; n++ {
		name := base
		if n > 1 {
			name = fmt.Sprintf("%s-%d", base, n)
		}
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, os.ErrExist) {
			continue
		}
		if err != nil {
			return "", err
		}
		_, werr := f.Write(line)
		serr := f.Sync()
		if err := errors.Join(werr, serr, f.Close()); err != nil {
			_ = os.Remove(name)
			return "", err
		}
		return name, nil
	}
	return "", fmt.Errorf("%s and 98 more names are taken", base)
}

// checkJournalFile refuses what a journal must not be. Errors are one line
// naming the path, for the operator to act on.
func checkJournalFile(path string, fi os.FileInfo) error {
	switch {
	case fi.Mode()&os.ModeSymlink != 0:
		return fmt.Errorf("journal %s is a symlink; refusing to use it (give the real file's path)", path)
	case !fi.Mode().IsRegular():
		return fmt.Errorf("journal %s is not a regular file; refusing to use it", path)
	case runtime.GOOS != "windows" && fi.Mode().Perm()&0o022 != 0:
		// Someone else could rewrite the plan a resume would carry out.
		return fmt.Errorf("journal %s is writable by group or others (mode %04o); refusing to use it: run chmod 600 on it", path, fi.Mode().Perm())
	}
	return nil
}

// Path is the journal file's path.
func (j *Journal) Path() string { return j.path }

// Torn reports the torn final line Open kept aside and cut off, or nil.
func (j *Journal) Torn() *TornLine { return j.torn }

// Notices say, one sentence each, what Open changed in the journal file:
// its mode tightened, a line end added, a torn line set aside (naming the
// side file). Programs show them before anything else.
func (j *Journal) Notices() []string { return slices.Clone(j.notices) }

// Close closes the file and releases the lock.
func (j *Journal) Close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.file == nil {
		return nil
	}
	err := j.file.Close()
	j.file = nil
	return errors.Join(err, j.lock.release())
}

// Append writes one record: sequence number and time are filled in (Time
// only when the caller left it empty), the secret guard runs, then a single
// write and an fsync. It returns the record's sequence number.
func (j *Journal) Append(rec *Record) (int64, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.file == nil {
		return 0, fmt.Errorf("journal %s is closed", j.path)
	}
	if j.broken != nil {
		return 0, fmt.Errorf("journal %s: an earlier write failed, nothing more is written: %w", j.path, j.broken)
	}
	rec.Seq = j.seq + 1
	if rec.Time == "" {
		rec.Time = FormatTime(time.Now())
	}
	line, err := json.Marshal(rec)
	if err != nil {
		return 0, fmt.Errorf("journal: encoding a %s record: %w", rec.Type, err)
	}
	if err := j.secrets.Check(string(line)); err != nil {
		return 0, fmt.Errorf("journal: %s record of run %s: %w", rec.Type, rec.Run, err)
	}
	if bytes.IndexByte(line, '\n') >= 0 {
		return 0, fmt.Errorf("journal: %s record encodes with a newline", rec.Type) // json.Marshal never does; the format relies on it
	}
	line = safetext.JSON(line) // org names' bidi and C1 characters as \u escapes: the same record, safe to cat
	line = append(line, '\n')
	if _, err := j.file.Write(line); err != nil {
		j.broken = err
		return 0, fmt.Errorf("journal %s: %w", j.path, err)
	}
	if err := j.file.Sync(); err != nil {
		j.broken = err
		return 0, fmt.Errorf("journal %s: %w", j.path, err)
	}
	j.seq = rec.Seq
	return rec.Seq, nil
}

// LastSeq is the sequence number of the last record written.
func (j *Journal) LastSeq() int64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.seq
}

// Redact passes text through the journal's secrets: what an error says
// before it is journaled or shown. A nil journal still catches
// credential-shaped text.
func (j *Journal) Redact(text string) string {
	if j == nil {
		return (*Secrets)(nil).Redact(text)
	}
	return j.secrets.Redact(text)
}

// reload reads one run afresh from the file. Resume uses it once it holds
// the lock, so it acts on what the journal says now, not on what it said
// when the caller chose the run.
func (j *Journal) Reload(runID string) (*RunLog, error) {
	runs, err := ReadRuns(j.path)
	if err != nil {
		return nil, err
	}
	for _, r := range runs {
		if r.Header.RunID == runID {
			return r, nil
		}
	}
	return nil, fmt.Errorf("journal %s holds no run %s", j.path, runID)
}

// Dismiss records that the run is not to be offered for resuming again
// (Offered passes over it); it stays in the journal, and resuming it by its
// id still works.
func (j *Journal) Dismiss(runID, reason string) error {
	_, err := j.Append(&Record{Run: runID, Type: RecDismiss, Reason: reason})
	return err
}
