package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/localissuing/localissuing/form"
	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/spec"
	"github.com/localissuing/localissuing/store"
)

// idempotencyTTL is how long a key's saved response is replayed; Stripe
// prunes keys after 24 hours and so do we.
const idempotencyTTL = 24 * time.Hour

// replayed carries a saved response out of runWrite.
type replayed struct {
	status    int
	body      []byte
	requestID string
}

func (replayed) Error() string { return "idempotent replay" }

// runWrite executes a write with Stripe's idempotency rules: a key seen
// before replays its saved response, the same key with other parameters is
// an idempotency_error, and a key whose first request is still running is a
// 409. The saved response commits in the same transaction as the write, so
// a replay can never disagree with what was stored.
//
// Requests with one key may also race on two processes sharing a
// database, where the in-process claim below cannot see each other. The
// write transaction reads the key again and the store saves it only over
// what that read found (see store.Tx.SaveIdempotency's engines): the
// request that commits first wins, and the other, whose save fails, finds
// the winner's record and replays it. Either way the write runs once.
func (s *Server) runWrite(c *Call, op *spec.Op, fn WriteFunc) (int, []byte, error) {
	if c.IdempotencyKey == "" {
		return s.execWrite(c, op, fn, nil)
	}
	slot := c.Account.ID + "\x00" + c.IdempotencyKey
	if !s.claim(slot) {
		return 0, nil, keyInUse(c.IdempotencyKey)
	}
	defer s.release(slot)

	rec := store.IdempotencyRecord{
		Account:     c.Account.ID,
		Key:         c.IdempotencyKey,
		Method:      op.Method,
		Path:        c.urlPath,
		Fingerprint: fingerprint(c),
		RequestID:   c.RequestID,
		Created:     c.Now.Unix(),
	}
	if err := s.store.View(c.Ctx, func(rd store.Reader) error {
		return priorOutcome(c, rec, rd)
	}); err != nil {
		return 0, nil, err
	}

	status, body, err := s.execWrite(c, op, fn, &rec)
	e, ok := issuing.AsError(err)
	switch {
	case err == nil || errors.As(err, new(replayed)):
	case !ok || e.Kind == issuing.KindInternal:
		// A save that lost a race fails the write; the winner's record
		// is there to replay. Otherwise the error stands.
		if rerr := s.store.View(c.Ctx, func(rd store.Reader) error {
			return priorOutcome(c, rec, rd)
		}); isAnswer(rerr) {
			return 0, nil, rerr
		}
	case e.Kind != issuing.KindIdempotency:
		// The request ran and failed for a reason the client must see again
		// on a retry, as Stripe does. Internal failures are not saved, so a
		// retry can succeed.
		status, body := errorResponse(c.Ctx, s.log, c.RequestID, e)
		rec.Status = status
		rec.Body, _ = marshal(body)
		if serr := s.store.Update(c.Ctx, func(tx store.Tx) error {
			// Unless a request on another process saved the key first.
			if err := priorOutcome(c, rec, tx); err != nil {
				if isAnswer(err) {
					return nil
				}
				return err
			}
			return tx.SaveIdempotency(c.Ctx, rec)
		}); serr != nil {
			level := slog.LevelError
			if canceled(c.Ctx, serr) {
				level = slog.LevelDebug // the client hung up first, as in errorResponse
			}
			s.log.Log(context.Background(), level, "save idempotent error response", "request_id", c.RequestID, "err", serr)
		}
	}
	return status, body, err
}

// priorOutcome reads the record saved under rec's key and tells what the
// request does about it: nil to run (no record, or one older than the
// TTL), or the error to answer with: a replay of the saved response, or an
// idempotency_error for a key first used with other parameters.
func priorOutcome(c *Call, rec store.IdempotencyRecord, rd store.Reader) error {
	prior, err := rd.Idempotency(c.Ctx, rec.Account, rec.Key)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil
	case err != nil:
		return fmt.Errorf("read idempotency key: %w", err)
	case c.Now.Sub(time.Unix(prior.Created, 0)) >= idempotencyTTL:
		return nil
	case prior.Fingerprint != rec.Fingerprint || prior.Path != rec.Path || prior.Method != rec.Method:
		return &issuing.Error{Kind: issuing.KindIdempotency, Message: fmt.Sprintf(
			"Keys for idempotent requests can only be used with the same parameters they were first used with. "+
				"Try using a key other than '%s' if you meant to execute a different request.", rec.Key)}
	case prior.Status == inProgress && prior.RequestID == c.RequestID:
		return nil // this request's own, from before its Continue
	case prior.Status == inProgress && c.Now.Sub(time.Unix(prior.Created, 0)) < abandonedAfter:
		return keyInUse(rec.Key)
	case prior.Status == inProgress:
		return nil // left by a process that stopped
	}
	return replayed{status: prior.Status, body: prior.Body, requestID: prior.RequestID}
}

