package tui

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/syncdoctor/syncdoctor/steps/bulk"
	"github.com/syncdoctor/syncdoctor/steps/diagnose"
	"github.com/syncdoctor/syncdoctor/steps/journal"
	"github.com/syncdoctor/syncdoctor/steps/run"
	"github.com/syncdoctor/syncdoctor/steps/safetext"
	"github.com/syncdoctor/syncdoctor/steps/search"

	tea "charm.land/bubbletea/v2"

	"github.com/syncdoctor/syncdoctor/client"
)

// Every tea.Cmd of the wizard. Each takes what it needs as arguments,
// never the model: a Cmd runs on its own goroutine while the model moves on.

// searchDebounce is how long typing must pause before the index is asked.
const searchDebounce = 60 * time.Millisecond

// pageSize is how many accounts one page of the directory search brings.
const pageSize = 100

// sender delivers messages from a producer goroutine to a channel the UI
// listens on, giving up when ctx ends (nobody listens any more).
func sender(ctx context.Context, ch chan<- tea.Msg) func(tea.Msg) {
	return func(msg tea.Msg) {
		select {
		case ch <- msg:
		case <-ctx.Done():
		}
	}
}

// listen waits for the next message on ch; the UI re-arms it after each
// one (the "realtime" pattern). A closed channel ends it quietly.
func listen(ch <-chan tea.Msg) tea.Cmd {
	return func() tea.Msg {
		msg, ok := <-ch
		if !ok {
			return nil
		}
		return msg
	}
}

func openOrgCmd(ctx context.Context, open func(context.Context, *journal.RunHeader) (*run.Org, error), seq int) tea.Cmd {
	return func() tea.Msg {
		org, err := open(ctx, nil)
		return orgOpenedMsg{seq: seq, org: org, err: err}
	}
}

func openRunOrgCmd(ctx context.Context, open func(context.Context, *journal.RunHeader) (*run.Org, error), run *journal.RunLog, seq int) tea.Cmd {
	return func() tea.Msg {
		h := run.Header
		org, err := open(ctx, &h)
		return runOrgOpenedMsg{seq: seq, org: org, run: run, err: err}
	}
}

// loadOrgCmd fills ix page by page, reporting each page on ch, then the end.
func loadOrgCmd(ctx context.Context, c *client.Client, ix *search.Index, seq int, ch chan<- tea.Msg) tea.Cmd {
	return func() tea.Msg {
		defer close(ch)
		send := sender(ctx, ch)
		err := search.LoadOrg(ctx, c, ix, pageSize, func(p search.LoadProgress) {
			send(loadProgressMsg{seq: seq, p: p})
		})
		send(loadDoneMsg{seq: seq, err: err})
		return nil
	}
}

// refreshIndexCmd reads the accounts again into the index, and into the
// saved copy when one is being searched.
func refreshIndexCmd(ctx context.Context, c *client.Client, ix, cached *search.Index, ids []string) tea.Cmd {
	return func() tea.Msg {
		err := search.Refresh(ctx, c, ix, ids)
		if err == nil && cached != nil {
			err = search.Refresh(ctx, c, cached, ids)
		}
		return indexRefreshedMsg{err: err}
	}
}

// readCacheCmd reads the saved org into an index, reporting on ch as it
// opens, fills and ends. An unreadable cache is no cache: the load goes on.
func readCacheCmd(ctx context.Context, path, orgID string, seq int, ch chan<- tea.Msg) tea.Cmd {
	return func() tea.Msg {
		defer close(ch)
		send := sender(ctx, ch)
		ok, _ := search.OpenCacheInto(ctx, path, orgID, func(ix *search.Index, saved time.Time, accounts int) {
			send(cacheOpenedMsg{seq: seq, ix: ix, saved: saved, accounts: accounts})
		}, func(in int) {
			send(cacheAddedMsg{seq: seq, in: in})
		})
		send(cacheReadMsg{seq: seq, ok: ok})
		return nil
	}
}

