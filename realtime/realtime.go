// Package realtime asks an account's real-time authorization endpoint
// about each authorization request that Stripe's rules approve, as
// Stripe does: the signed issuing_authorization.request event is POSTed
// while the request waits, and the endpoint approves or declines it in
// its response body, or by calling the deprecated approve and decline
// endpoints before it responds. No usable answer in time is answered by
// the account's fallback.
//
// A request is asked in three steps, so that the endpoint can read the
// pending authorization while it decides: Begin, in the transaction that
// stores the pending authorization; Ask, with no transaction open; Finish,
// in a second transaction.
package realtime

import (
	"context"
	"fmt"
	"time"

	"github.com/localissuing/localissuing/authorization"
	"github.com/localissuing/localissuing/event"
	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/listen"
	"github.com/localissuing/localissuing/store"
)

// EventType is the event a real-time endpoint subscribes to.
const EventType = "issuing_authorization.request"

// DefaultTimeout is how long Stripe waits for an answer.
const DefaultTimeout = 2 * time.Second

// Config is how endpoints are asked.
type Config struct {
	// Timeout is how long an endpoint has to answer; zero means
	// DefaultTimeout.
	Timeout time.Duration
	// ApproveOnFallback is the account's default for requests the
	// endpoint does not answer in time or answers with an error: approve
	// when true, decline (Stripe's default) when false.
	ApproveOnFallback bool
}

// Asker asks real-time endpoints. It is safe for concurrent use.
type Asker struct {
	timeout  time.Duration
	fallback bool
	client   *client
}

// New returns an Asker with cfg.
func New(cfg Config) *Asker {
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	return &Asker{timeout: cfg.Timeout, fallback: cfg.ApproveOnFallback, client: newClient(cfg.Timeout)}
}

// Target is who answers an account's requests: its real-time endpoint,
// or else a running `stripe listen`, which forwards each request to the
// local application and sends back its response.
type Target struct {
	endpoint *event.Endpoint // nil for stripe listen
}

// Find returns who answers the account's requests at now, nil when no one
// does and requests are decided by Stripe's rules alone.
func Find(ctx context.Context, rd store.Reader, account string, now time.Time) (*Target, error) {
	ep, err := event.RealTimeEndpoint(ctx, rd, account, EventType)
	if err != nil || ep != nil {
		return &Target{endpoint: ep}, err
	}
	cli, err := listen.Listening(ctx, rd, account, now)
	if err != nil || !cli {
		return nil, err
	}
	return &Target{}, nil
}

// Question is a pending request about to be asked.
type Question struct {
	authorization string
	pendingID     string // which of its requests
	pending       authorization.PendingRequest
	event         string
	endpoint      *event.Endpoint // nil when stripe listen answers
	body          []byte
}

// Begin records the issuing_authorization.request event of au, an
// authorization stored with the pending request pendingID by Create or
// Increment with Options.AwaitRequest, for target. Every other endpoint subscribed to
// the type is owed the event as a notification; a stripe listen gets it
// as it gets every event.
//
// It also leaves a note of the question, in case the process stops before
// Finish (see Recover).
func (a *Asker) Begin(ctx context.Context, tx store.Tx, acct issuing.Account, now time.Time, target *Target, au *authorization.Authorization, pendingID string) (*Question, error) {
	id, body, err := event.Requested(ctx, tx, acct, now.Unix(), EventType, au, target.endpoint)
	if err != nil {
		return nil, err
	}
	q := &Question{authorization: au.ID, pendingID: pendingID, pending: *au.PendingRequest, event: id,
		endpoint: target.endpoint, body: body}
	if err := leaveNote(ctx, tx, acct, q, time.Now().Add(a.timeout)); err != nil {
		return nil, err
	}
	return q, nil
}

// Verdict is what came of asking.
type Verdict struct {
	answer  authorization.Answer
	attempt event.Outcome // of the POST to an endpoint; none for stripe listen
}

