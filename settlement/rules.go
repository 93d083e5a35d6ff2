package settlement

import (
	"strings"

	"github.com/localissuing/localissuing/issuing"
)

// networks are the networks a settlement can come from. The helper's
// schema lets any value through, as Stripe may add networks at any time,
// but the object can only show these.
var networks = map[string]bool{"maestro": true, "mastercard": true, "visa": true}

// defaultNetwork and defaultService are what a settlement gets when the
// helper does not say.
const (
	defaultNetwork = "visa"
	defaultService = "international"
)

// completeFrom lists the statuses the complete helper may start from.
var completeFrom = map[string]bool{StatusPending: true}

// checkComplete tells whether a settlement in status from may complete.
func checkComplete(id, from string) error {
	if completeFrom[from] {
		return nil
	}
	if from == StatusComplete {
		return issuing.Invalid("", "Settlement %s is complete already: a settlement completes once.", id)
	}
	return issuing.Invalid("", "Settlement %s is %s: only pending settlements can complete.", id, from)
}

// amounts are a settlement's totals. They always satisfy
// net = transaction − interchange fees − network fees.
type amounts struct {
	transaction, interchangeFees, networkFees, net int64
}

// deriveAmounts works out the network fees from the totals the helper was
// given. Without transaction_amount the network took no fees: the
// transactions came to the net total plus the interchange.
func deriveAmounts(net int64, transaction, interchange *int64) (amounts, error) {
	a := amounts{net: net}
	if interchange != nil {
		a.interchangeFees = *interchange
	}
	if a.interchangeFees < 0 {
		return a, issuing.Invalid("interchange_fees_amount", "interchange_fees_amount must be zero or greater.")
	}
	a.transaction = net + a.interchangeFees
	if transaction != nil {
		a.transaction = *transaction
	}
	if a.transaction < 0 {
		return a, issuing.Invalid("transaction_amount", "transaction_amount must be zero or greater.")
	}
	a.networkFees = a.transaction - a.interchangeFees - net
	if a.networkFees < 0 {
		return a, issuing.Invalid("net_total_amount", "net_total_amount (%d) is more than transaction_amount minus interchange_fees_amount (%d): "+
			"the network fees, the difference, cannot be negative.", net, a.transaction-a.interchangeFees)
	}
	return a, nil
}

// checkBIN accepts the 6 or 8 digits a bank identification number has.
func checkBIN(bin string) error {
	if (len(bin) != 6 && len(bin) != 8) || strings.Trim(bin, "0123456789") != "" {
		return issuing.Invalid("bin", "Invalid bin %q: a BIN is 6 or 8 digits.", bin)
	}
	return nil
}

// normalizeCurrency checks for a three-letter ISO code and lower-cases it,
// as Stripe shows currencies.
func normalizeCurrency(c string) (string, error) {
	c = strings.ToLower(c)
	if len(c) != 3 || strings.Trim(c, "abcdefghijklmnopqrstuvwxyz") != "" {
		return "", issuing.Invalid("currency", "Invalid currency %q: use a three-letter ISO code such as usd.", c)
	}
	return c, nil
}
