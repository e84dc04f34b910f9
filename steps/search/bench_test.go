package search

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sahilm/fuzzy"

	"github.com/syncdoctor/syncdoctor/client"
)

// A deterministic org of any size, with names from many places, some in
// their own script: the load search has to carry at 100,000 accounts.

// Each name is "as shown|as in the email"; without "|" the email takes the
// folded name.
var generatedCultures = []struct{ given, family []string }{
	{ // Polish
		[]string{"Łukasz", "Agnieszka", "Małgorzata", "Wojciech", "Zofia", "Paweł", "Katarzyna", "Michał", "Jakub", "Joanna"},
		[]string{"Dąbrowski", "Lewandowska", "Kamińska", "Wiśniewski", "Woźniak", "Jabłoński", "Król", "Zieliński", "Szymańska", "Mazur"},
	},
	{ // Japanese, romanised
		[]string{"Yuki", "Haruto", "Sakura", "Takeshi", "Aoi", "Riko", "Daiki", "Hina", "Kenji", "Yūto"},
		[]string{"Tanaka", "Satō", "Suzuki", "Takahashi", "Watanabe", "Itō", "Yamamoto", "Nakamura", "Kobayashi", "Katō"},
	},
	{ // Japanese, in kanji (family name first)
		[]string{"優希|yuki", "陽翔|haruto", "さくら|sakura", "健|takeshi", "葵|aoi", "大輝|daiki"},
		[]string{"田中|tanaka", "佐藤|sato", "鈴木|suzuki", "高橋|takahashi", "渡辺|watanabe", "伊藤|ito"},
	},
	{ // Arabic, romanised
		[]string{"Fatima", "Omar", "Layla", "Khaled", "Mariam", "Yousef", "Huda", "Karim", "Rania", "Tariq"},
		[]string{"Al-Rashid", "Haddad", "Mansour", "Khalil", "Nasser", "Saleh", "Abdallah", "El-Amin", "Aziz", "Farouk"},
	},
	{ // Arabic script
		[]string{"محمد|mohammed", "فاطمة|fatima", "عمر|omar", "ليلى|layla", "أحمد|ahmed", "مريم|mariam"},
		[]string{"العلي|alali", "حداد|haddad", "منصور|mansour", "خليل|khalil", "ناصر|nasser", "صالح|saleh"},
	},
	{ // Vietnamese (family name first)
		[]string{"Minh An", "Thu Linh", "Ngọc Bích", "Văn Đức", "Thanh Hà", "Quốc Tuấn", "Hữu Phúc", "Thị Lan"},
		[]string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Võ", "Đặng", "Bùi", "Đỗ"},
	},
	{ // Spanish and Portuguese
		[]string{"José", "María", "Sofía", "Andrés", "João", "Letícia", "Joaquín", "Mónica", "Héctor", "Lúcia"},
		[]string{"González", "Hernández", "Domínguez", "Núñez", "Gonçalves", "Araújo", "Peña", "Jiménez", "Magalhães", "Martínez"},
	},
	{ // Nordic, Finnish, Turkish, Hungarian, Czech
		[]string{"Bjørn", "Åsa", "Søren", "Päivi", "Väinö", "Þórdís", "Ayşe", "Çağla", "Zoltán", "Jiří"},
		[]string{"Sørensen", "Sjöberg", "Hämäläinen", "Järvinen", "Jónsdóttir", "Yıldız", "Aydın", "Szűcs", "Dvořák", "Horváth"},
	},
	{ // Indian
		[]string{"Aarav", "Ananya", "Ishaan", "Kavya", "Rohan", "Priya", "Vikram", "Lakshmi", "Arjun", "Meera"},
		[]string{"Sharma", "Patel", "Iyer", "Krishnan", "Banerjee", "Chatterjee", "Natarajan", "Pillai", "Reddy", "Menon"},
	},
	{ // West African
		[]string{"Chinedu", "Ngozi", "Adaeze", "Babatunde", "Folake", "Kwame", "Kofi", "Yetunde", "Emeka", "Oluwaseun"},
		[]string{"Okonkwo", "Adeyemi", "Ibekwe", "Adebayo", "Adeleke", "Mensah", "Boateng", "Bello", "Okafor", "Nwosu"},
	},
	{ // Korean, Hangul (family name first)
		[]string{"민준|minjun", "서연|seoyeon", "지호|jiho", "하은|haeun", "도윤|doyun"},
		[]string{"김|kim", "이|lee", "박|park", "최|choi", "정|jung"},
	},
	{ // Russian and Greek
		[]string{"Дмитрий|dmitri", "Ёлена|yelena", "Алексей|alexei", "Νίκος|nikos", "Ελένη|eleni"},
		[]string{"Волков|volkov", "Смирнова|smirnova", "Павлов|pavlov", "Παπαδόπουλος|papadopoulos", "Γεωργίου|georgiou"},
	},
}

