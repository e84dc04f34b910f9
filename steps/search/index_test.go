package search

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/syncdoctor/syncdoctor/client"
)

func searchUser(id, name, email string, groups ...string) client.User {
	u := client.User{AccountID: id, Name: name, Email: email, ClaimStatus: "managed", AccountStatus: "active"}
	for _, g := range groups {
		u.Groups = append(u.Groups, client.UserGroup{ID: g, Name: g})
	}
	return u
}

// searchOrg is a small org with names from many places.
func searchOrg() *Index {
	ix := NewIndex()
	ix.AddAccounts([]client.User{
		searchUser("712020:a1", "Łukasz Dąbrowski", "lukasz.dabrowski@acme.com", "g-eng"),
		searchUser("712020:a2", "José González", "jose.gonzalez@acme.com", "g-eng", "g-ops"),
		searchUser("712020:a3", "Yuki Tanaka", "yuki.tanaka@acme.com"),
		searchUser("712020:a4", "田中 優希", "yuki.t@acme.com"),
		searchUser("712020:a5", "Agnieszka Lewandowska", "agnieszka.lewandowska@acme.com"),
		searchUser("712020:a6", "Nguyễn Thị Bích", "bich.nguyen@acme.com", "g-ops"),
		searchUser("712020:a7", "محمد العلي", "m.alali@acme.com"),
		searchUser("712020:a8", "Søren Jørgensen", "soren@acme.io"),
		searchUser("5b10ac8d82e05b22cc7d4ef5", "Ana Hernández", "ana@acme.com"),
		searchUser("712020:a9", "Çağla Yıldız", "cagla@acme.com"),
		searchUser("712020:b0", "Kwame Mensah", "km@acme.com"),
	})
	ix.AddGroups([]client.Group{
		{ID: "g-eng", Name: "engineering"},
		{ID: "g-ops", Name: "operations"},
		{ID: "g-empty", Name: "Zürich office"},
	})
	return ix
}

// highlighted is what a hit's Matched runes pick out of its Field.
func highlighted(h Hit) string {
	r := []rune(h.Field)
	var b strings.Builder
	for _, i := range h.Matched {
		b.WriteRune(r[i])
	}
	return b.String()
}

func hitIDs(hits []Hit) []string {
	out := make([]string, 0, len(hits))
	for _, h := range hits {
		if h.Entry.Kind == EntryGroup {
			out = append(out, "group:"+h.Entry.Group.ID)
		} else {
			out = append(out, h.Entry.Account.AccountID)
		}
	}
	return out
}

func TestFold(t *testing.T) {
	t.Parallel()
	cases := []struct{ in, want string }{
		{"Łukasz Dąbrowski", "lukasz dabrowski"},
		{"José GONZÁLEZ", "jose gonzalez"},
		{"Straße", "strase"},
		{"Nguyễn Đức Bảo", "nguyen duc bao"},
		{"Bjørn Sørensen", "bjorn sorensen"},
		{"Çağla Yıldız", "cagla yildiz"},
		{"Þórdís Jónsdóttir", "tordis jonsdottir"},
		{"Zoltán Szűcs", "zoltan szucs"},
		{"Jiří Dvořák", "jiri dvorak"},
		{"İstanbul", "istanbul"},
		{"Ἀθηνᾶ Ὀδυσσεύς", "αθηνα οδυσσευσ"},
		{"Ёлкина Йорк", "елкина иорк"},
		{"أحمد", "احمد"},
		{"محمد العلي", "محمد العلي"},
		{"田中 優希", "田中 優希"},
		{"がっこう", "がっこう"}, // dakuten make other kana: kept
		{"김민준", "김민준"},   // Hangul syllables are not letters plus marks
		{"ＴＡＮＡＫＡ　Ｙｕｋｉ", "tanaka yuki"},
		{"Yuki <yuki@acme.com>", "yuki  yuki.acme.com "},
		{"a\x00b\tc", "a b c"},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			t.Parallel()
			got := fold(c.in)
			if got != c.want {
				t.Errorf("fold(%q) = %q, want %q", c.in, got, c.want)
			}
			if utf8.RuneCountInString(got) != utf8.RuneCountInString(c.in) {
				t.Errorf("fold(%q) has %d runes, want %d: folding must keep one rune per rune", c.in, utf8.RuneCountInString(got), utf8.RuneCountInString(c.in))
			}
		})
	}
}

