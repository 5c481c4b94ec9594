package netlify

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// flexString decodes a JSON string or number (or null) into its text: Netlify's schema types a
// repository id as an integer, but a Bitbucket id is "workspace/repo", and the support guide shows
// installation_id quoted.
type flexString string

func (f *flexString) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	switch {
	case bytes.Equal(data, []byte("null")):
		*f = ""
	case len(data) > 0 && data[0] == '"':
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return err
		}
		*f = flexString(s)
	default:
		var n json.Number
		if err := json.Unmarshal(data, &n); err != nil {
			return fmt.Errorf("want a string or a number, got %s", data)
		}
		*f = flexString(n.String())
	}
	return nil
}

// flexInt64 decodes a JSON number or a quoted number (or null, or "") into an int64.
type flexInt64 int64

func (f *flexInt64) UnmarshalJSON(data []byte) error {
	var s flexString
	if err := s.UnmarshalJSON(data); err != nil {
		return err
	}
	if s == "" {
		*f = 0
		return nil
	}
	n, err := strconv.ParseInt(string(s), 10, 64)
	if err != nil {
		return fmt.Errorf("want an integer, got %s", data)
	}
	*f = flexInt64(n)
	return nil
}
