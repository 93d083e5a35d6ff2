// Package event records what happened: every change of state writes an event
// in the same transaction as the change, so an event exists exactly when its
// change does.
//
// The same transaction puts one delivery per subscribed webhook endpoint in
// the store's outbox (outbox.go), so that an event is owed to its endpoints
// exactly when it exists, across restarts too. Package webhook sends what
// the outbox holds and reports each attempt back through Settle, which
// keeps the attempt history (attempt.go) and pending_webhooks. The rules of
// webhook endpoints themselves are in endpoint.go.
package event

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"time"

	"github.com/localissuing/localissuing/document"
	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store"
)

// Kind is the stored kind of events.
const Kind = "event"

// Retention is how far back Stripe lists and retrieves events.
const Retention = 30 * 24 * time.Hour

// Event is Stripe's event object. Recording writes it with encode
// (encode.go), which writes what json.Marshal would, field by field: a
// field added here is to be added there.
type Event struct {
	ID              string   `json:"id"`
	Object          string   `json:"object"`
	APIVersion      string   `json:"api_version"`
	Created         int64    `json:"created"`
	Data            Data     `json:"data"`
	Livemode        bool     `json:"livemode"`
	PendingWebhooks int64    `json:"pending_webhooks"`
	Request         *Request `json:"request"`
	Type            string   `json:"type"`

	stored []byte // the event as recorded (and as sent)
}

// Data holds the object as it was when the event happened and, for updates,
// the previous values of the fields that changed.
type Data struct {
	Object             json.RawMessage `json:"object"`
	PreviousAttributes map[string]any  `json:"previous_attributes,omitempty"`
}

// Request names the API request that caused the event.
type Request struct {
	ID             *string `json:"id"`
	IdempotencyKey *string `json:"idempotency_key"`
}

// Created records that object came into being.
func Created(ctx context.Context, tx store.Tx, acct issuing.Account, created int64, typ string, object any) error {
	return Happened(ctx, tx, acct, created, typ, object)
}

// Happened records an event that carries the object as it is now and no
// previous attributes: a creation, or a step such as a dispute's
// submission that has a type of its own.
func Happened(ctx context.Context, tx store.Tx, acct issuing.Account, created int64, typ string, object any) error {
	_, err := record(ctx, tx, acct, created, typ, object, nil, "")
	return err
}

// Updated records a change from before to after, both renderings of the
// same object. It records nothing when no field changed: an update that
// changes nothing is not an event.
func Updated(ctx context.Context, tx store.Tx, acct issuing.Account, created int64, typ string, before, after any) error {
	b, err := marshal(before)
	if err != nil {
		return fmt.Errorf("event %s: encode previous object: %w", typ, err)
	}
	a, err := marshal(after)
	if err != nil {
		return fmt.Errorf("event %s: encode object: %w", typ, err)
	}
	prev, err := previousAttributes(b, a)
	if err != nil {
		return err
	}
	if len(prev) == 0 {
		return nil
	}
	_, err = recordJSON(ctx, tx, acct, created, typ, a, prev, "")
	return err
}

// record stores an event and owes it to every subscribed endpoint but the
// one with id skip, which is sent it another way.
func record(ctx context.Context, tx store.Tx, acct issuing.Account, created int64, typ string, object any, prev map[string]any, skip string) (*Event, error) {
	body, err := marshal(object)
	if err != nil {
		return nil, fmt.Errorf("event %s: encode object: %w", typ, err)
	}
	return recordJSON(ctx, tx, acct, created, typ, body, prev, skip)
}

// marshal returns what json.Marshal(v) returns. JSON text passed as a
// json.RawMessage, such as a rendering cut from a stored document, is
// returned as it is when json.Marshal would write it unchanged, which
// canonical tells at a fraction of what json.Marshal's checking and
// copying costs. Anything else is encoded by document.Marshal, which
// writes the same bytes (the resource packages' codec tests check every
// rendering an event carries) in a third to a half of the time:
// json.Marshal was 7% of the ship test helper's CPU time.
func marshal(v any) ([]byte, error) {
	if raw, ok := v.(json.RawMessage); ok && document.Canonical(raw) {
		return raw, nil
	}
	return document.Marshal(v)
}

// recordJSON is record with the object encoded already, as body.
func recordJSON(ctx context.Context, tx store.Tx, acct issuing.Account, created int64, typ string, body []byte, prev map[string]any, skip string) (*Event, error) {
	e := &Event{
		ID:         issuing.NewID("evt"),
		Object:     "event",
		APIVersion: issuing.APIVersion,
		Created:    created,
		Data:       Data{Object: body, PreviousAttributes: prev},
		Livemode:   acct.Livemode,
		Type:       typ,
	}
	if info, ok := issuing.RequestFrom(ctx); ok {
		e.Request = &Request{ID: &info.ID}
		if info.IdempotencyKey != "" {
			e.Request.IdempotencyKey = &info.IdempotencyKey
		}
	} else {
		e.Request = &Request{}
	}
	to, err := subscribers(ctx, tx, acct.ID, typ)
	if err != nil {
		return nil, fmt.Errorf("event %s: %w", typ, err)
	}
	to = slices.DeleteFunc(to, func(endpoint string) bool { return endpoint == skip })
	e.PendingWebhooks = int64(len(to))
	data, err := encode(e)
	if err != nil {
		return nil, fmt.Errorf("event %s: encode: %w", typ, err)
	}
	e.stored = data
	obj := store.Object{Account: acct.ID, Kind: Kind, ID: e.ID, Created: created, Data: data}
	if err := tx.InsertNew(ctx, &obj); err != nil {
		return nil, fmt.Errorf("event %s: store: %w", typ, err)
	}
	if err := enqueue(ctx, tx, acct.ID, e, to); err != nil {
		return nil, err
	}
	return e, nil
}

