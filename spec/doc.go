// Package spec answers questions about the Issuing API from its OpenAPI
// document rather than from hand-written rules: which operations exist,
// whether a request's parameters are acceptable, and what a response holds.
//
// The document is Stripe's, stripped of prose and merged with localissuing's
// own operations (see additions.json and internal/gen); it is embedded so the
// binary needs no files at run time. It is read on first use (or by Load),
// and only as far as needed, because start-up time matters more than
// generality here: the outer levels are skimmed without decoding, the paths
// are decoded with encoding/json into a few small types, and each component
// schema is decoded only when something asks about it. Request schemas are
// compiled once per operation into a tree that Validate walks without
// reflection.
//
// Validation exists so that every endpoint rejects unknown, missing and
// malformed parameters the way Stripe does, with Stripe's error codes and
// bracket-notation param names, and hands the handler a tree whose leaves
// already have their JSON types. Handlers keep only the rules the document
// cannot express (state transitions, cross-field constraints).
//
// Error codes used by Validate (each is the Code of an *issuing.Error of
// kind issuing.KindInvalid):
//
//	parameter_unknown          a parameter the schema does not list
//	parameter_missing          a required parameter is absent
//	parameter_invalid_empty    "" where the parameter cannot be unset
//	parameter_invalid_integer  not a base-10 64-bit integer
//	parameter_invalid_number   not a decimal number
//	parameter_invalid_boolean  neither "true" nor "false"
//	parameter_invalid_string   too long, or not a string
//	parameter_invalid_decimal  a decimal-format string that is not a number
//	parameter_invalid_enum     not one of the allowed values
//	parameter_invalid_object   a value where an object (hash) is expected
//	parameter_invalid_array    a value where an array is expected
//
// The first four are codes Stripe's clients know; the others are
// localissuing's, named in the same pattern so that clients can tell the
// failures apart.
package spec
