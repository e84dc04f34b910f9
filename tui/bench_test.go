package tui

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/syncdoctor/syncdoctor/client"
	"github.com/syncdoctor/syncdoctor/steps/search"
)

// benchNames are the names a generated org cycles through.
var benchFirst = []string{"Yuki", "Agnieszka", "José", "Babatunde", "Ingrid", "Chinedu", "Mateus", "Aoi", "Lukas", "Priya"}
var benchLast = []string{"Tanaka", "Lewandowska", "González", "Adebayo", "Sørensen", "Okonkwo", "Araújo", "Suzuki", "Becker", "Sharma"}

// benchIndex is an index of n generated accounts, as a big org loads.
func benchIndex(n int) *search.Index {
	ix := search.NewIndex()
	page := make([]client.User, 0, 1000)
	for i := range n {
		f, l := benchFirst[i%len(benchFirst)], benchLast[(i/len(benchFirst))%len(benchLast)]
		page = append(page, client.User{
			AccountID: fmt.Sprintf("712020:%08d-0000-4000-8000-000000000000", i), Name: fmt.Sprintf("%s %s %d", f, l, i),
			Email: fmt.Sprintf("user%d@acme.com", i), AccountStatus: "active", ClaimStatus: "managed",
			ProductAccess: []client.ProductAccess{{Key: "jira-software"}},
		})
		if len(page) == cap(page) {
			ix.AddAccounts(page)
			page = page[:0]
		}
	}
	ix.AddAccounts(page)
	return ix
}

// BenchmarkView renders one frame of the search screen over a big org, the
// hits of a query on show (target: at most 2 ms a frame at 1,000,000).
func BenchmarkView(b *testing.B) {
	for _, n := range []int{1_000_000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			ix := benchIndex(n)
			m := New(Deps{})
			m.width, m.height = 120, 40
			m = m.layoutInputs()
			m.phase = phaseSearch
			m.loading = loadingScreen{ix: ix, done: true, p: search.LoadProgress{Accounts: n, Done: true}}
			m.search.input.SetValue("yuki tanaka")
			m.search.hits = ix.Search("yuki tanaka", searchLimit)
			m.search.answered = m.search.seq
			if len(m.search.hits) == 0 {
				b.Fatal("no hits to draw")
			}
			runtime.GC() // the index is built: its garbage is not this frame's
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				_ = m.View()
			}
		})
	}
}
