package steps

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/syncdoctor/syncdoctor/client"
	"github.com/syncdoctor/syncdoctor/fixtures"
)

func user(id, name, email string, groups ...string) client.User {
	u := client.User{AccountID: id, Name: name, Email: email, ClaimStatus: "managed"}
	for _, g := range groups {
		u.Groups = append(u.Groups, client.UserGroup{ID: g, Name: g})
	}
	return u
}

func testIndex() *Index {
	ix := NewIndex()
	ix.AddAccounts([]client.User{
		user("712020:a1", "Łukasz Dąbrowski", "lukasz.dabrowski@acme.com", "g-eng"),
		user("712020:a2", "José González", "jose.gonzalez@acme.com", "g-eng", "g-ops"),
		user("712020:a3", "Yuki Tanaka", "yuki.tanaka@acme.com"),
		user("712020:a4", "田中 優希", "yuki.t@acme.com"),
		user("712020:a5", "Agnieszka Lewandowska", "agnieszka.lewandowska@acme.com"),
		user("712020:a6", "Nguyễn Thị Bích", "bich.nguyen@acme.com"),
	})
	ix.AddGroups([]client.Group{{ID: "g-eng", Name: "engineering"}, {ID: "g-ops", Name: "operations"}})
	return ix
}

// highlighted is the part of a hit's Field its Matched runes pick out.
func highlighted(h Hit) string {
	r := []rune(h.Field)
	var b strings.Builder
	for _, i := range h.Matched {
		b.WriteRune(r[i])
	}
	return b.String()
}

func TestSearchFindsAndHighlights(t *testing.T) {
	t.Parallel()
	ix := testIndex()
	cases := []struct {
		query, wantID, wantHighlight string
	}{
		{"lukasz dabrowski", "712020:a1", "Łukasz Dąbrowski"},
		{"jose", "712020:a2", "José"},
		{"GONZÁLEZ", "712020:a2", "González"},
		{"田中", "712020:a4", "田中"},
		{"bich", "712020:a6", "Bích"},
		{"yuki.t@acme.com", "712020:a4", "yuki.t@acme.com"},
		{"712020:a3", "712020:a3", ""},
		{"Tnaaka", "712020:a3", "Tnaaka"},       // letters swapped, still found in order
		{"Tanoka", "712020:a3", "Tanaka"},       // a wrong letter: only a misspelling finds it
		{"Agnieszko", "712020:a5", "Agnieszko"}, // found in order across the email
		{"yuki tanka", "712020:a3", "Yuki Tanka"},
	}
	for _, c := range cases {
		t.Run(c.query, func(t *testing.T) {
			hits := ix.Search(c.query, 5)
			if len(hits) == 0 || hits[0].Entry.Account.AccountID != c.wantID {
				t.Fatalf("Search(%q) = %v, want %s first", c.query, ids(hits), c.wantID)
			}
			if got := highlighted(hits[0]); !sameLetters(got, c.wantHighlight) {
				t.Errorf("Search(%q) highlights %q, want the letters of %q", c.query, got, c.wantHighlight)
			}
		})
	}
}

// sameLetters: the highlight is exactly the wanted letters, spaces aside.
func sameLetters(got, want string) bool {
	return strings.ReplaceAll(got, " ", "") == strings.ReplaceAll(want, " ", "")
}

func ids(hits []Hit) []string {
	var out []string
	for _, h := range hits {
		if h.Entry.Kind == EntryGroup {
			out = append(out, "group:"+h.Entry.Group.ID)
		} else {
			out = append(out, h.Entry.Account.AccountID)
		}
	}
	return out
}

func TestSearchGroupsAndMembers(t *testing.T) {
	t.Parallel()
	ix := testIndex()
	hits := ix.Search("enginering", 3)
	if len(hits) == 0 || hits[0].Entry.Kind != EntryGroup || hits[0].Entry.Group.ID != "g-eng" {
		t.Fatalf("misspelled group: %v", ids(hits))
	}
	if hits[0].Entry.Members != 2 {
		t.Errorf("engineering has %d members, want 2", hits[0].Entry.Members)
	}
	var names []string
	for _, u := range ix.Members("g-eng") {
		names = append(names, u.Name)
	}
	if !slices.Equal(names, []string{"José González", "Łukasz Dąbrowski"}) {
		t.Errorf("members of engineering: %v", names)
	}
}

func TestSearchEmptyQueryListsEverything(t *testing.T) {
	t.Parallel()
	ix := testIndex()
	hits := ix.Search("  ", 100)
	if len(hits) != 8 || hits[6].Entry.Kind != EntryGroup || hits[0].Entry.Account.Name != "Agnieszka Lewandowska" {
		t.Fatalf("empty query: %v", ids(hits))
	}
	if got := ix.Search("", 3); len(got) != 3 {
		t.Errorf("limit 3 gave %d hits", len(got))
	}
}

func TestSearchReplacesAnAccountSeenAgain(t *testing.T) {
	t.Parallel()
	ix := testIndex()
	ix.AddAccounts([]client.User{user("712020:a3", "Yuki Sato", "yuki.sato@acme.com")})
	if a, g := ix.Counts(); a != 6 || g != 2 {
		t.Fatalf("counts %d accounts, %d groups", a, g)
	}
	if u, _ := ix.Account("712020:a3"); u.Name != "Yuki Sato" {
		t.Errorf("account after a second page: %+v", u)
	}
}

