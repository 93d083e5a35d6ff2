package issuing

import (
	"fmt"
	"strings"
)

// Stripe's metadata limits.
const (
	maxMetadataKeys     = 50
	maxMetadataKeyLen   = 40
	maxMetadataValueLen = 500
)

// Metadata is a resource's key-value metadata. It always renders as an
// object, never null.
type Metadata map[string]string

// MergeMetadata applies a validated `metadata` parameter to current and
// returns the result: a map sets keys, an empty-string value deletes its key,
// and the empty string in place of the map clears everything. A nil param
// leaves current unchanged.
func MergeMetadata(current Metadata, param any) (Metadata, error) {
	out := Metadata{}
	for k, v := range current {
		out[k] = v
	}
	switch p := param.(type) {
	case nil:
		return out, nil
	case string:
		if p != "" {
			return nil, Invalid("metadata", "Invalid object: metadata must be a hash of keys and values")
		}
		return Metadata{}, nil
	case map[string]any:
		for k, raw := range p {
			param := "metadata[" + k + "]"
			v, ok := raw.(string)
			if !ok {
				return nil, Invalid(param, "Metadata values must be strings")
			}
			if k == "" || strings.ContainsAny(k, "[]") {
				return nil, Invalid(param, "Metadata keys must be non-empty and may not contain square brackets")
			}
			if len(k) > maxMetadataKeyLen {
				return nil, Invalid(param, "Metadata keys must be at most %d characters long (%q is %d)", maxMetadataKeyLen, k, len(k))
			}
			if len(v) > maxMetadataValueLen {
				return nil, Invalid(param, "Metadata values must be at most %d characters long", maxMetadataValueLen)
			}
			if v == "" {
				delete(out, k)
				continue
			}
			out[k] = v
		}
		if len(out) > maxMetadataKeys {
			return nil, Invalid("metadata", "Metadata may have at most %d keys (it would have %d)", maxMetadataKeys, len(out))
		}
		return out, nil
	default:
		return nil, Invalid("metadata", "Invalid object: %s", fmt.Sprintf("%T", param))
	}
}
