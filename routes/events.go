package routes

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/localissuing/localissuing/api"
	"github.com/localissuing/localissuing/event"
	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store"
)

// maxEventTypes is Stripe's limit on types[].
const maxEventTypes = 20

func events(s *api.Server) {
	s.RegisterKind(api.Kind{Name: event.Kind, Noun: "event",
		Render: func(_ context.Context, _ store.Reader, obj store.Object) (any, error) {
			return json.RawMessage(obj.Data), nil
		}})
	s.RegisterKind(api.Kind{Name: event.AttemptKind, Noun: "webhook attempt",
		Render: func(_ context.Context, _ store.Reader, obj store.Object) (any, error) {
			return json.RawMessage(obj.Data), nil
		}})

	s.Read("GET /v1/events/{id}", func(c *api.Call, rd store.Reader) (any, error) {
		return event.Get(c.Ctx, rd, c.Account, c.Now, c.PathValue("id"))
	})
	s.List("GET /v1/events", event.Kind, func(c *api.Call, _ store.Reader, q *store.Query) error {
		filters, err := eventFilters(c.Params)
		if err != nil {
			return err
		}
		q.Equal = append(q.Equal, filters...)
		oldest := c.Now.Add(-event.Retention).Unix()
		if q.Created.Gte == nil || *q.Created.Gte < oldest {
			q.Created.Gte = &oldest
		}
		return nil
	})
	// Our addition: the delivery attempts of an event, so that a user can
	// tell why a webhook did not arrive.
	s.List("GET /v1/events/{id}/webhook_attempts", event.AttemptKind, func(c *api.Call, rd store.Reader, q *store.Query) error {
		id := c.PathValue("id")
		if _, err := event.Get(c.Ctx, rd, c.Account, c.Now, id); err != nil {
			return err
		}
		q.Parent = id
		return nil
	})
}

// eventFilters turns the type, types[] and delivery_success parameters of
// an event list into store filters.
func eventFilters(params map[string]any) ([]store.Field, error) {
	var out []store.Field
	typ, hasType := params["type"].(string)
	types, hasTypes := params["types"].([]any)
	switch {
	case hasType && hasTypes:
		return nil, issuing.Invalid("types", "You may only specify one of these parameters: type, types.")
	case hasType:
		f, err := typeFilter(typ)
		if err != nil {
			return nil, err
		}
		if f != nil {
			out = append(out, *f)
		}
	case hasTypes:
		if len(types) > maxEventTypes {
			return nil, issuing.Invalid("types", "You may pass at most %d event types in types (got %d).", maxEventTypes, len(types))
		}
		set := make([]string, 0, len(types))
		for _, t := range types {
			s, _ := t.(string)
			set = append(set, s)
		}
		out = append(out, store.Field{Name: "type", Value: set})
	}
	if ok, has := params["delivery_success"].(bool); has {
		// Delivered to every endpoint means none is still owed it; an event
		// whose retries ran out stays owed, as on Stripe.
		var f store.Field
		if ok {
			f = store.Field{Name: "pending_webhooks", Value: int64(0)}
		} else {
			zero := int64(0)
			f = store.Field{Name: "pending_webhooks", Value: store.Range{Gt: &zero}}
		}
		out = append(out, f)
	}
	return out, nil
}

// typeFilter reads the type parameter: an exact type, or a group of types
// ending in the wildcard *, such as issuing_card.* (and * alone, every
// type, which filters nothing).
func typeFilter(typ string) (*store.Field, error) {
	prefix, wild := strings.CutSuffix(typ, "*")
	if strings.Contains(prefix, "*") {
		return nil, issuing.Invalid("type", "Invalid type: %s. The wildcard * may only end the type, as in issuing_card.*.", typ)
	}
	switch {
	case !wild:
		return &store.Field{Name: "type", Value: typ}, nil
	case prefix == "":
		return nil, nil
	default:
		return &store.Field{Name: "type", Value: prefix, Prefix: true}, nil
	}
}
