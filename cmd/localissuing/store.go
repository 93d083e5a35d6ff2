package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/localissuing/localissuing/store"
	"github.com/localissuing/localissuing/store/postgres"
	"github.com/localissuing/localissuing/store/sqlite"
)

// openStore picks the engine from the --db value: a postgres:// URL is a
// PostgreSQL database that several processes can share, anything else a
// SQLite file (or :memory:).
func openStore(ctx context.Context, db string, cacheMB int) (store.Store, error) {
	var st store.Store
	var err error
	if isPostgres(db) {
		st, err = postgres.Open(ctx, db)
	} else {
		st, err = sqlite.OpenWithCache(ctx, db, int64(cacheMB)<<20)
	}
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", config{db: db}.dbForDisplay(), err)
	}
	return st, nil
}

func isPostgres(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}
