package dispute

import (
	"slices"
	"strings"
	"time"

	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/transaction"
)

// disputeWindow is how long after a capture it can be disputed, and its
// dispute submitted.
const disputeWindow = 110 * 24 * time.Hour

// cashCategories are the merchant categories of cash withdrawals, which
// cannot be disputed.
var cashCategories = []string{"automated_cash_disburse", "manual_cash_disburse"}

// checkEligible tells whether a transaction can be disputed: a capture,
// nothing of it refunded, no dispute on it yet, not a cash withdrawal, and
// recent enough.
func checkEligible(t *transaction.Transaction, refunded int64, now time.Time) error {
	switch {
	case t.Type != transaction.TypeCapture:
		return issuing.Invalid("transaction", "Transaction %s is a %s: only captures can be disputed.", t.ID, t.Type)
	case t.Dispute != nil:
		return issuing.Invalid("transaction", "Transaction %s already has a dispute (%s): a transaction can be disputed only once.", t.ID, *t.Dispute)
	case refunded > 0:
		return issuing.Invalid("transaction", "Transaction %s has been refunded in part or in full, so it cannot be disputed.", t.ID)
	case slices.Contains(cashCategories, t.MerchantData.Category):
		return issuing.Invalid("transaction", "Transaction %s is a cash withdrawal (%s), which cannot be disputed.", t.ID, t.MerchantData.Category)
	case !now.Before(time.Unix(t.Created, 0).Add(disputeWindow)):
		return issuing.Invalid("transaction", "Transaction %s is more than 110 days old: it can no longer be disputed.", t.ID)
	}
	return nil
}

// outcomes are the verdicts the resolve test helper plays: the status each
// sets and the one it starts from. The network decides only submitted
// disputes; an unsubmitted one can only run out of time.
var outcomes = map[string]string{
	StatusWon:     StatusSubmitted,
	StatusLost:    StatusSubmitted,
	StatusExpired: StatusUnsubmitted,
}

// checkOutcome tells whether a dispute in status from can get outcome to.
func checkOutcome(id, from, to string) error {
	need, ok := outcomes[to]
	if !ok {
		names := make([]string, 0, len(outcomes))
		for k := range outcomes {
			names = append(names, k)
		}
		slices.Sort(names)
		return issuing.Invalid("status", "Invalid status: %s. A dispute resolves as %s.", to, strings.Join(names, ", "))
	}
	if from != need {
		return issuing.Invalid("status", "Dispute %s is %s and cannot become %s: only %s disputes can.", id, from, to, need)
	}
	return nil
}
