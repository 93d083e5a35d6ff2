package document

import gojson "github.com/goccy/go-json"

// Marshal and Unmarshal are how documents are encoded for storage and
// decoded from it: encoding/json's output and results, at a fraction of its
// cost. Decoding the card, its cardholder and the authorization took a
// sixth to a quarter of the CPU time of the write test helpers; go-json
// decodes them about five times and encodes them about twice as fast.
// Package documenttest checks every stored type against encoding/json byte
// for byte and value for value; this file is the one place that names the
// library.
//
// The differences, none of which a stored document meets: on an error the
// value may be partly filled (Decode discards it) and the message is
// worded otherwise; null leaves a []byte as it was instead of setting it to
// nil, which shows only for a key repeated in one object; a float32 is
// refused the numbers just above math.MaxFloat32 that encoding/json rounds
// down to it, its own encoding of it included (no stored type has a []byte
// or a float32); and a decoded string may share memory with a private copy
// of data, never with data itself.

// Marshal returns v encoded as json.Marshal encodes it.
func Marshal(v any) ([]byte, error) { return gojson.Marshal(v) }

// Unmarshal decodes data into v as json.Unmarshal does.
func Unmarshal(data []byte, v any) error { return gojson.Unmarshal(data, v) }
