package settlement

import (
	"context"
	"testing"
	"time"

	"github.com/localissuing/localissuing/document/documenttest"
	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store"
	"github.com/localissuing/localissuing/store/sqlite/sqlitetest"
)

// TestCodec checks that settlements are sent as encoding/json would send
// them: one created, given metadata with HTML characters, and completed,
// by the package's own calls.
func TestCodec(t *testing.T) {
	ctx := context.Background()
	st := sqlitetest.Memory(t)
	acct := issuing.AccountForKey("sk_test_settlement_codec", false)
	var settlements []any
	err := st.Update(ctx, func(tx store.Tx) error {
		s, err := Create(ctx, tx, acct, time.Unix(1795573743, 0), CreateParams{BIN: "424242", ClearingDate: 1795500000,
			Currency: "usd", NetTotalAmount: 123456})
		if err != nil {
			return err
		}
		updated, err := UpdateMetadata(ctx, tx, acct, s.ID, map[string]any{"batch": "<7> & \u2028"})
		if err != nil {
			return err
		}
		complete, err := Complete(ctx, tx, acct, s.ID)
		settlements = append(settlements, s, updated, complete)
		return err
	})
	if err != nil {
		t.Fatalf("make settlements: %v", err)
	}
	documenttest.CheckMarshal(t, func() any { return new(Settlement) }, settlements...)
}
