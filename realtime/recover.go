package realtime

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/localissuing/localissuing/authorization"
	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store"
)

// A request is asked between two transactions; a process that stops in
// between leaves its authorization pending with a pending_request that no
// one will answer. Begin therefore leaves a note of the question, which
// Finish removes, and Recover answers the questions whose notes outlived
// their deadline with the fallback, as if the endpoint had not answered.

// Where the notes are kept: an account of their own, so that one list
// finds those of every account; no API key hashes to it.
const (
	notesAccount = "realtime"
	noteKind     = "realtime_question"
)

// staleAfter is how long past its deadline a question must be before
// Recover answers it: longer than any Finish takes, so that a question
// still being asked by a live process is left to it.
const staleAfter = 30 * time.Second

type note struct {
	ID            string `json:"id"`
	Account       string `json:"account"`
	Livemode      bool   `json:"livemode"`
	Authorization string `json:"authorization"`
	PendingID     string `json:"pending_id"`
	Deadline      int64  `json:"deadline"` // Unix milliseconds, wall clock
}

func noteID(eventID string) string { return "rtq_" + eventID }

// leaveNote records q, asked of acct with answers due by deadline.
func leaveNote(ctx context.Context, tx store.Tx, acct issuing.Account, q *Question, deadline time.Time) error {
	n := note{ID: noteID(q.event), Account: acct.ID, Livemode: acct.Livemode, Authorization: q.authorization,
		PendingID: q.pendingID, Deadline: deadline.UnixMilli()}
	data, err := json.Marshal(n)
	if err != nil {
		return fmt.Errorf("encode real-time question: %w", err)
	}
	if err := tx.Insert(ctx, &store.Object{Account: notesAccount, Kind: noteKind, ID: n.ID, Created: deadline.Unix(), Data: data}); err != nil {
		return fmt.Errorf("note real-time question %s: %w", q.event, err)
	}
	return nil
}

func removeNote(ctx context.Context, tx store.Tx, eventID string) error {
	err := tx.Delete(ctx, notesAccount, noteKind, noteID(eventID))
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("remove real-time question %s: %w", eventID, err)
	}
	return nil
}

// Recover answers with the fallback every question left unanswered by a
// process that stopped while asking, and returns how many it answered.
// now is the wall clock.
func (a *Asker) Recover(ctx context.Context, st store.Store, clock issuing.Clock, now time.Time) (int, error) {
	var stale []note
	err := st.View(ctx, func(rd store.Reader) error {
		stale = nil // a View may run this again
		q := store.Query{Account: notesAccount, Kind: noteKind, Limit: 100}
		for {
			page, err := rd.List(ctx, q)
			if err != nil {
				return fmt.Errorf("list real-time questions: %w", err)
			}
			for _, obj := range page.Objects {
				var n note
				if err := json.Unmarshal(obj.Data, &n); err != nil {
					return fmt.Errorf("decode real-time question %s: %w", obj.ID, err)
				}
				if now.Sub(time.UnixMilli(n.Deadline)) >= staleAfter {
					stale = append(stale, n)
				}
			}
			if !page.HasMore || len(page.Objects) == 0 {
				return nil
			}
			q.StartingAfter = page.Objects[len(page.Objects)-1].ID
		}
	})
	if err != nil {
		return 0, err
	}
	answer := a.fallbackAnswer(authorization.ReasonWebhookTimeout,
		"localissuing stopped while it waited for the answer to this request.")
	for _, n := range stale {
		err := st.Update(ctx, func(tx store.Tx) error {
			// Another process may have recovered it meanwhile.
			if _, err := tx.GetForUpdate(ctx, notesAccount, noteKind, n.ID); err != nil {
				return err
			}
			acct := issuing.Account{ID: n.Account, Livemode: n.Livemode}
			if _, err := authorization.SettleRequest(ctx, tx, acct, clock.Now(), n.Authorization, n.PendingID, answer); err != nil {
				return err
			}
			return tx.Delete(ctx, notesAccount, noteKind, n.ID)
		})
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return 0, fmt.Errorf("recover real-time question %s: %w", n.ID, err)
		}
	}
	return len(stale), nil
}

// RecoverEvery runs Recover at start and then every interval until ctx
// ends, so that with several processes on one database the questions of
// one that stopped are answered by the others.
func (a *Asker) RecoverEvery(ctx context.Context, st store.Store, clock issuing.Clock, interval time.Duration, log *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if n, err := a.Recover(ctx, st, clock, time.Now()); err != nil {
			log.Warn("answer real-time requests left unanswered", "err", err)
		} else if n > 0 {
			log.Info("answered real-time requests left unanswered by a stopped process", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
