// Package routes connects each Issuing resource to the API: one file per
// resource translates calls into the resource package's operations. The
// protocol itself (auth, forms, errors, idempotency, lists, expansion) is
// package api's; the rules are the resource packages'.
package routes

import (
	"github.com/localissuing/localissuing/api"
	"github.com/localissuing/localissuing/realtime"
)

// Config holds the settings of resources that have any; the zero value
// is Stripe's defaults.
type Config struct {
	// RealTime is how real-time authorization endpoints are asked.
	RealTime realtime.Config
}

// Register adds every resource's kinds and routes to s.
func Register(s *api.Server, cfg Config) {
	cardholders(s)
	cards(s)
	tokens(s)
	authorizations(s, realtime.New(cfg.RealTime))
	transactions(s)
	disputes(s)
	physicalBundles(s)
	designs(s)
	settlements(s)
	events(s)
	webhookEndpoints(s)
	stripeCLI(s)
}