// saveCacheCmd saves the loaded org for the next start. A failure costs
// only the warm start: it is not reported.
func saveCacheCmd(path, orgID string, ix *search.Index, now time.Time) tea.Cmd {
	return func() tea.Msg {
		accounts, groups := ix.Export()
		_ = search.SaveCache(path, search.Cached{OrgID: orgID, Saved: now, Accounts: accounts, Groups: groups})
		return nil
	}
}

func debounceCmd(seq int) tea.Cmd {
	return tea.Tick(searchDebounce, func(time.Time) tea.Msg { return searchTickMsg{seq: seq} })
}

// searchCmd asks the index through the search box's session (a query
// typed on from the last reads only what that one left possible); it is
// safe while pages are still being added.
func searchCmd(ss *search.Session, seq int, q string, limit int) tea.Cmd {
	return func() tea.Msg {
		return searchResultsMsg{seq: seq, hits: ss.Search(q, limit)}
	}
}

// lookupUserCmd asks the org for a user typed as an address or an id that
// the loaded accounts do not hold.
func lookupUserCmd(ctx context.Context, c *client.Client, seq int, u client.User) tea.Cmd {
	return func() tea.Msg {
		if u.Email == "" {
			found, err := c.GetUser(ctx, u.AccountID)
			if client.IsNotFound(err) {
				return userLookedUpMsg{seq: seq}
			}
			if err != nil {
				return userLookedUpMsg{seq: seq, err: err}
			}
			u.Email = found.Email // the search by email brings its groups and product access
			if u.Email == "" {
				return userLookedUpMsg{seq: seq, user: &found}
			}
		}
		users, err := c.UsersByEmail(ctx, u.Email)
		if err != nil {
			return userLookedUpMsg{seq: seq, err: err}
		}
		for i := range users {
			if strings.EqualFold(users[i].Email, u.Email) {
				return userLookedUpMsg{seq: seq, user: &users[i]}
			}
		}
		return userLookedUpMsg{seq: seq}
	}
}

// readScimCmd reads an account's SCIM links and the SCIM user behind each.
func readScimCmd(ctx context.Context, c *client.Client, seq int, accountID string) tea.Cmd {
	return func() tea.Msg {
		links, err := c.ScimLinks(ctx, accountID)
		if err != nil {
			return scimReadMsg{seq: seq, err: err}
		}
		out := make([]scimLinkView, 0, len(links))
		for _, l := range links {
			out = append(out, readScimUser(ctx, c, l))
		}
		return scimReadMsg{seq: seq, links: out}
	}
}

func readScimUser(ctx context.Context, c *client.Client, l client.ScimLink) scimLinkView {
	v := scimLinkView{link: l}
	s, err := c.SCIM(l.DirectoryID)
	if err != nil {
		v.unread = "not read: no SCIM key for this directory"
		return v
	}
	u, err := s.User(ctx, l.ScimUserID)
	switch {
	case client.IsNotFound(err):
		v.unread = "the SCIM user no longer exists"
	case err != nil:
		v.unread = "not read: " + err.Error()
	default:
		v.user = &u
	}
	return v
}

// diagnoseCmd runs the diagnosis, reporting each check on ch as it is made.
func diagnoseCmd(ctx context.Context, org *run.Org, req diagnose.Request, seq int, ch chan<- tea.Msg) tea.Cmd {
	return func() tea.Msg {
		defer close(ch)
		send := sender(ctx, ch)
		d, err := diagnose.Diagnose(ctx, org.Client, req, org.Hints, func(ev diagnose.Evidence) {
			send(evidenceMsg{seq: seq, ev: ev})
		})
		send(diagnosisMsg{seq: seq, d: d, err: err})
		return nil
	}
}

// readJournalCmd finds the run to offer for resume. A journal that does
// not exist yet simply has none.
func readJournalCmd(path string) tea.Cmd {
	return func() tea.Msg {
		runs, err := journal.ReadRuns(path)
		if errors.Is(err, fs.ErrNotExist) {
			return journalReadMsg{}
		}
		if err != nil {
			return journalReadMsg{err: err}
		}
		return journalReadMsg{run: journal.Offered(runs)}
	}
}

