package transaction

import (
	"testing"

	"github.com/localissuing/localissuing/document/documenttest"
)

// TestCodec checks that transactions are stored and read as encoding/json would
// store and read them.
func TestCodec(t *testing.T) {
	documenttest.CheckCodec(t, func() any { return new(record) })
}
