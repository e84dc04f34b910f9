package bulk

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"sync"

	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/internal/csvout"

	"github.com/syncdoctor/syncdoctor/client"
)

// The worksheet hands the IdP's part of a bulk change to the IdP's admin
// (contract §4b): one line per IdP attribute to change, named as that IdP
// names it (domain.md, bulk).

// WorksheetLine is one attribute of one user to change in the IdP.
type WorksheetLine struct {
	Line         int           `json:"line"`
	AccountID    string        `json:"accountId"`
	Name         string        `json:"name"`
	CurrentEmail string        `json:"currentEmail"`
	TargetEmail  string        `json:"targetEmail"`
	Idp          steps.IdpKind `json:"idp"` // "" when not known
	Attribute    string        `json:"attribute"`
	OldValue     string        `json:"oldValue"`
	NewValue     string        `json:"newValue"`
}

// worksheetHeader is the worksheet's CSV header (contract §4b).
var worksheetHeader = []string{"line", "account_id", "name", "current_email", "target_email", "idp", "attribute", "old_value", "new_value"}

// Worksheet lists the IdP attributes to change for the rows, each row's
// IdP found by FindIdps.
func Worksheet(rows []Row, idps map[string]steps.IdpKind, names map[string]string) []WorksheetLine {
	var out []WorksheetLine
	for _, r := range rows {
		if r.AccountID == nil {
			continue
		}
		id := *r.AccountID
		for _, via := range r.Path {
			k := idps[id]
			var attr string
			switch via {
			case ViaIdpSamlAttribute:
				attr = k.SamlAttributeOrEach()
			case ViaIdpScimAttribute:
				attr = k.ScimAttributeOrEach()
			case ViaGooglePrimaryEmail:
				k, attr = steps.IdpGoogle, "the primary email (Google Admin console > Directory > Users > User information)"
			default:
				continue
			}
			out = append(out, WorksheetLine{Line: r.Line, AccountID: id, Name: names[id], CurrentEmail: r.CurrentEmail, TargetEmail: r.TargetEmail,
				Idp: k, Attribute: attr, OldValue: r.CurrentEmail, NewValue: r.TargetEmail})
		}
	}
	return out
}

// WriteWorksheet writes the worksheet as CSV.
func WriteWorksheet(w io.Writer, lines []WorksheetLine) error {
	cw := csvout.NewWriter(w)
	if err := cw.Write(worksheetHeader); err != nil {
		return err
	}
	for _, l := range lines {
		idp := string(l.Idp)
		if idp == "" {
			idp = "unknown"
		}
		rec := []string{strconv.Itoa(l.Line), l.AccountID, l.Name, l.CurrentEmail, l.TargetEmail, idp, l.Attribute, l.OldValue, l.NewValue}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	return cw.Flush()
}

// needsIdp reports whether a row's change waits, in part, for the IdP.
func needsIdp(r Row) bool {
	return slices.ContainsFunc(r.Path, func(v EmailPath) bool { return v != ViaSetEmail })
}

// FindIdps finds the IdP behind each account whose row needs the IdP: the
// one IdP the hints know, when there is only one; else the directory of
// the SCIM user linking the account (read a few accounts at a time). An
// account whose IdP cannot be told is left out ("" for the worksheet).
func FindIdps(ctx context.Context, c *client.Client, rows []Row, h steps.Hints) (map[string]steps.IdpKind, error) {
	var ids []string
	for _, r := range rows {
		if r.AccountID != nil && needsIdp(r) {
			ids = append(ids, *r.AccountID)
		}
	}
	out := map[string]steps.IdpKind{}
	kinds := slices.Compact(slices.Sorted(maps.Values(h.DirectoryIdp)))
	switch {
	case len(ids) == 0 || len(kinds) == 0:
		return out, nil
	case len(kinds) == 1:
		for _, id := range ids {
			out[id] = kinds[0]
		}
		return out, nil
	}
	var mu sync.Mutex
	err := eachLimited(ctx, ids, DefaultInFlight, func(ctx context.Context, id string) error {
		links, err := c.ScimLinks(ctx, id)
		if err != nil {
			return fmt.Errorf("reading the SCIM links of %s: %w", id, err)
		}
		for _, l := range links {
			if k := h.IdpOf(l.DirectoryID); k != "" {
				mu.Lock()
				out[id] = k
				mu.Unlock()
				break
			}
		}
		return nil
	})
	return out, err
}

// AccountNames reads the names of the rows' accounts, a hundred at a time.
func AccountNames(ctx context.Context, c *client.Client, rows []Row) (map[string]string, error) {
	var ids []string
	for _, r := range rows {
		if r.AccountID != nil && needsIdp(r) {
			ids = append(ids, *r.AccountID)
		}
	}
	users, err := readAccounts(ctx, c, ids)
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(users))
	for id, u := range users {
		names[id] = u.Name
	}
	return names, nil
}

// eachLimited calls fn for every item, at most n at a time; the first
// error stops the rest and is returned.
func eachLimited[T any](ctx context.Context, items []T, n int, fn func(context.Context, T) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	work := make(chan T)
	var wg sync.WaitGroup
	for range min(n, len(items)) {
		wg.Go(func() {
			for it := range work {
				if err := fn(ctx, it); err != nil {
					cancel(err)
				}
			}
		})
	}
feed:
	for _, it := range items {
		select {
		case work <- it:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	return context.Cause(ctx)
}
