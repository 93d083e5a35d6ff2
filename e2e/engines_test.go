package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/localissuing/localissuing/store"
	"github.com/localissuing/localissuing/store/postgres"
	"github.com/localissuing/localissuing/store/postgres/pgtest"
	"github.com/localissuing/localissuing/store/sqlite"
)

// engineEnv names the environment variable that selects the engine of
// every env in a run: "sqlite" (the default) or "postgres", for the whole
// suite on PostgreSQL (LOCALISSUING_E2E_ENGINE=postgres go test ./e2e/).
const engineEnv = "LOCALISSUING_E2E_ENGINE"

// onPostgres is the test that runs key tests on PostgreSQL in every run;
// the envs of its sub-tests use PostgreSQL whatever engineEnv says.
const onPostgres = "TestKeyFlowsOnPostgres"

// openStore opens the env's database: a SQLite file in its directory, or
// a PostgreSQL schema of its own, created at the first start and found
// again by a restart.
func (e *env) openStore() (store.Store, error) {
	if !e.onPostgres() {
		return sqlite.Open(context.Background(), filepath.Join(e.dir, "localissuing.db"))
	}
	if e.db == "" {
		if os.Getenv(engineEnv) == "postgres" {
			e.db = pgtest.RequiredDSN(e.t) // asked for: no PostgreSQL is a failure
		} else {
			e.db = pgtest.DSN(e.t)
		}
	}
	return postgres.Open(context.Background(), e.db)
}

func (e *env) onPostgres() bool {
	return os.Getenv(engineEnv) == "postgres" || strings.HasPrefix(e.t.Name(), onPostgres+"/")
}

// TestKeyFlowsOnPostgres runs the tests that lean on the store hardest on
// PostgreSQL too: restarts, lists with every kind of filter and cursor,
// idempotency under concurrency, row locks under racing payments and the
// webhook outbox. It skips, saying why, without a PostgreSQL server.
func TestKeyFlowsOnPostgres(t *testing.T) {
	tests := []struct {
		name string
		fn   func(*testing.T)
	}{
		{"CardholderAndCardLifecycleWithSDK", TestCardholderAndCardLifecycleWithSDK},
		{"ListCardsAndCardholdersWithFilters", TestListCardsAndCardholdersWithFilters},
		{"AccountsAreIsolated", TestAccountsAreIsolated},
		{"Idempotency", TestIdempotency},
		{"TokenStatusTransitions", TestTokenStatusTransitions},
		{"TokenPagination", TestTokenPagination},
		{"EventListFilters", TestEventListFilters},
		{"ConcurrentAuthorizationsNeverExceedLimits", TestConcurrentAuthorizationsNeverExceedLimits},
		{"WebhookSurvivesRestart", TestWebhookSurvivesRestart},
		{"WebhookRetrySchedule", TestWebhookRetrySchedule},
	}
	for _, tc := range tests {
		t.Run(tc.name, tc.fn)
	}
}
