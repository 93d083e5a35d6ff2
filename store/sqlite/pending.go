package sqlite

import (
	"context"
	"fmt"
	"strings"

	"github.com/localissuing/localissuing/store"
	"github.com/ncruces/go-sqlite3"
)

// Objects given to InsertNew (every event, above all) wait in the Store's
// pending rows and are written together: one INSERT of up to 32 rows costs
// about half of what the same rows cost inserted one by one, the
// statement's own work being shared. (SQLite still copies the pages such
// a statement changes into a statement journal, as it must for any
// multi-row INSERT into a table with an INTEGER PRIMARY KEY, whatever its
// conflict clause.) They are written before the group commits, and
// before any statement that could see them runs: a read of their id, a
// list they could be in, a change of their id.
//
// Every insert takes its seq from nextSeq, so that the rows written late
// keep the order in which they were inserted among all the others.

// pendingRows are the rows of the open group that InsertNew added, in seq
// order; rows[:flushed] are written already. The rows stay until the group
// ends: a member that fails rolls back the rows it wrote, which may
// include rows of the members before it, and those must be written again.
type pendingRows struct {
	rows    []store.Object
	flushed int
	// Where the running member began: len(rows) and flushed then.
	memberRows, memberFlushed int
}

// beginMember marks where the running member's rows begin.
func (p *pendingRows) beginMember() { p.memberRows, p.memberFlushed = len(p.rows), p.flushed }

// undoMember drops the running member's rows, and takes back as unwritten
// the earlier rows it wrote: its savepoint's rollback undid them.
func (p *pendingRows) undoMember() {
	clear(p.rows[p.memberRows:])
	p.rows, p.flushed = p.rows[:p.memberRows], p.memberFlushed
}

// reset empties the rows for the next group.
func (p *pendingRows) reset() {
	if cap(p.rows) > maxKeptWrites {
		p.rows = nil
	}
	clear(p.rows)
	p.rows, p.flushed, p.memberRows, p.memberFlushed = p.rows[:0], 0, 0, 0
}

// holds tells whether an unwritten row has that id.
func (p *pendingRows) holds(id string) bool {
	for i := p.flushed; i < len(p.rows); i++ {
		if p.rows[i].ID == id {
			return true
		}
	}
	return false
}

// holdsListed tells whether an unwritten row could be in q's list: one
// of its account and kind, and of its parent if it names one. An
// authorization may list its card's earlier authorizations: were the
// waiting rows of every card written then, each member of a group of
// authorizations would write those of the member before it.
func (p *pendingRows) holdsListed(q store.Query) bool {
	for i := p.flushed; i < len(p.rows); i++ {
		o := &p.rows[i]
		if o.Kind == q.Kind && o.Account == q.Account && (q.Parent == "" || o.Parent == q.Parent) {
			return true
		}
	}
	return false
}

// maxRowsPerInsert is the most rows one statement writes; insertRows has a
// statement for each power of two up to it.
const maxRowsPerInsert = 32

// insertRows[n] inserts n rows, each (seq, id, account, kind, created,
// parent, data), for n a power of two. A clash of ids fails it.
var insertRows = func() map[int]string {
	m := map[int]string{}
	for n := 1; n <= maxRowsPerInsert; n *= 2 {
		m[n] = `INSERT INTO objects (seq, id, account, kind, created, parent, data) VALUES ` +
			strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?), ", n), ", ")
	}
	return m
}()

// flushPending writes the unwritten rows. Only the leader calls it.
func (s *Store) flushPending(ctx context.Context) error {
	p := &s.pending
	for p.flushed < len(p.rows) {
		n := maxRowsPerInsert
		for n > len(p.rows)-p.flushed {
			n /= 2
		}
		args := s.pendingArgs[:0]
		for _, o := range p.rows[p.flushed : p.flushed+n] {
			args = append(args, o.Seq, o.ID, o.Account, o.Kind, o.Created, o.Parent, text(o.Data))
		}
		_, err := s.w.exec(ctx, insertRows[n], args...)
		clear(args) // drops the references to the documents
		s.pendingArgs = args[:0]
		if err != nil {
			return fmt.Errorf("sqlite: insert %d objects: %w", n, err)
		}
		p.flushed += n
	}
	return nil
}

// flushFor writes the unwritten rows if one has that id: a statement about
// to read or change it must find it.
func (w *writer) flushFor(ctx context.Context, id string) error {
	if w.s.pending.holds(id) {
		return w.s.flushPending(ctx)
	}
	return nil
}

// InsertNew adds obj to the pending rows (see above).
func (w *writer) InsertNew(ctx context.Context, obj *store.Object) error {
	if !validJSON(obj.Data) {
		return fmt.Errorf("sqlite: insert %s %s: %w", obj.Kind, obj.ID, errNotJSON)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("sqlite: insert %s %s: %w", obj.Kind, obj.ID, err)
	}
	obj.Seq = w.s.takeSeq()
	w.s.pending.rows = append(w.s.pending.rows, *obj)
	w.s.written.record(objectWrite{obj: *obj, inserted: true})
	return nil
}

// takeSeq returns the seq of the next inserted object.
func (s *Store) takeSeq() int64 {
	seq := s.nextSeq
	s.nextSeq++
	return seq
}

// sqlNextSeq is the seq after every one the objects table has given:
// AUTOINCREMENT's record of the highest, which a deleted row does not
// lower.
const sqlNextSeq = `SELECT max(
	coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'objects'), 0),
	coalesce((SELECT max(seq) FROM objects), 0)) + 1`

// loadNextSeq sets nextSeq from the database; the write connection's
// owner calls it once the schema is up to date.
func (s *Store) loadNextSeq(ctx context.Context) error {
	err := s.w.query(ctx, sqlNextSeq, nil, func(st *sqlite3.Stmt) error {
		s.nextSeq = st.ColumnInt64(0)
		return errStop
	})
	if err != nil {
		return fmt.Errorf("read next seq: %w", err)
	}
	return nil
}
