// Package store defines how localissuing keeps its objects. Every Issuing
// resource is stored the same way, as a JSON document with a few indexed
// columns, so that a new resource needs no new tables and every engine
// (SQLite, PostgreSQL) implements one small interface and passes one
// contract suite (package storetest).
package store

import (
	"context"
	"errors"
)

// Errors an engine returns. Engines wrap them with context; callers test
// with errors.Is.
var (
	// ErrNotFound means no object (or idempotency record) has that key.
	ErrNotFound = errors.New("store: not found")
	// ErrDuplicate means an object with that id already exists.
	ErrDuplicate = errors.New("store: duplicate id")
	// ErrCursorNotFound means a list cursor (StartingAfter/EndingBefore)
	// names no object of the queried account and kind.
	ErrCursorNotFound = errors.New("store: cursor object not found")
	// ErrConflict means the transaction collided with a concurrent one
	// (a deadlock or a serialization failure) and was rolled back; the
	// same work can be tried again.
	ErrConflict = errors.New("store: conflicting concurrent transaction")
)

// Object is one stored resource.
type Object struct {
	Account string // the account that owns it; objects never cross accounts
	Kind    string // Stripe's object name, e.g. "issuing.card"
	ID      string // e.g. "ic_…"; unique across the whole store
	Created int64  // Unix seconds, as the API reports it
	// Parent is an optional secondary key for listing by owner: the card of
	// a token, the cardholder of a card. Lists filter on it by index.
	Parent string
	// Data is the object's JSON document. Top-level fields of it can be
	// filtered on with Query.Equal.
	Data []byte
	// Seq is assigned by the store on Insert and orders lists: a larger Seq
	// was inserted later. It never changes afterwards.
	Seq int64
}

// Range bounds an integer column or field; nil bounds are open.
type Range struct {
	Gt, Gte, Lt, Lte *int64
}

// Field is a filter on a top-level field of Object.Data. Name is a plain
// key: lower-case letters, digits and underscores. What matches depends on
// the type of Value, and always on the JSON type of the field too (the
// string "100" is not the number 100, 1 is not true):
//
//   - string, int64, bool: a field of that JSON type equal to Value;
//   - []string: a string field equal to any one of them (none for an
//     empty slice), as events filtered by types[];
//   - Range: an integer field within the bounds, as events with
//     pending_webhooks > 0.
//
// With Prefix, Value must be a string and matches a string field that
// starts with it, byte for byte (events filtered by "issuing_card.*"); the
// empty prefix matches every string field. An object that lacks the field
// never matches. Any other Value, or Prefix with another type, is an error
// of List.
type Field struct {
	Name   string
	Value  any
	Prefix bool
}

// Query selects a page of objects of one kind in one account, newest
// (largest Seq) first.
type Query struct {
	Account string
	Kind    string
	Parent  string  // if not empty, only objects with this Parent
	Equal   []Field // all must match
	Created Range
	// Limit is the page size (the caller validates it); the store fetches
	// one more row to tell HasMore.
	Limit int
	// StartingAfter returns objects older than this id; EndingBefore returns
	// objects newer than this id (still newest first, the page nearest to
	// the cursor). At most one is set.
	StartingAfter string
	EndingBefore  string
}

// Page is the result of a Query.
type Page struct {
	Objects []Object
	// HasMore tells whether more objects match beyond this page in the
	// direction of travel (older for StartingAfter or no cursor, newer for
	// EndingBefore).
	HasMore bool
}

// IdempotencyRecord is the saved outcome of a POST made with an
// Idempotency-Key, replayed to later requests with the same key.
type IdempotencyRecord struct {
	Account     string
	Key         string
	Method      string
	Path        string
	Fingerprint string // hash of the request's parameters
	Status      int
	Body        []byte
	RequestID   string // the request that produced the saved response
	Created     int64  // Unix seconds
}

// Delivery is an event owed to a webhook endpoint, waiting in the outbox
// until a dispatcher delivers it or gives up. Deliveries are enqueued in
// the same transaction as their event, so an event is never recorded
// without them, and they stay in the store across restarts until
// dequeued.
type Delivery struct {
	ID         string // unique among deliveries
	Account    string // the event's account
	EventID    string
	EndpointID string
	Attempts   int   // attempts made so far; 0 when enqueued
	Due        int64 // Unix milliseconds: the next attempt may start then
}

