package api_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/localissuing/localissuing/api"
	"github.com/localissuing/localissuing/document"
	"github.com/localissuing/localissuing/store"
)

// benchToken is a token as lists and retrieves show it.
var benchToken = []byte(`{"id":"intok_DKhJ11ny85BtITfRNvoEd5nt","object":"issuing.token","card":"ic_62hKW08xN2WdsIcxrTZ8yfDz",` +
	`"created":1795573743,"device_fingerprint":null,"last4":"9142","livemode":false,"network":"visa",` +
	`"network_updated_at":1795573743,"status":"active","wallet_provider":"apple_pay"}`)

// fixedStore answers every read with benchToken and runs writes that
// write nothing, so that a benchmark of it measures the API's own work.
type fixedStore struct{ store.Store }

func (fixedStore) View(ctx context.Context, fn func(store.Reader) error) error {
	return fn(fixedReader{})
}

func (fixedStore) Update(ctx context.Context, fn func(store.Tx) error) error {
	return fn(fixedReader{})
}

type fixedReader struct{ store.Tx }

func (fixedReader) Get(ctx context.Context, account, kind, id string) (store.Object, error) {
	return store.Object{Account: account, Kind: kind, ID: id, Data: benchToken}, nil
}

func (fixedReader) List(ctx context.Context, q store.Query) (store.Page, error) {
	page := store.Page{HasMore: true}
	for range q.Limit {
		page.Objects = append(page.Objects, store.Object{Account: q.Account, Kind: q.Kind, Data: benchToken})
	}
	return page, nil
}

func (fixedReader) Idempotency(ctx context.Context, account, key string) (store.IdempotencyRecord, error) {
	return store.IdempotencyRecord{}, store.ErrNotFound
}

// BenchmarkServe measures what the API does around a resource's handler
// and the store: routing, authentication, request ids and headers, form
// parsing and validation, list paging, indenting and writing the answer.
func BenchmarkServe(b *testing.B) {
	srv := api.New(api.Config{Store: fixedStore{}})
	srv.RegisterKind(api.Kind{Name: "issuing.token", Noun: "issuing token",
		Render: func(_ context.Context, _ store.Reader, obj store.Object) (any, error) {
			return document.Stored(obj.Data), nil
		}})
	srv.Retrieve("GET /v1/issuing/tokens/{token}", "issuing.token", "token")
	srv.List("GET /v1/issuing/tokens", "issuing.token", func(c *api.Call, rd store.Reader, q *store.Query) error {
		q.Parent, _ = c.Params["card"].(string)
		return nil
	})
	srv.Write("POST /v1/issuing/tokens/{token}", func(c *api.Call, tx store.Tx) (any, error) {
		if c.Params["status"] == nil {
			return nil, errors.New("no status")
		}
		return document.Stored(benchToken), nil
	})
	for _, tc := range []struct{ name, method, target, form string }{
		{"retrieve", "GET", "/v1/issuing/tokens/intok_DKhJ11ny85BtITfRNvoEd5nt", ""},
		{"list", "GET", "/v1/issuing/tokens?card=ic_62hKW08xN2WdsIcxrTZ8yfDz&limit=10", ""},
		{"update", "POST", "/v1/issuing/tokens/intok_DKhJ11ny85BtITfRNvoEd5nt", "status=suspended"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			// One request, read again each time, and a writer that keeps
			// the body, so that what is measured is the server's work.
			r := httptest.NewRequest(tc.method, tc.target, nil)
			r.Header.Set("Authorization", "Bearer sk_test_serve")
			if tc.form != "" {
				r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			body := strings.NewReader(tc.form)
			w := &benchWriter{}
			b.ReportAllocs()
			for b.Loop() {
				body.Reset(tc.form)
				r.Body = io.NopCloser(body)
				w.header, w.status, w.body = make(http.Header), 0, w.body[:0]
				srv.ServeHTTP(w, r)
				if w.status != http.StatusOK {
					b.Fatalf("%d %s", w.status, w.body)
				}
			}
		})
	}
}

// benchWriter is an http.ResponseWriter with a new header map for each
// request, as net/http makes one, and a body buffer used again.
type benchWriter struct {
	header http.Header
	status int
	body   []byte
}

func (w *benchWriter) Header() http.Header { return w.header }

func (w *benchWriter) WriteHeader(status int) { w.status = status }

func (w *benchWriter) Write(p []byte) (int, error) {
	w.body = append(w.body, p...)
	return len(p), nil
}
