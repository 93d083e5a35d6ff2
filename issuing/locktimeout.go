package issuing

import "fmt"

// LockTimeout reports that another request changed what this one needed at
// the same moment. It is Stripe's lock_timeout (429): clients, stripe-go
// among them, retry it, and the retry sees the other request's outcome.
func LockTimeout(what string) *Error {
	return &Error{Kind: KindRateLimit, Code: "lock_timeout", Message: fmt.Sprintf(
		"This request could not be completed because another request was changing the same %s at the same time. "+
			"Please retry.", what)}
}
