// Package pgtest gives tests a PostgreSQL schema of their own: a fresh,
// randomly named schema per call, dropped when the test ends, so that test
// runs sharing one server (parallel CI jobs, two developers) never see each
// other's rows.
//
// The server is the one LOCALISSUING_TEST_POSTGRES names, by default a
// local one. When that default is unreachable the tests skip and say how to
// run them; when the variable names a server that is unreachable they fail,
// since someone asked for them to run.
package pgtest

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Env names the environment variable holding the server's connection
// string.
const Env = "LOCALISSUING_TEST_POSTGRES"

// DefaultDSN is the server tried when Env is not set.
const DefaultDSN = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// connectTimeout bounds the wait for an unreachable server.
const connectTimeout = 5 * time.Second

// probe remembers whether the server answered, so that a missing server
// costs one timeout per test binary, not one per test.
var probe struct {
	once sync.Once
	err  error
}

// BaseDSN returns the server's connection string and whether it came from
// Env.
func BaseDSN() (string, bool) {
	if dsn := os.Getenv(Env); dsn != "" {
		return dsn, true
	}
	return DefaultDSN, false
}

// DSN creates a new schema and returns a connection string whose
// search_path is that schema. The schema and everything in it is dropped
// when t ends; close stores opened on it before then (t.Cleanup functions
// registered later run earlier).
func DSN(t testing.TB) string {
	t.Helper()
	base, explicit := BaseDSN()
	return newSchema(t, base, explicit)
}

// RequiredDSN is DSN for a test that was asked to run on PostgreSQL: it
// fails rather than skips when the server is unreachable.
func RequiredDSN(t testing.TB) string {
	t.Helper()
	base, _ := BaseDSN()
	return newSchema(t, base, true)
}

func newSchema(t testing.TB, base string, explicit bool) string {
	t.Helper()
	conn := connect(t, base, explicit)
	defer conn.Close(context.Background())
	schema := "localissuing_test_" + strings.ToLower(rand.Text()[:12])
	if _, err := conn.Exec(t.Context(), "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("pgtest: create schema: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Errorf("pgtest: drop schema %s: %v", schema, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("pgtest: drop schema %s: %v", schema, err)
		}
	})
	dsn, err := withParams(base, map[string]string{"search_path": schema, "application_name": schema})
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	return dsn
}

// connect connects to the test server, skipping or failing t if it cannot.
func connect(t testing.TB, dsn string, explicit bool) *pgx.Conn {
	t.Helper()
	open := func() (*pgx.Conn, error) {
		ctx, cancel := context.WithTimeout(context.Background(), connectTimeout)
		defer cancel()
		return pgx.Connect(ctx, dsn)
	}
	probe.once.Do(func() {
		var conn *pgx.Conn
		if conn, probe.err = open(); probe.err == nil {
			conn.Close(context.Background())
		}
	})
	if probe.err != nil {
		unreachable(t, probe.err, explicit)
	}
	conn, err := open()
	if err != nil {
		t.Fatalf("pgtest: connect: %v", err)
	}
	return conn
}

func unreachable(t testing.TB, err error, explicit bool) {
	t.Helper()
	if explicit {
		t.Fatalf("pgtest: PostgreSQL named by %s is unreachable: %v", Env, err)
	}
	t.Skipf("pgtest: no PostgreSQL at %s (%v); to run the PostgreSQL tests, set %s to a connection string, "+
		"e.g. %s=postgres://user:password@host:5432/db", DefaultDSN, err, Env, Env)
}

// WithSearchPath returns dsn (a URL or a keyword/value string) with its
// search_path set to schema.
func WithSearchPath(dsn, schema string) (string, error) {
	return withParams(dsn, map[string]string{"search_path": schema})
}

// withParams returns dsn with params set; the values need no quoting.
func withParams(dsn string, params map[string]string) (string, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			return "", fmt.Errorf("parse %s: %w", Env, err)
		}
		q := u.Query()
		for k, v := range params {
			q.Set(k, v)
		}
		u.RawQuery = q.Encode()
		return u.String(), nil
	}
	for k, v := range params {
		dsn += " " + k + "=" + v
	}
	return dsn, nil
}
