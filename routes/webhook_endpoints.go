package routes

import (
	"context"

	"github.com/localissuing/localissuing/api"
	"github.com/localissuing/localissuing/event"
	"github.com/localissuing/localissuing/store"
)

func webhookEndpoints(s *api.Server) {
	// Every rendering but the create response leaves the secret out.
	s.RegisterKind(api.Kind{Name: event.EndpointKind, Noun: event.EndpointNoun,
		Render: func(_ context.Context, _ store.Reader, obj store.Object) (any, error) {
			e, err := event.DecodeEndpoint(obj)
			if err != nil {
				return nil, err
			}
			return e.View(), nil
		}})

	s.Write("POST /v1/webhook_endpoints", func(c *api.Call, tx store.Tx) (any, error) {
		var p event.EndpointParams
		if err := c.Decode(&p); err != nil {
			return nil, err
		}
		return event.CreateEndpoint(c.Ctx, tx, c.Account, c.Now.Unix(), p)
	})
	s.Write("POST /v1/webhook_endpoints/{webhook_endpoint}", func(c *api.Call, tx store.Tx) (any, error) {
		var p event.EndpointParams
		if err := c.Decode(&p); err != nil {
			return nil, err
		}
		return event.UpdateEndpoint(c.Ctx, tx, c.Account, c.PathValue("webhook_endpoint"), p)
	})
	s.Write("DELETE /v1/webhook_endpoints/{webhook_endpoint}", func(c *api.Call, tx store.Tx) (any, error) {
		return event.DeleteEndpoint(c.Ctx, tx, c.Account, c.PathValue("webhook_endpoint"))
	})
	s.Retrieve("GET /v1/webhook_endpoints/{webhook_endpoint}", event.EndpointKind, "webhook_endpoint")
	s.List("GET /v1/webhook_endpoints", event.EndpointKind, func(*api.Call, store.Reader, *store.Query) error { return nil })
}