func TestRuneIndexesFromByteOffsets(t *testing.T) {
	t.Parallel()
	s := "Łu田x" // 2 + 1 + 3 + 1 bytes
	if got := runeIndexes(s, []int{0, 2, 3, 6}); !slices.Equal(got, []int{0, 1, 2, 3}) {
		t.Errorf("runeIndexes = %v", got)
	}
	if f := fold("ŁÓDŹ Straße"); len([]rune(f)) != len([]rune("ŁÓDŹ Straße")) || f != "lodz strase" {
		t.Errorf("fold = %q", f)
	}
}

func TestDamerauLevenshtein(t *testing.T) {
	t.Parallel()
	var scratch []int
	for _, c := range []struct {
		a, b string
		want int
	}{{"tanaka", "tanaka", 0}, {"tnaaka", "tanaka", 1}, {"tanka", "tanaka", 1}, {"kitten", "sitting", 3}, {"", "abc", 3}} {
		if got := damerauLevenshtein([]rune(c.a), []rune(c.b), &scratch); got != c.want {
			t.Errorf("distance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

func TestSearchWhileLoading(t *testing.T) {
	t.Parallel()
	ix := NewIndex()
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for p := range 50 {
			ix.AddAccounts(generatedUsers(p*20, 20))
		}
	}()
	go func() {
		defer wg.Done()
		for range 200 {
			_ = ix.Search("mar", 10)
		}
	}()
	wg.Wait()
	if a, _ := ix.Counts(); a != 1000 {
		t.Fatalf("%d accounts after loading", a)
	}
}

// The demo org, loaded over the simulator page by page, answers a misspelled name.
func TestLoadOrgFromTheDemo(t *testing.T) {
	t.Parallel()
	data, err := fixtures.Demo().MarshalIndent()
	if err != nil {
		t.Fatal(err)
	}
	org := startSim(t, string(data), nil)
	ix := NewIndex()
	var seen []LoadProgress
	if err := LoadOrg(context.Background(), org.c, ix, 50, func(p LoadProgress) { seen = append(seen, p) }); err != nil {
		t.Fatal(err)
	}
	last := seen[len(seen)-1]
	if !last.Done || last.Accounts != len(org.snap.Accounts) || last.Groups != len(org.snap.Groups) || last.Page != 4 {
		t.Fatalf("last progress %+v, want %d accounts, %d groups in 4 pages", last, len(org.snap.Accounts), len(org.snap.Groups))
	}
	if seen[0].Accounts != 50 || seen[0].Done {
		t.Errorf("first progress %+v, want the first page of 50", seen[0])
	}
	hits := ix.Search("Takeshi Kobayshi", 3)
	if len(hits) == 0 || !strings.Contains(hits[0].Field, "Kobayashi") {
		t.Errorf("misspelled demo name: %v", ids(hits))
	}
}

func TestLoadOrgSaysWhatFailed(t *testing.T) {
	t.Parallel()
	sim, err := fixtures.NewSimulator(fixtures.Demo(), fixtures.Options{})
	if err != nil {
		t.Fatal(err)
	}
	run, err := fixtures.Start(sim, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = run.Close() })
	bad, err := client.New(client.Config{BaseURL: run.URL, OrgID: fixtures.Demo().Org.ID, OrgKey: "wrong-key-123456"})
	if err != nil {
		t.Fatal(err)
	}
	err = LoadOrg(context.Background(), bad, NewIndex(), 10, nil)
	var auth *client.AuthError
	if err == nil || !strings.Contains(err.Error(), "load accounts (page 1)") || !errors.As(err, &auth) {
		t.Fatalf("LoadOrg with a wrong key: %v", err)
	}
}

// generatedUsers makes n deterministic accounts with names from many places.
func generatedUsers(from, n int) []client.User {
	first := []string{"María", "Łukasz", "Yuki", "Chinedu", "Aarav", "Ngozi", "Jussi", "Nguyễn", "Fatima", "Søren", "Min-jun", "Zofia", "João", "Amara", "Haruto", "Ingrid"}
	last := []string{"García", "Dąbrowski", "Tanaka", "Okonkwo", "Sharma", "Adeyemi", "Nieminen", "Pham", "Al-Sayed", "Jørgensen", "Kim", "Kamińska", "Silva", "Nwosu", "Sato", "Sørensen"}
	out := make([]client.User, n)
	for k := range out {
		i := from + k
		f, l := first[i%len(first)], last[(i/len(first))%len(last)]
		out[k] = user(fmt.Sprintf("712020:%08x", i), f+" "+l, fmt.Sprintf("%s.%s%d@acme.com", fold(f), fold(l), i))
	}
	return out
}

func benchIndex(b *testing.B, n int) *Index {
	ix := NewIndex()
	for p := 0; p < n; p += 100 {
		ix.AddAccounts(generatedUsers(p, min(100, n-p)))
	}
	return ix
}

func BenchmarkSearch(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		ix := benchIndex(b, n)
		for _, q := range []string{"", "ma", "maria garcia", "Mraia Gracia", "zofia.kaminska", "712020:0000beef"} {
			b.Run(fmt.Sprintf("%d/%q", n, q), func(b *testing.B) {
				for b.Loop() {
					ix.Search(q, 50)
				}
			})
		}
	}
}

func BenchmarkAddAccounts(b *testing.B) {
	page := generatedUsers(0, 100)
	for b.Loop() {
		ix := NewIndex()
		ix.AddAccounts(page)
	}
}
