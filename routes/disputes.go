package routes

import (
	"context"

	"github.com/localissuing/localissuing/api"
	"github.com/localissuing/localissuing/dispute"
	"github.com/localissuing/localissuing/store"
)

func disputes(s *api.Server) {
	s.RegisterKind(api.Kind{Name: dispute.Kind, Noun: dispute.Noun,
		Render: func(_ context.Context, _ store.Reader, obj store.Object) (any, error) {
			return dispute.Render(obj)
		}})

	s.Write("POST /v1/issuing/disputes", func(c *api.Call, tx store.Tx) (any, error) {
		var p dispute.CreateParams
		if err := c.Decode(&p); err != nil {
			return nil, err
		}
		return dispute.Create(c.Ctx, tx, c.Account, c.Now, p)
	})
	s.Write("POST /v1/issuing/disputes/{dispute}", func(c *api.Call, tx store.Tx) (any, error) {
		var p dispute.UpdateParams
		if err := c.Decode(&p); err != nil {
			return nil, err
		}
		return dispute.Update(c.Ctx, tx, c.Account, c.Now, c.PathValue("dispute"), p)
	})
	s.Write("POST /v1/issuing/disputes/{dispute}/submit", func(c *api.Call, tx store.Tx) (any, error) {
		return dispute.Submit(c.Ctx, tx, c.Account, c.Now, c.PathValue("dispute"), c.Params["metadata"])
	})
	s.Retrieve("GET /v1/issuing/disputes/{dispute}", dispute.Kind, "dispute")
	s.List("GET /v1/issuing/disputes", dispute.Kind, func(c *api.Call, _ store.Reader, q *store.Query) error {
		if id, ok := c.Params["transaction"].(string); ok {
			q.Parent = id
		}
		q.Equal = equalFilters(c, "status")
		return nil
	})

	// Our test helper: Stripe has no way to resolve a dispute in test mode.
	s.Write("POST /v1/test_helpers/issuing/disputes/{dispute}/resolve", func(c *api.Call, tx store.Tx) (any, error) {
		if err := c.RequireTestMode(); err != nil {
			return nil, err
		}
		var p dispute.ResolveParams
		if err := c.Decode(&p); err != nil {
			return nil, err
		}
		return dispute.Resolve(c.Ctx, tx, c.Account, c.Now, c.PathValue("dispute"), p)
	})
}
