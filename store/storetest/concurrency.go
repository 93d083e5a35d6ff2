package storetest

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"github.com/localissuing/localissuing/store"
)

func testConcurrentWriters(t *testing.T, s store.Store) {
	const writers, each = 8, 50
	ctx := t.Context()
	seqs := make([][]int64, writers)
	errs := make(chan error, writers)
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				o := &store.Object{Account: acctA, Kind: kindCard, ID: fmt.Sprintf("ic_w%d_%03d", w, i),
					Created: 1700000000, Parent: fmt.Sprint("w", w), Data: []byte(`{}`)}
				if err := s.Update(ctx, func(tx store.Tx) error { return tx.Insert(ctx, o) }); err != nil {
					errs <- fmt.Errorf("writer %d insert %d: %w", w, i, err)
					return
				}
				seqs[w] = append(seqs[w], o.Seq)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	seen := map[int64]bool{}
	for w := range writers {
		for i, seq := range seqs[w] {
			if seen[seq] {
				t.Errorf("Seq %d given twice", seq)
			}
			seen[seq] = true
			// Each writer's own inserts are ordered.
			if i > 0 && seq <= seqs[w][i-1] {
				t.Errorf("writer %d: Seq %d after %d", w, seq, seqs[w][i-1])
			}
		}
		p := list(t, s, store.Query{Account: acctA, Kind: kindCard, Parent: fmt.Sprint("w", w), Limit: each + 1})
		if len(p.Objects) != each {
			t.Errorf("writer %d: %d objects stored, want %d", w, len(p.Objects), each)
		}
	}
	if len(seen) != writers*each {
		t.Errorf("%d distinct Seqs, want %d", len(seen), writers*each)
	}
}

// testGetForUpdateCounter increments a counter in Data from concurrent
// Updates; GetForUpdate must keep any increment from being lost.
func testGetForUpdateCounter(t *testing.T, s store.Store) {
	const workers, each = 8, 25
	ctx := t.Context()
	insert(t, s, card(t, "ic_counter", 1700000000, "", map[string]any{"n": 0}))
	type counter struct {
		ID string `json:"id"`
		N  int    `json:"n"`
	}
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range each {
				err := s.Update(ctx, func(tx store.Tx) error {
					o, err := tx.GetForUpdate(ctx, acctA, kindCard, "ic_counter")
					if err != nil {
						return err
					}
					var c counter
					if err := json.Unmarshal(o.Data, &c); err != nil {
						return err
					}
					c.N++
					if o.Data, err = json.Marshal(c); err != nil {
						return err
					}
					return tx.Replace(ctx, o)
				})
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	var c counter
	if err := json.Unmarshal(mustGet(t, s, acctA, kindCard, "ic_counter").Data, &c); err != nil {
		t.Fatal(err)
	}
	if c.N != workers*each {
		t.Errorf("counter is %d after %d increments", c.N, workers*each)
	}
}
