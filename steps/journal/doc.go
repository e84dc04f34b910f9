// Package journal is the append-only record of every run: one JSON Lines
// file, owner-only and locked to one process, where every change is written
// before it is made and after it returns, with the facts a run must keep
// across a resume (the memberships it recorded, the placeholders it chose).
// It reads runs back for resume, as a timeline and as a ticket note, and
// refuses to write a secret.
package journal
