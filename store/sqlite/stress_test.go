package sqlite

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/localissuing/localissuing/store"
)

const (
	stAcct  = "acct_s"
	stKind  = "test.item"
	stOther = "test.other"
)

var stParts = []string{"card", "holder", "token"}

func stID(set int, part string) string { return fmt.Sprintf("%s_%d", part, set) }

func stObj(set int, part string, v int, pad int) store.Object {
	return store.Object{Account: stAcct, Kind: stKind, ID: stID(set, part), Created: 1700000000,
		Parent: fmt.Sprint("set_", set),
		Data:   fmt.Appendf(nil, `{"v":%d,"set":%d,"pad":%q}`, v, set, strings.Repeat("x", pad))}
}

func stVersion(o store.Object) int {
	var d struct{ V int }
	if err := json.Unmarshal(o.Data, &d); err != nil {
		panic(err)
	}
	return d.V
}

// stRead reads the set's 3 objects (in random order, some by Get, the
// others by a list by parent or by the kind list) and returns the one
// version they all have, or an error naming the mix.
func stRead(ctx context.Context, r store.Reader, set int, rnd *rand.Rand) (int, error) {
	vs := map[string]int{}
	order := slices.Clone(stParts)
	rnd.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	for _, part := range order[:1+rnd.IntN(3)] {
		o, err := r.Get(ctx, stAcct, stKind, stID(set, part))
		if err != nil {
			return 0, fmt.Errorf("get %s: %w", stID(set, part), err)
		}
		vs["get "+part] = stVersion(o)
	}
	switch rnd.IntN(3) {
	case 0:
		p, err := r.List(ctx, store.Query{Account: stAcct, Kind: stKind, Parent: fmt.Sprint("set_", set), Limit: 5})
		if err != nil {
			return 0, err
		}
		if len(p.Objects) != 3 {
			return 0, fmt.Errorf("list by parent of set %d: %d objects", set, len(p.Objects))
		}
		for _, o := range p.Objects {
			vs["list "+o.ID] = stVersion(o)
		}
	case 1:
		p, err := r.List(ctx, store.Query{Account: stAcct, Kind: stKind, Limit: 100})
		if err != nil {
			return 0, err
		}
		n := 0
		for _, o := range p.Objects {
			if o.Parent == fmt.Sprint("set_", set) {
				vs["all "+o.ID] = stVersion(o)
				n++
			}
		}
		if n != 3 {
			return 0, fmt.Errorf("kind list has %d objects of set %d", n, set)
		}
	}
	want := -1
	for _, v := range vs {
		if want == -1 {
			want = v
		} else if v != want {
			return 0, fmt.Errorf("set %d mixed versions: %v", set, vs)
		}
	}
	return want, nil
}

// TestCacheStress runs writers and readers on sets of three objects that
// every write changes together, some writes deleting and inserting them
// again and some failing half-way, with caches from none to the default,
// most of them too small to hold a set: every View must read one version
// of a set, no older than the last one acknowledged when it began, every
// Update its own writes, and the cache must end equal to SQLite and
// within its bound.
func TestCacheStress(t *testing.T) {
	for _, tc := range []struct {
		name string
		path func(t *testing.T) string
		max  int64
		pad  int
	}{
		{"file 0", func(t *testing.T) string { return filepath.Join(t.TempDir(), "s.db") }, 0, 10},
		{"file 200", func(t *testing.T) string { return filepath.Join(t.TempDir(), "s.db") }, 200, 10},
		{"file 2000", func(t *testing.T) string { return filepath.Join(t.TempDir(), "s.db") }, 2000, 40},
		{"file, default", func(t *testing.T) string { return filepath.Join(t.TempDir(), "s.db") }, DefaultCacheBytes, 40},
		{"memory 1000", func(*testing.T) string { return memoryPath }, 1000, 10},
	} {
		t.Run(tc.name, func(t *testing.T) { cacheStress(t, tc.path(t), tc.max, tc.pad) })
	}
}

