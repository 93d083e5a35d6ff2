// Package storetest is the contract every storage engine passes. The rules
// of package store are easy to get almost right (page boundaries, cursors
// from another account, rollback of a failed Update), and the server relies
// on them exactly; one suite run against every engine keeps the engines
// interchangeable.
//
// An engine's test calls Run with a function that opens a new, empty store:
//
//	func TestContract(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) store.Store { … })
//	}
package storetest

import (
	"testing"

	"github.com/localissuing/localissuing/store"
)

// Run runs the contract suite. open must return a new, empty store each
// time it is called; Run closes it when the sub-test ends. Sub-tests run in
// parallel, so open may be called concurrently.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"InsertGet", testInsertGet},
		{"InsertDuplicate", testInsertDuplicate},
		{"GetNotFound", testGetNotFound},
		{"Replace", testReplace},
		{"ReplaceNotFound", testReplaceNotFound},
		{"Delete", testDelete},
		{"DeleteNotFound", testDeleteNotFound},
		{"SeqIncreases", testSeqIncreases},
		{"InsertNew", testInsertNew},
		{"AccountIsolation", testAccountIsolation},
		{"ListNewestFirst", testListNewestFirst},
		{"ListInTx", testListInTx},
		{"ListFilters", testListFilters},
		{"ListLimit", testListLimit},
		{"ListWalk", testListWalk},
		{"ListWalkFiltered", testListWalkFiltered},
		{"ListCursorNotFound", testListCursorNotFound},
		{"ListFieldSets", testListFieldSets},
		{"UpdateRollback", testUpdateRollback},
		{"UpdateDuplicateRollback", testUpdateDuplicateRollback},
		{"ViewSeesCommitted", testViewSeesCommitted},
		{"ViewDuringUpdate", testViewDuringUpdate},
		{"AtomicVisibility", testAtomicVisibility},
		{"Idempotency", testIdempotency},
		{"IdempotencyIsolation", testIdempotencyIsolation},
		{"PruneIdempotency", testPruneIdempotency},
		{"ConcurrentWriters", testConcurrentWriters},
		{"GetForUpdateCounter", testGetForUpdateCounter},
		{"OutboxLease", testOutboxLease},
		{"OutboxOrder", testOutboxOrder},
		{"OutboxReschedule", testOutboxReschedule},
		{"OutboxRollback", testOutboxRollback},
		{"OutboxLeaseArgs", testOutboxLeaseArgs},
		{"OutboxConcurrentLease", testOutboxConcurrentLease},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := open(t)
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			})
			tc.fn(t, s)
		})
	}
}
