package sqlite

import (
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/localissuing/localissuing/store"
)

// The object cache keeps recently read and written objects, and recently
// listed pages, in memory. A retrieve or a list it answers opens no SQLite
// read transaction at all: in profiles, the point lookup and the locks a
// WAL read transaction takes on the shared-memory index were a quarter of
// a retrieve's CPU, and the range scan and its row copies nearly half of a
// list's.
//
// It is sound because this process is the database's only writer (Open
// locks the file, see lock_unix.go) and every write goes through the one
// write connection: what the cache holds is applied there, when a group
// commits, and nowhere else.
//
// Consistency rests on a generation counter, gen, changed only under mu:
// it becomes odd just before a group that wrote objects commits, and even
// again once that group's writes are in the cache. While gen stays at one
// even value, the cache holds exactly the committed state of the objects
// it holds. A View pins the generation it starts at and reads the cache
// only while gen still has that value; when it must read SQLite, its
// snapshot is the pinned generation's state only if gen had that value
// both before the snapshot began and after it was taken. Pages and
// objects read from SQLite are added to the cache only under that
// condition, and by the writer, which reads the latest commit, only for
// objects and kinds its open group has not written.

// DefaultCacheBytes bounds what the cache holds unless told otherwise:
// the documents' bytes plus a fixed overhead per entry. 5 MB keep some
// 4,000 tokens. With the garbage collector's headroom a full cache costs
// about twice its bound in resident memory: 16 MB took a loaded server
// from 40 to 76 MB, 8 MB to 58–61, 6 MB to 57–61 (docs/PERFORMANCE.md),
// at or over the 60 MB the server is meant to stay within.
const DefaultCacheBytes = 5 << 20

// entryOverhead estimates an entry's memory beyond its strings and data:
// the map slot, the struct and the key.
const entryOverhead = 128

type cache struct {
	mu      sync.RWMutex
	gen     uint64
	objects map[string]*store.Object // by id; never modified once in
	lists   map[kindKey]map[string]*cachedPage
	size    int64 // estimated bytes held
	max     int64
	misses  int64 // entries offered to the full cache, see admit
}

// kindKey names the objects of one kind in one account, the unit in which
// cached pages are dropped when any of those objects changes.
type kindKey struct{ account, kind string }

type cachedPage struct {
	page store.Page // its objects are never modified
	size int64
}

func newCache(max int64) *cache {
	return &cache{
		objects: map[string]*store.Object{},
		lists:   map[kindKey]map[string]*cachedPage{},
		max:     max,
	}
}

// generation returns the current generation.
func (c *cache) generation() uint64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.gen
}

// get returns the object if it is cached and gen is still pinned.
func (c *cache) get(pinned uint64, account, kind, id string) (store.Object, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	o, ok := c.objects[id]
	if !ok || c.gen != pinned || o.Account != account || o.Kind != kind {
		return store.Object{}, false
	}
	return *o, true
}

// list returns the cached page of q if gen is still pinned.
func (c *cache) list(pinned uint64, key string, q store.Query) (store.Page, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	p, ok := c.lists[kindKey{q.Account, q.Kind}][key]
	if !ok || c.gen != pinned {
		return store.Page{}, false
	}
	return store.Page{Objects: slices.Clone(p.page.Objects), HasMore: p.page.HasMore}, true
}

// putObject adds o, read at generation pinned, if that is still the
// generation and the cache admits it. o.Data must not be modified
// afterwards.
func (c *cache) putObject(pinned uint64, o store.Object) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != pinned || !c.admit(objectSize(&o)) {
		return
	}
	c.setObject(o)
}

