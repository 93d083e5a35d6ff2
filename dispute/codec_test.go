package dispute

import (
	"context"
	"testing"
	"time"

	"github.com/localissuing/localissuing/card"
	"github.com/localissuing/localissuing/card/cardtest"
	"github.com/localissuing/localissuing/cardholder"
	"github.com/localissuing/localissuing/document/documenttest"
	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store"
	"github.com/localissuing/localissuing/store/sqlite/sqlitetest"
	"github.com/localissuing/localissuing/transaction"
)

// renderedDisputes returns disputes as events carry them and answers send
// them, made by the package's own calls: one created with evidence as
// parameters give it (strings with HTML characters, an integer time, a
// boolean), then updated to another reason, submitted, and lost.
func renderedDisputes(t *testing.T) []any {
	t.Helper()
	ctx := context.Background()
	st := sqlitetest.Memory(t)
	acct := issuing.AccountForKey("sk_test_dispute_render", false)
	now := time.Unix(1795573743, 0)
	var out []any
	err := st.Update(ctx, func(tx store.Tx) error {
		c, err := cardtest.Active(ctx, tx, acct, now, cardholder.Params{}, card.CreateParams{})
		if err != nil {
			return err
		}
		amount := int64(4200)
		capture, err := transaction.ForceCapture(ctx, tx, acct, now, transaction.MerchantParams{Card: c.ID, Amount: &amount})
		if err != nil {
			return err
		}
		created, err := Create(ctx, tx, acct, now, CreateParams{Transaction: &capture.ID,
			Evidence: map[string]any{"reason": "canceled", "canceled": map[string]any{
				"canceled_at": int64(1795570000), "cancellation_policy_provided": true,
				"explanation": "Canceled <before> shipping & \u2028 refunded", "product_type": "merchandise"}},
			Metadata: map[string]any{"case": "<42>"}})
		if err != nil {
			return err
		}
		updated, err := Update(ctx, tx, acct, now, created.ID, UpdateParams{Amount: ptr(int64(4000)),
			Evidence: map[string]any{"reason": "other", "other": map[string]any{"explanation": "Café & more"}}})
		if err != nil {
			return err
		}
		submitted, err := Submit(ctx, tx, acct, now, created.ID, nil)
		if err != nil {
			return err
		}
		lost, err := Resolve(ctx, tx, acct, now, created.ID, ResolveParams{Status: StatusLost})
		out = append(out, created, updated, submitted, lost)
		return err
	})
	if err != nil {
		t.Fatalf("make disputes: %v", err)
	}
	return out
}

func ptr[T any](v T) *T { return &v }

// TestCodec checks that disputes are stored and read as encoding/json would
// store and read them, and rendered as it would render them.
func TestCodec(t *testing.T) {
	documenttest.CheckCodec(t, func() any { return new(record) })
	documenttest.CheckMarshal(t, func() any { return new(Dispute) }, renderedDisputes(t)...)
}
