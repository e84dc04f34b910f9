// Package run carries out a plan: the Executor takes each step through
// check, confirm, execute and verify, journaling every stage so that an
// interrupted run resumes without repeating a change. A Step is what the
// executor drives; the fix steps themselves live in package fixes. Session
// is the one way the CLI and the wizard start, resume and write the note of
// a run on an open Org, each following it through its own Hooks.
package run
