package emulator

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Input validation as Dokploy's Zod 4 schemas do it, with Zod 4's issue shapes and messages, e.g.
//
//	{"expected": "string", "code": "invalid_type", "path": ["name"],
//	 "message": "Invalid input: expected string, received undefined"}
//
// The schemas are those of openapi-subset.json (Dokploy's own openapi.json) and of the Zod objects in
// packages/server/src/db/schema/*.ts. Zod strips members a schema does not list, so unknown members
// are ignored. A field that is required but nullable must be present: null is accepted, absence is not.

// dkIssue is one Zod 4 issue.
type dkIssue struct {
	Origin    string   `json:"origin,omitempty"`
	Expected  string   `json:"expected,omitempty"`
	Code      string   `json:"code"`
	Format    string   `json:"format,omitempty"`
	Pattern   string   `json:"pattern,omitempty"`
	Values    []string `json:"values,omitempty"`
	Minimum   *int     `json:"minimum,omitempty"`
	Maximum   *int     `json:"maximum,omitempty"`
	Inclusive *bool    `json:"inclusive,omitempty"`
	Path      []any    `json:"path"`
	Message   string   `json:"message"`
}

// flattenIssues is Zod's flatten(): messages per top-level field.
func flattenIssues(issues []dkIssue) *dkZodFlattened {
	out := &dkZodFlattened{FormErrors: []string{}, FieldErrors: map[string][]string{}}
	for _, is := range issues {
		if len(is.Path) == 0 {
			out.FormErrors = append(out.FormErrors, is.Message)
			continue
		}
		key := fmt.Sprint(is.Path[0])
		out.FieldErrors[key] = append(out.FieldErrors[key], is.Message)
	}
	return out
}

// Field types, named as Zod names them in messages.
const (
	tString  = "string"
	tBool    = "boolean"
	tNumber  = "number"
	tInt     = "int"
	tStrings = "array" // of strings
	tObject  = "object"
	tObjects = "array of objects"
)

// dkField is one member of an input schema.
type dkField struct {
	name       string
	typ        string
	required   bool
	nullable   bool
	minLen     int // strings: at least this many characters (0: no rule)
	maxLen     int // strings: at most (0: no rule)
	minNum     *float64
	maxNum     *float64
	enum       []string
	pattern    *regexp.Regexp
	patternMsg string
	check      func(string) bool // a refine(); checkMsg is its message
	checkMsg   string
	format     string // with check: a string format of Zod's ("email"), reported as its invalid_format
}

// dkValues are the validated members that were present: string, bool, float64, []string, nil (an
// explicit null) or json.RawMessage (objects).
type dkValues map[string]any

func (v dkValues) has(name string) bool { _, ok := v[name]; return ok }

// str is a present string member ("" when absent or null).
func (v dkValues) str(name string) string { s, _ := v[name].(string); return s }

// optStr is a nullable string: nil when absent or null.
func (v dkValues) optStr(name string) *string {
	if s, ok := v[name].(string); ok {
		return &s
	}
	return nil
}

// validate checks the input against fields and returns the present values, or a BAD_REQUEST error
// carrying every issue (in the schema's order, as Zod reports them).
func (in dkInput) validate(fields ...dkField) (dkValues, *dkError) {
	values := dkValues{}
	var issues []dkIssue
	for _, f := range fields {
		raw, present := in.fields[f.name]
		if !present {
			if f.required {
				issues = append(issues, invalidType(f, "undefined", f.name))
			}
			continue
		}
		v, fieldIssues := f.check1(raw, in.fromQuery)
		if len(fieldIssues) > 0 {
			issues = append(issues, fieldIssues...)
			continue
		}
		values[f.name] = v
	}
	if len(issues) > 0 {
		return nil, &dkError{code: dkBadRequest, message: "Input validation failed", issues: issues}
	}
	return values, nil
}

// jsonKind is Zod's name for the type of a JSON value in "received …".
func jsonKind(raw json.RawMessage) string {
	t := strings.TrimSpace(string(raw))
	switch {
	case t == "null":
		return "null"
	case strings.HasPrefix(t, `"`):
		return "string"
	case strings.HasPrefix(t, "["):
		return "array"
	case strings.HasPrefix(t, "{"):
		return "object"
	case t == "true" || t == "false":
		return "boolean"
	}
	return "number"
}

func invalidType(f dkField, received string, path ...any) dkIssue {
	expected := f.typ
	switch f.typ {
	case tStrings, tObjects:
		expected = "array"
	}
	return dkIssue{Expected: expected, Code: "invalid_type", Path: path,
		Message: "Invalid input: expected " + expected + ", received " + received}
}

