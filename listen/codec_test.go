package listen

import (
	"testing"

	"github.com/localissuing/localissuing/document/documenttest"
)

// TestCodec checks that the answer to a session request is sent as
// encoding/json would send it.
func TestCodec(t *testing.T) {
	st := openStore(t)
	g := startSession(t, st, newAccount(), t0, SessionParams{DeviceName: "Jenny's <laptop> & co"})
	documenttest.CheckMarshal(t, func() any { return new(Grant) }, g)
}
