package card

import (
	"context"
	"time"

	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store"
)

// CancelHook runs inside the transaction that cancels a card, for objects
// that belong to cards (a wallet token, say) and must change with them.
// replacedBy names the card that replaces the canceled one, if any.
type CancelHook func(ctx context.Context, tx store.Tx, acct issuing.Account, now time.Time, cardID string, replacedBy *string) error

var cancelHooks []CancelHook

// OnCancel registers a hook run whenever a card is canceled. Packages that
// depend on cards register theirs at start-up (in init), which keeps cards
// free of knowing what depends on them.
func OnCancel(h CancelHook) { cancelHooks = append(cancelHooks, h) }

func runCancelHooks(ctx context.Context, tx store.Tx, acct issuing.Account, now time.Time, r *record) error {
	for _, h := range cancelHooks {
		if err := h(ctx, tx, acct, now, r.ID, r.ReplacedBy); err != nil {
			return err
		}
	}
	return nil
}
