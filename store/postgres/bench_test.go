package postgres

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/localissuing/localissuing/store"
	"github.com/localissuing/localissuing/store/postgres/pgtest"
	"github.com/localissuing/localissuing/store/storetest"
)

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
		o := storetest.BenchObject(i)
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

func benchStore(b *testing.B, n int) { storetest.Bench(b, seed(b, n), n) }

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
