package issuing

import (
	"crypto/sha256"
	"encoding/hex"
)

// Account is the isolated namespace a request acts in. Every distinct secret
// key is its own account, so a test suite gets a clean sandbox by using a
// fresh key; live-mode keys get live-mode accounts.
type Account struct {
	// ID is derived from the key by a one-way hash: keys are secrets and are
	// never stored.
	ID       string
	Livemode bool
}

// AccountForKey returns the account that an API key acts in.
func AccountForKey(key string, livemode bool) Account {
	sum := sha256.Sum256([]byte(key))
	return Account{ID: "acct_" + hex.EncodeToString(sum[:12]), Livemode: livemode}
}
