package sqlite

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/localissuing/localissuing/store"
)

// benchDoc is about the size of a stored card: 1 KB of JSON.
var benchDoc = func() string {
	s := `{"object":"issuing.card","brand":"Visa","currency":"usd","exp_month":8,"exp_year":2030,"last4":"4242","livemode":false,"status":"active","type":"virtual","metadata":{"order":"6735"},"pad":"`
	return s + strings.Repeat("x", 1024-len(s)-2) + `"}`
}()

func benchObject(i int) *store.Object {
	return &store.Object{Account: "acct_1", Kind: "issuing.card", ID: fmt.Sprintf("ic_%08d", i),
		Created: 1700000000 + int64(i), Parent: fmt.Sprint("ich_", i%10), Data: []byte(benchDoc)}
}

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
			if err := tx.Insert(b.Context(), benchObject(i)); err != nil {
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

func benchStore(b *testing.B, n int) {
	s := seed(b, n)
	ctx := b.Context()
	get := func(rng *rand.Rand) error {
		return s.View(ctx, func(r store.Reader) error {
			_, err := r.Get(ctx, "acct_1", "issuing.card", fmt.Sprintf("ic_%08d", rng.IntN(n)))
			return err
		})
	}
	list := func(rng *rand.Rand) error {
		return s.View(ctx, func(r store.Reader) error {
			// A later page: a cursor, then 10 objects and one to tell HasMore.
			p, err := r.List(ctx, store.Query{Account: "acct_1", Kind: "issuing.card", Limit: 10,
				StartingAfter: fmt.Sprintf("ic_%08d", 11+rng.IntN(n-11))})
			if err == nil && len(p.Objects) != 10 {
				err = fmt.Errorf("list returned %d objects", len(p.Objects))
			}
			return err
		})
	}
	for _, op := range []struct {
		name string
		fn   func(*rand.Rand) error
	}{{"Get", get}, {"List", list}} {
		b.Run(op.name, func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 2))
			for b.Loop() {
				if err := op.fn(rng); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(op.name+"Parallel", func(b *testing.B) {
			var seed atomic.Uint64
			b.RunParallel(func(pb *testing.PB) {
				rng := rand.New(rand.NewPCG(seed.Add(1), 2))
				for pb.Next() {
					if err := op.fn(rng); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
	// Last, so that the reads above see exactly n rows.
	next := n
	b.Run("Insert", func(b *testing.B) {
		for b.Loop() {
			o := benchObject(next)
			next++
			if err := s.Update(ctx, func(tx store.Tx) error { return tx.Insert(ctx, o) }); err != nil {
				b.Fatal(err)
			}
		}
	})
}
