package design

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store"
)

// claimKind is the stored kind of claims: records saying which design holds
// something only one design of an account may hold, a lookup key or the
// default flag. A claim's id derives from the account and what is claimed,
// so the store's unique ids, rather than a read followed by a write, keep
// two designs from holding the same thing, whatever the engine's isolation.
// Claims are never served: no route knows their kind.
const claimKind = "issuing.personalization_design.claim"

// defaultClaim is the claim of the account's default design.
const defaultClaim = "default"

// lookupKeyClaim is the claim of one lookup key.
func lookupKeyClaim(key string) string { return "lookup_key:" + key }

type claim struct {
	Design string `json:"design"`
}

func claimID(account, name string) string {
	sum := sha256.Sum256([]byte(account + "\x00" + name))
	return "ipcdclaim_" + hex.EncodeToString(sum[:16])
}

// holder returns the design that holds the claim, or "" when none does,
// and keeps others from changing the claim until the transaction ends.
func holder(ctx context.Context, tx store.Tx, acct issuing.Account, name string) (string, error) {
	obj, err := tx.GetForUpdate(ctx, acct.ID, claimKind, claimID(acct.ID, name))
	if errors.Is(err, store.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read design claim %s: %w", name, err)
	}
	var c claim
	if err := json.Unmarshal(obj.Data, &c); err != nil {
		return "", fmt.Errorf("decode design claim %s: %w", name, err)
	}
	return c.Design, nil
}

// grant gives the claim to design. held says whether some design holds it
// now, as holder reported.
func grant(ctx context.Context, tx store.Tx, acct issuing.Account, now int64, name, design string, held bool) error {
	data, err := json.Marshal(claim{Design: design})
	if err != nil {
		return fmt.Errorf("encode design claim: %w", err)
	}
	obj := store.Object{Account: acct.ID, Kind: claimKind, ID: claimID(acct.ID, name), Created: now, Parent: design, Data: data}
	if held {
		err = tx.Replace(ctx, obj)
	} else {
		err = tx.Insert(ctx, &obj)
	}
	if errors.Is(err, store.ErrDuplicate) {
		// A concurrent request claimed it after we looked.
		return issuing.LockTimeout("personalization design")
	}
	if err != nil {
		return fmt.Errorf("store design claim %s: %w", name, err)
	}
	return nil
}

// release gives up a claim, if anyone holds it.
func release(ctx context.Context, tx store.Tx, acct issuing.Account, name string) error {
	err := tx.Delete(ctx, acct.ID, claimKind, claimID(acct.ID, name))
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("release design claim %s: %w", name, err)
	}
	return nil
}

// DefaultForCards returns the account's default design (the one with
// preferences.is_default) when it can print cards, or "" when there is no
// such design: a card created without a design gets it.
func DefaultForCards(ctx context.Context, rd store.Reader, acct issuing.Account) (string, error) {
	obj, err := rd.Get(ctx, acct.ID, claimKind, claimID(acct.ID, defaultClaim))
	if errors.Is(err, store.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read the default design: %w", err)
	}
	var c claim
	if err := json.Unmarshal(obj.Data, &c); err != nil {
		return "", fmt.Errorf("decode the default design claim: %w", err)
	}
	d, err := Get(ctx, rd, acct, c.Design, "personalization_design")
	if err != nil {
		return "", err
	}
	if checkForCards(d.ID, d.Status, "") != nil {
		return "", nil // inactive or rejected: it prints no cards
	}
	return d.ID, nil
}