// Reader reads a consistent view of the store.
type Reader interface {
	// Get returns the object, or ErrNotFound if it does not exist in that
	// account with that kind.
	Get(ctx context.Context, account, kind, id string) (Object, error)
	// List returns one page of a Query.
	List(ctx context.Context, q Query) (Page, error)
	// Idempotency returns the record saved for key, or ErrNotFound.
	Idempotency(ctx context.Context, account, key string) (IdempotencyRecord, error)
}

// Tx is a read-write transaction: everything written through one Tx becomes
// visible together, or not at all.
type Tx interface {
	Reader
	// GetForUpdate is Get that also keeps other transactions from changing
	// the object until this one ends. Read-modify-write code uses it.
	GetForUpdate(ctx context.Context, account, kind, id string) (Object, error)
	// Insert adds a new object and sets its Seq. It returns ErrDuplicate if
	// the id exists.
	Insert(ctx context.Context, obj *Object) error
	// InsertNew is Insert for an object whose id was just drawn at random
	// (issuing.NewID), which no object can have yet. The engine may write
	// it later in the transaction, with others, so a clash of ids, should
	// one ever happen, fails the transaction rather than this call. The
	// object is visible to the transaction's own reads at once all the
	// same. The caller must not modify obj.Data afterwards.
	InsertNew(ctx context.Context, obj *Object) error
	// Replace overwrites the Data and Parent of an existing object (matched
	// by account, kind and id). It returns ErrNotFound if there is none.
	// The engine may keep obj.Data (a cache does): the caller must not
	// modify it afterwards.
	Replace(ctx context.Context, obj Object) error
	// Delete removes an object. It returns ErrNotFound if there is none.
	Delete(ctx context.Context, account, kind, id string) error
	// SaveIdempotency stores rec, replacing any record with its account and
	// key.
	SaveIdempotency(ctx context.Context, rec IdempotencyRecord) error
	// Enqueue adds deliveries to the outbox as given (Attempts and Due
	// included). It returns ErrDuplicate if a delivery with one of the ids
	// is in the outbox already; the caller then rolls back.
	Enqueue(ctx context.Context, ds ...Delivery) error
	// Reschedule records a failed attempt: it sets the delivery's Attempts
	// and Due, whether or not the delivery is leased now. It returns
	// ErrNotFound if no delivery has that id (it was dequeued).
	Reschedule(ctx context.Context, id string, attempts int, due int64) error
	// Dequeue removes a delivery that succeeded or was given up. It returns
	// ErrNotFound if no delivery has that id, so that of two dispatchers
	// that attempted the same delivery only one acts on its success.
	Dequeue(ctx context.Context, id string) error
}

// Store is a storage engine.
type Store interface {
	// View runs fn in a read-only transaction. An engine may run fn more
	// than once (SQLite does when a commit comes between reads from its
	// cache and from its snapshot): fn must start afresh each time and
	// keep nothing from a run that returned an error. Callers must not
	// modify the Data of the objects they read, which may be shared.
	View(ctx context.Context, fn func(Reader) error) error
	// Update runs fn in a read-write transaction and commits if fn returns
	// nil; otherwise it rolls back and returns fn's error unchanged (wrapped
	// errors keep their identity). fn may run on another goroutine than
	// the caller's (SQLite runs the functions of concurrent calls on one);
	// a panic in fn goes on in the caller.
	Update(ctx context.Context, fn func(Tx) error) error
	// Lease claims up to limit deliveries whose Due is at or before now
	// (Unix ms): those due earliest first and, among equal Due, those
	// enqueued first (in Enqueue call order, then argument order). It sets
	// their Due to leaseUntil and returns them as stored afterwards (Due ==
	// leaseUntil). Until then no other Lease returns them, also across
	// processes sharing a database, unless Reschedule makes them due
	// earlier; so a dispatcher that dies mid-attempt leaves its deliveries
	// to be leased again once the lease runs out, and one that finishes
	// calls Reschedule or Dequeue. Lease commits on its own, in no caller's
	// transaction. It returns an empty, non-nil slice when nothing is due,
	// and an error if limit < 1 or leaseUntil <= now.
	Lease(ctx context.Context, now, leaseUntil int64, limit int) ([]Delivery, error)
	// PruneIdempotency deletes idempotency records created before the
	// given Unix time.
	PruneIdempotency(ctx context.Context, before int64) error
	// Close releases the engine's resources.
	Close() error
}
