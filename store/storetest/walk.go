package storetest

import (
	"fmt"
	"slices"
	"testing"

	"github.com/localissuing/localissuing/store"
)

// walkSize is how many matching objects the walks page through.
const walkSize = 250

// walkForward pages from the newest object to the oldest with
// StartingAfter and returns the ids seen, checking each page's size and
// HasMore on the way.
func walkForward(t *testing.T, s store.Store, q store.Query) []string {
	t.Helper()
	var seen []string
	for pages := 0; ; pages++ {
		if pages > walkSize+1 {
			t.Fatalf("walk forward %+v: no end after %d pages", q, pages)
		}
		p := list(t, s, q)
		checkPage(t, q, p)
		seen = append(seen, ids(p.Objects)...)
		if !p.HasMore {
			return seen
		}
		q.StartingAfter = p.Objects[len(p.Objects)-1].ID
	}
}

// walkBackward pages from q.EndingBefore to the newest object and returns
// the ids seen, newest first like one long list.
func walkBackward(t *testing.T, s store.Store, q store.Query) []string {
	t.Helper()
	var seen []string
	for pages := 0; ; pages++ {
		if pages > walkSize+1 {
			t.Fatalf("walk backward %+v: no end after %d pages", q, pages)
		}
		p := list(t, s, q)
		checkPage(t, q, p)
		seen = append(ids(p.Objects), seen...)
		if !p.HasMore {
			return seen
		}
		q.EndingBefore = p.Objects[0].ID
	}
}

// checkPage checks what holds for every page: at most Limit objects, a full
// page when HasMore, newest first.
func checkPage(t *testing.T, q store.Query, p store.Page) {
	t.Helper()
	if len(p.Objects) > q.Limit || p.HasMore && len(p.Objects) != q.Limit {
		t.Fatalf("page after %q before %q: %d objects with limit %d, HasMore %v",
			q.StartingAfter, q.EndingBefore, len(p.Objects), q.Limit, p.HasMore)
	}
	for i := 1; i < len(p.Objects); i++ {
		if p.Objects[i].Seq >= p.Objects[i-1].Seq {
			t.Fatalf("page not newest first: %v", ids(p.Objects))
		}
	}
}

func testListWalk(t *testing.T, s store.Store) {
	// Objects of another account and kind sit before, among and after the
	// cards, so that they can end up next to every page boundary.
	var objs []*store.Object
	var want []string // newest first
	noise := func(i int) {
		objs = append(objs,
			obj(t, acctB, kindCard, seqID("ic_b", i), 1700000000, "", nil),
			obj(t, acctA, kindHolder, seqID("ich", i), 1700000000, "", nil))
	}
	for i := range walkSize {
		if i%37 == 0 {
			noise(i)
		}
		id := seqID("ic", i)
		objs = append(objs, card(t, id, 1700000000+int64(i/3), "", nil))
		want = append([]string{id}, want...)
	}
	noise(walkSize)
	insert(t, s, objs...)
	base := store.Query{Account: acctA, Kind: kindCard}
	oldest, newest := want[len(want)-1], want[0]
	for _, limit := range []int{1, 7, 10, 100, walkSize, walkSize + 1} {
		t.Run(fmt.Sprint("limit ", limit), func(t *testing.T) {
			q := base
			q.Limit = limit
			if got := walkForward(t, s, q); !slices.Equal(got, want) {
				t.Errorf("forward: %d ids %v…, want %d", len(got), got[:min(len(got), 5)], len(want))
			}
			q.EndingBefore = oldest
			if got := walkBackward(t, s, q); !slices.Equal(got, want[:len(want)-1]) {
				t.Errorf("backward: %d ids %v…, want %d", len(got), got[:min(len(got), 5)], len(want)-1)
			}
		})
	}
	// Pages next to a cursor, and the two ends.
	tests := []struct {
		name    string
		after   string
		before  string
		limit   int
		want    []string
		hasMore bool
	}{
		{"after middle", want[100], "", 10, want[101:111], true},
		{"after near the end", want[245], "", 10, want[246:], false},
		{"after the oldest", oldest, "", 10, []string{}, false},
		{"after the second oldest", want[248], "", 10, want[249:], false},
		{"before middle", "", want[100], 10, want[90:100], true},
		{"before near the start", "", want[5], 10, want[:5], false},
		{"before exactly one page", "", want[10], 10, want[:10], false},
		{"before the newest", "", newest, 10, []string{}, false},
		{"before the second newest", "", want[1], 10, want[:1], false},
	}
	for _, tc := range tests {
		q := base
		q.StartingAfter, q.EndingBefore, q.Limit = tc.after, tc.before, tc.limit
		p := list(t, s, q)
		checkIDs(t, tc.name, p.Objects, tc.want)
		if p.HasMore != tc.hasMore {
			t.Errorf("%s: HasMore %v, want %v", tc.name, p.HasMore, tc.hasMore)
		}
	}
}

