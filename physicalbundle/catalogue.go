package physicalbundle

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store"
)

// entry is one bundle of the catalogue, the same in every account.
type entry struct {
	slot     string // stable name the account's id derives from
	name     string
	typ      string
	status   string
	features Features
}

// catalogue is every bundle an account sees, in list order. It covers each
// status and each way a bundle can treat a feature, so that tests can reach
// every rule that depends on the bundle. Entries are only ever appended:
// an account's ids depend on the slots, not on the order.
var catalogue = []entry{
	{slot: "standard", name: "Standard white", typ: TypeStandard, status: StatusActive,
		features: Features{CardLogo: Optional, CarrierText: Optional, SecondLine: Optional}},
	{slot: "custom_logo", name: "Custom black with logo", typ: TypeCustom, status: StatusActive,
		features: Features{CardLogo: Required, CarrierText: Unsupported, SecondLine: Optional}},
	{slot: "custom_review", name: "Custom metal", typ: TypeCustom, status: StatusReview,
		features: Features{CardLogo: Required, CarrierText: Optional, SecondLine: Unsupported}},
	{slot: "standard_retired", name: "Standard blue (retired)", typ: TypeStandard, status: StatusInactive,
		features: Features{CardLogo: Unsupported, CarrierText: Unsupported, SecondLine: Unsupported}},
}

// idLength is the length of the random-looking part of a bundle id, as in
// Stripe's ("ics_QXhWOcsVbvCqqa").
const idLength = 14

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// idFor derives an account's id for a catalogue slot. Ids are unique across
// the whole store, so each account needs its own; deriving them means an
// account has its bundles without anything being written first.
func idFor(account, slot string) string {
	sum := sha256.Sum256([]byte(account + "\x00" + slot))
	b := make([]byte, idLength)
	for i := range b {
		b[i] = base62[int(sum[i])%len(base62)]
	}
	return "ics_" + string(b)
}

func (e entry) bundle(account string, livemode bool) *Bundle {
	return &Bundle{
		ID:       idFor(account, e.slot),
		Object:   Kind,
		Features: e.features,
		Livemode: livemode,
		Name:     e.name,
		Status:   e.status,
		Type:     e.typ,
	}
}

// All returns the account's bundles in list order.
func All(acct issuing.Account) []*Bundle {
	out := make([]*Bundle, 0, len(catalogue))
	for _, e := range catalogue {
		out = append(out, e.bundle(acct.ID, acct.Livemode))
	}
	return out
}

// Get returns the account's bundle with that id; param names the parameter
// that referred to it when there is none.
func Get(acct issuing.Account, id, param string) (*Bundle, error) {
	for _, e := range catalogue {
		if idFor(acct.ID, e.slot) == id {
			return e.bundle(acct.ID, acct.Livemode), nil
		}
	}
	return nil, issuing.NotFound(Noun, id, param)
}

// stored is what the store keeps of a bundle: which slot it is. Everything
// else is rendered from the catalogue, so stored copies never go stale.
type stored struct {
	Slot     string `json:"slot"`
	Livemode bool   `json:"livemode"`
}

// StoreCopies writes the account's bundles to the store unless they are
// there already. Retrieving and listing bundles never reads them; they are
// there so that expanding a design's physical_bundle, which loads objects
// from the store, finds them. Designs call it when they are created.
func StoreCopies(ctx context.Context, tx store.Tx, acct issuing.Account) error {
	for _, e := range catalogue {
		id := idFor(acct.ID, e.slot)
		_, err := tx.Get(ctx, acct.ID, Kind, id)
		if err == nil {
			continue
		}
		if !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("read physical bundle %s: %w", id, err)
		}
		data, err := json.Marshal(stored{Slot: e.slot, Livemode: acct.Livemode})
		if err != nil {
			return fmt.Errorf("encode physical bundle %s: %w", id, err)
		}
		obj := store.Object{Account: acct.ID, Kind: Kind, ID: id, Data: data}
		err = tx.Insert(ctx, &obj)
		if errors.Is(err, store.ErrDuplicate) {
			// Another request stored it between our read and our write.
			return issuing.LockTimeout("physical bundles")
		}
		if err != nil {
			return fmt.Errorf("store physical bundle %s: %w", id, err)
		}
	}
	return nil
}

// Render turns a stored bundle into the object clients see.
func Render(obj store.Object) (*Bundle, error) {
	var s stored
	if err := json.Unmarshal(obj.Data, &s); err != nil {
		return nil, fmt.Errorf("decode physical bundle %s: %w", obj.ID, err)
	}
	for _, e := range catalogue {
		if e.slot == s.Slot {
			return e.bundle(obj.Account, s.Livemode), nil
		}
	}
	return nil, fmt.Errorf("physical bundle %s: slot %q is not in the catalogue", obj.ID, s.Slot)
}
