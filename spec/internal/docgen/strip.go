package docgen

// docOnlyKeys are the keys dropped wherever they are OpenAPI keywords: they
// only document and nothing validates or routes by them.
var docOnlyKeys = map[string]bool{
	"description":          true,
	"summary":              true,
	"title":                true,
	"externalDocs":         true,
	"termsOfService":       true,
	"contact":              true,
	"x-stripeOperations":   true,
	"x-stripeResource":     true,
	"x-stripeMostCommon":   true,
	"x-stripeSpecFilename": true,
}

// namedMaps are keywords whose value maps names (paths, property names,
// media types, schema names, status codes) to objects. Their keys are data,
// never keywords, so a property called "description" survives.
var namedMaps = map[string]bool{
	"paths":           true,
	"properties":      true,
	"schemas":         true,
	"securitySchemes": true,
	"content":         true,
	"encoding":        true,
	"headers":         true,
	"links":           true,
	"callbacks":       true,
	"parameters":      true, // a map under components, a list in operations
	"requestBodies":   true,
	"examples":        true,
}

// dataKeys hold JSON values, not OpenAPI objects; they are copied as they
// are. Extension keys ("x-…") are treated the same way.
var dataKeys = map[string]bool{
	"example": true,
	"default": true,
	"enum":    true,
	"const":   true,
}

// where tells Strip what kind of OpenAPI object it is looking at.
type where int

const (
	inObject    where = iota // an object whose keys are keywords
	inNamed                  // a map from names to objects
	inResponses              // a map from status codes to Response objects
	inResponse               // a Response object: its description is required
	inInfo                   // the Info object: title and version are required
	inData                   // a JSON value to copy unchanged
)

// Strip returns a copy of an OpenAPI document without its doc-only keys.
// The keys OpenAPI requires are kept even when they are prose: a Response's
// description and the Info's title and version.
func Strip(doc any) any {
	return strip(doc, inObject)
}

func strip(v any, at where) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, child := range v {
			switch at {
			case inData:
				out[k] = strip(child, inData)
			case inNamed:
				out[k] = strip(child, inObject)
			case inResponses:
				out[k] = strip(child, inResponse)
			case inInfo:
				if k == "title" || k == "version" {
					out[k] = child
				}
			default:
				if docOnlyKeys[k] && !(at == inResponse && k == "description") {
					continue
				}
				out[k] = strip(child, childOf(k))
			}
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, child := range v {
			if at == inData {
				out[i] = strip(child, inData)
			} else {
				out[i] = strip(child, inObject)
			}
		}
		return out
	default:
		return v
	}
}

// childOf tells what the value of keyword k is.
func childOf(k string) where {
	switch {
	case k == "responses":
		return inResponses
	case k == "info":
		return inInfo
	case namedMaps[k]:
		return inNamed
	case dataKeys[k] || len(k) > 2 && k[:2] == "x-":
		return inData
	default:
		return inObject
	}
}
