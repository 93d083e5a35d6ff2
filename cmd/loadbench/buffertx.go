package main

import (
	"context"
	"fmt"

	"github.com/localissuing/localissuing/card"
	"github.com/localissuing/localissuing/cardholder"
	"github.com/localissuing/localissuing/event"
	"github.com/localissuing/localissuing/store"
	"github.com/localissuing/localissuing/token"
)

// bufferTx is a store.Tx that keeps what the resource packages insert in
// memory, so that their own Create functions can build documents on
// several cores while one goroutine writes them to SQLite in large
// transactions. Reads are served from the cardholders and cards made
// earlier in the same seeding, and lists from an empty database (below).
// The Create paths used for seeding only read
// their parents and insert; every other method is left to the embedded nil
// store.Tx, which panics, and generate turns that panic into an error
// (embedding keeps this compiling as the interface grows).
type bufferTx struct {
	store.Tx
	parents map[string]store.Object // by kind and id; read-only while shared
	keep    func(kind string) bool  // which inserted kinds become readable
	objects []store.Object          // inserted, in order
}

func parentKey(kind, id string) string { return kind + "\x00" + id }

func (b *bufferTx) Get(_ context.Context, account, kind, id string) (store.Object, error) {
	o, ok := b.parents[parentKey(kind, id)]
	if !ok || o.Account != account {
		return store.Object{}, fmt.Errorf("seed: get %s %s: %w", kind, id, store.ErrNotFound)
	}
	return o, nil
}

func (b *bufferTx) GetForUpdate(ctx context.Context, account, kind, id string) (store.Object, error) {
	return b.Get(ctx, account, kind, id)
}

func (b *bufferTx) Insert(_ context.Context, obj *store.Object) error {
	b.objects = append(b.objects, *obj)
	if b.keep != nil && b.keep(obj.Kind) {
		b.parents[parentKey(obj.Kind, obj.ID)] = *obj
	}
	return nil
}

func (b *bufferTx) InsertNew(ctx context.Context, obj *store.Object) error { return b.Insert(ctx, obj) }

// seededKinds are the kinds that seeding writes; the database starts empty,
// so a list of any other kind (the webhook endpoints that event.record
// looks up) is rightly empty.
var seededKinds = map[string]bool{cardholder.Kind: true, card.Kind: true, token.Kind: true, event.Kind: true}

func (b *bufferTx) List(_ context.Context, q store.Query) (store.Page, error) {
	if seededKinds[q.Kind] {
		return store.Page{}, fmt.Errorf("seed: list %s: not supported while seeding", q.Kind)
	}
	return store.Page{}, nil
}

// take returns the objects inserted so far and forgets them.
func (b *bufferTx) take() []store.Object {
	out := b.objects
	b.objects = nil
	return out
}
