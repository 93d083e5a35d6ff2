// Package form decodes and encodes the bracket-notation form data that
// Stripe's API speaks: application/x-www-form-urlencoded bodies and query
// strings whose keys nest with brackets (shipping[address][line1]=…) and
// build arrays either by index (expand[0]=…, what the SDKs send) or by
// appending (expand[]=…, what curl users and Stripe's docs write).
//
// net/url splits pairs but knows nothing of brackets, and every client must
// land on the same tree whichever spelling it uses, so that handlers,
// idempotency fingerprints and stored requests see one shape. Parse is also
// the first code to touch untrusted input, so it enforces the limits that
// keep a hostile body cheap to reject and reports every problem as an
// *issuing.Error the HTTP layer can return as a 400.
package form
