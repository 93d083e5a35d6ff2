package api

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
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
func (s *Server) runWrite(c *Call, op *spec.Op, fn WriteFunc) (int, []byte, error) {
	if c.IdempotencyKey == "" {
		return s.execWrite(c, op, fn, nil)
	}
	slot := c.Account.ID + "\x00" + c.IdempotencyKey
	if !s.claim(slot) {
		return 0, nil, &issuing.Error{Kind: issuing.KindConflict, Code: "idempotency_key_in_use", Message: fmt.Sprintf(
			"There is currently another in-progress request using this Idempotent Key (that probably means you submitted "+
				"twice, and the other request is still going through): %s. Please try again later.", c.IdempotencyKey)}
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
	var prior store.IdempotencyRecord
	err := s.store.View(c.Ctx, func(rd store.Reader) error {
		var err error
		prior, err = rd.Idempotency(c.Ctx, c.Account.ID, c.IdempotencyKey)
		return err
	})
	switch {
	case err == nil && c.Now.Sub(time.Unix(prior.Created, 0)) < idempotencyTTL:
		if prior.Fingerprint != rec.Fingerprint || prior.Path != rec.Path || prior.Method != rec.Method {
			return 0, nil, &issuing.Error{Kind: issuing.KindIdempotency, Message: fmt.Sprintf(
				"Keys for idempotent requests can only be used with the same parameters they were first used with. "+
					"Try using a key other than '%s' if you meant to execute a different request.", c.IdempotencyKey)}
		}
		return 0, nil, replayed{status: prior.Status, body: prior.Body, requestID: prior.RequestID}
	case err == nil, errors.Is(err, store.ErrNotFound):
	default:
		return 0, nil, fmt.Errorf("read idempotency key: %w", err)
	}

	status, body, err := s.execWrite(c, op, fn, &rec)
	if e, ok := issuing.AsError(err); ok && e.Kind != issuing.KindInternal {
		// The request ran and failed for a reason the client must see again
		// on a retry, as Stripe does. Internal failures are not saved, so a
		// retry can succeed.
		status, body := errorResponse(s.log, c.RequestID, e)
		rec.Status = status
		rec.Body, _ = marshal(body)
		if serr := s.store.Update(c.Ctx, func(tx store.Tx) error {
			return tx.SaveIdempotency(c.Ctx, rec)
		}); serr != nil {
			s.log.Error("save idempotent error response", "request_id", c.RequestID, "err", serr)
		}
	}
	return status, body, err
}

// execWrite runs fn in one transaction, renders its result and, when rec is
// not nil, saves the response under the idempotency key in that same
// transaction.
func (s *Server) execWrite(c *Call, op *spec.Op, fn WriteFunc, rec *store.IdempotencyRecord) (int, []byte, error) {
	var body []byte
	err := s.store.Update(c.Ctx, func(tx store.Tx) error {
		v, err := fn(c, tx)
		if err != nil {
			return err
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
	return http.StatusOK, body, err
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
