package postgres

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/localissuing/localissuing/store"
	"github.com/localissuing/localissuing/store/postgres/pgtest"
)

// planNode is the part of EXPLAIN (FORMAT JSON) these tests read.
type planNode struct {
	NodeType  string     `json:"Node Type"`
	IndexName string     `json:"Index Name"`
	Direction string     `json:"Scan Direction"`
	IndexCond string     `json:"Index Cond"`
	Plans     []planNode `json:"Plans"`
}

// String writes the plan as "Limit(Index Scan objects_list Backward)",
// with "from seq" where the index scan starts at a bound on seq.
func (n planNode) String() string {
	s := n.NodeType
	if n.IndexName != "" {
		s += " " + n.IndexName
	}
	if n.Direction != "" && n.Direction != "Forward" {
		s += " " + n.Direction
	}
	if strings.Contains(n.IndexCond, "seq <") || strings.Contains(n.IndexCond, "seq >") {
		s += " from seq"
	}
	if len(n.Plans) > 0 {
		var kids []string
		for _, k := range n.Plans {
			kids = append(kids, k.String())
		}
		s += "(" + strings.Join(kids, ", ") + ")"
	}
	return s
}

// plans returns the plan PostgreSQL picks for query with args, both as a
// custom plan for these values and as the generic plan it may switch to
// for a prepared statement after a few executions.
func plans(t *testing.T, s *Store, query string, args []any) map[string]string {
	t.Helper()
	out := map[string]string{}
	conn, err := s.pool.Acquire(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	for _, mode := range []string{"force_custom_plan", "force_generic_plan"} {
		err := pgx.BeginFunc(t.Context(), conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(t.Context(), "SET LOCAL plan_cache_mode = "+mode); err != nil {
				return err
			}
			// A statement prepared under its own name, so that the mode
			// applies to it rather than to one pgx already cached.
			name := fmt.Sprintf("plan_%d", len(out))
			if _, err := tx.Prepare(t.Context(), name, query); err != nil {
				return err
			}
			defer tx.Conn().Deallocate(t.Context(), name)
			// EXPLAIN takes no parameters: the values go in as literals.
			lits := make([]string, len(args))
			for i, a := range args {
				lits[i] = literal(t, a)
			}
			var raw []byte
			if err := tx.QueryRow(t.Context(), "EXPLAIN (FORMAT JSON) EXECUTE "+name+"("+strings.Join(lits, ", ")+")").Scan(&raw); err != nil {
				return err
			}
			var doc []struct{ Plan planNode }
			if err := json.Unmarshal(raw, &doc); err != nil {
				return err
			}
			out[mode] = doc[0].Plan.String()
			return nil
		})
		if err != nil {
			t.Fatalf("explain %s: %v", mode, err)
		}
	}
	return out
}

// literal writes a query argument as an SQL literal.
func literal(t *testing.T, a any) string {
	t.Helper()
	switch v := a.(type) {
	case string:
		return "'" + strings.ReplaceAll(v, "'", "''") + "'"
	case int, int64:
		return fmt.Sprint(v)
	case []string:
		lits := make([]string, len(v))
		for i, s := range v {
			lits[i] = literal(t, s)
		}
		return "ARRAY[" + strings.Join(lits, ", ") + "]::text[]"
	}
	t.Fatalf("no literal for %T", a)
	return ""
}

// TestListPlan checks that every shape of list query is a range scan of an
// index in seq order, stopped by the LIMIT: no full scan, no sort, with
// the values at hand and with a generic plan.
func TestListPlan(t *testing.T) {
	s := openTest(t, pgtest.DSN(t))
	// Enough rows, in several accounts, kinds and parents, for the planner
	// to weigh its options as it would on a real sandbox.
	var objs []*store.Object
	for i := range 3000 {
		objs = append(objs, &store.Object{Account: fmt.Sprint("acct_", i%3), Kind: []string{"issuing.card", "event"}[i%2],
			ID: fmt.Sprint("obj_", i), Created: 1700000000 + int64(i), Parent: fmt.Sprint("ich_", i%20),
			Data: fmt.Appendf(nil, `{"status":"active","type":"issuing_card.created","n":%d,"b":true,"p":1}`, i)})
	}
	insert(t, s, objs...)
	if _, err := s.pool.Exec(t.Context(), "ANALYZE objects"); err != nil {
		t.Fatal(err)
	}
	eq := []store.Field{{Name: "status", Value: "active"}, {Name: "n", Value: int64(1)}, {Name: "b", Value: true},
		{Name: "type", Value: "issuing_card.", Prefix: true}, {Name: "type", Value: []string{"a", "b"}},
		{Name: "p", Value: store.Range{Gt: new(int64)}}}
	// A cursor's Seq is looked up by id first (the InitPlan on the
	// primary key), and the scan starts from it.
	const (
		list        = "Limit(Index Scan objects_list Backward)"
		listAfter   = "Limit(Index Scan objects_pkey, Index Scan objects_list Backward from seq)"
		listBefore  = "Limit(Index Scan objects_pkey, Index Scan objects_list from seq)"
		parent      = "Limit(Index Scan objects_parent Backward)"
		parentAfter = "Limit(Index Scan objects_pkey, Index Scan objects_parent Backward from seq)"
		parentUp    = "Limit(Index Scan objects_pkey, Index Scan objects_parent from seq)"
	)
	tests := []struct {
		name     string
		q        store.Query
		cursor   string
		backward bool
		want     string
	}{
		{"plain", store.Query{}, "", false, list},
		{"after", store.Query{}, "obj_1500", false, listAfter},
		{"before", store.Query{}, "obj_1500", true, listBefore},
		{"parent", store.Query{Parent: "ich_1"}, "", false, parent},
		{"parent after", store.Query{Parent: "ich_1"}, "obj_1500", false, parentAfter},
		{"parent before", store.Query{Parent: "ich_1"}, "obj_1500", true, parentUp},
		{"filters", store.Query{Equal: eq, Created: store.Range{Gte: new(int64), Lt: new(int64)}}, "obj_1500", false, listAfter},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.q.Account, tc.q.Kind, tc.q.Limit = "acct_1", "issuing.card", 10
			query, args, err := listSQL(tc.q, tc.cursor, tc.backward)
			if err != nil {
				t.Fatal(err)
			}
			for mode, plan := range plans(t, s, query, args) {
				if plan != tc.want {
					t.Errorf("%s: plan %s, want %s", mode, plan, tc.want)
				}
			}
		})
	}
}

// TestLeasePlan checks that Lease reads the due deliveries from the index
// in the order it wants them: no scan of the outbox, no sort.
func TestLeasePlan(t *testing.T) {
	s := openTest(t, pgtest.DSN(t))
	for mode, plan := range plans(t, s, sqlLease, []any{int64(1), int64(2), 10}) {
		if !strings.Contains(plan, "Limit(LockRows(Index Scan deliveries_due))") || strings.Contains(plan, "Sort") {
			t.Errorf("%s: plan %s, want the due index read in order under the Limit", mode, plan)
		}
	}
}
