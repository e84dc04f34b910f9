package search

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkWarmStart: the second start's way to a searchable org, a saved
// org read back and indexed (target: within 2 s at 200,000 accounts,
// with a fresh load running beside it).
func BenchmarkWarmStart(b *testing.B) {
	for _, n := range []int{200_000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "org.cache")
			if err := SaveCache(path, Cached{OrgID: "o", Saved: time.Now(), Accounts: generatedOrg(0, n)}); err != nil {
				b.Fatal(err)
			}
			b.Run("read", func(b *testing.B) {
				for b.Loop() {
					if c, err := LoadCache(path, "o"); err != nil || c == nil {
						b.Fatal(err)
					}
				}
			})
			c, _ := LoadCache(path, "o")
			b.Run("index", func(b *testing.B) {
				for b.Loop() {
					IndexFrom(c)
				}
			})
		})
	}
}
