package sqlite

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/localissuing/localissuing/store"
	"github.com/localissuing/localissuing/store/storetest"
)

// seed opens a file database holding n cards, inserted in one transaction.
func seed(b *testing.B, n int) *Store {
	b.Helper()
	s, err := Open(b.Context(), filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	err = s.Update(b.Context(), func(tx store.Tx) error {
		for i := range n {
			if err := tx.Insert(b.Context(), storetest.BenchObject(i)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkStore measures the engine's operations on file databases of
// 1,000 and 100,000 cards: Get and List by one goroutine and by many,
// and Insert, one object per committed transaction.
func BenchmarkStore(b *testing.B) {
	for _, n := range []int{1_000, 100_000} {
		// Seeded inside the sub-benchmark, so that -bench can skip it.
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) { benchStore(b, n) })
	}
}

func benchStore(b *testing.B, n int) { storetest.Bench(b, seed(b, n), n) }
