package event

import (
	"github.com/localissuing/localissuing/document"

	"encoding/json"
	"slices"
	"strconv"
)

// encode returns e as json.Marshal(e) writes it, byte for byte: events are
// stored, listed and sent as these bytes. It writes the fields in the
// order of Event's declaration, as encoding/json does; TestEncodeFields
// fails when a field is added to Event, Data or Request and not here.
func encode(e *Event) ([]byte, error) {
	dst := make([]byte, 0, 320+len(e.Data.Object)+64*len(e.Data.PreviousAttributes))
	dst = append(dst, `{"id":`...)
	dst = document.AppendString(dst, e.ID)
	dst = append(dst, `,"object":`...)
	dst = document.AppendString(dst, e.Object)
	dst = append(dst, `,"api_version":`...)
	dst = document.AppendString(dst, e.APIVersion)
	dst = append(dst, `,"created":`...)
	dst = strconv.AppendInt(dst, e.Created, 10)
	dst = append(dst, `,"data":{"object":`...)
	dst, err := document.AppendRaw(dst, e.Data.Object)
	if err != nil {
		return nil, err
	}
	if len(e.Data.PreviousAttributes) > 0 { // omitempty
		dst = append(dst, `,"previous_attributes":`...)
		if dst, err = appendObject(dst, e.Data.PreviousAttributes); err != nil {
			return nil, err
		}
	}
	dst = append(dst, `},"livemode":`...)
	dst = strconv.AppendBool(dst, e.Livemode)
	dst = append(dst, `,"pending_webhooks":`...)
	dst = strconv.AppendInt(dst, e.PendingWebhooks, 10)
	dst = append(dst, `,"request":`...)
	if r := e.Request; r == nil {
		dst = append(dst, "null"...)
	} else {
		dst = append(dst, `{"id":`...)
		dst = appendStringPtr(dst, r.ID)
		dst = append(dst, `,"idempotency_key":`...)
		dst = appendStringPtr(dst, r.IdempotencyKey)
		dst = append(dst, '}')
	}
	dst = append(dst, `,"type":`...)
	dst = document.AppendString(dst, e.Type)
	return append(dst, '}'), nil
}

func appendStringPtr(dst []byte, s *string) []byte {
	if s == nil {
		return append(dst, "null"...)
	}
	return document.AppendString(dst, *s)
}

// appendObject appends m as json.Marshal writes a map: keys in sorted
// order. It writes the values previous attributes are made of itself
// (JSON text, nested maps, strings, booleans and nulls) and leaves any
// other to json.Marshal, which writes a value inside a map as it writes
// it alone.
func appendObject(dst []byte, m map[string]any) ([]byte, error) {
	if m == nil {
		return append(dst, "null"...), nil
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	dst = append(dst, '{')
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = document.AppendString(dst, k)
		dst = append(dst, ':')
		var err error
		if dst, err = appendValue(dst, m[k]); err != nil {
			return nil, err
		}
	}
	return append(dst, '}'), nil
}

func appendValue(dst []byte, v any) ([]byte, error) {
	switch v := v.(type) {
	case nil:
		return append(dst, "null"...), nil
	case json.RawMessage:
		return document.AppendRaw(dst, v)
	case map[string]any:
		return appendObject(dst, v)
	case string:
		return document.AppendString(dst, v), nil
	case bool:
		return strconv.AppendBool(dst, v), nil
	}
	out, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return append(dst, out...), nil
}