// Get returns an event of the account's last 30 days, as stored; older
// events are not found, as on Stripe.
func Get(ctx context.Context, rd store.Reader, acct issuing.Account, now time.Time, id string) (json.RawMessage, error) {
	obj, err := rd.Get(ctx, acct.ID, Kind, id)
	if err == nil && obj.Created < now.Add(-Retention).Unix() {
		err = store.ErrNotFound
	}
	if errors.Is(err, store.ErrNotFound) {
		return nil, issuing.NotFound("event", id, "id")
	}
	if err != nil {
		return nil, fmt.Errorf("load event %s: %w", id, err)
	}
	return obj.Data, nil
}

// previousAttributes returns the old values of the fields that differ
// between before and after, both JSON objects as json.Marshal writes them.
// Nested objects report only their changed keys and arrays are reported
// whole, as Stripe does.
//
// Values are compared and kept as JSON text (json.RawMessage), not
// decoded: two encodings of one type by json.Marshal are equal exactly
// when their text is, and decoding both into maps to compare them was a
// sixth of a token update's CPU time. Text this cannot read (a key with
// escapes) goes the slow way, through maps.
func previousAttributes(before, after []byte) (map[string]any, error) {
	if prev, ok := diffJSON(before, after); ok {
		return prev, nil
	}
	b, err := asMap(before)
	if err != nil {
		return nil, err
	}
	a, err := asMap(after)
	if err != nil {
		return nil, err
	}
	return diff(b, a), nil
}

// jsonMember is a member of a JSON object: its key and its value's text,
// both cut from the object's text.
type jsonMember struct {
	key, value []byte
}

// plainMembers appends the members of a JSON object to ms, in order, or
// returns false if it is not an object or has a key with escapes.
func plainMembers(ms []jsonMember, data []byte) ([]jsonMember, bool) {
	ok := document.EachMember(data, func(m document.Member) bool {
		if bytes.IndexByte(m.Key, '\\') >= 0 {
			return false
		}
		ms = append(ms, jsonMember{key: m.Key, value: m.Value})
		return true
	})
	return ms, ok
}

// diffJSON is diff on JSON text; ok is false when the text cannot be read
// this way.
func diffJSON(before, after []byte) (prev map[string]any, ok bool) {
	// Room for the members of a token or a card on the stack: the slices
	// were a tenth of what an update allocated.
	var bs, as [48]jsonMember
	b, ok := plainMembers(bs[:0], before)
	if !ok {
		return nil, false
	}
	a, ok := plainMembers(as[:0], after)
	if !ok {
		return nil, false
	}
	// The keys stay bytes (a string of each was an allocation per member)
	// until one names a previous attribute.
	in := func(ms []jsonMember, key []byte) ([]byte, bool) {
		for _, m := range ms {
			if bytes.Equal(m.key, key) {
				return m.value, true
			}
		}
		return nil, false
	}
	prev = map[string]any{}
	for _, m := range b {
		now, present := in(a, m.key)
		if present && bytes.Equal(m.value, now) {
			continue
		}
		if present && m.value[0] == '{' && now[0] == '{' {
			sub, ok := diffJSON(m.value, now)
			if !ok {
				return nil, false
			}
			if len(sub) > 0 { // else the same members in another order
				prev[string(m.key)] = sub
			}
			continue
		}
		prev[string(m.key)] = json.RawMessage(m.value)
	}
	for _, m := range a {
		if _, present := in(b, m.key); !present {
			prev[string(m.key)] = nil
		}
	}
	return prev, true
}

// diff is previousAttributes on decoded objects.
func diff(before, after map[string]any) map[string]any {
	prev := map[string]any{}
	for k, old := range before {
		now, present := after[k]
		if reflect.DeepEqual(old, now) && present {
			continue
		}
		oldMap, oldIsMap := old.(map[string]any)
		nowMap, nowIsMap := now.(map[string]any)
		if oldIsMap && nowIsMap {
			prev[k] = diff(oldMap, nowMap)
			continue
		}
		prev[k] = old
	}
	for k := range after {
		if _, ok := before[k]; !ok {
			prev[k] = nil
		}
	}
	return prev
}

// asMap decodes a JSON object, keeping its numbers exact.
func asMap(raw []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("event: decode: %w", err)
	}
	return m, nil
}
