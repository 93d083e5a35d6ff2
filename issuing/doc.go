// Package issuing holds the vocabulary every Issuing resource shares: the
// account a request acts for, typed errors that the HTTP layer maps to
// Stripe's error object, object ids, metadata rules and the clock.
//
// It depends on nothing but the standard library so that domain packages
// (cardholder, card, token, …) can use it without learning about HTTP or SQL.
package issuing
