package event

import (
	"context"
	"fmt"
	"slices"

	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store"
)

// Synchronous events are the requests Stripe asks a question with and
// waits for the answer: issuing_authorization.request. One endpoint of the
// account answers them, the real-time endpoint, sent the event in the
// request that creates it instead of through the outbox; every other
// subscriber is owed it as usual.

// RealTimeEndpoint returns the endpoint of account that answers events of
// type typ synchronously: the oldest enabled endpoint that names typ
// itself ("*" subscribes to notifications, not to questions). It returns
// nil when there is none.
func RealTimeEndpoint(ctx context.Context, rd store.Reader, account, typ string) (*Endpoint, error) {
	page, err := rd.List(ctx, store.Query{Account: account, Kind: EndpointKind, Limit: maxEndpoints})
	if err != nil {
		return nil, fmt.Errorf("list webhook endpoints: %w", err)
	}
	var found *Endpoint
	for _, obj := range page.Objects {
		e, err := DecodeEndpoint(obj)
		if err != nil {
			return nil, err
		}
		if e.Status != "enabled" || !slices.Contains(e.EnabledEvents, typ) {
			continue
		}
		// Lists are newest first: among endpoints created in the same
		// second, the later one in the list is the older.
		if found == nil || e.Created <= found.Created {
			found = e
		}
	}
	return found, nil
}

// Requested records an event of type typ about object that the real-time
// endpoint rt is about to be sent synchronously, and returns it as sent.
// With no rt (the question goes another way) every subscriber is owed it.
func Requested(ctx context.Context, tx store.Tx, acct issuing.Account, created int64, typ string, object any, rt *Endpoint) (id string, body []byte, err error) {
	skip := ""
	if rt != nil {
		skip = rt.ID
	}
	e, err := record(ctx, tx, acct, created, typ, object, nil, skip)
	if err != nil {
		return "", nil, err
	}
	return e.ID, e.stored, nil
}

// RecordRequestAttempt adds the synchronous attempt at sending event
// eventID to endpoint endpointID to the event's attempt history. It never
// retries: a question not answered in time has been answered by the
// fallback.
func RecordRequestAttempt(ctx context.Context, tx store.Tx, account, eventID, endpointID string, o Outcome) error {
	d := store.Delivery{ID: eventID + "_" + endpointID, Account: account, EventID: eventID, EndpointID: endpointID}
	return insertAttempt(ctx, tx, account, newAttempt(d, o))
}
