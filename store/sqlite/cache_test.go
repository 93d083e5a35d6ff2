package sqlite

import (
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/localissuing/localissuing/store"
)

// version is a card of the given version, for tests that check which
// state a read returns.
func version(id string, v int) store.Object {
	return store.Object{Account: "acct_1", Kind: "issuing.card", ID: id, Created: 1700000000,
		Data: fmt.Appendf(nil, `{"id":%q,"v":%d}`, id, v)}
}

func replace(t *testing.T, s *Store, objs ...store.Object) {
	t.Helper()
	writeEach(t, s, "replace", objs, func(tx store.Tx, o store.Object) error { return tx.Replace(t.Context(), o) })
}

func mustData(t *testing.T, s *Store, id string) string {
	t.Helper()
	o, err := get(t, s, id)
	if err != nil {
		t.Fatalf("get %s: %v", id, err)
	}
	return string(o.Data)
}

func TestOneProcessPerFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "owned.db")
	s := openTest(t, path)
	if second, err := Open(t.Context(), path); err == nil {
		second.Close()
		t.Fatal("a second Open of a database in use succeeded")
	} else if !strings.Contains(err.Error(), "in use by another localissuing process") {
		t.Errorf("second Open: %v, want it to say the database is in use", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	again := openTest(t, path)
	if err := again.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestViewRunsAgain has a commit land between a View's read from the
// cache and its first read from SQLite, whose snapshot then has the
// commit: the View must not return the two mixed, and runs again.
func TestViewRunsAgain(t *testing.T) {
	s := openTest(t, filepath.Join(t.TempDir(), "view.db"))
	defer s.Close()
	a, b := version("ic_a", 1), version("ic_b", 1)
	insert(t, s, &a, &b)
	mustData(t, s, "ic_a") // cached; ic_b is not

	runs := 0
	var seen []string
	err := s.View(t.Context(), func(r store.Reader) error {
		runs++
		oa, err := r.Get(t.Context(), "acct_1", "issuing.card", "ic_a")
		if err != nil {
			return err
		}
		if runs == 1 {
			replace(t, s, version("ic_a", 2), version("ic_b", 2))
		}
		ob, err := r.Get(t.Context(), "acct_1", "issuing.card", "ic_b")
		if err != nil {
			return err
		}
		seen = []string{string(oa.Data), string(ob.Data)}
		return nil
	})
	if err != nil {
		t.Fatalf("View: %v", err)
	}
	want := []string{string(version("ic_a", 2).Data), string(version("ic_b", 2).Data)}
	if fmt.Sprint(seen) != fmt.Sprint(want) {
		t.Errorf("View read %q, want %q", seen, want)
	}
	if runs != 2 {
		t.Errorf("View ran its function %d times, want 2", runs)
	}
}

// TestCacheFollowsCommits checks that a cached object changes when, and
// only when, a write of it commits: not while the Update runs, not for
// an Update that fails, nor for a member of a group that fails while the
// others commit.
func TestCacheFollowsCommits(t *testing.T) {
	s := openTest(t, filepath.Join(t.TempDir(), "follow.db"))
	defer s.Close()
	a, b := version("ic_a", 1), version("ic_b", 1)
	insert(t, s, &a, &b)
	v1a, v1b := mustData(t, s, "ic_a"), mustData(t, s, "ic_b") // both cached now

	// Running, not committed.
	written, release := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- s.Update(t.Context(), func(tx store.Tx) error {
			if err := tx.Replace(t.Context(), version("ic_a", 2)); err != nil {
				return err
			}
			// The Update reads its own write, not the cache.
			o, err := tx.Get(t.Context(), "acct_1", "issuing.card", "ic_a")
			if err != nil || string(o.Data) != string(version("ic_a", 2).Data) {
				return fmt.Errorf("Get after Replace in the Update: %s, %v", o.Data, err)
			}
			close(written)
			<-release
			return nil
		})
	}()
	<-written
	if got := mustData(t, s, "ic_a"); got != v1a {
		t.Errorf("during the Update: %s, want %s", got, v1a)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got, want := mustData(t, s, "ic_a"), string(version("ic_a", 2).Data); got != want {
		t.Errorf("after the Update: %s, want %s", got, want)
	}

	// Failed.
	err := s.Update(t.Context(), func(tx store.Tx) error {
		if err := tx.Replace(t.Context(), version("ic_b", 9)); err != nil {
			return err
		}
		return errors.New("fails")
	})
	if err == nil {
		t.Fatal("failing Update succeeded")
	}
	if got := mustData(t, s, "ic_b"); got != v1b {
		t.Errorf("after a failed Update: %s, want %s", got, v1b)
	}

	// A group in which one member fails.
	hold := make(chan struct{})
	first := holdWriter(t, s, "ic_first", hold)
	var wg sync.WaitGroup
	results := make([]error, 2)
	for i, o := range []store.Object{version("ic_a", 3), version("ic_b", 3)} {
		wg.Go(func() {
			results[i] = s.Update(t.Context(), func(tx store.Tx) error {
				if err := tx.Replace(t.Context(), o); err != nil {
					return err
				}
				if o.ID == "ic_b" {
					return errors.New("fails")
				}
				return nil
			})
		})
		waitQueued(s, i+1)
	}
	close(hold)
	wg.Wait()
	if err := <-first; err != nil || results[0] != nil || results[1] == nil {
		t.Fatalf("group: first %v, members %v", err, results)
	}
	if got, want := mustData(t, s, "ic_a"), string(version("ic_a", 3).Data); got != want {
		t.Errorf("member that committed: %s, want %s", got, want)
	}
	if got := mustData(t, s, "ic_b"); got != v1b {
		t.Errorf("member that failed: %s, want %s", got, v1b)
	}

	// Deleted.
	err = s.Update(t.Context(), func(tx store.Tx) error {
		return tx.Delete(t.Context(), "acct_1", "issuing.card", "ic_b")
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := get(t, s, "ic_b"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("after Delete: %v, want ErrNotFound", err)
	}
}

// TestCachedPages checks that a cached page goes when an object of its
// kind in its account changes, and stays when another kind changes.
func TestCachedPages(t *testing.T) {
	s := openTest(t, filepath.Join(t.TempDir(), "pages.db"))
	defer s.Close()
	q := store.Query{Account: "acct_1", Kind: "issuing.card", Limit: 10}
	ids := func() string {
		var p store.Page
		err := s.View(t.Context(), func(r store.Reader) error {
			var err error
			p, err = r.List(t.Context(), q)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, o := range p.Objects {
			out = append(out, o.ID+"="+string(o.Data))
		}
		return strings.Join(out, " ")
	}
	a := version("ic_a", 1)
	insert(t, s, &a)
	before := ids()
	other := store.Object{Account: "acct_1", Kind: "issuing.token", ID: "intok_1", Data: []byte(`{}`)}
	insert(t, s, &other)
	if got := ids(); got != before {
		t.Errorf("after another kind changed: %s, want %s", got, before)
	}
	b := version("ic_b", 1)
	insert(t, s, &b)
	replace(t, s, version("ic_a", 2))
	want := `ic_b={"id":"ic_b","v":1} ic_a={"id":"ic_a","v":2}`
	if got := ids(); got != want {
		t.Errorf("after an insert and a replace: %s, want %s", got, want)
	}
}

// TestConsistentViewsUnderWrites runs Views that read two objects, always
// written together, while Updates change them, on a cache too small to
// hold both: every View must see one version of the pair.
func TestConsistentViewsUnderWrites(t *testing.T) {
	s, err := OpenWithCache(t.Context(), filepath.Join(t.TempDir(), "pairs.db"), 200)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	a, b := version("ic_a", 0), version("ic_b", 0)
	insert(t, s, &a, &b)
	const writes = 200
	var wg sync.WaitGroup
	stop := make(chan struct{})
	errs := make(chan error, 8)
	wg.Go(func() {
		defer close(stop)
		for v := 1; v <= writes; v++ {
			err := s.Update(t.Context(), func(tx store.Tx) error {
				for _, id := range []string{"ic_a", "ic_b"} {
					if err := tx.Replace(t.Context(), version(id, v)); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				errs <- err
				return
			}
		}
	})
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				err := s.View(t.Context(), func(r store.Reader) error {
					oa, err := r.Get(t.Context(), "acct_1", "issuing.card", "ic_a")
					if err != nil {
						return err
					}
					ob, err := r.Get(t.Context(), "acct_1", "issuing.card", "ic_b")
					if err != nil {
						return err
					}
					va, vb := strings.TrimPrefix(string(oa.Data), `{"id":"ic_a",`), strings.TrimPrefix(string(ob.Data), `{"id":"ic_b",`)
					if va != vb {
						return fmt.Errorf("one View read ic_a %s and ic_b %s", oa.Data, ob.Data)
					}
					return nil
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
		t.Error(err)
	}
	t.Logf("%d Views ran again", s.reruns.Load())
}

// TestCacheAdmission checks that the cache stays within its bound, and
// that once full it takes in a part of what is read, not all of it.
func TestCacheAdmission(t *testing.T) {
	c := newCache(10_000)
	put := func(i int) {
		o := version(fmt.Sprint("ic_", i), i)
		o.Data = append(o.Data, strings.Repeat(" ", 400)...)
		c.putObject(0, o)
		if c.size > c.max {
			t.Fatalf("after object %d the cache holds %d bytes, bound %d", i, c.size, c.max)
		}
	}
	for i := range 100 {
		put(i)
	}
	var held int64
	for _, o := range c.objects {
		held += objectSize(o)
	}
	if held != c.size {
		t.Errorf("cache counts %d bytes for objects of %d", c.size, held)
	}
	later := 0
	for id := range c.objects {
		if n, _ := strconv.Atoi(strings.TrimPrefix(id, "ic_")); n >= 18 {
			later++
		}
	}
	// 18 objects fit; 82 were offered to the full cache, one in 16 got
	// in, each in place of one at random.
	if later == 0 || later == len(c.objects) {
		t.Errorf("%d of the %d objects held came after the cache filled, want some but not all", later, len(c.objects))
	}
	// Nothing is added at a generation that has passed, room or not.
	fresh := newCache(10_000)
	fresh.beginCommit()
	fresh.endCommit(&writeSet{}, true)
	fresh.putObject(0, version("ic_late", 1))
	fresh.putPage(0, "k", store.Query{Account: "acct_1", Kind: "issuing.card"}, store.Page{})
	if len(fresh.objects) != 0 || len(fresh.lists) != 0 {
		t.Error("an object or page read at an old generation was added")
	}
}

func TestPageKey(t *testing.T) {
	one, two := int64(1), int64(2)
	queries := []store.Query{
		{Limit: 10},
		{Limit: 11},
		{Parent: "ic_1", Limit: 10},
		{StartingAfter: "ic_1", Limit: 10},
		{EndingBefore: "ic_1", Limit: 10},
		{Created: store.Range{Gt: &one}, Limit: 10},
		{Created: store.Range{Gte: &one}, Limit: 10},
		{Created: store.Range{Gt: &two}, Limit: 10},
		{Created: store.Range{Gt: &one, Lt: &two}, Limit: 10},
		{Equal: []store.Field{{Name: "status", Value: "active"}}, Limit: 10},
		{Equal: []store.Field{{Name: "status", Value: "active", Prefix: true}}, Limit: 10},
		{Equal: []store.Field{{Name: "status", Value: int64(1)}}, Limit: 10},
		{Equal: []store.Field{{Name: "status", Value: true}}, Limit: 10},
		{Equal: []store.Field{{Name: "status", Value: []string{"active"}}}, Limit: 10},
		{Equal: []store.Field{{Name: "status", Value: []string{"active", "x"}}}, Limit: 10},
		{Equal: []store.Field{{Name: "status", Value: store.Range{Gt: &one}}}, Limit: 10},
		{Equal: []store.Field{{Name: "type", Value: "active"}}, Limit: 10},
		{Equal: []store.Field{{Name: "status", Value: "a"}, {Name: "type", Value: "b"}}, Limit: 10},
		{Equal: []store.Field{{Name: "status", Value: "a:1:b"}}, Limit: 10},
		{Parent: "1:", Equal: []store.Field{{Name: "a", Value: "b"}}, Limit: 10},
	}
	seen := map[string]int{}
	for i, q := range queries {
		key, ok := pageKey(q)
		if !ok {
			t.Errorf("query %d not cacheable", i)
			continue
		}
		if j, dup := seen[key]; dup {
			t.Errorf("queries %d and %d share the key %q", j, i, key)
		}
		seen[key] = i
	}
	if _, ok := pageKey(store.Query{Equal: []store.Field{{Name: "x", Value: 1.5}}}); ok {
		t.Error("a float filter was cacheable")
	}
}

// sqlGetDirect reads id from SQLite on a reader, bypassing the cache.
func sqlGetDirect(t *testing.T, s *Store, account, kind, id string) (store.Object, error) {
	t.Helper()
	var o store.Object
	var err error
	withConn(t, s, s.reader, func(c *conn) {
		o, err = (&reader{c: c}).Get(t.Context(), account, kind, id)
	})
	return o, err
}

func viewGet(t *testing.T, s *Store, account, kind, id string) (store.Object, error) {
	t.Helper()
	var o store.Object
	err := s.View(t.Context(), func(r store.Reader) error {
		var err error
		o, err = r.Get(t.Context(), account, kind, id)
		return err
	})
	return o, err
}

// TestCacheReinsertThenReplace deletes a cached object, inserts one with
// its id (of its kind or another) and replaces that in one Update: the
// cache must not keep the old row's Seq, Created or kind.
func TestCacheReinsertThenReplace(t *testing.T) {
	ctx := t.Context()
	for _, sameKind := range []bool{true, false} {
		t.Run(fmt.Sprint("sameKind=", sameKind), func(t *testing.T) {
			s := openTest(t, filepath.Join(t.TempDir(), "re.db"))
			defer s.Close()
			a := version("ic_a", 1)
			insert(t, s, &a)
			if _, err := viewGet(t, s, "acct_1", "issuing.card", "ic_a"); err != nil { // cached now
				t.Fatal(err)
			}
			newKind := "issuing.card"
			if !sameKind {
				newKind = "issuing.token"
			}
			err := s.Update(ctx, func(tx store.Tx) error {
				if err := tx.Delete(ctx, "acct_1", "issuing.card", "ic_a"); err != nil {
					return err
				}
				n := store.Object{Account: "acct_1", Kind: newKind, ID: "ic_a", Created: 1800000000, Data: []byte(`{"v":2}`)}
				if err := tx.Insert(ctx, &n); err != nil {
					return err
				}
				return tx.Replace(ctx, store.Object{Account: "acct_1", Kind: newKind, ID: "ic_a", Data: []byte(`{"v":3}`)})
			})
			if err != nil {
				t.Fatal(err)
			}
			want, err := sqlGetDirect(t, s, "acct_1", newKind, "ic_a")
			if err != nil {
				t.Fatal(err)
			}
			if sameKind {
				got, err := viewGet(t, s, "acct_1", "issuing.card", "ic_a")
				if err != nil {
					t.Fatal(err)
				}
				if got.Seq != want.Seq || got.Created != want.Created {
					t.Errorf("cached Get: Seq %d Created %d, SQLite has Seq %d Created %d", got.Seq, got.Created, want.Seq, want.Created)
				}
			} else {
				got, err := viewGet(t, s, "acct_1", "issuing.card", "ic_a")
				if !errors.Is(err, store.ErrNotFound) {
					t.Errorf("Get of the deleted card: %s (kind %s), %v; want ErrNotFound (it is now a %s)", got.Data, got.Kind, err, newKind)
				}
			}
		})
	}
}

// TestCacheBoundAfterReplace grows cached objects by replacing them: the
// cache must stay within its bound though reads that hit admit nothing.
func TestCacheBoundAfterReplace(t *testing.T) {
	const max = 2000
	s, err := OpenWithCache(t.Context(), filepath.Join(t.TempDir(), "grow.db"), max)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var objs []*store.Object
	for i := range 8 {
		o := version(fmt.Sprint("ic_", i), 0)
		objs = append(objs, &o)
	}
	insert(t, s, objs...)
	for _, o := range objs {
		viewGet(t, s, "acct_1", "issuing.card", o.ID)
	}
	big := strings.Repeat("x", 1000)
	for _, o := range objs {
		r := *o
		r.Data = fmt.Appendf(nil, `{"pad":%q}`, big)
		replace(t, s, r)
	}
	for range 100 { // reads that hit never bring it back
		for _, o := range objs {
			viewGet(t, s, "acct_1", "issuing.card", o.ID)
		}
	}
	s.cache.mu.RLock()
	size := s.cache.size
	s.cache.mu.RUnlock()
	if size > max {
		t.Errorf("cache holds %d bytes, bound %d", size, max)
	}
}

// TestViewFailedCallTakesNoSnapshot has a read that fails before any
// statement (a List with Limit 0) come between a cached read and a commit:
// the snapshot is taken by the next statement, after the commit, and the
// View must not mix the two.
func TestViewFailedCallTakesNoSnapshot(t *testing.T) {
	ctx := t.Context()
	s := openTest(t, filepath.Join(t.TempDir(), "settle.db"))
	defer s.Close()
	a, b := version("ic_a", 1), version("ic_b", 1)
	insert(t, s, &a, &b)
	mustData(t, s, "ic_a") // cached; ic_b is not
	runs := 0
	var va, vb string
	err := s.View(ctx, func(r store.Reader) error {
		runs++
		oa, err := r.Get(ctx, "acct_1", "issuing.card", "ic_a") // cache hit
		if err != nil {
			return err
		}
		_, _ = r.List(ctx, store.Query{Account: "acct_1", Kind: "issuing.card", Limit: 0}) // error, no statement: ignored
		if runs == 1 {
			replace(t, s, version("ic_a", 2), version("ic_b", 2))
		}
		ob, err := r.Get(ctx, "acct_1", "issuing.card", "ic_b")
		if err != nil {
			return err
		}
		va, vb = string(oa.Data), string(ob.Data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimPrefix(va, `{"id":"ic_a",`) != strings.TrimPrefix(vb, `{"id":"ic_b",`) {
		t.Errorf("one View read %s and %s (runs %d)", va, vb, runs)
	}
}

// TestCachedPageDataClipped checks that the objects of a cached page have
// no spare capacity, so that a caller's append never writes into memory
// another View sees.
func TestCachedPageDataClipped(t *testing.T) {
	s := openTest(t, filepath.Join(t.TempDir(), "clip.db"))
	defer s.Close()
	a := version("ic_a", 1)
	insert(t, s, &a)
	q := store.Query{Account: "acct_1", Kind: "issuing.card", Limit: 10}
	err := s.View(t.Context(), func(r store.Reader) error {
		_, err := r.List(t.Context(), q)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	s.cache.mu.RLock()
	defer s.cache.mu.RUnlock()
	pages := s.cache.lists[kindKey{q.Account, q.Kind}]
	if len(pages) != 1 {
		t.Fatalf("%d pages cached, want 1", len(pages))
	}
	for _, cp := range pages {
		for _, o := range cp.page.Objects {
			if cap(o.Data) != len(o.Data) {
				t.Errorf("cached page object of %d bytes has capacity %d", len(o.Data), cap(o.Data))
			}
		}
	}
}
