package storetest

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/localissuing/localissuing/store"
)

// benchDoc is about the size of a stored card: 1 KB of JSON, the same for
// every engine so that their numbers compare.
var benchDoc = func() string {
	s := `{"object":"issuing.card","brand":"Visa","currency":"usd","exp_month":8,"exp_year":2030,"last4":"4242","livemode":false,"status":"active","type":"virtual","metadata":{"order":"6735"},"pad":"`
	return s + strings.Repeat("x", 1024-len(s)-2) + `"}`
}()

// BenchObject is the i-th card of the engines' benchmarks: account acct_1,
// id ic_%08d, ten cardholders as parents.
func BenchObject(i int) *store.Object {
	return &store.Object{Account: "acct_1", Kind: "issuing.card", ID: fmt.Sprintf("ic_%08d", i),
		Created: 1700000000 + int64(i), Parent: fmt.Sprint("ich_", i%10), Data: []byte(benchDoc)}
}

// Bench measures an engine holding BenchObject(0) … BenchObject(n-1): Get
// and List by one goroutine and by many, then Insert, one object per
// committed transaction, serially, in parallel and by 64 goroutines.
func Bench(b *testing.B, s store.Store, n int) {
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
	var next atomic.Int64
	next.Store(int64(n))
	b.Run("Insert", func(b *testing.B) {
		for b.Loop() {
			o := BenchObject(int(next.Add(1)))
			if err := s.Update(ctx, func(tx store.Tx) error { return tx.Insert(ctx, o) }); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("InsertParallel", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				o := BenchObject(int(next.Add(1)))
				if err := s.Update(ctx, func(tx store.Tx) error { return tx.Insert(ctx, o) }); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
	// As many writers as the load benchmark's connections: an engine
	// that commits concurrent transactions together shows it here.
	b.Run("Insert64", func(b *testing.B) {
		b.SetParallelism(max(1, 64/runtime.GOMAXPROCS(0)))
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				o := BenchObject(int(next.Add(1)))
				if err := s.Update(ctx, func(tx store.Tx) error { return tx.Insert(ctx, o) }); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}
