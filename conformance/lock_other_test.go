//go:build !unix

package conformance

import (
	"runtime"
	"testing"
)

// lockDir does nothing where there are no advisory file locks: two first
// runs at once in one tree could then race in npm ci.
func lockDir(t *testing.T, dir string) func() {
	t.Helper()
	t.Logf("%s has no advisory file locks: npm ci in %s is not serialized", runtime.GOOS, dir)
	return func() {}
}
