package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/localissuing/localissuing/store"
	"github.com/localissuing/localissuing/store/sqlite"
)

// openStore picks the engine from the --db value.
func openStore(ctx context.Context, db string) (store.Store, error) {
	if strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://") {
		return nil, fmt.Errorf("the PostgreSQL engine is not available yet; use a SQLite file path or :memory:")
	}
	st, err := sqlite.Open(ctx, db)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", db, err)
	}
	return st, nil
}
