// Package document reads and writes a resource's stored JSON document: the
// one way every resource package loads, decodes and saves its objects, so
// that not-found errors, locking and error wrapping read the same
// everywhere.
package document

import (
	"context"
	"errors"
	"fmt"

	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store"
)

// Kind names a stored kind: Stripe's object name and how errors call it.
type Kind struct {
	Name string // e.g. "issuing.card"
	Noun string // e.g. "issuing card"
}

// Decode reads a stored document into a new T.
func Decode[T any](k Kind, obj store.Object) (*T, error) {
	var v T
	if err := Unmarshal(obj.Data, &v); err != nil {
		return nil, fmt.Errorf("decode %s %s: %w", k.Noun, obj.ID, err)
	}
	return &v, nil
}

// Load reads an object; a missing one is a 404 naming param, the parameter
// that referred to it.
func Load(ctx context.Context, rd store.Reader, acct issuing.Account, k Kind, id, param string) (store.Object, error) {
	obj, err := rd.Get(ctx, acct.ID, k.Name, id)
	if errors.Is(err, store.ErrNotFound) {
		return obj, issuing.NotFound(k.Noun, id, param)
	}
	if err != nil {
		return obj, fmt.Errorf("load %s %s: %w", k.Noun, id, err)
	}
	return obj, nil
}

// Get reads an object into a new T, as Load does.
func Get[T any](ctx context.Context, rd store.Reader, acct issuing.Account, k Kind, id, param string) (*T, error) {
	obj, err := Load(ctx, rd, acct, k, id, param)
	if err != nil {
		return nil, err
	}
	return Decode[T](k, obj)
}

// LoadForUpdate reads and locks an object for a read-modify-write; a
// missing one is a 404 naming param, the parameter that referred to it.
func LoadForUpdate[T any](ctx context.Context, tx store.Tx, acct issuing.Account, k Kind, id, param string) (*T, error) {
	obj, err := tx.GetForUpdate(ctx, acct.ID, k.Name, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, issuing.NotFound(k.Noun, id, param)
	}
	if err != nil {
		return nil, fmt.Errorf("load %s %s: %w", k.Noun, id, err)
	}
	return Decode[T](k, obj)
}

// Meta is what the store indexes of a document besides its JSON.
type Meta struct {
	ID      string
	Created int64
	Parent  string // the owner lists filter on, if any
}

// Save writes v as a new object (insert) or over the existing one. A new
// object's id is one drawn at random (issuing.NewID), so it is inserted
// with store.Tx.InsertNew.
func Save(ctx context.Context, tx store.Tx, acct issuing.Account, k Kind, m Meta, v any, insert bool) error {
	data, err := Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s %s: %w", k.Noun, m.ID, err)
	}
	obj := store.Object{Account: acct.ID, Kind: k.Name, ID: m.ID, Created: m.Created, Parent: m.Parent, Data: data}
	if insert {
		err = tx.InsertNew(ctx, &obj)
	} else {
		err = tx.Replace(ctx, obj)
	}
	if err != nil {
		return fmt.Errorf("store %s %s: %w", k.Noun, m.ID, err)
	}
	return nil
}
