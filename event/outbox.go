package event

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store"
)

// allAccounts is the account under which endpoints subscribed to the
// events of every account are stored (the --forward-to endpoint). No API
// key hashes to it, so no client can see or change them.
const allAccounts = "*"

// subscribers returns the ids of the endpoints that are owed an event of
// type typ in account: its own enabled endpoints that want the type, and
// those of every account.
func subscribers(ctx context.Context, rd store.Reader, account, typ string) ([]string, error) {
	var out []string
	for _, acct := range []string{account, allAccounts} {
		page, err := rd.List(ctx, store.Query{Account: acct, Kind: EndpointKind, Limit: maxEndpoints})
		if err != nil {
			return nil, fmt.Errorf("list webhook endpoints: %w", err)
		}
		for _, obj := range page.Objects {
			var s subscription
			if err := json.Unmarshal(obj.Data, &s); err != nil {
				return nil, fmt.Errorf("decode webhook endpoint %s: %w", obj.ID, err)
			}
			if wants(s.Status, s.EnabledEvents, typ) {
				out = append(out, s.ID)
			}
		}
	}
	return out, nil
}

// subscription is what recording an event reads of a webhook endpoint.
// Every event reads all of the account's endpoints and the forwarding
// one; decoding only these fields, not the URL, secret, description and
// metadata, takes half the allocations of decoding a whole Endpoint.
type subscription struct {
	ID            string   `json:"id"`
	EnabledEvents []string `json:"enabled_events"`
	Status        string   `json:"status"`
}

// enqueue puts one delivery of e per endpoint (named by id) in the
// outbox, due at once.
func enqueue(ctx context.Context, tx store.Tx, account string, e *Event, to []string) error {
	if len(to) == 0 {
		return nil
	}
	ds := make([]store.Delivery, len(to))
	for i, endpoint := range to {
		ds[i] = store.Delivery{ID: e.ID + "_" + endpoint, Account: account, EventID: e.ID, EndpointID: endpoint,
			Due: e.Created * 1000}
	}
	if err := tx.Enqueue(ctx, ds...); err != nil {
		return fmt.Errorf("event %s: enqueue deliveries: %w", e.ID, err)
	}
	if info, ok := issuing.RequestFrom(ctx); ok && info.Enqueued != nil {
		info.Enqueued.Store(true)
	}
	return nil
}

// Target is what a dispatcher needs to attempt a delivery.
type Target struct {
	Body     []byte // the event, as sent
	Livemode bool   // the event's mode, which picks the retry schedule
	URL      string
	Secret   string
	// Skip, when not empty, says why the delivery is no longer owed (the
	// endpoint was deleted or disabled): it is to be settled unsent.
	Skip string
}

// LoadTarget reads the event and the endpoint of a delivery.
func LoadTarget(ctx context.Context, rd store.Reader, d store.Delivery) (Target, error) {
	ev, err := rd.Get(ctx, d.Account, Kind, d.EventID)
	if err != nil {
		return Target{}, fmt.Errorf("delivery %s: load event: %w", d.ID, err)
	}
	var head struct {
		Livemode bool `json:"livemode"`
	}
	if err := json.Unmarshal(ev.Data, &head); err != nil {
		return Target{}, fmt.Errorf("delivery %s: decode event: %w", d.ID, err)
	}
	t := Target{Body: ev.Data, Livemode: head.Livemode}
	ep, err := deliveryEndpoint(ctx, rd, d)
	switch {
	case errors.Is(err, store.ErrNotFound):
		t.Skip = "The webhook endpoint was deleted."
		return t, nil
	case err != nil:
		return Target{}, err
	}
	t.URL, t.Secret = ep.URL, ep.Secret
	if ep.Status != "enabled" {
		t.Skip = "The webhook endpoint is disabled."
	}
	return t, nil
}

// deliveryEndpoint finds a delivery's endpoint in the event's account or
// among the endpoints of every account.
func deliveryEndpoint(ctx context.Context, rd store.Reader, d store.Delivery) (*Endpoint, error) {
	obj, err := rd.Get(ctx, d.Account, EndpointKind, d.EndpointID)
	if errors.Is(err, store.ErrNotFound) {
		obj, err = rd.Get(ctx, allAccounts, EndpointKind, d.EndpointID)
	}
	if err != nil {
		return nil, fmt.Errorf("delivery %s: load endpoint: %w", d.ID, err)
	}
	return DecodeEndpoint(obj)
}

// Settle records how an attempt at d ended, in one transaction with the
// outbox change: a delivered event leaves the outbox and is owed to one
// endpoint fewer; a failed one is due again at o.NextRetry, or leaves the
// outbox still owed when there is no next retry; a skipped one leaves it
// and is no longer owed.
func Settle(ctx context.Context, tx store.Tx, d store.Delivery, o Outcome) error {
	a := newAttempt(d, o)
	if o.retries() {
		err := tx.Reschedule(ctx, d.ID, d.Attempts+1, o.NextRetry.UnixMilli())
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("delivery %s: reschedule: %w", d.ID, err)
		}
	} else {
		err := tx.Dequeue(ctx, d.ID)
		switch {
		case errors.Is(err, store.ErrNotFound):
			// Another dispatcher settled it after its lease ran out:
			// the count of owed endpoints has been adjusted already.
		case err != nil:
			return fmt.Errorf("delivery %s: dequeue: %w", d.ID, err)
		case o.Result == ResultSucceeded || o.Result == ResultSkipped:
			if err := owedOneFewer(ctx, tx, d.Account, d.EventID); err != nil {
				return err
			}
		}
	}
	return insertAttempt(ctx, tx, d.Account, a)
}

// owedOneFewer lowers the event's pending_webhooks by one.
func owedOneFewer(ctx context.Context, tx store.Tx, account, id string) error {
	obj, err := tx.GetForUpdate(ctx, account, Kind, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil // the event is gone: nothing to count down
	}
	if err != nil {
		return fmt.Errorf("event %s: load: %w", id, err)
	}
	// UseNumber keeps the numbers of previous_attributes exactly as they
	// were recorded; data.object is raw JSON and untouched.
	var e Event
	dec := json.NewDecoder(bytes.NewReader(obj.Data))
	dec.UseNumber()
	if err := dec.Decode(&e); err != nil {
		return fmt.Errorf("event %s: decode: %w", id, err)
	}
	if e.PendingWebhooks > 0 {
		e.PendingWebhooks--
	}
	if obj.Data, err = json.Marshal(e); err != nil {
		return fmt.Errorf("event %s: encode: %w", id, err)
	}
	if err := tx.Replace(ctx, obj); err != nil {
		return fmt.Errorf("event %s: store: %w", id, err)
	}
	return nil
}
