package journal

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
)

// FileName is the journal's name inside the state directory.
const FileName = "journal.jsonl"

// StateDir is where syncdoctor keeps its journal: the user's state
// directory, per platform convention:
//
//	Linux and other unix: $XDG_STATE_HOME/syncdoctor, else ~/.local/state/syncdoctor
//	macOS:                ~/Library/Application Support/syncdoctor
//	Windows:              %LocalAppData%\syncdoctor
func StateDir() (string, error) {
	home, _ := os.UserHomeDir() // checked below, only where it is needed
	return stateDir(runtime.GOOS, os.Getenv, home)
}

// DefaultPath is the journal used when --journal is not given.
func DefaultPath() (string, error) {
	dir, err := StateDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, FileName), nil
}

// stateDir is StateDir with its inputs passed in, so every platform's rule
// is testable on any platform.
func stateDir(goos string, getenv func(string) string, home string) (string, error) {
	const app = "syncdoctor"
	switch goos {
	case "windows":
		if d := getenv("LocalAppData"); d != "" {
			return filepath.Join(d, app), nil
		}
		return "", errors.New("state directory: %LocalAppData% is not set")
	case "darwin", "ios":
		if home == "" {
			return "", errors.New("state directory: no home directory")
		}
		return filepath.Join(home, "Library", "Application Support", app), nil
	}
	// The XDG spec says a relative path is invalid and must be ignored.
	if d := getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, app), nil
	}
	if home == "" {
		return "", errors.New("state directory: no home directory and XDG_STATE_HOME is not set")
	}
	return filepath.Join(home, ".local", "state", app), nil
}
