package search

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"sync"
	"testing"

	"github.com/syncdoctor/syncdoctor/client"
)

// A session finds exactly what Index.Search finds, key by key: typing on,
// backspace, pastes, edits in the middle, a cleared box, and accounts and
// groups added or replaced between keys while the org loads.
func TestSessionFindsWhatSearchFinds(t *testing.T) {
	t.Parallel()
	for seed := range uint64(6) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			t.Parallel()
			sessionAgainstSearch(t, seed, 400)
		})
	}
}

func sessionAgainstSearch(t *testing.T, seed uint64, keys int) {
	rng := rand.New(rand.NewPCG(seed, 13))
	ix := NewIndex()
	loaded := 0
	load := func(n int) {
		ix.AddAccounts(generatedOrg(loaded, n))
		loaded += n
	}
	load(3000)
	ix.AddGroups([]client.Group{{ID: "g-01", Name: "team g-01"}, {ID: "g-eng", Name: "Engineering"}})
	users := generatedOrg(0, 6000)
	targets := []string{
		"yuki tanaka", "Agniezska Lewandwoska", "tanaka yuki", "Tnaaka", "jose gonzales", "engineering",
		"enginering", "Łukasz Dąbrowski", "babatunde adebyo", "田中 優希", "acme.com", "team g-0",
	}
	for _, u := range users[:40] {
		targets = append(targets, u.Email, u.AccountID, u.Name, u.AccountID[7:20])
	}
	alphabet := []rune("abcdeiknorstuyz  .@-:0127é田ÁTY")
	ss := ix.NewSession()
	var q []rune
	target := []rune(targets[0])
	for key := range keys {
		switch r := rng.IntN(100); {
		case r < 45: // the next key of what the operator means
			if len(q) < len(target) && string(q) == string(target[:len(q)]) {
				q = append(q, target[len(q)])
			} else {
				target = []rune(targets[rng.IntN(len(targets))])
				q = q[:0]
			}
		case r < 55:
			q = append(q, alphabet[rng.IntN(len(alphabet))])
		case r < 68: // backspace
			if len(q) > 0 {
				q = q[:len(q)-1]
			}
		case r < 72: // paste at the end
			q = append(q, []rune(targets[rng.IntN(len(targets))])[:1+rng.IntN(5)]...)
		case r < 75: // paste over
			target = []rune(targets[rng.IntN(len(targets))])
			q = append(q[:0], target[:rng.IntN(len(target)+1)]...)
		case r < 78: // a key in the middle
			at := rng.IntN(len(q) + 1)
			q = append(q[:at], append([]rune{alphabet[rng.IntN(len(alphabet))]}, q[at:]...)...)
		case r < 80:
			q = q[:0]
		case r < 88: // another page arrives
			if loaded < len(users) {
				load(min(100+rng.IntN(200), len(users)-loaded))
			}
		case r < 94: // accounts read again, some changed
			page := make([]client.User, 1+rng.IntN(5))
			for k := range page {
				page[k] = users[rng.IntN(loaded)]
				if rng.IntN(2) == 0 {
					other := users[rng.IntN(len(users))]
					page[k].Name, page[k].Email = other.Name, other.Email
				}
			}
			ix.AddAccounts(page)
		default: // a group
			ix.AddGroups([]client.Group{{ID: fmt.Sprintf("g-%02d", rng.IntN(40)), Name: string(target[:rng.IntN(len(target)+1)])}})
		}
		limit := []int{50, 50, 10, 3, 0}[rng.IntN(5)]
		got, want := ss.Search(string(q), limit), ix.Search(string(q), limit)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("key %d, query %q, limit %d: session found %v, search %v", key, string(q), limit, hitIDs(got), hitIDs(want))
		}
	}
}

// Searches from several goroutines while pages arrive (run with -race).
func TestSessionWhileLoading(t *testing.T) {
	t.Parallel()
	ix := NewIndex()
	ss := ix.NewSession()
	var wg sync.WaitGroup
	wg.Go(func() {
		for p := range 40 {
			ix.AddAccounts(generatedOrg(p*50, 50))
		}
	})
	for _, typed := range []string{"yuki tanaka", "agniezska", "712020:"} {
		wg.Go(func() {
			for k := range typed {
				for _, h := range ss.Search(typed[:k+1], 20) {
					if h.Field == "" {
						t.Errorf("empty field in %+v", h)
					}
				}
			}
		})
	}
	wg.Wait()
	for _, q := range []string{"y", "yuki", "yuki tan", "agniezska", "712020:"} {
		if got, want := ss.Search(q, 20), ix.Search(q, 20); !reflect.DeepEqual(got, want) {
			t.Errorf("after loading, %q: session %v, search %v", q, hitIDs(got), hitIDs(want))
		}
	}
}