func TestFoldKeepsOneRunePerRune(t *testing.T) {
	t.Parallel()
	for r := rune(0); r < 0x30000; r++ {
		if !utf8.ValidRune(r) {
			continue
		}
		if f := foldRune(r); !utf8.ValidRune(f) || fold(string(r)) != string(f) {
			t.Fatalf("fold(%U) = %q, foldRune = %U", r, fold(string(r)), f)
		}
	}
}

func TestFoldQuery(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, want string }{
		{"Jose\u0301", "jose"}, // decomposed, as some pastes arrive
		{"  yuki   tanaka ", "yuki tanaka"},
		{"<yuki.tanaka@acme.com>", "yuki.tanaka.acme.com"},
		{"", ""},
	} {
		if got := foldQuery(c.in); got != c.want {
			t.Errorf("foldQuery(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestFoldRuneIndexesFromByteOffsets(t *testing.T) {
	t.Parallel()
	s := "łu田x" // 2 + 1 + 3 + 1 bytes
	for _, c := range []struct {
		offsets, want []int
	}{
		{[]int{0, 2, 3, 6}, []int{0, 1, 2, 3}},
		{[]int{3}, []int{2}},
		{[]int{2, 2, 6}, []int{1, 3}}, // duplicates, as sahilm/fuzzy gives on overlong runs
		{[]int{4}, []int{}},           // inside a rune
		{nil, []int{}},
	} {
		if got := runeIndexes(s, c.offsets); !slices.Equal(got, c.want) {
			t.Errorf("runeIndexes(%v) = %v, want %v", c.offsets, got, c.want)
		}
	}
}

func TestSearchFindsAndHighlights(t *testing.T) {
	t.Parallel()
	ix := searchOrg()
	cases := []struct {
		query, wantFirst string
		how              MatchKind
		wantHighlight    string
	}{
		{"lukasz dabrowski", "712020:a1", MatchFuzzy, "Łukasz Dąbrowski"},
		{"ŁUKASZ", "712020:a1", MatchFuzzy, "Łukasz"},
		{"jose", "712020:a2", MatchFuzzy, "José"},
		{"GONZÁLEZ", "712020:a2", MatchFuzzy, "González"},
		{"nguyen thi bich", "712020:a6", MatchFuzzy, "Nguyễn Thị Bích"},
		{"bích", "712020:a6", MatchFuzzy, "Bích"},
		{"田中", "712020:a4", MatchFuzzy, "田中"},
		{"優希", "712020:a4", MatchFuzzy, "優希"},
		{"العلي", "712020:a7", MatchFuzzy, "العلي"},
		{"soren jorgensen", "712020:a8", MatchFuzzy, "Søren Jørgensen"},
		{"cagla yildiz", "712020:a9", MatchFuzzy, "Çağla Yıldız"},
		{"ana hernandez", "5b10ac8d82e05b22cc7d4ef5", MatchFuzzy, "Ana Hernández"},
		// Misspellings: a swap, a wrong letter, a missing one, a swap late in the word.
		{"Tnaaka", "712020:a3", MatchMisspelled, "Tanaka"},
		{"Tanoka", "712020:a3", MatchMisspelled, "Tanaka"},
		{"Yuki Tanka", "712020:a3", MatchFuzzy, "Yuki Tanka"},
		{"Agniezska", "712020:a5", MatchMisspelled, "Agnieszka"},
		{"dabrowksi", "712020:a1", MatchMisspelled, "Dąbrowski"},
		// Another word order: through the email, "Tanaka <yuki" reads in order;
		// without that help, word by word.
		{"tanaka yuki", "712020:a3", MatchFuzzy, "Tanakayuki"},
		{"mensah kwame", "712020:b0", MatchMisspelled, "KwameMensah"},
		// Emails and ids.
		{"yuki.t@acme.com", "712020:a4", MatchExact, "yuki.t@acme.com"},
		{"<YUKI.T@ACME.COM>", "712020:a4", MatchExact, "yuki.t@acme.com"},
		{"712020:a3", "712020:a3", MatchExact, ""},
		{"5b10ac8d82e05b22cc7d4ef5", "5b10ac8d82e05b22cc7d4ef5", MatchExact, ""},
		{"82e05b22", "5b10ac8d82e05b22cc7d4ef5", MatchIDPart, ""},
		{"bich.nguyen", "712020:a6", MatchFuzzy, "bich.nguyen"},
	}
	for _, c := range cases {
		t.Run(c.query, func(t *testing.T) {
			t.Parallel()
			hits := ix.Search(c.query, 5)
			if len(hits) == 0 || hitIDs(hits)[0] != c.wantFirst {
				t.Fatalf("Search(%q) = %v, want %s first", c.query, hitIDs(hits), c.wantFirst)
			}
			if hits[0].How != c.how {
				t.Errorf("Search(%q) matched by %d, want %d", c.query, hits[0].How, c.how)
			}
			if got := strings.ReplaceAll(highlighted(hits[0]), " ", ""); got != strings.ReplaceAll(c.wantHighlight, " ", "") {
				t.Errorf("Search(%q) highlights %q, want %q", c.query, got, c.wantHighlight)
			}
		})
	}
}

func TestSearchRanking(t *testing.T) {
	t.Parallel()
	ix := NewIndex()
	ix.AddAccounts([]client.User{
		searchUser("712020:b1", "Min-jun Kim", "minjun.kim2@acme.com"),
		searchUser("712020:b2", "Ana Kim", "ana.kim@acme.com"),
		searchUser("712020:b3", "Min-jun Kim", "minjun.kim@acme.com"),
		searchUser("712020:b4", "Kim Tanaka", "kim@acme.com"),
		searchUser("712020:b5", "Min-jun Kim", "minjun.kim@acme.com"), // same email, another account
		searchUser("712020:b6", "Tanaka Akiko", "akiko@acme.com"),
	})
	cases := []struct {
		query string
		want  []string
	}{
		// The exact email first, though "Kim" names match the letters better.
		{"kim@acme.com", []string{"712020:b4"}},
		// Ties keep name order, then email, then first seen.
		{"min-jun kim", []string{"712020:b3", "712020:b5", "712020:b1"}},
		// Exact id before anything else.
		{"712020:b6", []string{"712020:b6"}},
		// Fuzzy before misspelled: "Tanaka" is a word of both, but only
		// "Kim Tanaka" has "kim" before it; "tanaka kim" reorders.
		{"kim tanaka", []string{"712020:b4"}},
	}
	for _, c := range cases {
		t.Run(c.query, func(t *testing.T) {
			t.Parallel()
			got := hitIDs(ix.Search(c.query, 10))
			if len(got) < len(c.want) || !slices.Equal(got[:len(c.want)], c.want) {
				t.Errorf("Search(%q) = %v, want %v first", c.query, got, c.want)
			}
		})
	}
	hits := ix.Search("tanaka", 10)
	for k := 1; k < len(hits); k++ {
		if hits[k].Score > hits[k-1].Score {
			t.Errorf("hits not in Score order: %v", hits)
		}
	}
}

func TestSearchMisspellingsComeAfterFuzzyMatches(t *testing.T) {
	t.Parallel()
	ix := NewIndex()
	ix.AddAccounts([]client.User{
		searchUser("712020:c1", "Tanaka Misaki", "misaki.t@acme.com"),
		searchUser("712020:c2", "Tanoka Ito", "t.ito@acme.com"), // one edit from "tanaka"
	})
	hits := ix.Search("tanaka", 10)
	if got := hitIDs(hits); !slices.Equal(got, []string{"712020:c1", "712020:c2"}) {
		t.Fatalf("Search(tanaka) = %v", got)
	}
	if hits[0].How != MatchFuzzy || hits[1].How != MatchMisspelled || hits[1].Score >= hits[0].Score {
		t.Errorf("kinds %d, %d and scores %d, %d", hits[0].How, hits[1].How, hits[0].Score, hits[1].Score)
	}
	if got := highlighted(hits[1]); got != "Tanoka" {
		t.Errorf("misspelling highlights %q, want the closest word", got)
	}
	// Enough fuzzy hits to fill the limit: no misspelling pass.
	if got := hitIDs(ix.Search("tanaka", 1)); !slices.Equal(got, []string{"712020:c1"}) {
		t.Errorf("Search(tanaka, 1) = %v", got)
	}
	// Short words are not misspelled: "li" one edit away would be everyone.
	if got := ix.Search("xy", 10); len(got) != 0 {
		t.Errorf("Search(xy) = %v", hitIDs(got))
	}
}

// Every highlighted rune of a fuzzy hit is, folded, the next rune of the
// query: the byte offsets of sahilm/fuzzy became the right rune indexes.
func TestSearchHighlightsAreRuneIndexesOfField(t *testing.T) {
	t.Parallel()
	ix := NewIndex()
	ix.AddAccounts(generatedOrg(0, 3000))
	ix.AddAccounts([]client.User{searchUser("712020:x", "Ngô Bảo Châu", "ngo.bao.chau@acme.com")})
	for _, q := range []string{"ngo bao chau", "ngô bảo", "田中", "Łuk", "dąb", "محمد", "ayse", "nguyen thi", "ji-ho kang", "ole", "Ωμέγα"} {
		for _, h := range ix.Search(q, 50) {
			runes := []rune(h.Field)
			if !slices.IsSorted(h.Matched) || len(slices.Compact(slices.Clone(h.Matched))) != len(h.Matched) {
				t.Fatalf("%q: Matched %v not ascending and unique", q, h.Matched)
			}
			var got strings.Builder
			for _, i := range h.Matched {
				if i < 0 || i >= len(runes) {
					t.Fatalf("%q: index %d outside %q", q, i, h.Field)
				}
				got.WriteRune(foldRune(runes[i]))
			}
			if h.How == MatchFuzzy || h.How == MatchScattered {
				if got.String() != foldQuery(q) {
					t.Errorf("%q in %q: highlighted %q", q, h.Field, got.String())
				}
			}
		}
	}
}

func TestSearchLongPastedText(t *testing.T) {
	t.Parallel()
	ix := searchOrg()
	// Past ~40 adjacent runes sahilm/fuzzy's score overflows; the pasted
	// field must still come first, highlighted whole.
	field := "Agnieszka Lewandowska <agnieszka.lewandowska@acme.com>"
	hits := ix.Search(field, 3)
	if len(hits) == 0 || hits[0].Entry.Account.AccountID != "712020:a5" || highlighted(hits[0]) != field {
		t.Fatalf("pasted field: %v %q", hitIDs(hits), highlighted(hits[0]))
	}
}

func TestSearchGroupsAndMembers(t *testing.T) {
	t.Parallel()
	ix := searchOrg()
	for _, q := range []string{"engineering", "enginering", "engin"} {
		hits := ix.Search(q, 3)
		if len(hits) == 0 || hits[0].Entry.Kind != EntryGroup || hits[0].Entry.Group.ID != "g-eng" {
			t.Fatalf("Search(%q) = %v", q, hitIDs(hits))
		}
		if hits[0].Entry.Members != 2 || hits[0].Field != "engineering" {
			t.Errorf("Search(%q): %d members, field %q", q, hits[0].Entry.Members, hits[0].Field)
		}
	}
	if hits := ix.Search("zurich", 3); len(hits) != 1 || highlighted(hits[0]) != "Zürich" || hits[0].Entry.Members != 0 {
		t.Errorf("Search(zurich) = %v", hits)
	}
	names := func(us []client.User) []string {
		var out []string
		for _, u := range us {
			out = append(out, u.Name)
		}
		return out
	}
	if got := names(ix.Members("g-eng")); !slices.Equal(got, []string{"José González", "Łukasz Dąbrowski"}) {
		t.Errorf("Members(g-eng) = %v", got)
	}
	if got := names(ix.Members("g-ops")); !slices.Equal(got, []string{"José González", "Nguyễn Thị Bích"}) {
		t.Errorf("Members(g-ops) = %v", got)
	}
	if got := ix.Members("g-none"); got != nil {
		t.Errorf("Members(g-none) = %v", got)
	}
	// José leaves engineering on a later page: the count follows.
	ix.AddAccounts([]client.User{searchUser("712020:a2", "José González", "jose.gonzalez@acme.com", "g-ops")})
	if got := names(ix.Members("g-eng")); !slices.Equal(got, []string{"Łukasz Dąbrowski"}) {
		t.Errorf("Members(g-eng) after José left = %v", got)
	}
	if hits := ix.Search("engineering", 1); hits[0].Entry.Members != 1 {
		t.Errorf("engineering has %d members after José left", hits[0].Entry.Members)
	}
}

func TestSearchEmptyQueryListsEverything(t *testing.T) {
	t.Parallel()
	ix := searchOrg()
	hits := ix.Search("  ", 0)
	want := []string{
		"712020:a5", "5b10ac8d82e05b22cc7d4ef5", "712020:a9", "712020:a2",
		"712020:b0", "712020:a1", "712020:a6", "712020:a8", "712020:a3", "712020:a7", "712020:a4",
		"group:g-eng", "group:g-ops", "group:g-empty",
	}
	if got := hitIDs(hits); !slices.Equal(got, want) {
		t.Fatalf("empty query = %v\nwant %v", got, want)
	}
	for _, h := range hits {
		if h.How != MatchAll || h.Matched != nil {
			t.Errorf("empty query hit %+v", h)
		}
	}
	if got := hitIDs(ix.Search("", 3)); !slices.Equal(got, want[:3]) {
		t.Errorf("limit 3 gave %v", got)
	}
	if got := NewIndex().Search("", 10); got != nil {
		t.Errorf("empty index: %v", got)
	}
}

func TestSearchIndexReplacesAnAccountSeenAgain(t *testing.T) {
	t.Parallel()
	ix := searchOrg()
	ix.AddAccounts([]client.User{searchUser("712020:a3", "Yuki Satō", "yuki.sato@acme.com")})
	if a, g := ix.Counts(); a != 11 || g != 3 {
		t.Fatalf("counts %d accounts, %d groups", a, g)
	}
	if u, ok := ix.Account("712020:a3"); !ok || u.Name != "Yuki Satō" {
		t.Errorf("account after a second page: %+v", u)
	}
	if got := hitIDs(ix.Search("yuki.tanaka@acme.com", 5)); slices.Contains(got, "712020:a3") {
		t.Errorf("the old email still finds the account: %v", got)
	}
	if got := hitIDs(ix.Search("yuki sato", 5)); len(got) == 0 || got[0] != "712020:a3" {
		t.Errorf("the new name does not: %v", got)
	}
	if _, ok := ix.Account("nobody"); ok {
		t.Error("Account(nobody) found someone")
	}
	ix.AddAccounts([]client.User{{Name: "No Id"}})
	if a, _ := ix.Counts(); a != 11 {
		t.Errorf("an account without an id was added")
	}
}

func TestSearchIndexFieldWithoutNameOrEmail(t *testing.T) {
	t.Parallel()
	ix := NewIndex()
	ix.AddAccounts([]client.User{
		{AccountID: "712020:e1", Email: "no.name@acme.com"},
		{AccountID: "712020:e2", Name: "No Email"},
		{AccountID: "712020:e3", Nickname: "nick"},
		{AccountID: "712020:e4"},
	})
	fields := map[string]string{}
	for _, h := range ix.Search("", 0) {
		fields[h.Entry.Account.AccountID] = h.Field
	}
	want := map[string]string{"712020:e1": "no.name@acme.com", "712020:e2": "No Email", "712020:e3": "nick", "712020:e4": "712020:e4"}
	for id, f := range want {
		if fields[id] != f {
			t.Errorf("%s shown as %q, want %q", id, fields[id], f)
		}
	}
	if h := ix.Search("no.name@acme.com", 1); len(h) != 1 || highlighted(h[0]) != "no.name@acme.com" {
		t.Errorf("email-only account: %v", h)
	}
}

// Searching goes on while pages arrive (run with -race).
func TestSearchIndexWhileLoading(t *testing.T) {
	t.Parallel()
	ix := NewIndex()
	var wg sync.WaitGroup
	wg.Go(func() {
		for p := range 40 {
			ix.AddAccounts(generatedOrg(p*50, 50))
			ix.AddGroups([]client.Group{{ID: fmt.Sprintf("g%d", p%7), Name: fmt.Sprintf("team %d", p%7)}})
		}
	})
	for _, q := range []string{"mar", "", "Tnaaka", "712020:", "team"} {
		wg.Go(func() {
			for range 40 {
				for _, h := range ix.Search(q, 20) {
					if h.Field == "" {
						t.Errorf("empty field in %+v", h)
					}
				}
				_ = ix.Members("g1")
				_, _ = ix.Account("712020:00000001")
			}
		})
	}
	wg.Wait()
	if a, g := ix.Counts(); a != 2000 || g != 7 {
		t.Fatalf("%d accounts and %d groups after loading", a, g)
	}
}
