package routes

import (
	"context"
	"encoding/json"
	"time"

	"github.com/localissuing/localissuing/api"
	"github.com/localissuing/localissuing/event"
	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store"
)

// eventRetention is how far back Stripe lists and retrieves events.
const eventRetention = 30 * 24 * time.Hour

func events(s *api.Server) {
	s.RegisterKind(api.Kind{Name: event.Kind, Noun: "event",
		Render: func(_ context.Context, _ store.Reader, obj store.Object) (any, error) {
			return json.RawMessage(obj.Data), nil
		}})
	s.Retrieve("GET /v1/events/{id}", event.Kind, "id")
	s.List("GET /v1/events", event.Kind, func(c *api.Call, _ store.Reader, q *store.Query) error {
		typ, hasType := c.Params["type"].(string)
		types, hasTypes := c.Params["types"].([]any)
		if hasType && hasTypes {
			return issuing.Invalid("types", "You may only specify one of these parameters: type, types.")
		}
		if hasType {
			q.Equal = append(q.Equal, store.Field{Name: "type", Value: typ})
		}
		_ = types
		oldest := c.Now.Add(-eventRetention).Unix()
		if q.Created.Gte == nil || *q.Created.Gte < oldest {
			q.Created.Gte = &oldest
		}
		return nil
	})
}