func cacheStress(t *testing.T, path string, max int64, pad int) {
	ctx := context.Background()
	s, err := OpenWithCache(ctx, path, max)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const sets = 6
	acked := make([]atomic.Int64, sets)
	err = s.Update(ctx, func(tx store.Tx) error {
		for set := range sets {
			for _, part := range stParts {
				o := stObj(set, part, 0, pad)
				if err := tx.Insert(ctx, &o); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	dur := time.Second
	if testing.Short() {
		dur = 300 * time.Millisecond
	}
	deadline := time.Now().Add(dur)
	var wg sync.WaitGroup
	var failures atomic.Int64
	var views, updates, failed atomic.Int64
	report := func(format string, args ...any) {
		if failures.Add(1) <= 10 {
			t.Errorf(format, args...)
		}
	}
	errFail := errors.New("member fails on purpose")
	// Writers.
	for w := range 6 {
		wg.Go(func() {
			rnd := rand.New(rand.NewPCG(uint64(w), 1))
			for time.Now().Before(deadline) {
				set := rnd.IntN(sets)
				mode := rnd.IntN(10)
				if false {
					mode = 5
				}
				var next int
				err := s.Update(ctx, func(tx store.Tx) error {
					v, err := stRead(ctx, tx, set, rnd)
					if err != nil {
						return fmt.Errorf("in Update: %w", err)
					}
					next = v + 1
					// noise: another kind, to churn the cache
					if rnd.IntN(2) == 0 {
						o := store.Object{Account: stAcct, Kind: stOther, ID: fmt.Sprintf("oth_%d_%d", w, rnd.Int()), Data: []byte(`{}`)}
						if err := tx.Insert(ctx, &o); err != nil {
							return err
						}
					}
					order := slices.Clone(stParts)
					rnd.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
					for i, part := range order {
						o := stObj(set, part, next, pad+rnd.IntN(30))
						if mode == 0 { // delete and insert again
							if err := tx.Delete(ctx, stAcct, stKind, o.ID); err != nil {
								return err
							}
							if err := tx.Insert(ctx, &o); err != nil {
								return err
							}
						} else if err := tx.Replace(ctx, o); err != nil {
							return err
						}
						// read your own write, by Get and by list
						got, err := tx.Get(ctx, stAcct, stKind, o.ID)
						if err != nil || stVersion(got) != next {
							return fmt.Errorf("own write of %s: %v v%d, want v%d", o.ID, err, stVersion(got), next)
						}
						if mode == 1 && i == 1 {
							return errFail // after writing two of three
						}
					}
					if v2, err := stRead(ctx, tx, set, rnd); err != nil || v2 != next {
						return fmt.Errorf("own writes read back: v%d %v, want v%d", v2, err, next)
					}
					return nil
				})
				updates.Add(1)
				switch {
				case errors.Is(err, errFail):
					failed.Add(1)
				case err != nil:
					report("Update: %v", err)
					return
				default:
					for {
						cur := acked[set].Load()
						if int64(next) <= cur || acked[set].CompareAndSwap(cur, int64(next)) {
							break
						}
					}
				}
			}
		})
	}
	// Readers.
	for r := range 8 {
		wg.Go(func() {
			rnd := rand.New(rand.NewPCG(uint64(r), 2))
			for time.Now().Before(deadline) {
				sa, sb := rnd.IntN(sets), rnd.IntN(sets)
				minA, minB := acked[sa].Load(), acked[sb].Load()
				err := s.View(ctx, func(rd store.Reader) error {
					va, err := stRead(ctx, rd, sa, rnd)
					if err != nil {
						return err
					}
					vb, err := stRead(ctx, rd, sb, rnd)
					if err != nil {
						return err
					}
					if sa == sb && va != vb {
						return fmt.Errorf("set %d read twice: v%d then v%d", sa, va, vb)
					}
					if int64(va) < minA || int64(vb) < minB {
						return fmt.Errorf("stale: set %d v%d (acked %d), set %d v%d (acked %d)", sa, va, minA, sb, vb, minB)
					}
					return nil
				})
				views.Add(1)
				if err != nil {
					report("View: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
	t.Logf("%d views (%d reruns), %d updates (%d failed on purpose)", views.Load(), s.reruns.Load(), updates.Load(), failed.Load())
	checkCache(t, s)
}

// checkCache compares the cache with SQLite and its size with its entries.
func checkCache(t *testing.T, s *Store) {
	t.Helper()
	c := s.cache
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.gen%2 != 0 {
		t.Errorf("gen %d odd at rest", c.gen)
	}
	var sum int64
	for id, o := range c.objects {
		sum += objectSize(o)
		got, err := sqlGetDirect(t, s, o.Account, o.Kind, id)
		if err != nil {
			t.Errorf("cached %s: SQLite says %v", id, err)
			continue
		}
		if string(got.Data) != string(o.Data) || got.Seq != o.Seq || got.Created != o.Created || got.Parent != o.Parent {
			t.Errorf("cached %s = %s seq %d, SQLite %s seq %d", id, o.Data, o.Seq, got.Data, got.Seq)
		}
	}
	for k, pages := range c.lists {
		for key, p := range pages {
			sum += p.size
			_ = k
			_ = key
		}
	}
	if sum != c.size {
		t.Errorf("cache size %d, entries add up to %d", c.size, sum)
	}
	if c.max > 0 && c.size > c.max {
		t.Errorf("cache size %d over bound %d", c.size, c.max)
	}
}
