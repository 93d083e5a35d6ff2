package routes

import (
	"context"

	"github.com/localissuing/localissuing/api"
	"github.com/localissuing/localissuing/cardholder"
	"github.com/localissuing/localissuing/store"
)

func cardholders(s *api.Server) {
	s.RegisterKind(api.Kind{Name: cardholder.Kind, Noun: cardholder.Noun,
		Render: func(_ context.Context, _ store.Reader, obj store.Object) (any, error) {
			return cardholder.Decode(obj)
		}})

	s.Write("POST /v1/issuing/cardholders", func(c *api.Call, tx store.Tx) (any, error) {
		var p cardholder.Params
		if err := c.Decode(&p); err != nil {
			return nil, err
		}
		return cardholder.Create(c.Ctx, tx, c.Account, c.Now.Unix(), p)
	})
	s.Write("POST /v1/issuing/cardholders/{cardholder}", func(c *api.Call, tx store.Tx) (any, error) {
		var p cardholder.Params
		if err := c.Decode(&p); err != nil {
			return nil, err
		}
		return cardholder.Update(c.Ctx, tx, c.Account, c.Now.Unix(), c.PathValue("cardholder"), p)
	})
	s.Retrieve("GET /v1/issuing/cardholders/{cardholder}", cardholder.Kind, "cardholder")
	s.List("GET /v1/issuing/cardholders", cardholder.Kind, func(c *api.Call, _ store.Reader, q *store.Query) error {
		q.Equal = equalFilters(c, "email", "phone_number", "status", "type")
		return nil
	})
}

// equalFilters turns the named list parameters that the call carries into
// store equality filters on the fields of the same names.
func equalFilters(c *api.Call, names ...string) []store.Field {
	var out []store.Field
	for _, n := range names {
		if v, ok := c.Params[n]; ok {
			out = append(out, store.Field{Name: n, Value: v})
		}
	}
	return out
}
