package bulk

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/internal/address"
	"github.com/syncdoctor/syncdoctor/steps/internal/wording"

	"github.com/syncdoctor/syncdoctor/client"
)

// Changes is what a bulk apply does (contract §4b), fixed before anything
// changes and shown for confirmation: every conflict's holder parked on a
// placeholder (unlinked first when provisioning locks a former employee),
// then the email of every ready row, and of every conflict row whose holder
// is parked, whose path starts with set-email. Steps are in that order.
// Left are the conflict rows the apply must not clear, each with why.
type Changes struct {
	Steps []steps.PlanStep
	Left  []LeftRow
	// Rows are the rows that get their target: by this apply, or by the
	// IdP once its admin works through the worksheet.
	Rows []Row
}

// LeftRow is a row a bulk apply leaves as it is, and why.
type LeftRow struct {
	Line   int    `json:"line"`
	Reason string `json:"reason"`
}

// SetEmailCount counts the set-email changes: each ends the user's sessions.
func (c *Changes) SetEmailCount() int {
	n := 0
	for _, s := range c.Steps {
		if s.ID == steps.StepBulkSetEmail {
			n++
		}
	}
	return n
}

// PlanChanges reads the conflicts' holders afresh and lists the changes of
// a bulk apply for p. It changes nothing.
func PlanChanges(ctx context.Context, c *client.Client, p *Plan) (*Changes, error) {
	holders, err := readHolders(ctx, c, p)
	if err != nil {
		return nil, err
	}
	out := &Changes{}
	var parks, sets []steps.PlanStep
	for _, r := range p.Rows {
		switch r.Status {
		case RowReady:
		case RowConflict:
			h, ok := holders[r.Holder.AccountID]
			if !ok {
				out.Left = append(out.Left, LeftRow{r.Line, fmt.Sprintf("%s no longer holds %s: plan again", r.Holder.Email, r.TargetEmail)})
				continue
			}
			if why := unparkable(h); why != "" {
				out.Left = append(out.Left, LeftRow{r.Line, why})
				continue
			}
			parks = append(parks, holderSteps(r, h)...)
		default:
			continue
		}
		out.Rows = append(out.Rows, r)
		if len(r.Path) > 0 && r.Path[0] == ViaSetEmail {
			sets = append(sets, setEmailStep(r))
		}
	}
	// Unlinks come before every park, as they are carried out.
	slices.SortStableFunc(parks, func(a, b steps.PlanStep) int {
		return cmp.Compare(phaseOf(a.ID), phaseOf(b.ID))
	})
	out.Steps = append(parks, sets...)
	return cleanChanges(out), nil
}

// readHolders reads, a hundred at a time, the conflicts' holders as they
// are now: a plan may be older than the org.
func readHolders(ctx context.Context, c *client.Client, p *Plan) (map[string]client.User, error) {
	var ids []string
	for _, r := range p.Rows {
		if r.Status == RowConflict && r.Holder != nil && !slices.Contains(ids, r.Holder.AccountID) {
			ids = append(ids, r.Holder.AccountID)
		}
	}
	return readAccounts(ctx, c, ids)
}

// readAccounts reads accounts by id, as many per search as the API takes
// (ten), a few searches at a time.
func readAccounts(ctx context.Context, c *client.Client, ids []string) (map[string]client.User, error) {
	out := make(map[string]client.User, len(ids))
	var mu sync.Mutex
	chunks := slices.Collect(slices.Chunk(ids, maxAccountIDs))
	err := eachLimited(ctx, chunks, DefaultInFlight, func(ctx context.Context, chunk []string) error {
		q := client.UserSearch{AccountIDs: chunk, Expand: []string{client.ExpandProductAccess}, Limit: maxAccountIDs}
		for u, err := range c.SearchUsers(ctx, q) {
			if err != nil {
				return fmt.Errorf("reading %d accounts: %w", len(chunk), err)
			}
			mu.Lock()
			out[u.AccountID] = u
			mu.Unlock()
		}
		return nil
	})
	return out, err
}

// maxAccountIDs is how many account ids one v2 user search takes
// (api-facts §2: accountIds ≤ 10).
const maxAccountIDs = 10

// unparkable says why a holder must not be parked, "" when it may be. As
// in a single-user fix (contract §2, "Plans"): no account of another org or
// one this org does not manage, and never a different, current person that
// the IdP provisions; a holder pending deletion needs its deletion
// cancelled first, which `syncdoctor fix` does.
func unparkable(h client.User) string {
	who := wording.AccountWithID(h.Name, h.Email, h.AccountID)
	switch {
	case !h.Managed():
		return fmt.Sprintf("%s holds the target and this org does not manage it: claim it, or its org releases the address; `syncdoctor fix` says how", who)
	case h.Status == "for_deletion":
		return fmt.Sprintf("%s holds the target and is pending deletion: `syncdoctor fix` cancels the deletion, parks it and deletes it again", who)
	case h.Synced() && isActive(h):
		return fmt.Sprintf("%s holds the target and is a different, current person the IdP provisions: the IdP's admin gives one of the two another address", who)
	}
	return ""
}

func isActive(u client.User) bool {
	return (u.AccountStatus == "" || u.AccountStatus == "active") && (u.Status == "" || u.Status == "active")
}

// holderSteps parks a row's holder: unlinked first when provisioning locks it.
func holderSteps(r Row, h client.User) []steps.PlanStep {
	params := steps.Params{AccountID: h.AccountID, Email: h.Email, Name: h.Name, Line: r.Line}
	var out []steps.PlanStep
	if h.Synced() {
		out = append(out, steps.PlanStep{
			ID: steps.StepBulkUnlinkHolder, Kind: steps.KindAPI, Destructive: true,
			Title:  fmt.Sprintf("Line %d: remove the provisioning record of %s, a former employee holding %s", r.Line, wording.Or(h.Name, h.Email), r.TargetEmail),
			Params: params,
		})
	}
	params.Placeholder = address.FreePlaceholder(r.TargetEmail, 1)
	return append(out, steps.PlanStep{
		ID: steps.StepBulkParkHolder, Kind: steps.KindAPI, Destructive: true,
		Title:  fmt.Sprintf("Line %d: move %s from %s to %s", r.Line, wording.Or(h.Name, h.Email), h.Email, params.Placeholder),
		Params: params,
	})
}

func setEmailStep(r Row) steps.PlanStep {
	return steps.PlanStep{
		ID: steps.StepBulkSetEmail, Kind: steps.KindAPI, Destructive: true,
		Title:  fmt.Sprintf("Line %d: change %s to %s", r.Line, r.CurrentEmail, r.TargetEmail),
		Params: steps.Params{AccountID: *r.AccountID, Email: r.CurrentEmail, Target: r.TargetEmail, Line: r.Line},
	}
}
