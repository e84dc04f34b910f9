package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// output is one file a command will write, and the flag that names it.
type output struct{ flag, path string }

// checkOutputs makes sure, before the org is read or changed, that every
// file the command will write can be written: its folder exists, it is no
// folder itself, and a file can be made there. Found only after a run,
// such a mistake would leave the org changed and the note (or snapshot, or
// worksheet) unwritten. Bad input: exit 2, one line.
func checkOutputs(outs ...output) error {
	for _, o := range outs {
		if o.path == "" {
			continue
		}
		if err := checkWritable(o.path); err != nil {
			return badInput(fmt.Errorf("%s %s: %w", o.flag, o.path, err))
		}
	}
	return nil
}

// checkWritable: an existing regular file is opened for writing (not
// truncated: nothing changes yet); for a new file, one is made in its folder
// and removed again. Devices and pipes (/dev/stdout) are left to the write.
func checkWritable(path string) error {
	fi, err := os.Stat(path)
	if err == nil {
		return checkExisting(path, fi)
	}
	dir := filepath.Dir(path)
	di, derr := os.Stat(dir)
	switch {
	case errors.Is(derr, fs.ErrNotExist):
		return fmt.Errorf("its folder %s does not exist", dir)
	case derr != nil:
		return bareError(derr)
	case !di.IsDir():
		return fmt.Errorf("%s is not a folder", dir)
	case !errors.Is(err, fs.ErrNotExist):
		return bareError(err)
	}
	probe, err := os.CreateTemp(dir, ".syncdoctor-probe-*")
	if err != nil {
		return fmt.Errorf("no file can be made in %s: %w", dir, bareError(err))
	}
	probe.Close()
	return os.Remove(probe.Name())
}

// checkExisting: a file that is there must be no folder, and writable.
func checkExisting(path string, fi fs.FileInfo) error {
	switch {
	case fi.IsDir():
		return errors.New("is a folder: give a file name")
	case !fi.Mode().IsRegular():
		return nil
	}
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("cannot be written: %w", bareError(err))
	}
	return f.Close()
}

// checkJournalPath refuses a --journal that names a folder before anything
// is read (the journal itself is checked, and created, when it is opened).
func checkJournalPath(path string) error {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return badInput(fmt.Errorf("--journal %s is a folder: give the journal file's name", path))
	}
	return nil
}

// bareError is an os error without the path it repeats (the message names
// the path already).
func bareError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