// check1 validates one present value.
func (f dkField) check1(raw json.RawMessage, fromQuery bool) (any, []dkIssue) {
	kind := jsonKind(raw)
	if kind == "null" {
		if f.nullable {
			return nil, nil
		}
		return nil, []dkIssue{invalidType(f, "null", f.name)}
	}
	switch f.typ {
	case tString:
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return nil, []dkIssue{invalidType(f, kind, f.name)}
		}
		return s, f.checkString(s)
	case tBool:
		var b bool
		if fromQuery {
			var s string
			_ = json.Unmarshal(raw, &s)
			return s != "", nil // z.coerce.boolean(): Boolean(value)
		}
		if json.Unmarshal(raw, &b) != nil {
			return nil, []dkIssue{invalidType(f, kind, f.name)}
		}
		return b, nil
	case tNumber, tInt:
		n, received, ok := numberOf(raw, fromQuery)
		if !ok {
			return nil, []dkIssue{invalidType(f, received, f.name)}
		}
		if f.typ == tInt && n != math.Trunc(n) {
			return nil, []dkIssue{invalidType(f, "number", f.name)}
		}
		return n, f.checkNumber(n)
	case tStrings:
		var items []json.RawMessage
		if json.Unmarshal(raw, &items) != nil {
			return nil, []dkIssue{invalidType(f, kind, f.name)}
		}
		out := make([]string, 0, len(items))
		var issues []dkIssue
		for i, item := range items {
			var s string
			if json.Unmarshal(item, &s) != nil {
				issues = append(issues, invalidType(dkField{typ: tString}, jsonKind(item), f.name, i))
				continue
			}
			out = append(out, s)
		}
		return out, issues
	case tObject:
		if kind != "object" {
			return nil, []dkIssue{invalidType(f, kind, f.name)}
		}
		return slices.Clone(raw), nil
	case tObjects:
		if kind != "array" {
			return nil, []dkIssue{invalidType(f, kind, f.name)}
		}
		return slices.Clone(raw), nil
	}
	return nil, nil
}

// numberOf reads a number; a query string is coerced as z.coerce.number() does (Number(value)).
func numberOf(raw json.RawMessage, fromQuery bool) (float64, string, bool) {
	if fromQuery {
		var s string
		_ = json.Unmarshal(raw, &s)
		n, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			return 0, "NaN", false
		}
		return n, "number", true
	}
	var n float64
	if json.Unmarshal(raw, &n) != nil {
		return 0, jsonKind(raw), false
	}
	return n, "number", true
}

func (f dkField) checkString(s string) []dkIssue {
	var issues []dkIssue
	n := len([]rune(s))
	if f.minLen > 0 && n < f.minLen {
		issues = append(issues, dkIssue{Origin: "string", Code: "too_small", Minimum: &f.minLen, Inclusive: ptrTrue(),
			Path: []any{f.name}, Message: fmt.Sprintf("Too small: expected string to have >=%d characters", f.minLen)})
	}
	if f.maxLen > 0 && n > f.maxLen {
		issues = append(issues, dkIssue{Origin: "string", Code: "too_big", Maximum: &f.maxLen, Inclusive: ptrTrue(),
			Path: []any{f.name}, Message: fmt.Sprintf("Too big: expected string to have <=%d characters", f.maxLen)})
	}
	if len(f.enum) > 0 && !slices.Contains(f.enum, s) {
		quoted := make([]string, len(f.enum))
		for i, v := range f.enum {
			quoted[i] = strconv.Quote(v)
		}
		issues = append(issues, dkIssue{Code: "invalid_value", Values: f.enum, Path: []any{f.name},
			Message: "Invalid option: expected one of " + strings.Join(quoted, "|")})
	}
	if f.pattern != nil && !f.pattern.MatchString(s) {
		msg := f.patternMsg
		if msg == "" {
			msg = "Invalid string: must match pattern /" + f.pattern.String() + "/"
		}
		issues = append(issues, dkIssue{Origin: "string", Code: "invalid_format", Format: "regex",
			Pattern: "/" + f.pattern.String() + "/", Path: []any{f.name}, Message: msg})
	}
	if f.check != nil && len(issues) == 0 && !f.check(s) {
		issue := dkIssue{Code: "custom", Path: []any{f.name}, Message: f.checkMsg}
		if f.format != "" {
			issue = dkIssue{Origin: "string", Code: "invalid_format", Format: f.format, Pattern: zodFormatPatterns[f.format],
				Path: []any{f.name}, Message: f.checkMsg}
		}
		issues = append(issues, issue)
	}
	return issues
}

func (f dkField) checkNumber(n float64) []dkIssue {
	var issues []dkIssue
	if f.minNum != nil && n < *f.minNum {
		m := int(*f.minNum)
		issues = append(issues, dkIssue{Origin: "number", Code: "too_small", Minimum: &m, Inclusive: ptrTrue(),
			Path: []any{f.name}, Message: fmt.Sprintf("Too small: expected number to be >=%d", m)})
	}
	if f.maxNum != nil && n > *f.maxNum {
		m := int(*f.maxNum)
		issues = append(issues, dkIssue{Origin: "number", Code: "too_big", Maximum: &m, Inclusive: ptrTrue(),
			Path: []any{f.name}, Message: fmt.Sprintf("Too big: expected number to be <=%d", m)})
	}
	return issues
}

// zodFormatPatterns are the patterns Zod 4 reports for its string formats (openapi-subset.json carries
// the email one).
var zodFormatPatterns = map[string]string{
	"email": `/^(?!\.)(?!.*\.\.)([A-Za-z0-9_'+\-\.]*)[A-Za-z0-9_+-]@([A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$/`,
}

func ptrTrue() *bool { t := true; return &t }

func ptrFloat(f float64) *float64 { return &f }

// Shorthands for schemas.

// reqStr is a required non-null string (z.string()), with a minimum length when minLen > 0.
func reqStr(name string, minLen int) dkField {
	return dkField{name: name, typ: tString, required: true, minLen: minLen}
}

// optStr is an optional non-null string.
func optStr(name string) dkField { return dkField{name: name, typ: tString} }

// nullStr is an optional nullable string.
func nullStr(name string) dkField { return dkField{name: name, typ: tString, nullable: true} }

// reqNullStr is a required but nullable string: it must be sent, null allowed.
func reqNullStr(name string) dkField {
	return dkField{name: name, typ: tString, required: true, nullable: true}
}
