// Package routes connects each Issuing resource to the API: one file per
// resource translates calls into the resource package's operations. The
// protocol itself (auth, forms, errors, idempotency, lists, expansion) is
// package api's; the rules are the resource packages'.
package routes

import "github.com/localissuing/localissuing/api"

// Register adds every resource's kinds and routes to s.
func Register(s *api.Server) {
	cardholders(s)
	cards(s)
	tokens(s)
	authorizations(s)
	transactions(s)
	disputes(s)
	physicalBundles(s)
	designs(s)
	settlements(s)
	events(s)
	webhookEndpoints(s)
}