// A request that continues after committing a first transaction (see
// Continue) saves its key as in progress in that transaction, so that a
// retry elsewhere (another process sharing the database) gets a 409
// rather than running again while the first waits. A key left in progress
// by a process that stopped frees itself after abandonedAfter.
const (
	inProgress     = 0 // the Status of such a record
	abandonedAfter = 5 * time.Minute
)

func keyInUse(key string) error {
	return &issuing.Error{Kind: issuing.KindConflict, Code: "idempotency_key_in_use", Message: fmt.Sprintf(
		"There is currently another in-progress request using this Idempotent Key (that probably means you submitted "+
			"twice, and the other request is still going through): %s. Please try again later.", key)}
}

// isAnswer tells whether an error of priorOutcome answers the request (a
// replay or an idempotency_error) rather than reports a failure.
func isAnswer(err error) bool {
	e, ok := issuing.AsError(err)
	return errors.As(err, new(replayed)) || ok && e.Kind == issuing.KindIdempotency
}

// execWrite runs fn in one transaction, renders its result and, when rec is
// not nil, saves the response under the idempotency key in that same
// transaction, after reading the key again in it. A fn that answers with
// Continue commits what it wrote, waits outside any transaction, and
// finishes in a second one, which alone holds the response and the key.
func (s *Server) execWrite(c *Call, op *spec.Op, fn WriteFunc, rec *store.IdempotencyRecord) (int, []byte, error) {
	var body []byte
	var next *Continue
	err := s.store.Update(c.Ctx, func(tx store.Tx) error {
		body, next = nil, nil
		if rec != nil {
			if err := priorOutcome(c, *rec, tx); err != nil {
				return err
			}
		}
		v, err := fn(c, tx)
		if err != nil {
			return err
		}
		if cont, ok := v.(Continue); ok {
			next = &cont
			if rec == nil {
				return nil
			}
			held := *rec
			held.Status, held.Body = inProgress, []byte{}
			return tx.SaveIdempotency(c.Ctx, held)
		}
		if body, err = s.encode(c, tx, op, v); err != nil {
			return err
		}
		if rec == nil {
			return nil
		}
		rec.Status, rec.Body = http.StatusOK, body
		return tx.SaveIdempotency(c.Ctx, *rec)
	})
	if err == nil && s.afterWrite != nil && c.enqueued.Load() {
		s.afterWrite()
	}
	if err == nil && next != nil {
		// What was written is committed: the request finishes even if
		// its client goes away meanwhile.
		c.Ctx = context.WithoutCancel(c.Ctx)
		return s.execWrite(c, op, next.Wait(c), rec)
	}
	return http.StatusOK, body, err
}

// Continue is what a WriteFunc returns when its answer depends on something
// outside the store that must see what it wrote first, as a real-time
// authorization endpoint must see the pending authorization. The first
// transaction commits; Wait then runs with no transaction open, and the
// WriteFunc it returns makes the response in a second transaction.
type Continue struct {
	Wait func(c *Call) WriteFunc
}

func (s *Server) claim(slot string) bool {
	s.inflightMu.Lock()
	defer s.inflightMu.Unlock()
	if s.inflight[slot] {
		return false
	}
	s.inflight[slot] = true
	return true
}

func (s *Server) release(slot string) {
	s.inflightMu.Lock()
	defer s.inflightMu.Unlock()
	delete(s.inflight, slot)
}

// fingerprint identifies a request's parameters independently of their
// order and encoding (expand[0]= and expand[]= are the same request).
func fingerprint(c *Call) string {
	sum := sha256.Sum256([]byte(form.Encode(c.raw)))
	return hex.EncodeToString(sum[:])
}
