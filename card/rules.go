package card

import "github.com/localissuing/localissuing/issuing"

// statusChanges lists the card status changes a client may make: inactive
// and active swap freely, either can be canceled, and canceled is final.
var statusChanges = map[string][]string{
	StatusActive:   {StatusInactive, StatusCanceled},
	StatusInactive: {StatusActive, StatusCanceled},
	StatusCanceled: {},
}

// checkStatusChange tells whether a card in status from may move to to.
func checkStatusChange(from, to string) error {
	if from == to {
		return nil
	}
	for _, allowed := range statusChanges[from] {
		if allowed == to {
			return nil
		}
	}
	if from == StatusCanceled {
		return issuing.Invalid("status", "This card has been canceled and cannot be changed to %s: canceled cards cannot be reactivated.", to)
	}
	return issuing.Invalid("status", "A card cannot move from %s to %s.", from, to)
}

// currencies lists the currencies Stripe issues cards in.
var currencies = map[string]bool{"usd": true, "eur": true, "gbp": true}
