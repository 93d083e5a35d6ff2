package spec

import (
	"strings"
	"unicode/utf8"

	"github.com/localissuing/localissuing/issuing"
)

// Error codes of the *issuing.Error values that Validate returns; the
// package documentation says when each is used.
const (
	CodeUnknown        = "parameter_unknown"
	CodeMissing        = "parameter_missing"
	CodeInvalidEmpty   = "parameter_invalid_empty"
	CodeInvalidInteger = "parameter_invalid_integer"
	CodeInvalidNumber  = "parameter_invalid_number"
	CodeInvalidBoolean = "parameter_invalid_boolean"
	CodeInvalidString  = "parameter_invalid_string"
	CodeInvalidDecimal = "parameter_invalid_decimal"
	CodeInvalidEnum    = "parameter_invalid_enum"
	CodeInvalidObject  = "parameter_invalid_object"
	CodeInvalidArray   = "parameter_invalid_array"
)

func errUnknown(param string) *issuing.Error {
	return issuing.InvalidCode(CodeUnknown, param, "Received unknown parameter: %s", param)
}

func errMissing(param string) *issuing.Error {
	return issuing.InvalidCode(CodeMissing, param, "Missing required param: %s.", param)
}

func errEmpty(param string) *issuing.Error {
	return issuing.InvalidCode(CodeInvalidEmpty, param,
		"You passed an empty string for '%s'. We assume empty values are an attempt to unset a parameter; "+
			"however '%s' cannot be unset. You should remove '%s' from your request or supply a non-empty value.",
		param, param, param)
}

// errScalar reports a value that is not of scalar type what ("integer",
// "number", "boolean", "decimal"), quoting the value when it is a string.
func errScalar(code, what, param string, v any) *issuing.Error {
	if s, ok := v.(string); ok {
		return issuing.InvalidCode(code, param, "Invalid %s: %s", what, quote(s))
	}
	return issuing.InvalidCode(code, param, "Invalid %s", what)
}

func errTooLong(param, s string, max int) *issuing.Error {
	return issuing.InvalidCode(CodeInvalidString, param,
		"Invalid string: %s; must be at most %d characters", quote(s), max)
}

func errEnum(param string, e *enumSet) *issuing.Error {
	return issuing.InvalidCode(CodeInvalidEnum, param, "Invalid %s: %s", param, e.mustBe)
}

func errObject(param string) *issuing.Error {
	return issuing.InvalidCode(CodeInvalidObject, param, "Invalid object")
}

func errArray(param string) *issuing.Error {
	return issuing.InvalidCode(CodeInvalidArray, param, "Invalid array")
}

// quoteMax is how many characters of a rejected value an error repeats.
const quoteMax = 50

// quote makes request text fit for an error message: valid UTF-8, and cut
// after quoteMax characters so that a huge value is not echoed whole.
func quote(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if utf8.RuneCountInString(s) <= quoteMax {
		return s
	}
	n := 0
	for i := range s {
		if n == quoteMax {
			return s[:i] + "..."
		}
		n++
	}
	return s
}
