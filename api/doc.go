// Package api is the HTTP face of localissuing: it speaks Stripe's protocol
// (secret-key auth, bracket-notation forms, the error object, idempotency
// keys, expansion, cursor lists, Request-Id) once, for every resource.
//
// Resources plug in with a few lines: they register their object kind (how a
// stored object renders) and their routes, each a function that works on a
// store transaction and returns the object to send. The request pipeline is
// a chain of small stages, each in its own file: auth.go, call.go (decoding
// and validation against the OpenAPI document), idempotency.go, expand.go,
// list.go and errors.go.
package api
