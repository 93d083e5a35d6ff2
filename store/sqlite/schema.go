package sqlite

import (
	"context"
	"fmt"

	"github.com/ncruces/go-sqlite3"
)

// migrations are the schema's versions: migrations[i] takes the database
// from version i to i+1. Entries are only ever appended, so that any older
// database can be brought up to date; a released entry never changes.
var migrations = [][]string{
	{
		// Every resource is a row here: a JSON document plus the columns
		// that are looked up or ordered by. seq orders lists; AUTOINCREMENT
		// keeps it from ever being reused, even for the newest object
		// after it is deleted, so cursors never point into a new object.
		`CREATE TABLE objects (
			seq     INTEGER PRIMARY KEY AUTOINCREMENT,
			id      TEXT    NOT NULL UNIQUE,
			account TEXT    NOT NULL,
			kind    TEXT    NOT NULL,
			created INTEGER NOT NULL,
			parent  TEXT    NOT NULL,
			-- Lists filter on fields of data with the JSON functions,
			-- which fail on malformed JSON: none gets in.
			data    TEXT    NOT NULL CHECK (json_valid(data))
		) STRICT`,
		// A list is a range scan of one of these, newest first, whatever
		// other filters it has.
		`CREATE INDEX objects_list ON objects (account, kind, seq)`,
		`CREATE INDEX objects_parent ON objects (account, kind, parent, seq)`,
		`CREATE TABLE idempotency (
			account     TEXT    NOT NULL,
			key         TEXT    NOT NULL,
			method      TEXT    NOT NULL,
			path        TEXT    NOT NULL,
			fingerprint TEXT    NOT NULL,
			status      INTEGER NOT NULL,
			body        BLOB    NOT NULL,
			request_id  TEXT    NOT NULL,
			created     INTEGER NOT NULL,
			PRIMARY KEY (account, key)
		) STRICT`,
		// For pruning old records.
		`CREATE INDEX idempotency_created ON idempotency (created)`,
	},
	{
		// The webhook outbox. Lease takes the rows due earliest, oldest
		// first among equals: the index on due, whose entries end with
		// the rowid, gives exactly that order without a sort. Rows are
		// only ever appended with a rowid above every existing one, so
		// rowid order is enqueue order.
		`CREATE TABLE deliveries (
			id          TEXT    NOT NULL PRIMARY KEY,
			account     TEXT    NOT NULL,
			event_id    TEXT    NOT NULL,
			endpoint_id TEXT    NOT NULL,
			attempts    INTEGER NOT NULL,
			due         INTEGER NOT NULL
		) STRICT`,
		`CREATE INDEX deliveries_due ON deliveries (due)`,
	},
	{
		// Lists by parent never ask for the empty parent, and most
		// objects without one are events, the most frequent insert:
		// leaving them out of the index saves every such insert a
		// B-tree insertion and a page to write.
		`DROP INDEX objects_parent`,
		`CREATE INDEX objects_parent ON objects (account, kind, parent, seq) WHERE parent <> ''`,
	},
}

// migrate brings the schema up to the latest version in one transaction:
// a database is at one version or the next, never in between, and
// opening an up-to-date database changes nothing.
func migrate(ctx context.Context, c *conn) (err error) {
	defer c.end() // rolls back unless committed
	if err := c.begin(ctx, "BEGIN IMMEDIATE"); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if err := c.db.Exec(`CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL) STRICT`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	version := -1
	err = c.query(ctx, `SELECT version FROM schema_version`, nil, func(s *sqlite3.Stmt) error {
		version = s.ColumnInt(0)
		return errStop
	})
	if err != nil {
		return fmt.Errorf("migrate: read version: %w", err)
	}
	if version < 0 {
		if err := c.db.Exec(`INSERT INTO schema_version (version) VALUES (0)`); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		version = 0
	}
	if version > len(migrations) {
		return fmt.Errorf("migrate: database schema version %d is newer than this program's %d", version, len(migrations))
	}
	if version == len(migrations) {
		return nil
	}
	for v := version; v < len(migrations); v++ {
		for _, stmt := range migrations[v] {
			if err := c.db.Exec(stmt); err != nil {
				return fmt.Errorf("migrate to version %d: %w", v+1, err)
			}
		}
	}
	if _, err := c.exec(ctx, `UPDATE schema_version SET version = ?`, len(migrations)); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if err := c.commit(); err != nil {
		return fmt.Errorf("migrate: commit: %w", err)
	}
	return nil
}
