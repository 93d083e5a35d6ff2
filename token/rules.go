package token

import "github.com/localissuing/localissuing/issuing"

// clientChanges lists the status changes a client may make through the API.
// A requested token is still being provisioned by the network, so the client
// may only give up on it; deleted is final.
var clientChanges = map[string][]string{
	StatusRequested: {StatusDeleted},
	StatusActive:    {StatusSuspended, StatusDeleted},
	StatusSuspended: {StatusActive, StatusDeleted},
	StatusDeleted:   {},
}

// checkClientChange tells whether a client may move a token from one status
// to another. Asking for the status a live token already has is allowed and
// changes nothing; a deleted token takes no update at all, since deleted is
// terminal.
func checkClientChange(from, to string) error {
	if from == to && from != StatusDeleted {
		return nil
	}
	for _, allowed := range clientChanges[from] {
		if allowed == to {
			return nil
		}
	}
	switch from {
	case StatusDeleted:
		return issuing.Invalid("status", "This token is deleted, which is final: it cannot become %s.", to)
	case StatusRequested:
		return issuing.Invalid("status", "This token is still being provisioned (status requested) and cannot become %s "+
			"until the card network activates it; it can only be deleted.", to)
	}
	return issuing.Invalid("status", "A token cannot move from %s to %s.", from, to)
}

// networkActions are the test helpers that play the card network: which
// statuses each may act on and the status it sets.
var networkActions = map[string]struct {
	from []string
	to   string
}{
	"activate": {from: []string{StatusRequested}, to: StatusActive},
	"delete":   {from: []string{StatusRequested, StatusActive, StatusSuspended}, to: StatusDeleted},
}