// putPage adds the page of q, read at generation pinned, if that is still
// the generation and the cache admits it.
func (c *cache) putPage(pinned uint64, key string, q store.Query, p store.Page) {
	size := int64(len(key)) + entryOverhead
	for _, o := range p.Objects {
		size += objectSize(&o)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != pinned || !c.admit(size) {
		return
	}
	k := kindKey{q.Account, q.Kind}
	pages := c.lists[k]
	if pages == nil {
		pages = map[string]*cachedPage{}
		c.lists[k] = pages
	}
	if old, ok := pages[key]; ok {
		c.size -= old.size
	}
	objs := slices.Clip(slices.Clone(p.Objects))
	for i := range objs {
		objs[i].Data = slices.Clip(objs[i].Data)
	}
	pages[key] = &cachedPage{page: store.Page{Objects: objs, HasMore: p.HasMore}, size: size}
	c.size += size
}

// setObject puts o in, replacing what the cache has under its id. The
// caller holds mu for writing.
func (c *cache) setObject(o store.Object) {
	if old, ok := c.objects[o.ID]; ok {
		c.size -= objectSize(old)
	}
	o.Data = slices.Clip(o.Data)
	c.objects[o.ID] = &o
	c.size += objectSize(&o)
}

func objectSize(o *store.Object) int64 {
	return int64(len(o.Data)+len(o.ID)+len(o.Parent)) + entryOverhead
}

// admitEvery is how many of the reads that miss a full cache get in, one
// in admitEvery. Admitting every one, when the objects read do not all
// fit, would replace entries at the rate of the misses, each replacement
// allocated, copied and soon collected, for hits no more frequent; a slow
// turnover keeps most of what is there and still follows a working set
// that moves.
const admitEvery = 16

// admit makes room for an entry of size bytes and tells whether to add
// it. While the cache has room, every entry gets in; once full, one in
// admitEvery, in place of entries taken in the maps' own (random) order,
// which unlike least-recently-used keeps a part of a working set too
// large to hold instead of evicting each entry just before its next use.
// The caller holds mu for writing.
func (c *cache) admit(size int64) bool {
	if c.size+size <= c.max {
		return true
	}
	c.misses++
	if size > c.max/4 || c.misses%admitEvery != 0 {
		return false
	}
	c.evict(size)
	return c.size+size <= c.max
}

// evict drops entries until room more bytes fit within the bound: cached
// pages first, since a page holds many objects' bytes and one changed
// object makes it go, then objects. The caller holds mu for writing.
func (c *cache) evict(room int64) {
	for k, pages := range c.lists {
		for key, p := range pages {
			if c.size+room <= c.max {
				return
			}
			delete(pages, key)
			c.size -= p.size
		}
		if len(pages) == 0 {
			delete(c.lists, k)
		}
	}
	for id, o := range c.objects {
		if c.size+room <= c.max {
			return
		}
		delete(c.objects, id)
		c.size -= objectSize(o)
	}
}

// writeSet is what the Update calls of a group wrote, to be applied to the
// cache when the group commits. The member running now writes into it
// directly and keeps an undo log, so that a member that fails leaves it as
// it was: a set of its own per member, merged on success, cost two maps
// per request. The maps are kept from group to group for the same reason.
type writeSet struct {
	objects map[string]objectWrite // by id, the last write of each
	kinds   map[kindKey]struct{}
	// What the running member changed, in order: the entries it
	// overwrote or added, and the kinds it added.
	undoObjects []undoWrite
	undoKinds   []kindKey
}

type objectWrite struct {
	obj     store.Object // as replaced: Seq and Created may be unset
	deleted bool
	// inserted objects are not put in the cache: most are never read
	// (events, above all), and those that are get in when they are.
	inserted bool
}

// undoWrite is an entry of objects before a member changed it.
type undoWrite struct {
	id   string
	prev objectWrite
	had  bool // false: the member added the entry
}

// maxKeptWrites bounds the entries of the maps kept for the next group:
// one large transaction should not hold its maps' memory for good.
const maxKeptWrites = 1024

func (w *writeSet) empty() bool { return len(w.kinds) == 0 }

func (w *writeSet) wrote(id string) bool {
	_, ok := w.objects[id]
	return ok
}

func (w *writeSet) wroteKind(account, kind string) bool {
	_, ok := w.kinds[kindKey{account, kind}]
	return ok
}

// record adds a write the running member just made.
func (w *writeSet) record(ow objectWrite) {
	if ow.inserted {
		ow.obj.Data = nil
	}
	w.add(ow) // a replacement's Data is the caller's, kept (store.Tx.Replace)
}

// add makes ow the last write of its object. A replacement of a row this
// set deleted or inserted replaces a new row: the cached one is dropped,
// not patched.
func (w *writeSet) add(ow objectWrite) {
	if w.objects == nil {
		w.objects, w.kinds = map[string]objectWrite{}, map[kindKey]struct{}{}
	}
	prev, had := w.objects[ow.obj.ID]
	if had && (prev.deleted || prev.inserted) && !ow.deleted {
		ow.inserted, ow.obj.Data = true, nil
	}
	w.undoObjects = append(w.undoObjects, undoWrite{id: ow.obj.ID, prev: prev, had: had})
	w.objects[ow.obj.ID] = ow
	k := kindKey{ow.obj.Account, ow.obj.Kind}
	if _, ok := w.kinds[k]; !ok {
		w.undoKinds = append(w.undoKinds, k)
		w.kinds[k] = struct{}{}
	}
}

// keepMember ends the running member's undo log: its writes stay.
func (w *writeSet) keepMember() {
	if cap(w.undoObjects) > maxKeptWrites {
		w.undoObjects, w.undoKinds = nil, nil
		return
	}
	clear(w.undoObjects) // drops the references to old documents
	w.undoObjects, w.undoKinds = w.undoObjects[:0], w.undoKinds[:0]
}

// undoMember takes back the running member's writes.
func (w *writeSet) undoMember() {
	for i := len(w.undoObjects) - 1; i >= 0; i-- {
		u := w.undoObjects[i]
		if u.had {
			w.objects[u.id] = u.prev
		} else {
			delete(w.objects, u.id)
		}
	}
	for _, k := range w.undoKinds {
		delete(w.kinds, k)
	}
	w.keepMember()
}

// reset empties the set for the next group.
func (w *writeSet) reset() {
	if len(w.objects) > maxKeptWrites {
		w.objects, w.kinds = nil, nil
	}
	clear(w.objects)
	clear(w.kinds)
	w.keepMember()
}

// beginCommit makes gen odd before a group that wrote objects commits:
// from then on no View trusts the cache or a new snapshot at the old
// generation.
func (c *cache) beginCommit() {
	c.mu.Lock()
	c.gen++
	c.mu.Unlock()
}

// endCommit makes gen even again after a commit: it applies the group's
// writes if the commit succeeded, and otherwise drops every entry they
// touched, since a COMMIT that reports an error may still have landed.
func (c *cache) endCommit(w *writeSet, committed bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	for k := range w.kinds {
		for _, p := range c.lists[k] {
			c.size -= p.size
		}
		delete(c.lists, k)
	}
	for id, ow := range w.objects {
		old, ok := c.objects[id]
		switch {
		case !ok:
		case !committed || ow.deleted || ow.inserted:
			// An inserted id can only be cached if it was deleted and
			// inserted again in this group.
			c.size -= objectSize(old)
			delete(c.objects, id)
		default:
			// A replacement: Seq and Created are the cached object's.
			o := *old
			o.Data, o.Parent = ow.obj.Data, ow.obj.Parent
			c.setObject(o)
		}
	}
	// Replacements may have grown what is cached.
	c.evict(0)
}

// pageKey is the cache key of q's page: every part of q in a form that
// no other query shares. ok is false for a query the cache leaves to
// SQLite (a filter value of a type lists refuse).
func pageKey(q store.Query) (key string, ok bool) {
	var b strings.Builder
	str := func(s string) {
		b.WriteString(strconv.Itoa(len(s)))
		b.WriteByte(':')
		b.WriteString(s)
	}
	bound := func(p *int64) {
		if p == nil {
			b.WriteByte('-')
			return
		}
		b.WriteString(strconv.FormatInt(*p, 10))
		b.WriteByte(',')
	}
	rng := func(r store.Range) {
		bound(r.Gt)
		bound(r.Gte)
		bound(r.Lt)
		bound(r.Lte)
	}
	str(q.Parent)
	str(q.StartingAfter)
	str(q.EndingBefore)
	b.WriteString(strconv.Itoa(q.Limit))
	b.WriteByte(';')
	rng(q.Created)
	for _, f := range q.Equal {
		str(f.Name)
		if f.Prefix {
			b.WriteByte('^')
		}
		switch v := f.Value.(type) {
		case string:
			b.WriteByte('s')
			str(v)
		case int64:
			b.WriteByte('i')
			b.WriteString(strconv.FormatInt(v, 10))
			b.WriteByte(';')
		case bool:
			b.WriteByte('b')
			b.WriteString(strconv.FormatBool(v))
		case []string:
			b.WriteByte('a')
			b.WriteString(strconv.Itoa(len(v)))
			for _, s := range v {
				str(s)
			}
		case store.Range:
			b.WriteByte('r')
			rng(v)
		default:
			return "", false
		}
	}
	return b.String(), true
}
