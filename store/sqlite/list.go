package sqlite

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/localissuing/localissuing/store"
	"github.com/ncruces/go-sqlite3"
)

// fieldName is what a filter's field may be called. Names are
// bound as parameters, never written into SQL, but a name that is no
// plain top-level key would reach into the document (a "." or "[" in a
// JSON path), so it is refused.
var fieldName = regexp.MustCompile(`^[a-z0-9_]+$`)

func (r *reader) List(ctx context.Context, q store.Query) (store.Page, error) {
	p, err := r.list(ctx, q)
	if err != nil {
		return store.Page{}, fmt.Errorf("sqlite: list %s: %w", q.Kind, err)
	}
	return p, nil
}

func (r *reader) list(ctx context.Context, q store.Query) (store.Page, error) {
	if q.Limit < 1 {
		return store.Page{}, fmt.Errorf("limit %d is not positive", q.Limit)
	}
	if q.StartingAfter != "" && q.EndingBefore != "" {
		return store.Page{}, errors.New("both starting_after and ending_before")
	}
	var cursor int64
	backward := q.EndingBefore != ""
	if id := q.StartingAfter + q.EndingBefore; id != "" {
		err := r.c.query(ctx, sqlCursor, []any{id, q.Account, q.Kind}, func(s *sqlite3.Stmt) error {
			cursor = s.ColumnInt64(0)
			return errStop
		})
		if err != nil {
			return store.Page{}, fmt.Errorf("cursor %s: %w", id, err)
		}
		if cursor == 0 {
			return store.Page{}, fmt.Errorf("cursor %s: %w", id, store.ErrCursorNotFound)
		}
	}
	query, args, err := listSQL(q, cursor, backward)
	if err != nil {
		return store.Page{}, err
	}
	// Room for the page itself, not for the row past it.
	p := store.Page{Objects: make([]store.Object, 0, min(q.Limit, 100))}
	err = r.c.query(ctx, query, args, func(s *sqlite3.Stmt) error {
		if len(p.Objects) == q.Limit {
			// The one row past the page tells there are more.
			p.HasMore = true
			return errStop
		}
		p.Objects = append(p.Objects, store.Object{
			Account: q.Account, Kind: q.Kind,
			Seq: s.ColumnInt64(0), ID: s.ColumnText(1), Created: s.ColumnInt64(2),
			Parent: s.ColumnText(3), Data: s.ColumnBlob(4, nil),
		})
		return nil
	})
	if err != nil {
		return store.Page{}, err
	}
	if backward {
		// Read oldest first from the cursor; pages are newest first.
		slices.Reverse(p.Objects)
	}
	return p, nil
}

// listSQL builds q's query. Its text depends only on which filters q has,
// never on their values, which are all parameters; so the distinct texts
// are few and each is prepared once per connection.
//
// INDEXED BY pins the plan: a range scan of (account, kind[, parent]) in
// seq order from the cursor, reading Limit+1 matching rows and no more.
// The remaining filters are checked on the rows the scan visits.
func listSQL(q store.Query, cursor int64, backward bool) (string, []any, error) {
	var b strings.Builder
	args := []any{q.Account, q.Kind}
	b.WriteString("SELECT seq, id, created, parent, data FROM objects ")
	if q.Parent != "" {
		// The index holds only rows with a parent; the last term lets
		// SQLite use it for a parent bound as a parameter.
		b.WriteString("INDEXED BY objects_parent WHERE account = ? AND kind = ? AND parent = ? AND parent <> ''")
		args = append(args, q.Parent)
	} else {
		b.WriteString("INDEXED BY objects_list WHERE account = ? AND kind = ?")
	}
	switch {
	case cursor != 0 && backward:
		b.WriteString(" AND seq > ?")
		args = append(args, cursor)
	case cursor != 0:
		b.WriteString(" AND seq < ?")
		args = append(args, cursor)
	}
	for _, c := range []struct {
		op    string
		bound *int64
	}{{">", q.Created.Gt}, {">=", q.Created.Gte}, {"<", q.Created.Lt}, {"<=", q.Created.Lte}} {
		if c.bound != nil {
			b.WriteString(" AND created " + c.op + " ?")
			args = append(args, *c.bound)
		}
	}
	for _, f := range q.Equal {
		cond, fargs, err := fieldSQL(f)
		if err != nil {
			return "", nil, err
		}
		b.WriteString(" AND " + cond)
		args = append(args, fargs...)
	}
	if backward {
		b.WriteString(" ORDER BY seq ASC LIMIT ?")
	} else {
		b.WriteString(" ORDER BY seq DESC LIMIT ?")
	}
	args = append(args, q.Limit+1)
	return b.String(), args, nil
}

// fieldSQL returns the condition that f puts on a row and its arguments.
// json_type makes every match typed: the string "100" is not 100, the
// number 1 is not true, and an object is not its JSON text. A field that
// is absent has no type and so never matches.
func fieldSQL(f store.Field) (string, []any, error) {
	if !fieldName.MatchString(f.Name) {
		return "", nil, fmt.Errorf("filter field %q is not a plain field name", f.Name)
	}
	path := "$." + f.Name
	if f.Prefix {
		v, ok := f.Value.(string)
		if !ok {
			return "", nil, fmt.Errorf("filter field %s: prefix of type %T, want string", f.Name, f.Value)
		}
		// substr counts characters and compares bytes exactly, where LIKE
		// would fold case and read % and _ in the prefix as wildcards.
		return "json_type(data, ?) = 'text' AND substr(json_extract(data, ?), 1, ?) = ?",
			[]any{path, path, utf8.RuneCountInString(v), v}, nil
	}
	switch v := f.Value.(type) {
	case string:
		return "json_type(data, ?) = 'text' AND json_extract(data, ?) = ?", []any{path, path, v}, nil
	case int64:
		return "json_type(data, ?) = 'integer' AND json_extract(data, ?) = ?", []any{path, path, v}, nil
	case bool:
		return "json_type(data, ?) = ?", []any{path, map[bool]string{true: "true", false: "false"}[v]}, nil
	case []string:
		// One JSON array parameter, not one parameter per value, so that
		// the query's text does not depend on how many values there are.
		set, err := json.Marshal(v)
		if err != nil {
			return "", nil, fmt.Errorf("filter field %s: %w", f.Name, err)
		}
		return "json_type(data, ?) = 'text' AND json_extract(data, ?) IN (SELECT value FROM json_each(?))",
			[]any{path, path, string(set)}, nil
	case store.Range:
		cond := "json_type(data, ?) = 'integer'"
		args := []any{path}
		for _, c := range []struct {
			op    string
			bound *int64
		}{{">", v.Gt}, {">=", v.Gte}, {"<", v.Lt}, {"<=", v.Lte}} {
			if c.bound != nil {
				cond += " AND json_extract(data, ?) " + c.op + " ?"
				args = append(args, path, *c.bound)
			}
		}
		return cond, args, nil
	default:
		return "", nil, fmt.Errorf("filter field %s: value of type %T, want string, int64, bool, []string or store.Range", f.Name, f.Value)
	}
}
