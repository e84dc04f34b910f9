package search

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkWarmStart: the second start's way to a searchable org, a saved
// org read back into an index (OpenCache; target: the whole org searchable
// within 2 s at 200,000 accounts, with a fresh load running beside it).
func BenchmarkWarmStart(b *testing.B) {
	for _, n := range []int{200_000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "org.cache")
			if err := SaveCache(path, Cached{OrgID: "o", Saved: time.Now(), Accounts: generatedOrg(0, n)}); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if ix, _, err := OpenCache(path, "o"); err != nil || ix == nil {
					b.Fatal(err)
				}
			}
		})
	}
}
