package routes

import (
	"context"
	"time"

	"github.com/localissuing/localissuing/api"
	"github.com/localissuing/localissuing/authorization"
	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/realtime"
	"github.com/localissuing/localissuing/store"
)

func authorizations(s *api.Server, rt *realtime.Asker) {
	s.RegisterKind(api.Kind{Name: authorization.Kind, Noun: authorization.Noun,
		Render: func(ctx context.Context, rd store.Reader, obj store.Object) (any, error) {
			return authorization.Render(ctx, rd, obj)
		}})

	s.Retrieve("GET /v1/issuing/authorizations/{authorization}", authorization.Kind, "authorization")
	s.List("GET /v1/issuing/authorizations", authorization.Kind, func(c *api.Call, _ store.Reader, q *store.Query) error {
		if id, ok := c.Params["card"].(string); ok {
			q.Parent = id
		}
		q.Equal = equalFilters(c, "cardholder", "status")
		return nil
	})
	s.Write("POST /v1/issuing/authorizations/{authorization}", func(c *api.Call, tx store.Tx) (any, error) {
		return authorization.Update(c.Ctx, tx, c.Account, c.Now, c.PathValue("authorization"), c.Params["metadata"])
	})
	s.Write("POST /v1/issuing/authorizations/{authorization}/approve", func(c *api.Call, tx store.Tx) (any, error) {
		var p struct {
			Amount *int64 `json:"amount"`
		}
		if err := c.Decode(&p); err != nil {
			return nil, err
		}
		return authorization.Approve(c.Ctx, tx, c.Account, c.Now, c.PathValue("authorization"), p.Amount, c.Params["metadata"])
	})
	s.Write("POST /v1/issuing/authorizations/{authorization}/decline", func(c *api.Call, tx store.Tx) (any, error) {
		return authorization.Decline(c.Ctx, tx, c.Account, c.Now, c.PathValue("authorization"), c.Params["metadata"])
	})

	// Test helpers that play the merchant and the cardholder.
	helper := func(path string, fn func(c *api.Call, tx store.Tx, id string) (any, error)) {
		s.Write("POST /v1/test_helpers/issuing/authorizations/{authorization}/"+path, func(c *api.Call, tx store.Tx) (any, error) {
			if err := c.RequireTestMode(); err != nil {
				return nil, err
			}
			return fn(c, tx, c.PathValue("authorization"))
		})
	}
	s.Write("POST /v1/test_helpers/issuing/authorizations", func(c *api.Call, tx store.Tx) (any, error) {
		if err := c.RequireTestMode(); err != nil {
			return nil, err
		}
		var p authorization.CreateParams
		if err := c.Decode(&p); err != nil {
			return nil, err
		}
		return askRealTime(s, rt, c, tx, func(opts authorization.Options) (*authorization.Authorization, error) {
			return authorization.Create(c.Ctx, tx, c.Account, c.Now, p, opts)
		})
	})
	// What `stripe trigger issuing_authorization.request` calls: the test
	// helper create, in other words.
	s.Write("POST /v1/issuing/cards/{card}/test/authorizations", func(c *api.Call, tx store.Tx) (any, error) {
		if err := c.RequireTestMode(); err != nil {
			return nil, err
		}
		var p struct {
			HeldAmount          *int64  `json:"held_amount"`
			HeldCurrency        *string `json:"held_currency"`
			AuthorizationMethod *string `json:"authorization_method"`
		}
		if err := c.Decode(&p); err != nil {
			return nil, err
		}
		create := authorization.CreateParams{Card: c.PathValue("card"), Amount: p.HeldAmount,
			Currency: p.HeldCurrency, AuthorizationMethod: p.AuthorizationMethod}
		return askRealTime(s, rt, c, tx, func(opts authorization.Options) (*authorization.Authorization, error) {
			return authorization.Create(c.Ctx, tx, c.Account, c.Now, create, opts)
		})
	})
	helper("capture", func(c *api.Call, tx store.Tx, id string) (any, error) {
		var p authorization.CaptureParams
		if err := c.Decode(&p); err != nil {
			return nil, err
		}
		return authorization.Capture(c.Ctx, tx, c.Account, c.Now, id, p)
	})
	helper("expire", func(c *api.Call, tx store.Tx, id string) (any, error) {
		return authorization.Expire(c.Ctx, tx, c.Account, c.Now, id)
	})
	helper("finalize_amount", func(c *api.Call, tx store.Tx, id string) (any, error) {
		var p authorization.FinalizeParams
		if err := c.Decode(&p); err != nil {
			return nil, err
		}
		return authorization.FinalizeAmount(c.Ctx, tx, c.Account, c.Now, id, p)
	})
	helper("increment", func(c *api.Call, tx store.Tx, id string) (any, error) {
		var p authorization.IncrementParams
		if err := c.Decode(&p); err != nil {
			return nil, err
		}
		return askRealTime(s, rt, c, tx, func(opts authorization.Options) (*authorization.Authorization, error) {
			return authorization.Increment(c.Ctx, tx, c.Account, c.Now, id, p, opts)
		})
	})
	helper("reverse", func(c *api.Call, tx store.Tx, id string) (any, error) {
		var p struct {
			ReverseAmount *int64 `json:"reverse_amount"`
		}
		if err := c.Decode(&p); err != nil {
			return nil, err
		}
		return authorization.Reverse(c.Ctx, tx, c.Account, c.Now, id, p.ReverseAmount)
	})
	helper("fraud_challenges/respond", func(c *api.Call, tx store.Tx, id string) (any, error) {
		confirmed, _ := c.Params["confirmed"].(bool)
		return authorization.RespondToChallenge(c.Ctx, tx, c.Account, c.Now, id, confirmed)
	})
}

// askRealTime runs request (a new authorization or an increment) and,
// when the account has a real-time endpoint and Stripe's rules approve,
// asks the endpoint before answering: the pending authorization commits
// first, so that the endpoint can read it, and approve or decline it
// through the API, while it is asked.
func askRealTime(s *api.Server, rt *realtime.Asker, c *api.Call, tx store.Tx,
	request func(authorization.Options) (*authorization.Authorization, error)) (any, error) {
	target, err := realtime.Find(c.Ctx, tx, c.Account.ID, time.Now())
	if err != nil {
		return nil, err
	}
	opts := authorization.Options{AwaitRequest: target != nil}
	if opts.AwaitRequest {
		opts.PendingID = issuing.NewID("iareq")
	}
	a, err := request(opts)
	if err != nil || a.PendingRequest == nil {
		return a, err
	}
	q, err := rt.Begin(c.Ctx, tx, c.Account, c.Now, target, a, opts.PendingID)
	if err != nil {
		return nil, err
	}
	return api.Continue{Wait: func(c *api.Call) api.WriteFunc {
		v := rt.Ask(c.Ctx, s.Store(), c.Account, s.Clock(), q)
		return func(c *api.Call, tx store.Tx) (any, error) {
			return realtime.Finish(c.Ctx, tx, c.Account, c.Now, q, v)
		}
	}}, nil
}