// askOrgCmd asks the org API for a query (search.AskOrg). A failure is
// quiet: the local search goes on, and the load reports a broken org.
func askOrgCmd(ctx context.Context, c *client.Client, seq int, q string) tea.Cmd {
	return func() tea.Msg {
		users, err := search.AskOrg(ctx, c, q, 20)
		return orgAnswerMsg{seq: seq, users: users, err: err}
	}
}

// listenWaits hands on the client's next wait; nil when none are told.
func listenWaits(ch <-chan client.Wait) tea.Cmd {
	if ch == nil {
		return nil
	}
	return func() tea.Msg {
		w, ok := <-ch
		if !ok {
			return nil
		}
		return waitMsg{w: w}
	}
}

// dismissRunCmd records in the journal that the run is not to be offered
// again; it stays there, and `syncdoctor resume --run` still takes it.
func dismissRunCmd(path, runID string) tea.Cmd {
	return func() tea.Msg {
		j, err := journal.Open(path, nil)
		if err != nil {
			return runDismissedMsg{err: err}
		}
		defer j.Close()
		return runDismissedMsg{err: j.Dismiss(runID, "dismissed in the wizard")}
	}
}

// saveNoteCmd writes the ticket note beside the journal, owner-only like it.
// The name is the run id, read back from the journal: one a hand-edited
// journal made a path ("../x") is refused, never followed out of notes/.
func saveNoteCmd(journalPath, name, note string) tea.Cmd {
	return func() tea.Msg {
		if !filepath.IsLocal(name) || strings.ContainsAny(name, `/\`) {
			return noteSavedMsg{err: fmt.Errorf("run id %s is not a file name: the note is not saved", safetext.Quote(name, 64))}
		}
		dir := filepath.Join(filepath.Dir(journalPath), "notes")
		path := filepath.Join(dir, name+".md")
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return noteSavedMsg{err: err}
		}
		return noteSavedMsg{path: path, err: os.WriteFile(path, []byte(note), 0o600)}
	}
}

// bulkPrepareCmd reads the target list at path and plans it against the
// org: the rows by status, the changes and the worksheet. It changes
// nothing. A leading ~/ is the home folder, as in a shell.
func bulkPrepareCmd(ctx context.Context, org *run.Org, path string, seq int) tea.Cmd {
	return func() tea.Msg {
		msg := bulkPreparedMsg{seq: seq, path: path}
		file := path
		if home, err := os.UserHomeDir(); err == nil && (path == "~" || strings.HasPrefix(path, "~/")) {
			file = filepath.Join(home, strings.TrimPrefix(path, "~"))
		}
		rows, err := readTargetList(file, path)
		if err != nil {
			msg.err = err
			return msg
		}
		if msg.abs, err = filepath.Abs(file); err != nil {
			msg.err = err
			return msg
		}
		msg.worksheet = strings.TrimSuffix(msg.abs, filepath.Ext(msg.abs)) + ".worksheet.csv"
		opts := bulk.Options{Setup: bulk.DetectSetup(org.Hints, len(org.Client.DirectoryIDs())), Hints: org.Hints}
		msg.prep, err = bulk.Prepare(ctx, org.Client, rows, opts)
		if err != nil {
			msg.err = fmt.Errorf("checking the %d rows against the org failed: %w", len(rows), err)
		}
		return msg
	}
}

// readTargetList reads a target list, saying plainly what is wrong with a
// file that cannot be one (the CSV's own errors are FILE:LINE: reason).
func readTargetList(file, shown string) ([]bulk.Target, error) {
	f, err := os.Open(file)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		where := ""
		if !filepath.IsAbs(file) {
			if wd, err := os.Getwd(); err == nil {
				where = " in " + wd
			}
		}
		return nil, fmt.Errorf("There is no file %s%s.", shown, where)
	case errors.Is(err, fs.ErrPermission):
		return nil, fmt.Errorf("%s cannot be read: permission denied.", shown)
	case err != nil:
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return nil, fmt.Errorf("%s is a folder: give the path of the CSV file in it.", shown)
	}
	rows, err := bulk.ReadTargets(f, shown)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s has its header but no rows: nothing to change.", shown)
	}
	return rows, nil
}
