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
//
// Marshal also encodes the objects events carry, and AppendNoEscape the
// API's answers: documenttest checks their types, the resources'
// renderings and what the API wraps them in, the same way, against
// json.Marshal and against the Encoder the API used.

// Marshal returns v encoded as json.Marshal encodes it.
func Marshal(v any) ([]byte, error) { return gojson.Marshal(v) }

// AppendNoEscape appends v to dst encoded as an encoding/json Encoder with
// SetEscapeHTML(false) encodes it, less the newline the Encoder ends with:
// <, > and & are written as they are, in strings and in what MarshalJSON
// methods return. (go-json's MarshalNoEscape is not that: it is Marshal,
// escapes and all, under another name.) On an error dst is returned as it
// was.
//
// It appends rather than returns a new slice so that the API encodes
// answers in a buffer it keeps: a copy of each answer was most of what
// encoding one allocated.
func AppendNoEscape(dst []byte, v any) ([]byte, error) {
	w := appendWriter{b: dst}
	enc := gojson.NewEncoder(&w)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return dst, err
	}
	if n := len(w.b); n > len(dst) && w.b[n-1] == '\n' {
		w.b = w.b[:n-1]
	}
	return w.b, nil
}

// appendWriter is an io.Writer that appends to b.
type appendWriter struct{ b []byte }

func (w *appendWriter) Write(p []byte) (int, error) {
	w.b = append(w.b, p...)
	return len(p), nil
}

// Unmarshal decodes data into v as json.Unmarshal does.
func Unmarshal(data []byte, v any) error { return gojson.Unmarshal(data, v) }