var familyFirst = map[int]bool{2: true, 5: true, 10: true}

// splitmix is a small deterministic hash: the account at position i is the
// same however the org is cut into pages.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

func nameParts(s string) (shown, email string) {
	shown, email, ok := strings.Cut(s, "|")
	if !ok {
		email = fold(shown)
	}
	return shown, strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, email)
}

// generatedOrg makes accounts from..from+n of the generated org.
func generatedOrg(from, n int) []client.User {
	domains := []string{"acme.com", "acme.io", "acme-labs.com", "partner.io"}
	out := make([]client.User, n)
	for k := range out {
		i := from + k
		h := splitmix(uint64(i))
		c := generatedCultures[h%uint64(len(generatedCultures))]
		g, ge := nameParts(c.given[(h>>8)%uint64(len(c.given))])
		f, fe := nameParts(c.family[(h>>16)%uint64(len(c.family))])
		name := g + " " + f
		if familyFirst[int(h%uint64(len(generatedCultures)))] {
			name = f + " " + g
		}
		u := client.User{
			AccountID:     fmt.Sprintf("712020:%08x-%04x-%04x-%04x-%012x", h>>32, h>>16&0xffff, h&0xffff, i&0xffff, splitmix(h)>>16),
			Name:          name,
			Email:         fmt.Sprintf("%s.%s%d@%s", ge, fe, i, domains[(h>>24)%uint64(len(domains))]),
			AccountStatus: "active",
			ClaimStatus:   "managed",
		}
		for gi := range 1 + (h>>28)%4 {
			id := fmt.Sprintf("g-%02d", (h>>(32+gi*5))%40)
			u.Groups = append(u.Groups, client.UserGroup{ID: id, Name: "team " + id})
		}
		out[k] = u
	}
	return out
}

func generatedIndex(n int) *Index {
	ix := NewIndex()
	for p := 0; p < n; p += 100 {
		ix.AddAccounts(generatedOrg(p, min(100, n-p)))
	}
	groups := make([]client.Group, 40)
	for i := range groups {
		groups[i] = client.Group{ID: fmt.Sprintf("g-%02d", i), Name: fmt.Sprintf("team g-%02d", i)}
	}
	ix.AddGroups(groups)
	return ix
}

// The generated org is searchable the way the operator expects: the exact
// account first for a pasted id or email, a misspelled name near the top.
func TestSearchIndexGeneratedOrg(t *testing.T) {
	t.Parallel()
	const n = 20_000
	ix := generatedIndex(n)
	users := generatedOrg(0, n)
	for _, k := range []int{7, 4242, 19_999} {
		u := users[k]
		for _, q := range []string{u.AccountID, u.Email, strings.ToUpper(u.Email)} {
			if hits := ix.Search(q, 10); len(hits) == 0 || hits[0].Entry.Account.AccountID != u.AccountID || hits[0].How != MatchExact {
				t.Errorf("Search(%q) = %v, want %s first", q, hitIDs(hits), u.AccountID)
			}
		}
	}
	// A misspelled full name finds someone of that name among the first hits.
	for _, c := range []struct{ query, name string }{
		{"Agniezska Lewandwoska", "Agnieszka Lewandowska"},
		{"Yuki Tnaaka", "Yuki Tanaka"},
		{"jose gonzales", "José González"},
		{"Babatunde Adebyo", "Babatunde Adebayo"},
	} {
		hits := ix.Search(c.query, 20)
		if len(hits) == 0 || hits[0].Entry.Account.Name != c.name {
			var got []string
			for _, h := range hits[:min(5, len(hits))] {
				got = append(got, h.Field)
			}
			t.Errorf("Search(%q) starts %q, want %s", c.query, got, c.name)
		}
	}
}

// Benchmarks. The ones the README names run with
//
//	go test -run '^$' -bench 'Search|View|IndexMemory' ./...
//
// BenchmarkSearch and BenchmarkSearchBaseline type benchTyped one key per
// op, as the operator does; BenchmarkIndexMemory reports what the index
// holds per account. BenchmarkQuery times single queries from cold.

// benchTyped is what the typing benchmarks type, one key per op; after the
// last key they start again from the first, as after clearing the box.
const benchTyped = "yuki tanaka"

// benchLimit is how many hits the wizard asks for (tui searchLimit).
const benchLimit = 50

