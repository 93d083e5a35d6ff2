package design

import (
	"testing"

	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store"
	"github.com/localissuing/localissuing/store/sqlite/sqlitetest"
)

// A claim that another request took between our read and our write must
// come back as a retryable lock_timeout, not as an internal error.
func TestClaimTakenMeanwhileIsALockTimeout(t *testing.T) {
	ctx := t.Context()
	st := sqlitetest.Memory(t)
	acct := issuing.AccountForKey("sk_test_claimsclaims", false)
	err := st.Update(ctx, func(tx store.Tx) error {
		if err := grant(ctx, tx, acct, 1, lookupKeyClaim("k"), "ipcd_a", false); err != nil {
			return err
		}
		// ipcd_b looked before ipcd_a's claim existed.
		return grant(ctx, tx, acct, 1, lookupKeyClaim("k"), "ipcd_b", false)
	})
	e, ok := issuing.AsError(err)
	if !ok || e.Kind != issuing.KindRateLimit || e.Code != "lock_timeout" {
		t.Fatalf("err = %v, want lock_timeout", err)
	}
}

func TestClaimsFollowTheirHolder(t *testing.T) {
	ctx := t.Context()
	st := sqlitetest.Memory(t)
	acct := issuing.AccountForKey("sk_test_claimsclaims", false)
	other := issuing.AccountForKey("sk_test_otherclaims", false)
	steps := []struct {
		name      string
		acct      issuing.Account
		run       func(tx store.Tx) error
		claim     string
		wantOwner string
	}{
		{"nobody holds a new key", acct, func(store.Tx) error { return nil }, "k", ""},
		{"granted", acct, func(tx store.Tx) error { return grant(ctx, tx, acct, 1, "k", "ipcd_a", false) }, "k", "ipcd_a"},
		{"other accounts do not see it", other, func(store.Tx) error { return nil }, "k", ""},
		{"moved", acct, func(tx store.Tx) error { return grant(ctx, tx, acct, 1, "k", "ipcd_b", true) }, "k", "ipcd_b"},
		{"released", acct, func(tx store.Tx) error { return release(ctx, tx, acct, "k") }, "k", ""},
		{"releasing twice is fine", acct, func(tx store.Tx) error { return release(ctx, tx, acct, "k") }, "k", ""},
	}
	for _, step := range steps {
		var owner string
		err := st.Update(ctx, func(tx store.Tx) error {
			if err := step.run(tx); err != nil {
				return err
			}
			var err error
			owner, err = holder(ctx, tx, step.acct, step.claim)
			return err
		})
		if err != nil || owner != step.wantOwner {
			t.Errorf("%s: holder %q, %v; want %q", step.name, owner, err, step.wantOwner)
		}
	}
}
