// Package docgen turns Stripe's OpenAPI document into the one localissuing
// embeds: the same operations and schemas without the prose, plus the
// operations localissuing adds that Stripe's document lacks.
//
// The prose (descriptions, summaries, titles and similar doc-only keys) is
// most of the document's weight and nothing at run time reads it, so
// dropping it makes the embedded copy smaller and faster to parse. Our own
// operations are written as an OpenAPI fragment rather than as code so that
// request validation and response checks treat them exactly like Stripe's.
//
// Generate is deterministic: the same inputs give the same bytes, so the
// generated file can be committed and checked for staleness by a test.
package docgen
