package routes

import (
	"context"
	"time"

	"github.com/localissuing/localissuing/api"
	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store"
	"github.com/localissuing/localissuing/transaction"
)

func transactions(s *api.Server) {
	s.RegisterKind(api.Kind{Name: transaction.Kind, Noun: transaction.Noun,
		Render: func(_ context.Context, _ store.Reader, obj store.Object) (any, error) {
			return transaction.Render(obj)
		}})

	s.Retrieve("GET /v1/issuing/transactions/{transaction}", transaction.Kind, "transaction")
	s.List("GET /v1/issuing/transactions", transaction.Kind, func(c *api.Call, _ store.Reader, q *store.Query) error {
		if id, ok := c.Params["card"].(string); ok {
			q.Parent = id
		}
		q.Equal = equalFilters(c, "cardholder", "type")
		return nil
	})
	s.Write("POST /v1/issuing/transactions/{transaction}", func(c *api.Call, tx store.Tx) (any, error) {
		return transaction.Update(c.Ctx, tx, c.Account, c.Now, c.PathValue("transaction"), c.Params["metadata"])
	})

	// Test helpers that play the merchant.
	s.Write("POST /v1/test_helpers/issuing/transactions/{transaction}/refund", func(c *api.Call, tx store.Tx) (any, error) {
		if err := c.RequireTestMode(); err != nil {
			return nil, err
		}
		var p struct {
			RefundAmount *int64 `json:"refund_amount"`
		}
		if err := c.Decode(&p); err != nil {
			return nil, err
		}
		return transaction.Refund(c.Ctx, tx, c.Account, c.Now, c.PathValue("transaction"), p.RefundAmount)
	})
	for path, create := range map[string]func(context.Context, store.Tx, issuing.Account, time.Time, transaction.MerchantParams) (*transaction.Transaction, error){
		"create_force_capture":   transaction.ForceCapture,
		"create_unlinked_refund": transaction.UnlinkedRefund,
	} {
		s.Write("POST /v1/test_helpers/issuing/transactions/"+path, func(c *api.Call, tx store.Tx) (any, error) {
			if err := c.RequireTestMode(); err != nil {
				return nil, err
			}
			var p transaction.MerchantParams
			if err := c.Decode(&p); err != nil {
				return nil, err
			}
			return create(c.Ctx, tx, c.Account, c.Now, p)
		})
	}
}
