package routes_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/localissuing/localissuing/store"
)

// memStore is a store.Store in memory, for benchmarks of what a request
// costs around the store: with it, CPU time per request is the API's own
// (parsing, validation, the resource's rules, rendering, events) and none
// of an engine's. It keeps objects by kind in Seq order, serializes every
// transaction, and undoes a failed Update's writes. It drops deliveries
// and does not prune: the benchmarked account has no webhook endpoints
// and the calls send no idempotency keys to prune.
type memStore struct {
	mu     sync.Mutex
	seq    int64
	byID   map[string]*store.Object
	byKind map[string][]*store.Object // Seq order
	idem   map[string]store.IdempotencyRecord
}

func newMemStore() *memStore {
	return &memStore{byID: map[string]*store.Object{}, byKind: map[string][]*store.Object{},
		idem: map[string]store.IdempotencyRecord{}}
}

func (s *memStore) View(ctx context.Context, fn func(store.Reader) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return fn(&memTx{s: s})
}

func (s *memStore) Update(ctx context.Context, fn func(store.Tx) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	tx := &memTx{s: s}
	if err := fn(tx); err != nil {
		for i := len(tx.undo) - 1; i >= 0; i-- {
			tx.undo[i]()
		}
		return err
	}
	return nil
}

func (s *memStore) Lease(ctx context.Context, now, leaseUntil int64, limit int) ([]store.Delivery, error) {
	return []store.Delivery{}, nil
}

func (s *memStore) PruneIdempotency(ctx context.Context, before int64) error { return nil }

func (s *memStore) Close() error { return nil }

// memTx is a transaction of a memStore, whose lock it runs under.
type memTx struct {
	s    *memStore
	undo []func()
}

func (tx *memTx) Get(ctx context.Context, account, kind, id string) (store.Object, error) {
	obj, ok := tx.s.byID[id]
	if !ok || obj.Account != account || obj.Kind != kind {
		return store.Object{}, fmt.Errorf("get %s %s: %w", kind, id, store.ErrNotFound)
	}
	return *obj, nil
}

func (tx *memTx) GetForUpdate(ctx context.Context, account, kind, id string) (store.Object, error) {
	return tx.Get(ctx, account, kind, id)
}

func (tx *memTx) List(ctx context.Context, q store.Query) (store.Page, error) {
	objs := tx.s.byKind[q.Kind]
	match := func(o *store.Object) (bool, error) {
		if o.Account != q.Account || q.Parent != "" && o.Parent != q.Parent || !inRange(o.Created, q.Created) {
			return false, nil
		}
		return matchFields(o.Data, q.Equal)
	}
	cursor := func(id string) (int, error) {
		i := slices.IndexFunc(objs, func(o *store.Object) bool { return o.ID == id && o.Account == q.Account })
		if i < 0 {
			return 0, store.ErrCursorNotFound
		}
		return i, nil
	}
	// Newest first: walk down from the top, or up from ending_before.
	var page store.Page
	from, step := len(objs)-1, -1
	switch {
	case q.StartingAfter != "":
		i, err := cursor(q.StartingAfter)
		if err != nil {
			return page, err
		}
		from = i - 1
	case q.EndingBefore != "":
		i, err := cursor(q.EndingBefore)
		if err != nil {
			return page, err
		}
		from, step = i+1, 1
	}
	for i := from; i >= 0 && i < len(objs); i += step {
		ok, err := match(objs[i])
		if err != nil {
			return page, err
		}
		if !ok {
			continue
		}
		if len(page.Objects) == q.Limit {
			page.HasMore = true
			break
		}
		page.Objects = append(page.Objects, *objs[i])
	}
	if step == 1 {
		slices.Reverse(page.Objects)
	}
	return page, nil
}

func inRange(v int64, r store.Range) bool {
	return (r.Gt == nil || v > *r.Gt) && (r.Gte == nil || v >= *r.Gte) &&
		(r.Lt == nil || v < *r.Lt) && (r.Lte == nil || v <= *r.Lte)
}

