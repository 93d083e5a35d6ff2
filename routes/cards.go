package routes

import (
	"context"

	"github.com/localissuing/localissuing/api"
	"github.com/localissuing/localissuing/card"
	"github.com/localissuing/localissuing/store"
)

func cards(s *api.Server) {
	s.RegisterKind(api.Kind{Name: card.Kind, Noun: card.Noun,
		Render: func(ctx context.Context, rd store.Reader, obj store.Object) (any, error) {
			return card.Render(ctx, rd, obj, card.Secrets{})
		}})

	s.Write("POST /v1/issuing/cards", func(c *api.Call, tx store.Tx) (any, error) {
		var p card.CreateParams
		if err := c.Decode(&p); err != nil {
			return nil, err
		}
		return card.Create(c.Ctx, tx, c.Account, c.Now, p)
	})
	s.Write("POST /v1/issuing/cards/{card}", func(c *api.Call, tx store.Tx) (any, error) {
		var p card.UpdateParams
		if err := c.Decode(&p); err != nil {
			return nil, err
		}
		return card.Update(c.Ctx, tx, c.Account, c.Now, c.PathValue("card"), p)
	})
	// Retrieve is the one call that reveals a virtual card's number and
	// CVC, and only when they are expanded.
	s.Read("GET /v1/issuing/cards/{card}", func(c *api.Call, rd store.Reader) (any, error) {
		return card.Get(c.Ctx, rd, c.Account, c.PathValue("card"), "id",
			card.Secrets{Number: c.Expands("number"), CVC: c.Expands("cvc")})
	})
	s.List("GET /v1/issuing/cards", card.Kind, func(c *api.Call, _ store.Reader, q *store.Query) error {
		if id, ok := c.Params["cardholder"].(string); ok {
			q.Parent = id
		}
		q.Equal = equalFilters(c, "exp_month", "exp_year", "last4", "personalization_design", "status", "type")
		return nil
	})

	for _, step := range []string{"submit", "ship", "deliver", "fail", "return"} {
		s.Write("POST /v1/test_helpers/issuing/cards/{card}/shipping/"+step, func(c *api.Call, tx store.Tx) (any, error) {
			if err := c.RequireTestMode(); err != nil {
				return nil, err
			}
			return card.AdvanceShipping(c.Ctx, tx, c.Account, c.Now, c.PathValue("card"), step)
		})
	}
}
