package postgres

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/localissuing/localissuing/store"
	"github.com/localissuing/localissuing/store/postgres/pgtest"
)

// benchDoc is about the size of a stored card: 1 KB of JSON, as in the
// SQLite engine's benchmarks, so that the two compare.
var benchDoc = func() string {
	s := `{"object":"issuing.card","brand":"Visa","currency":"usd","exp_month":8,"exp_year":2030,"last4":"4242","livemode":false,"status":"active","type":"virtual","metadata":{"order":"6735"},"pad":"`
	return s + strings.Repeat("x", 1024-len(s)-2) + `"}`
}()

func benchObject(i int) *store.Object {
	return &store.Object{Account: "acct_1", Kind: "issuing.card", ID: fmt.Sprintf("ic_%08d", i),
		Created: 1700000000 + int64(i), Parent: fmt.Sprint("ich_", i%10), Data: []byte(benchDoc)}
}

// seed opens a store on a new schema holding n cards, copied in with COPY
// in one statement, and analyzed, as autovacuum would have by then.
func seed(b *testing.B, n int) *Store {
	b.Helper()
	s, err := Open(b.Context(), pgtest.DSN(b))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	rows := make([][]any, n)
	for i := range rows {
		o := benchObject(i)
		rows[i] = []any{o.ID, o.Account, o.Kind, o.Created, o.Parent, o.Data}
	}
	_, err = s.pool.CopyFrom(b.Context(), pgx.Identifier{"objects"},
		[]string{"id", "account", "kind", "created", "parent", "data"}, pgx.CopyFromRows(rows))
	if err == nil {
		_, err = s.pool.Exec(b.Context(), `ANALYZE objects`)
	}
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkStore measures the engine's operations on databases of 1,000
// and 100,000 cards: Get and List by one goroutine and by many, and
// Insert, one object per committed transaction.
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
	var next atomic.Int64
	next.Store(int64(n))
	b.Run("Insert", func(b *testing.B) {
		for b.Loop() {
			o := benchObject(int(next.Add(1)))
			if err := s.Update(ctx, func(tx store.Tx) error { return tx.Insert(ctx, o) }); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("InsertParallel", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				o := benchObject(int(next.Add(1)))
				if err := s.Update(ctx, func(tx store.Tx) error { return tx.Insert(ctx, o) }); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}

// BenchmarkContendedUpdate is the measurement behind Update's isolation
// level: parallel read-modify-write transactions on one object (the
// GetForUpdate counter of the contract suite), under READ COMMITTED with
// the row lock of GetForUpdate, and under SERIALIZABLE, where a
// transaction that loses the race fails and is run again. It reports the
// retries per operation.
func BenchmarkContendedUpdate(b *testing.B) {
	for _, iso := range []string{"read_committed", "serializable"} {
		b.Run(iso, func(b *testing.B) {
			s := seed(b, 0)
			s.begin = "BEGIN ISOLATION LEVEL " + strings.ReplaceAll(strings.ToUpper(iso), "_", " ")
			ctx := b.Context()
			counter := &store.Object{Account: "acct_1", Kind: "issuing.card", ID: "ic_counter", Data: []byte(`{"n":0}`)}
			if err := s.Update(ctx, func(tx store.Tx) error { return tx.Insert(ctx, counter) }); err != nil {
				b.Fatal(err)
			}
			var retries atomic.Int64
			increment := func(tx store.Tx) error {
				o, err := tx.GetForUpdate(ctx, "acct_1", "issuing.card", "ic_counter")
				if err != nil {
					return err
				}
				var c struct{ N int }
				if err := json.Unmarshal(o.Data, &c); err != nil {
					return err
				}
				c.N++
				o.Data = fmt.Appendf(nil, `{"n":%d}`, c.N)
				return tx.Replace(ctx, o)
			}
			b.SetParallelism(4)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					for {
						err := s.Update(ctx, increment)
						var pe *pgconn.PgError
						if errors.As(err, &pe) && pe.Code == "40001" {
							retries.Add(1)
							continue
						}
						if err != nil {
							b.Error(err)
							return
						}
						break
					}
				}
			})
			b.ReportMetric(float64(retries.Load())/float64(b.N), "retries/op")
		})
	}
}