func testListWalkFiltered(t *testing.T, s store.Store) {
	const base = 1700000000
	var objs []*store.Object
	for i := range walkSize {
		status := "inactive"
		if i%2 == 0 {
			status = "active"
		}
		objs = append(objs, card(t, seqID("ic", i), base+int64(i), fmt.Sprint("ich_", i%3),
			map[string]any{"status": status}))
	}
	insert(t, s, objs...)
	active := store.Field{Name: "status", Value: "active"}
	inactive := store.Field{Name: "status", Value: "inactive"}
	tests := []struct {
		name  string
		q     store.Query
		match func(i int) bool
	}{
		{"parent", store.Query{Parent: "ich_1"}, func(i int) bool { return i%3 == 1 }},
		{"equal", store.Query{Equal: []store.Field{active}}, func(i int) bool { return i%2 == 0 }},
		{"parent and equal", store.Query{Parent: "ich_2", Equal: []store.Field{inactive}}, func(i int) bool { return i%3 == 2 && i%2 == 1 }},
		{"created", store.Query{Created: store.Range{Gte: ptr(base + 50), Lt: ptr(base + 200)}}, func(i int) bool { return i >= 50 && i < 200 }},
		{"created and equal", store.Query{Created: store.Range{Gt: ptr(base + 100)}, Equal: []store.Field{active}}, func(i int) bool { return i > 100 && i%2 == 0 }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var want []string // newest first
			for i := walkSize - 1; i >= 0; i-- {
				if tc.match(i) {
					want = append(want, seqID("ic", i))
				}
			}
			q := tc.q
			q.Account, q.Kind, q.Limit = acctA, kindCard, 7
			if got := walkForward(t, s, q); !slices.Equal(got, want) {
				t.Errorf("forward: %v, want %v", got, want)
			}
			q.EndingBefore = want[len(want)-1]
			if got := walkBackward(t, s, q); !slices.Equal(got, want[:len(want)-1]) {
				t.Errorf("backward: %v, want %v", got, want[:len(want)-1])
			}
			// A cursor need not match the filters: it only marks a place.
			for _, c := range []int{120, 121, 122, 123, 0, walkSize - 1} {
				var older, newer []string // newest first
				for i := walkSize - 1; i >= 0; i-- {
					if tc.match(i) && i < c {
						older = append(older, seqID("ic", i))
					}
					if tc.match(i) && i > c {
						newer = append(newer, seqID("ic", i))
					}
				}
				q := tc.q
				q.Account, q.Kind, q.Limit = acctA, kindCard, 7
				q.StartingAfter = seqID("ic", c)
				p := list(t, s, q)
				checkIDs(t, "after "+q.StartingAfter, p.Objects, older[:min(7, len(older))])
				if p.HasMore != (len(older) > 7) {
					t.Errorf("after %s: HasMore %v with %d older", q.StartingAfter, p.HasMore, len(older))
				}
				q.StartingAfter, q.EndingBefore = "", seqID("ic", c)
				p = list(t, s, q)
				checkIDs(t, "before "+q.EndingBefore, p.Objects, newer[max(0, len(newer)-7):])
				if p.HasMore != (len(newer) > 7) {
					t.Errorf("before %s: HasMore %v with %d newer", q.EndingBefore, p.HasMore, len(newer))
				}
			}
		})
	}
}
