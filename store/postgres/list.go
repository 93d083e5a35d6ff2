package postgres

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/localissuing/localissuing/store"
)

// fieldName is what an Equal filter's field may be called, as on SQLite.
// Names are bound as parameters, never written into SQL; the rule keeps
// the engines alike.
var fieldName = regexp.MustCompile(`^[a-z0-9_]+$`)

// sqlCursor finds the Seq a cursor id stands for.
const sqlCursor = `SELECT seq FROM objects WHERE id = $1 AND account = $2 AND kind = $3`

func (r *reader) List(ctx context.Context, q store.Query) (store.Page, error) {
	p, err := r.list(ctx, q)
	if err != nil {
		return store.Page{}, fmt.Errorf("postgres: list %s: %w", q.Kind, err)
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
	cursor := q.StartingAfter + q.EndingBefore
	backward := q.EndingBefore != ""
	if cursor != "" && !(storable(cursor) && storable(q.Account) && storable(q.Kind)) {
		return store.Page{}, fmt.Errorf("cursor %s: %w", cursor, store.ErrCursorNotFound)
	}
	query, args, err := listSQL(q, cursor, backward)
	if err != nil {
		return store.Page{}, err
	}
	// The page's query finds the cursor's Seq itself, so that a page is
	// one round trip; the cursor's own lookup, sent along, only tells a
	// missing cursor from an empty page.
	b := &pgx.Batch{}
	if cursor != "" {
		b.Queue(sqlCursor, cursor, q.Account, q.Kind).QueryRow(func(row pgx.Row) error {
			var seq int64
			err := row.Scan(&seq)
			if errors.Is(err, pgx.ErrNoRows) {
				err = store.ErrCursorNotFound
			}
			if err != nil {
				return fmt.Errorf("cursor %s: %w", cursor, err)
			}
			return nil
		})
	}
	var p store.Page
	var o store.Object
	if query != "" { // else a filter no stored value can match
		b.Queue(query, args...).Query(func(rows pgx.Rows) error {
			_, err := pgx.ForEachRow(rows, []any{&o.Seq, &o.ID, &o.Created, &o.Parent, &o.Data}, func() error {
				if len(p.Objects) == q.Limit {
					// The one row past the page tells there are more.
					p.HasMore = true
					return nil
				}
				o.Account, o.Kind = q.Account, q.Kind
				p.Objects = append(p.Objects, o)
				o = store.Object{}
				return nil
			})
			return err
		})
	}
	if b.Len() == 0 {
		return p, nil
	}
	if err := r.ss.send(ctx, b); err != nil {
		return store.Page{}, err
	}
	if backward {
		// Read oldest first from the cursor; pages are newest first.
		slices.Reverse(p.Objects)
	}
	return p, nil
}

// listSQL builds q's query, or returns "" for a query that matches
// nothing. Its text depends only on which filters q has, never on their
// values, which are all parameters; so the distinct texts are few and pgx
// prepares each once per connection.
//
// The conditions on account, kind (and parent) and the ORDER BY on seq
// match the leading columns of objects_list (objects_parent), so the plan
// is a range scan of that index in seq order from the cursor that stops
// after Limit+1 matching rows; TestListPlan checks it. The remaining
// filters are checked on the rows the scan visits.
func listSQL(q store.Query, cursor string, backward bool) (string, []any, error) {
	var b strings.Builder
	args := []any{q.Account, q.Kind}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	matchesNothing := !storable(q.Account) || !storable(q.Kind)
	b.WriteString("SELECT seq, id, created, parent, data FROM objects WHERE account = $1 AND kind = $2")
	if q.Parent != "" {
		matchesNothing = matchesNothing || !storable(q.Parent)
		b.WriteString(" AND parent = " + arg(q.Parent))
	}
	if cursor != "" {
		op := "<"
		if backward {
			op = ">"
		}
		b.WriteString(" AND seq " + op + " (SELECT seq FROM objects WHERE id = " + arg(cursor) + " AND account = $1 AND kind = $2)")
	}
	for _, c := range []struct {
		op    string
		bound *int64
	}{{">", q.Created.Gt}, {">=", q.Created.Gte}, {"<", q.Created.Lt}, {"<=", q.Created.Lte}} {
		if c.bound != nil {
			b.WriteString(" AND created " + c.op + " " + arg(*c.bound))
		}
	}
	for _, f := range q.Equal {
		cond, vals, err := fieldSQL(f)
		if err != nil {
			return "", nil, err
		}
		if cond == "" {
			matchesNothing = true
			continue
		}
		// cond has %[1]s for the field name's parameter and %[2]s… for
		// the values'.
		refs := []any{arg(f.Name)}
		for _, v := range vals {
			refs = append(refs, arg(v))
		}
		b.WriteString(" AND " + fmt.Sprintf(cond, refs...))
	}
	// The limit is written into the text, not bound: a generic plan, which
	// PostgreSQL may settle on for a prepared statement, then still knows
	// that few rows are wanted and keeps to the index scan. It is an int,
	// and pages are at most 100.
	if backward {
		b.WriteString(" ORDER BY seq ASC LIMIT ")
	} else {
		b.WriteString(" ORDER BY seq DESC LIMIT ")
	}
	b.WriteString(strconv.Itoa(q.Limit + 1))
	if matchesNothing {
		return "", nil, nil
	}
	return b.String(), args, nil
}

// fieldSQL returns the condition for one Equal filter, with %[1]s for the
// field name's parameter and %[2]s… for the values', and the values; ""
// when no stored document can match.
//
// json_typeof makes the match typed, as on SQLite: the string "100" is not
// 100, the number 1 is not true, and an object is not its JSON text. ->>
// gives a number's JSON text as written, so an int64 matches the integer
// written with the same digits, exactly, beyond float64's precision too,
// and not 100.0 or 1e2 (which SQLite calls reals).
func fieldSQL(f store.Field) (string, []any, error) {
	if !fieldName.MatchString(f.Name) {
		return "", nil, fmt.Errorf("filter field %q is not a plain field name", f.Name)
	}
	const field, text = "data -> %[1]s::text", "data ->> %[1]s::text"
	isString := "json_typeof(" + field + ") = 'string' AND "
	if f.Prefix {
		s, ok := f.Value.(string)
		if !ok {
			return "", nil, fmt.Errorf("filter field %s: prefix of type %T, want string", f.Name, f.Value)
		}
		if !storable(s) {
			return "", nil, nil
		}
		return isString + "starts_with(" + text + ", %[2]s::text)", []any{s}, nil
	}
	switch v := f.Value.(type) {
	case string:
		if !storable(v) {
			return "", nil, nil
		}
		return isString + text + " = %[2]s::text", []any{v}, nil
	case []string:
		// One array parameter, so that the query's text does not depend
		// on how many values there are.
		set := make([]string, 0, len(v))
		for _, s := range v {
			if storable(s) {
				set = append(set, s)
			}
		}
		if len(set) == 0 {
			return "", nil, nil
		}
		return isString + text + " = ANY (%[2]s::text[])", []any{set}, nil
	case store.Range:
		return rangeSQL(v)
	case int64:
		return "json_typeof(" + field + ") = 'number' AND " + text + " = %[2]s::text", []any{strconv.FormatInt(v, 10)}, nil
	case bool:
		return "json_typeof(" + field + ") = 'boolean' AND " + text + " = %[2]s::text", []any{strconv.FormatBool(v)}, nil
	}
	return "", nil, fmt.Errorf("filter field %s: value of type %T, want string, int64, bool, []string or store.Range", f.Name, f.Value)
}

// rangeSQL is fieldSQL for a Range: an integer field within the bounds.
// An integer is a number written with digits only, as SQLite has it (1.0
// and 1e2 are reals there). CASE makes the test of the type come before
// the cast, which would fail on anything else; numeric holds integers of
// any size.
func rangeSQL(r store.Range) (string, []any, error) {
	cond := "json_typeof(data -> %[1]s::text) = 'number' AND (data ->> %[1]s::text) ~ '^-?[0-9]+$'"
	var vals []any
	bounds := []string{"true"}
	for _, c := range []struct {
		op    string
		bound *int64
	}{{">", r.Gt}, {">=", r.Gte}, {"<", r.Lt}, {"<=", r.Lte}} {
		if c.bound != nil {
			vals = append(vals, *c.bound)
			bounds = append(bounds, fmt.Sprintf("(data ->> %%[1]s::text)::numeric %s %%[%d]s::bigint", c.op, len(vals)+1))
		}
	}
	return "CASE WHEN " + cond + " THEN " + strings.Join(bounds, " AND ") + " ELSE false END", vals, nil
}
