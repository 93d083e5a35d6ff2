package physicalbundle

import (
	"testing"

	"github.com/localissuing/localissuing/document/documenttest"
	"github.com/localissuing/localissuing/issuing"
)

// TestCodec checks that physical bundles are sent as encoding/json would
// send them: the whole catalogue, in both modes.
func TestCodec(t *testing.T) {
	var bundles []any
	for _, livemode := range []bool{false, true} {
		for _, b := range All(issuing.AccountForKey("sk_test_bundle_codec", livemode)) {
			bundles = append(bundles, b)
		}
	}
	documenttest.CheckMarshal(t, func() any { return new(Bundle) }, bundles...)
}
