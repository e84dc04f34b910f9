package journal

import (
	"encoding/json"
	"fmt"
	"sort"
	"sync"
)

// Facts are values a run decides once and must keep across a resume: the
// group memberships recorded before they are removed, the placeholder email
// chosen for a holder. Set journals the fact before it is kept, so a fact
// an action acted on is always in the journal; a resumed run starts with
// the facts of the run it resumes.
type Facts struct {
	mu      sync.Mutex
	m       map[string]json.RawMessage
	persist func(key string, value json.RawMessage) error
}

// Well-known fact keys, read by TicketNote.
const (
	// FactMemberships holds []MembershipFact: the groups a user was in
	// before a step removed them, to put them back.
	FactMemberships = "memberships"
	// FactMembershipsRestored is set (to the time, or true) once the
	// recorded memberships are back and verified.
	FactMembershipsRestored = "memberships-restored"
)

// MembershipFact is one account's recorded group memberships.
type MembershipFact struct {
	AccountID  string   `json:"accountId,omitempty"`
	ExternalID string   `json:"externalId,omitempty"` // the IdP's id of the user, for IdP groups
	Groups     []string `json:"groups"`               // group names as the operator knows them
}

// NewFacts makes an in-memory fact set that journals nothing, for tests of
// actions. The executor gives Env journaled facts.
func NewFacts() *Facts { return &Facts{m: map[string]json.RawMessage{}} }

func NewJournaledFacts(from map[string]json.RawMessage, persist func(string, json.RawMessage) error) *Facts {
	f := &Facts{m: make(map[string]json.RawMessage, len(from)), persist: persist}
	for k, v := range from {
		f.m[k] = v
	}
	return f
}

// Set records key = v (as JSON). It journals first: when that fails the
// fact is not kept and the error must stop the action.
func (f *Facts) Set(key string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("fact %s: %w", key, err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.persist != nil {
		if err := f.persist(key, raw); err != nil {
			return fmt.Errorf("fact %s: %w", key, err)
		}
	}
	f.m[key] = raw
	return nil
}

// Get decodes the fact into v and reports whether it was set.
func (f *Facts) Get(key string, v any) (bool, error) {
	f.mu.Lock()
	raw, ok := f.m[key]
	f.mu.Unlock()
	if !ok {
		return false, nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return true, fmt.Errorf("fact %s: %w", key, err)
	}
	return true, nil
}

// Has reports whether key is set.
func (f *Facts) Has(key string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	_, ok := f.m[key]
	return ok
}

// Keys lists the set keys, sorted.
func (f *Facts) Keys() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	keys := make([]string, 0, len(f.m))
	for k := range f.m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
