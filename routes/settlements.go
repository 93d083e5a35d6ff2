package routes

import (
	"context"

	"github.com/localissuing/localissuing/api"
	"github.com/localissuing/localissuing/settlement"
	"github.com/localissuing/localissuing/store"
)

// settlements has no list route: Stripe has none.
func settlements(s *api.Server) {
	s.RegisterKind(api.Kind{Name: settlement.Kind, Noun: settlement.Noun,
		Render: func(_ context.Context, _ store.Reader, obj store.Object) (any, error) {
			return settlement.Decode(obj)
		}})

	s.Retrieve("GET /v1/issuing/settlements/{settlement}", settlement.Kind, "settlement")
	s.Write("POST /v1/issuing/settlements/{settlement}", func(c *api.Call, tx store.Tx) (any, error) {
		return settlement.UpdateMetadata(c.Ctx, tx, c.Account, c.PathValue("settlement"), c.Params["metadata"])
	})

	// Test helpers that play the card network.
	s.Write("POST /v1/test_helpers/issuing/settlements", func(c *api.Call, tx store.Tx) (any, error) {
		if err := c.RequireTestMode(); err != nil {
			return nil, err
		}
		var p settlement.CreateParams
		if err := c.Decode(&p); err != nil {
			return nil, err
		}
		return settlement.Create(c.Ctx, tx, c.Account, c.Now, p)
	})
	s.Write("POST /v1/test_helpers/issuing/settlements/{settlement}/complete", func(c *api.Call, tx store.Tx) (any, error) {
		if err := c.RequireTestMode(); err != nil {
			return nil, err
		}
		return settlement.Complete(c.Ctx, tx, c.Account, c.PathValue("settlement"))
	})
}
