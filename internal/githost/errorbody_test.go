package githost

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSummarizeErrorBody(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{name: "plain text", in: "upstream connect error\n", want: "upstream connect error"},
		{name: "html page", in: "<html>\n<head><title>502 Bad Gateway</title></head>\n<body><center><h1>502 Bad Gateway</h1></center>\n<hr><center>nginx</center></body></html>\n", want: "502 Bad Gateway 502 Bad Gateway nginx"},
		{name: "empty", in: "", want: ""},
		{name: "invalid utf-8", in: "bad \xff byte", want: "bad ? byte"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SummarizeErrorBody([]byte(tt.in)); got != tt.want {
				t.Fatalf("SummarizeErrorBody(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}

	long := SummarizeErrorBody([]byte(strings.Repeat("é", 500)))
	if utf8.RuneCountInString(long) != errorBodySummaryMax+1 || !strings.HasSuffix(long, "…") {
		t.Fatalf("long body summary has %d runes (%q...), want %d and an ellipsis", utf8.RuneCountInString(long), long[:20], errorBodySummaryMax+1)
	}
}
