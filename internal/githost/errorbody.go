package githost

import (
	"strings"
	"unicode/utf8"
)

// errorBodySummaryMax bounds how much of an unexpected body goes into an error message.
const errorBodySummaryMax = 200

// SummarizeErrorBody turns a body that is not the service's JSON error (a proxy's HTML page, plain
// text) into one readable line for an error message: tags dropped, whitespace collapsed, cut short.
func SummarizeErrorBody(body []byte) string {
	text := string(body)
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, "?")
	}
	if strings.HasPrefix(strings.TrimSpace(text), "<") {
		text = stripTags(text)
	}
	text = strings.Join(strings.Fields(text), " ")
	if utf8.RuneCountInString(text) > errorBodySummaryMax {
		runes := []rune(text)
		text = string(runes[:errorBodySummaryMax]) + "…"
	}
	return text
}

// stripTags drops everything between '<' and '>': enough for the short error pages of proxies and
// load balancers, which is where non-JSON error bodies come from.
func stripTags(html string) string {
	var b strings.Builder
	inTag := false
	for _, r := range html {
		switch {
		case r == '<':
			inTag = true
			b.WriteByte(' ')
		case r == '>':
			inTag = false
		case !inTag:
			b.WriteRune(r)
		}
	}
	return b.String()
}
