package routes

import (
	"context"

	"github.com/localissuing/localissuing/api"
	"github.com/localissuing/localissuing/design"
	"github.com/localissuing/localissuing/store"
)

func designs(s *api.Server) {
	s.RegisterKind(api.Kind{Name: design.Kind, Noun: design.Noun,
		Render: func(_ context.Context, _ store.Reader, obj store.Object) (any, error) {
			return design.Render(obj)
		}})

	s.Write("POST /v1/issuing/personalization_designs", func(c *api.Call, tx store.Tx) (any, error) {
		var p design.Params
		if err := c.Decode(&p); err != nil {
			return nil, err
		}
		return design.Create(c.Ctx, tx, c.Account, c.Now, p)
	})
	s.Write("POST /v1/issuing/personalization_designs/{personalization_design}", func(c *api.Call, tx store.Tx) (any, error) {
		var p design.Params
		if err := c.Decode(&p); err != nil {
			return nil, err
		}
		return design.Update(c.Ctx, tx, c.Account, c.Now, c.PathValue("personalization_design"), p)
	})
	s.Retrieve("GET /v1/issuing/personalization_designs/{personalization_design}", design.Kind, "personalization_design")
	s.List("GET /v1/issuing/personalization_designs", design.Kind, func(c *api.Call, _ store.Reader, q *store.Query) error {
		q.Equal = equalFilters(c, "status")
		if raw, ok := c.Params["lookup_keys"].([]any); ok {
			keys := make([]string, 0, len(raw))
			for _, k := range raw {
				if key, ok := k.(string); ok {
					keys = append(keys, key)
				}
			}
			q.Equal = append(q.Equal, store.Field{Name: "lookup_key", Value: keys})
		}
		// Designs keep copies of these preferences at the top level of
		// their stored document, where the store can filter on them.
		prefs, _ := c.Params["preferences"].(map[string]any)
		for _, name := range []string{"is_default", "is_platform_default"} {
			if v, ok := prefs[name].(bool); ok {
				q.Equal = append(q.Equal, store.Field{Name: name, Value: v})
			}
		}
		return nil
	})

	// Test helpers that play Stripe's review of a design.
	for _, action := range []string{"activate", "deactivate"} {
		s.Write("POST /v1/test_helpers/issuing/personalization_designs/{personalization_design}/"+action,
			func(c *api.Call, tx store.Tx) (any, error) {
				if err := c.RequireTestMode(); err != nil {
					return nil, err
				}
				return design.Review(c.Ctx, tx, c.Account, c.Now, c.PathValue("personalization_design"), action, nil)
			})
	}
	s.Write("POST /v1/test_helpers/issuing/personalization_designs/{personalization_design}/reject",
		func(c *api.Call, tx store.Tx) (any, error) {
			if err := c.RequireTestMode(); err != nil {
				return nil, err
			}
			var p design.RejectParams
			if err := c.Decode(&p); err != nil {
				return nil, err
			}
			return design.Review(c.Ctx, tx, c.Account, c.Now, c.PathValue("personalization_design"), "reject", &p.RejectionReasons)
		})
}