func typedKeys(s string) []string {
	var out []string
	for i := range s {
		if i > 0 {
			out = append(out, s[:i])
		}
	}
	return append(out, s)
}

// benchTyping types benchTyped with search, one key per op. Its ns/op is
// the mean over the keys of each key's mean time, so that a run which
// stops partway through the keys (b.N is rarely a multiple of them) does
// not weigh the first, slowest keys more.
func benchTyping(b *testing.B, search func(q string)) {
	keys := typedKeys(benchTyped)
	sum := make([]time.Duration, len(keys))
	count := make([]int, len(keys))
	k := 0
	for b.Loop() {
		start := time.Now()
		search(keys[k])
		sum[k] += time.Since(start)
		count[k]++
		k = (k + 1) % len(keys)
	}
	var mean float64
	typed := 0
	for k := range keys {
		if count[k] > 0 {
			mean += float64(sum[k]) / float64(count[k])
			typed++
		}
	}
	b.ReportMetric(mean/float64(typed), "ns/op")
}

// benchIndexes keeps the generated indexes between runs of a benchmark
// (-count): building a million accounts takes a while.
var benchIndexes = struct {
	sync.Mutex
	m map[int]*Index
}{m: map[int]*Index{}}

func benchIndex(n int) *Index {
	benchIndexes.Lock()
	defer benchIndexes.Unlock()
	if ix := benchIndexes.m[n]; ix != nil {
		return ix
	}
	ix := generatedIndex(n)
	benchIndexes.m[n] = ix
	return ix
}

// BenchmarkSearch: one op is one keystroke of benchTyped, searched by a
// Session after the keys before it; each time round starts from an empty
// box (a new session), so the first key reads every account.
func BenchmarkSearch(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			ix := benchIndex(n)
			var ss *Session
			b.ReportAllocs()
			benchTyping(b, func(q string) {
				if len(q) == 1 {
					ss = ix.NewSession()
				}
				ss.Search(q, benchLimit)
			})
		})
	}
}

// BenchmarkSearchBaseline: the same keystrokes with plain sahilm/fuzzy over
// the lines the index shows.
func BenchmarkSearchBaseline(b *testing.B) {
	for _, n := range []int{100_000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			lines := make([]string, 0, n+40)
			for _, u := range generatedOrg(0, n) {
				lines = append(lines, u.Name+" <"+u.Email+">")
			}
			for i := range 40 {
				lines = append(lines, fmt.Sprintf("team g-%02d", i))
			}
			b.ReportAllocs()
			benchTyping(b, func(q string) {
				m := fuzzy.Find(q, lines)
				_ = m[:min(benchLimit, len(m))]
			})
		})
	}
}

// BenchmarkIndexMemory: the heap an index of n generated accounts holds,
// per account, loaded in pages of 100 as from the org.
func BenchmarkIndexMemory(b *testing.B) {
	for _, n := range []int{100_000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			var total uint64
			for b.Loop() {
				var before, after runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&before)
				ix := generatedIndex(n)
				runtime.GC()
				runtime.ReadMemStats(&after)
				runtime.KeepAlive(ix)
				total += after.HeapAlloc - before.HeapAlloc
			}
			b.ReportMetric(float64(total)/float64(b.N)/float64(n), "bytes/account")
		})
	}
}

var benchQueries = []struct{ name, query string }{
	{"empty", ""},
	{"short", "ta"},
	{"word", "tanaka"},
	{"long", "agnieszka lewandowska"},
	{"misspelled", "Agniezska Lewandwoska"},
	{"misspelled-word", "Tnaaka"},
	{"email", "yuki.tanaka4242@acme.com"},
	{"account-id", ""}, // filled with a real id
	{"nothing", "qqqxx"},
}

// BenchmarkQuery times single queries, each from cold.
func BenchmarkQuery(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		ix := benchIndex(n)
		for _, q := range benchQueries {
			if q.name == "account-id" {
				q.query = generatedOrg(n/2, 1)[0].AccountID
			}
			b.Run(fmt.Sprintf("n=%d/%s", n, q.name), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					ix.Search(q.query, benchLimit)
				}
			})
		}
	}
}

func BenchmarkAddAccounts(b *testing.B) {
	page := generatedOrg(0, 100)
	b.Run("page-of-100", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			NewIndex().AddAccounts(page)
		}
	})
	pages := make([][]client.User, 1000)
	for p := range pages {
		pages[p] = generatedOrg(p*100, 100)
	}
	b.Run("100k-in-pages", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			ix := NewIndex()
			for _, p := range pages {
				ix.AddAccounts(p)
			}
		}
	})
}
