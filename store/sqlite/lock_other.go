//go:build !unix

package sqlite

// lockFile does nothing where flock is missing: there, running two
// processes on one database is the user's to avoid.
func lockFile(string) (func() error, error) { return func() error { return nil }, nil }
