package design

import (
	"context"
	"fmt"

	"github.com/localissuing/localissuing/event"
	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store"
)

// setLookupKey gives r the lookup key ("" removes it). A key held by
// another design moves only when the client asks for it with transfer.
func setLookupKey(ctx context.Context, tx store.Tx, acct issuing.Account, now int64, r *record, key string, transfer bool) error {
	if r.LookupKey != nil && *r.LookupKey == key {
		return nil
	}
	if key != "" {
		owner, err := holder(ctx, tx, acct, lookupKeyClaim(key))
		if err != nil {
			return err
		}
		if owner != "" && owner != r.ID {
			if !transfer {
				return issuing.Invalid("lookup_key", "The lookup key %q is already used by personalization design %s. "+
					"Pass transfer_lookup_key=true to move it to this design.", key, owner)
			}
			err := changeOther(ctx, tx, acct, now, owner, func(o *record) { o.LookupKey = nil })
			if err != nil {
				return err
			}
		}
		if err := grant(ctx, tx, acct, now, lookupKeyClaim(key), r.ID, owner != ""); err != nil {
			return err
		}
	}
	if r.LookupKey != nil {
		if err := release(ctx, tx, acct, lookupKeyClaim(*r.LookupKey)); err != nil {
			return err
		}
	}
	r.LookupKey = nonEmpty(key)
	return nil
}

// setDefault makes r the account's default design, taking the flag from the
// design that had it, or stops r being the default.
func setDefault(ctx context.Context, tx store.Tx, acct issuing.Account, now int64, r *record, isDefault bool) error {
	owner, err := holder(ctx, tx, acct, defaultClaim)
	if err != nil {
		return err
	}
	r.Preferences.IsDefault = isDefault
	switch {
	case !isDefault && owner == r.ID:
		return release(ctx, tx, acct, defaultClaim)
	case !isDefault, owner == r.ID:
		return nil
	}
	if owner != "" {
		err := changeOther(ctx, tx, acct, now, owner, func(o *record) { o.Preferences.IsDefault = false })
		if err != nil {
			return err
		}
	}
	return grant(ctx, tx, acct, now, defaultClaim, r.ID, owner != "")
}

// changeOther changes another design of the account and records
// issuing_personalization_design.updated on it.
func changeOther(ctx context.Context, tx store.Tx, acct issuing.Account, now int64, id string, change func(*record)) error {
	o, err := loadForUpdate(ctx, tx, acct, id, "")
	if err != nil {
		return fmt.Errorf("claim held by missing personalization design %s: %w", id, err)
	}
	before := o.view()
	change(o)
	if err := save(ctx, tx, acct, o, false); err != nil {
		return err
	}
	return event.Updated(ctx, tx, acct, now, "issuing_personalization_design.updated", before, o.view())
}
