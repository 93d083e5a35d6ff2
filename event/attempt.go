package event

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store"
)

// AttemptKind is the stored kind of delivery attempts: localissuing's own
// object, listed per event (Parent is the event's id) so that a user can
// see why a webhook did not arrive.
const AttemptKind = "webhook_attempt"

// The results of an attempt.
const (
	// ResultSucceeded: the endpoint answered with a 2xx status.
	ResultSucceeded = "succeeded"
	// ResultRetrying: the attempt failed and another one is scheduled.
	ResultRetrying = "retrying"
	// ResultFailed: the attempt failed and was the last; the event stays
	// owed to the endpoint (pending_webhooks does not fall).
	ResultFailed = "failed"
	// ResultSkipped: nothing was sent because the endpoint was deleted or
	// disabled after the event; the event is no longer owed to it.
	ResultSkipped = "skipped"
)

// Outcome is how one attempt at a delivery ended.
type Outcome struct {
	Result   string    // one of the Result constants
	At       time.Time // when the attempt started, by the server's clock
	Duration time.Duration
	URL      string
	// StatusCode is the endpoint's HTTP status, 0 when none was received.
	StatusCode int
	// Error says why the attempt failed or was skipped; empty on success.
	Error string
	// Response is the start of the endpoint's response body.
	Response string
	// NextRetry is when the next attempt is due, for ResultRetrying.
	NextRetry time.Time
}

func (o Outcome) retries() bool { return o.Result == ResultRetrying }

// Attempt is the record of one attempt, as GET
// /v1/events/{id}/webhook_attempts lists it.
type Attempt struct {
	ID              string  `json:"id"`
	Object          string  `json:"object"`
	Attempt         int     `json:"attempt"` // 1 for the first attempt at this endpoint
	Created         int64   `json:"created"` // Unix seconds, when the attempt started
	DurationMS      int64   `json:"duration_ms"`
	Error           *string `json:"error"`
	Event           string  `json:"event"`
	NextRetry       *int64  `json:"next_retry"` // Unix seconds
	ResponseBody    *string `json:"response_body"`
	Result          string  `json:"result"`
	StatusCode      *int    `json:"status_code"`
	URL             *string `json:"url"`
	WebhookEndpoint string  `json:"webhook_endpoint"`
}

func newAttempt(d store.Delivery, o Outcome) *Attempt {
	a := &Attempt{
		ID:              issuing.NewID("whatt"),
		Object:          AttemptKind,
		Attempt:         d.Attempts + 1,
		Created:         o.At.Unix(),
		DurationMS:      o.Duration.Milliseconds(),
		Event:           d.EventID,
		Result:          o.Result,
		WebhookEndpoint: d.EndpointID,
		Error:           nonEmpty(o.Error),
		ResponseBody:    nonEmpty(o.Response),
		URL:             nonEmpty(o.URL),
	}
	if o.StatusCode != 0 {
		a.StatusCode = &o.StatusCode
	}
	if o.retries() {
		next := o.NextRetry.Unix()
		a.NextRetry = &next
	}
	return a
}

func insertAttempt(ctx context.Context, tx store.Tx, account string, a *Attempt) error {
	data, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("encode webhook attempt: %w", err)
	}
	obj := store.Object{Account: account, Kind: AttemptKind, ID: a.ID, Created: a.Created, Parent: a.Event, Data: data}
	if err := tx.InsertNew(ctx, &obj); err != nil { // a new id, drawn at random
		return fmt.Errorf("store webhook attempt for %s: %w", a.Event, err)
	}
	return nil
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