// Ask sends q to its endpoint and returns its answer: the one in the
// response or else the fallback. When the response carries no decision,
// Ask waits until the request is answered through the approve or decline
// call or the timeout ends; an answer given through them, before or
// during the wait, stands over the verdict (see Finish).
func (a *Asker) Ask(ctx context.Context, st store.Store, acct issuing.Account, clock issuing.Clock, q *Question) Verdict {
	start := time.Now()
	deadline := start.Add(a.timeout)
	var r reply
	var v Verdict
	if q.endpoint != nil {
		r = a.client.post(ctx, q.endpoint.URL, q.endpoint.Secret, q.body)
		v.attempt = r.outcome(clock.Now(), time.Since(start), q.endpoint.URL)
	} else {
		r = a.relayed(ctx, st, acct, q, deadline)
	}
	answer, decided := a.read(r, q.pending)
	if decided {
		v.answer = answer
		return v
	}
	// An endpoint on the deprecated flow calls approve or decline before
	// it responds; one that responds first still has until the deadline.
	// Finish keeps the stored answer if there is one; the fallback is
	// for when there is none.
	waitUntil(ctx, st, deadline, func(rd store.Reader) (bool, error) { return answered(ctx, rd, acct, q) })
	v.answer = answer
	return v
}

// Finish records the verdict on q's authorization, unless it was answered
// through the API meanwhile, and the attempt in the event's history.
func Finish(ctx context.Context, tx store.Tx, acct issuing.Account, now time.Time, q *Question, v Verdict) (*authorization.Authorization, error) {
	if err := removeNote(ctx, tx, q.event); err != nil {
		return nil, err
	}
	var err error
	if q.endpoint != nil {
		err = event.RecordRequestAttempt(ctx, tx, acct.ID, q.event, q.endpoint.ID, v.attempt)
	} else {
		err = listen.DropResponse(ctx, tx, acct.ID, q.event)
	}
	if err != nil {
		return nil, err
	}
	return authorization.SettleRequest(ctx, tx, acct, now, q.authorization, q.pendingID, v.answer)
}

// relayed waits for the response that stripe listen relays from the
// application, until the deadline or until the request is answered
// through the API (then an empty acknowledgement stands in for it).
func (a *Asker) relayed(ctx context.Context, st store.Store, acct issuing.Account, q *Question, deadline time.Time) reply {
	var res *listen.Response
	done := waitUntil(ctx, st, deadline, func(rd store.Reader) (bool, error) {
		var err error
		if res, err = listen.LoadResponse(ctx, rd, acct.ID, q.event); err != nil || res != nil {
			return res != nil, err
		}
		return answered(ctx, rd, acct, q)
	})
	switch {
	case res != nil:
		return reply{status: res.Status, version: res.Header("Stripe-Version"), body: []byte(res.Body)}
	case done:
		return reply{status: 200}
	}
	return reply{timedOut: true, failure: fmt.Sprintf("stripe listen relayed no response within %s.", a.timeout)}
}

// answered tells whether q's request is no longer pending: answered
// through the approve or decline call, possibly on another process.
func answered(ctx context.Context, rd store.Reader, acct issuing.Account, q *Question) (bool, error) {
	pending, err := authorization.PendingID(ctx, rd, acct, q.authorization)
	return pending != q.pendingID, err
}

// pollEvery is how often the store is read for an answer.
const pollEvery = 10 * time.Millisecond

// waitUntil reads the store with check every pollEvery until check says
// done, the deadline passes or ctx ends, and tells whether check said
// done. A read that fails is tried again at the next round.
func waitUntil(ctx context.Context, st store.Store, deadline time.Time, check func(store.Reader) (bool, error)) bool {
	for {
		var done bool
		err := st.View(ctx, func(rd store.Reader) error {
			var err error
			done, err = check(rd)
			return err
		})
		if err == nil && done {
			return true
		}
		wait := time.Until(deadline)
		if wait <= 0 {
			return false
		}
		select {
		case <-ctx.Done():
			return false
		case <-time.After(min(wait, pollEvery)):
		}
	}
}