// matchFields applies store.Field filters to a document, as the engines do.
func matchFields(data []byte, fields []store.Field) (bool, error) {
	if len(fields) == 0 {
		return true, nil
	}
	var doc map[string]any
	d := json.NewDecoder(strings.NewReader(string(data)))
	d.UseNumber()
	if err := d.Decode(&doc); err != nil {
		return false, err
	}
	for _, f := range fields {
		v, ok := doc[f.Name]
		if !ok {
			return false, nil
		}
		s, isString := v.(string)
		n, isNumber := v.(json.Number)
		switch want := f.Value.(type) {
		case string:
			if !isString || f.Prefix && !strings.HasPrefix(s, want) || !f.Prefix && s != want {
				return false, nil
			}
		case bool:
			if b, isBool := v.(bool); !isBool || b != want {
				return false, nil
			}
		case int64:
			if i, err := n.Int64(); !isNumber || err != nil || i != want {
				return false, nil
			}
		case []string:
			if !isString || !slices.Contains(want, s) {
				return false, nil
			}
		case store.Range:
			if i, err := n.Int64(); !isNumber || err != nil || !inRange(i, want) {
				return false, nil
			}
		default:
			return false, fmt.Errorf("memStore: filter %s on %T", f.Name, f.Value)
		}
	}
	return true, nil
}

func (tx *memTx) Idempotency(ctx context.Context, account, key string) (store.IdempotencyRecord, error) {
	rec, ok := tx.s.idem[account+"\x00"+key]
	if !ok {
		return rec, store.ErrNotFound
	}
	return rec, nil
}

func (tx *memTx) InsertNew(ctx context.Context, obj *store.Object) error { return tx.Insert(ctx, obj) }

func (tx *memTx) Insert(ctx context.Context, obj *store.Object) error {
	if _, dup := tx.s.byID[obj.ID]; dup {
		return fmt.Errorf("insert %s: %w", obj.ID, store.ErrDuplicate)
	}
	tx.s.seq++
	obj.Seq = tx.s.seq
	o := *obj
	o.Data = slices.Clone(obj.Data)
	tx.s.byID[o.ID] = &o
	tx.s.byKind[o.Kind] = append(tx.s.byKind[o.Kind], &o)
	tx.undo = append(tx.undo, func() {
		delete(tx.s.byID, o.ID)
		tx.s.byKind[o.Kind] = tx.s.byKind[o.Kind][:len(tx.s.byKind[o.Kind])-1]
	})
	return nil
}

func (tx *memTx) Replace(ctx context.Context, obj store.Object) error {
	cur, ok := tx.s.byID[obj.ID]
	if !ok || cur.Account != obj.Account || cur.Kind != obj.Kind {
		return fmt.Errorf("replace %s: %w", obj.ID, store.ErrNotFound)
	}
	old := *cur
	cur.Data, cur.Parent = slices.Clone(obj.Data), obj.Parent
	tx.undo = append(tx.undo, func() { *cur = old })
	return nil
}

func (tx *memTx) Delete(ctx context.Context, account, kind, id string) error {
	return fmt.Errorf("memStore: Delete is not supported")
}

func (tx *memTx) SaveIdempotency(ctx context.Context, rec store.IdempotencyRecord) error {
	key := rec.Account + "\x00" + rec.Key
	old, had := tx.s.idem[key]
	tx.s.idem[key] = rec
	tx.undo = append(tx.undo, func() {
		if had {
			tx.s.idem[key] = old
		} else {
			delete(tx.s.idem, key)
		}
	})
	return nil
}

func (tx *memTx) Enqueue(ctx context.Context, ds ...store.Delivery) error { return nil }

func (tx *memTx) Reschedule(ctx context.Context, id string, attempts int, due int64) error {
	return store.ErrNotFound
}

func (tx *memTx) Dequeue(ctx context.Context, id string) error { return store.ErrNotFound }
