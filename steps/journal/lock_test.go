package journal

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestJournalLockSecondOpenFails(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	j, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Open(path, nil)
	var le *LockedError
	if !errors.Is(err, ErrJournalLocked) || !errors.As(err, &le) || le.PID != os.Getpid() {
		t.Fatalf("second open: %v", err)
	}
	if msg := err.Error(); !strings.Contains(msg, path) || !strings.Contains(msg, fmt.Sprint(os.Getpid())) {
		t.Errorf("message %q should name the journal and the holder", msg)
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path + ".lock"); !errors.Is(err, os.ErrNotExist) {
		t.Error("Close left the lock")
	}
	j2, err := Open(path, nil)
	if err != nil {
		t.Fatalf("open after close: %v", err)
	}
	j2.Close()
}

func TestJournalLockStaleAndForeign(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("pid liveness by signal 0")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "journal.jsonl")
	lock := path + ".lock"

	// A pid far above any pid_max: certainly not running.
	if err := os.WriteFile(lock, []byte(lockOwner{PID: 2147480000, Host: hostName(), Nonce: "dead"}.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	j, err := Open(path, nil)
	if err != nil {
		t.Fatalf("stale lock not taken over: %v", err)
	}
	held, _ := os.ReadFile(lock)
	if o, ok := parseLockOwner(held); !ok || o.PID != os.Getpid() {
		t.Errorf("lock now holds %q", held)
	}
	j.Close()

	// Another host's lock can't be judged: it stands.
	if err := os.WriteFile(lock, []byte(lockOwner{PID: 2147480000, Host: "other-host", Nonce: "x"}.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(path, nil); !errors.Is(err, ErrJournalLocked) || !strings.Contains(err.Error(), "other-host") {
		t.Errorf("foreign lock: %v", err)
	}
	// Nor does a lock we can't read.
	if err := os.WriteFile(lock, []byte("garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(path, nil); err == nil || !strings.Contains(err.Error(), "unreadable") {
		t.Errorf("garbage lock: %v", err)
	}
}

// TestJournalLockAcrossProcesses holds the lock in a child process: the
// parent is refused while the child lives, and takes the lock over once
// the child is killed (the lock file stays behind, stale).
func TestJournalLockAcrossProcesses(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("pid liveness by signal 0")
	}
	if os.Getenv("SYNCDOCTOR_LOCK_HOLDER") != "" {
		t.Skip("the child's own run")
	}
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperLockHolder$")
	cmd.Env = append(os.Environ(), "SYNCDOCTOR_LOCK_HOLDER="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "locked" {
		t.Fatalf("child said %q, %v", line, err)
	}

	_, err = Open(path, nil)
	var le *LockedError
	if !errors.As(err, &le) || le.PID != cmd.Process.Pid {
		t.Fatalf("while the child holds it: %v", err)
	}

	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if _, err := os.Stat(path + ".lock"); err != nil {
		t.Fatalf("the killed child's lock should remain: %v", err)
	}
	j, err := Open(path, nil)
	if err != nil {
		t.Fatalf("after the child died: %v", err)
	}
	j.Close()
}

// TestHelperLockHolder is the child of TestJournalLockAcrossProcesses.
func TestHelperLockHolder(t *testing.T) {
	path := os.Getenv("SYNCDOCTOR_LOCK_HOLDER")
	if path == "" {
		t.Skip("run by TestJournalLockAcrossProcesses")
	}
	j, err := Open(path, nil)
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	defer j.Close()
	fmt.Println("locked")
	select {} // until killed
}
