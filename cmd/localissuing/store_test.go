package main

import "testing"

func TestDBForDisplay(t *testing.T) {
	tests := []struct{ db, want string }{
		{"localissuing.db", "localissuing.db"},
		{":memory:", ":memory:"},
		{"postgres://app:s3cret@db.local:5432/sandbox?sslmode=disable", "postgres://app:****@db.local:5432/sandbox?sslmode=disable"},
		{"postgresql://app@db.local/sandbox", "postgresql://app@db.local/sandbox"},
		{"postgres://app:p@ss@db.local/sandbox", "postgres://app:****@db.local/sandbox"},
		{"postgres://db.local/sandbox?user=app&password=s3cret&pool_max_conns=20", "postgres://db.local/sandbox?user=app&password=****&pool_max_conns=20"},
		{"postgres://app:s3cret@db.local/sandbox?options=a@b", "postgres://app:****@db.local/sandbox?options=a@b"},
	}
	for _, tc := range tests {
		if got := (config{db: tc.db}).dbForDisplay(); got != tc.want {
			t.Errorf("dbForDisplay(%q) = %q, want %q", tc.db, got, tc.want)
		}
	}
}

func TestIsPostgres(t *testing.T) {
	tests := map[string]bool{
		"postgres://localhost/db":   true,
		"postgresql://localhost/db": true,
		"localissuing.db":           false,
		":memory:":                  false,
		"postgres.db":               false,
	}
	for db, want := range tests {
		if got := isPostgres(db); got != want {
			t.Errorf("isPostgres(%q) = %v, want %v", db, got, want)
		}
	}
}
