package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// migrations are the schema's versions: migrations[i] takes the database
// from version i to i+1. Entries are only ever appended, so that any older
// database can be brought up to date; a released entry never changes.
var migrations = [][]string{
	{
		// seq orders lists. Its numbers come from a sequence, never
		// reused, so a cursor never points into a newer object; Update
		// renumbers its inserts at commit (see the package doc), which is
		// why seq is a plain column with a default, not an identity
		// column that refuses UPDATE.
		`CREATE SEQUENCE objects_seq`,
		// data is json, not jsonb: documents come back byte for byte as
		// they went in (events are served as stored, in the same key
		// order as on SQLite), and json accepts the escape \u0000, which
		// jsonb refuses.
		//
		// seq has no index of its own. Lists read it from the indexes
		// below, and an index on seq alone tempts the planner into
		// scanning every account's objects newest first, filtering on
		// account and kind, in the belief that ten matching rows turn up
		// soon; on a sandbox shared by many accounts they do not.
		`CREATE TABLE objects (
			seq     bigint NOT NULL DEFAULT nextval('objects_seq'),
			id      text   PRIMARY KEY,
			account text   NOT NULL,
			kind    text   NOT NULL,
			created bigint NOT NULL,
			parent  text   NOT NULL,
			data    json   NOT NULL
		)`,
		`ALTER SEQUENCE objects_seq OWNED BY objects.seq`,
		// A list is a range scan of one of these, newest first, whatever
		// other filters it has.
		`CREATE INDEX objects_list ON objects (account, kind, seq)`,
		`CREATE INDEX objects_parent ON objects (account, kind, parent, seq)`,
		// key and path come from the HTTP request as bytes, which need
		// not be UTF-8; bytea keeps them whatever they are.
		`CREATE TABLE idempotency (
			account     text    NOT NULL,
			key         bytea   NOT NULL,
			method      text    NOT NULL,
			path        bytea   NOT NULL,
			fingerprint text    NOT NULL,
			status      integer NOT NULL,
			body        bytea   NOT NULL,
			request_id  text    NOT NULL,
			created     bigint  NOT NULL,
			PRIMARY KEY (account, key)
		)`,
		// For pruning old records.
		`CREATE INDEX idempotency_created ON idempotency (created)`,
		// The webhook outbox: deliveries waiting for a dispatcher.
		// seq is the order of enqueueing, which breaks ties of due.
		`CREATE TABLE deliveries (
			seq         bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
			id          text    NOT NULL UNIQUE,
			account     text    NOT NULL,
			event_id    text    NOT NULL,
			endpoint_id text    NOT NULL,
			attempts    integer NOT NULL,
			due         bigint  NOT NULL
		)`,
		// Lease reads the due deliveries in this order, earliest first.
		`CREATE INDEX deliveries_due ON deliveries (due, seq)`,
	},
}

// migrate brings the schema up to the latest version in one transaction:
// a database is at one version or the next, never in between, and opening
// an up-to-date database changes nothing. Processes that start together
// take turns on an advisory lock named after the schema, so that exactly
// one of them migrates and the others find the work done.
func migrate(ctx context.Context, pool *pgxpool.Pool) error {
	tx, err := pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted})
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer rollback(ctx, tx)
	var path string
	if err := tx.QueryRow(ctx, `SELECT current_setting('search_path')`).Scan(&path); err != nil {
		return fmt.Errorf("migrate: read search_path: %w", err)
	}
	schema := firstSchema(path)
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('localissuing/migrate/' || $1::text, 0))`, schema); err != nil {
		return fmt.Errorf("migrate: lock: %w", err)
	}
	if err := createSchema(ctx, tx, schema); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	var current *string
	if err := tx.QueryRow(ctx, `SELECT current_schema()`).Scan(&current); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if current == nil {
		return fmt.Errorf("migrate: no schema of search_path %q exists", path)
	}
	if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	version := -1
	err = tx.QueryRow(ctx, `SELECT version FROM schema_version`).Scan(&version)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		if _, err := tx.Exec(ctx, `INSERT INTO schema_version (version) VALUES (0)`); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		version = 0
	case err != nil:
		return fmt.Errorf("migrate: read version: %w", err)
	}
	if version > len(migrations) {
		return fmt.Errorf("migrate: database schema version %d is newer than this program's %d", version, len(migrations))
	}
	if version == len(migrations) {
		return nil
	}
	for v := version; v < len(migrations); v++ {
		for _, stmt := range migrations[v] {
			if _, err := tx.Exec(ctx, stmt); err != nil {
				return fmt.Errorf("migrate %s to version %d: %w", *current, v+1, err)
			}
		}
	}
	if _, err := tx.Exec(ctx, `UPDATE schema_version SET version = $1`, len(migrations)); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("migrate: commit: %w", err)
	}
	return nil
}

// rollback ends the migration's transaction if it is still open. It runs when ctx is done too, so
// that the connection goes back to the pool clean.
func rollback(ctx context.Context, tx pgx.Tx) {
	_ = tx.Rollback(context.WithoutCancel(ctx))
}

// createSchema creates the schema named first in the search_path if it
// does not exist. Only then: creating needs a privilege on the database
// that a user given an existing schema may lack.
func createSchema(ctx context.Context, tx pgx.Tx, schema string) error {
	if schema == "" || schema == "$user" {
		return nil
	}
	var exists bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)`, schema).Scan(&exists); err != nil {
		return err
	}
	if exists {
		return nil
	}
	if _, err := tx.Exec(ctx, `CREATE SCHEMA `+pgx.Identifier{schema}.Sanitize()); err != nil {
		return fmt.Errorf("create schema %s: %w", schema, err)
	}
	return nil
}

// firstSchema returns the first schema named in a search_path setting, as
// PostgreSQL reads it: a quoted name is taken as it is, an unquoted one in
// lower case.
func firstSchema(path string) string {
	path = strings.TrimSpace(path)
	if rest, ok := strings.CutPrefix(path, `"`); ok {
		var b strings.Builder
		for i := 0; i < len(rest); i++ {
			if rest[i] != '"' {
				b.WriteByte(rest[i])
				continue
			}
			if i+1 < len(rest) && rest[i+1] == '"' {
				b.WriteByte('"')
				i++
				continue
			}
			break
		}
		return b.String()
	}
	first, _, _ := strings.Cut(path, ",")
	return strings.ToLower(strings.TrimSpace(first))
}
