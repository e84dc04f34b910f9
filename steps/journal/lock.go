package journal

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// The journal lock stops two processes from acting on the same org run at
// once (two `resume`s of one interrupted run would both make its next
// change). It is a file created with O_EXCL beside the journal, holding the
// owner's pid, host and a random nonce; it is held for as long as a Journal
// is open for writing. A lock whose process is gone (same host, pid not
// alive) is stale and is taken over.

// ErrJournalLocked matches (errors.Is) a *LockedError.
var ErrJournalLocked = errors.New("journal is locked by another process")

// LockedError says who holds the journal.
type LockedError struct {
	Journal string
	Lock    string
	PID     int
	Host    string
}

func (e *LockedError) Error() string {
	return fmt.Sprintf("journal %s is in use by process %d on %s (lock file %s); wait for it to finish, or delete the lock file if that process is gone",
		e.Journal, e.PID, e.Host, e.Lock)
}

// Is makes errors.Is(err, ErrJournalLocked) hold.
func (e *LockedError) Is(target error) bool { return target == ErrJournalLocked }

type fileLock struct {
	path  string
	owner lockOwner
}

type lockOwner struct {
	PID   int
	Host  string
	Nonce string
}

func (o lockOwner) String() string { return fmt.Sprintf("%d %s %s\n", o.PID, o.Host, o.Nonce) }

func parseLockOwner(b []byte) (lockOwner, bool) {
	f := strings.Fields(string(b))
	if len(f) != 3 {
		return lockOwner{}, false
	}
	pid, err := strconv.Atoi(f[0])
	if err != nil || pid <= 0 {
		return lockOwner{}, false
	}
	return lockOwner{PID: pid, Host: f[1], Nonce: f[2]}, true
}

func hostName() string {
	h, err := os.Hostname()
	if err != nil || h == "" || strings.ContainsAny(h, " \t\n") {
		return "unknown-host"
	}
	return h
}

func newNonce() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// acquireLock takes the lock for journal (lock file journal + ".lock").
func acquireLock(journal string) (*fileLock, error) {
	l := &fileLock{path: journal + ".lock", owner: lockOwner{PID: os.Getpid(), Host: hostName(), Nonce: newNonce()}}
	// Two tries: the second follows the removal of a stale lock.
	for try := 0; try < 2; try++ {
		f, err := os.OpenFile(l.path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err == nil {
			_, werr := f.WriteString(l.owner.String())
			serr := f.Sync()
			cerr := f.Close()
			if err := errors.Join(werr, serr, cerr); err != nil {
				_ = os.Remove(l.path)
				return nil, fmt.Errorf("journal lock %s: %w", l.path, err)
			}
			return l, nil
		}
		if !errors.Is(err, os.ErrExist) {
			return nil, fmt.Errorf("journal lock %s: %w", l.path, err)
		}
		held, err := os.ReadFile(l.path)
		if errors.Is(err, os.ErrNotExist) {
			continue // released between our create and read
		}
		if err != nil {
			return nil, fmt.Errorf("journal lock %s: %w", l.path, err)
		}
		owner, ok := parseLockOwner(held)
		if !ok {
			// Half-written by a process killed between create and write, or
			// foreign: we cannot tell, so we do not take it over.
			return nil, fmt.Errorf("journal lock %s is unreadable; delete it if no syncdoctor is running", l.path)
		}
		if !l.stale(owner) {
			return nil, &LockedError{Journal: journal, Lock: l.path, PID: owner.PID, Host: owner.Host}
		}
		if err := l.breakStale(held); err != nil {
			return nil, err
		}
	}
	return nil, fmt.Errorf("journal lock %s: could not take it over", l.path)
}

// stale reports whether the owner is certainly gone: same host and its pid
// not alive. Our own pid counts as alive: a second Journal in one process
// must fail like a second process.
func (l *fileLock) stale(o lockOwner) bool {
	if o.Host != l.owner.Host || o.PID == os.Getpid() {
		return false
	}
	return !processAlive(o.PID)
}

// breakStale removes a stale lock without removing a fresh one another
// process may have created meanwhile: rename it aside (atomic, so only one
// taker gets this file) and check that what was moved is the stale lock.
func (l *fileLock) breakStale(held []byte) error {
	aside := l.path + ".stale." + l.owner.Nonce
	if err := os.Rename(l.path, aside); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil // someone else broke it; retry the create
		}
		return fmt.Errorf("journal lock %s: %w", l.path, err)
	}
	moved, err := os.ReadFile(aside)
	if err == nil && string(moved) != string(held) {
		// We moved a live lock taken since we looked: put it back.
		if err := os.Rename(aside, l.path); err != nil {
			return fmt.Errorf("journal lock %s: %w", l.path, err)
		}
		owner, _ := parseLockOwner(moved)
		return &LockedError{Journal: strings.TrimSuffix(l.path, ".lock"), Lock: l.path, PID: owner.PID, Host: owner.Host}
	}
	_ = os.Remove(aside)
	return nil
}

// release removes the lock if it is still ours.
func (l *fileLock) release() error {
	if l == nil {
		return nil
	}
	held, err := os.ReadFile(l.path)
	if err != nil {
		return fmt.Errorf("journal lock %s: %w", l.path, err)
	}
	if owner, ok := parseLockOwner(held); !ok || owner != l.owner {
		return fmt.Errorf("journal lock %s was replaced by another process", l.path)
	}
	return os.Remove(l.path)
}
