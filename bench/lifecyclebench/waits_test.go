package lifecyclebench

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestReadWaits(t *testing.T) {
	lines := []string{
		`{"@level":"debug","@message":"netlify API request","@module":"provider","http_method":"GET","http_path":"/api/v1/sites","http_status":200}`,
		`{"@level":"debug","@message":"pacing a request to stay within the service's rate limit","@module":"provider","wait_ms":1200}`,
		`{"@level":"info","@message":"netlify API rate limit: waiting before retry","@module":"provider","wait":"2.5s","reason":"429"}`,
		`{"@level":"trace","@message":"pacing a mutative request","@module":"provider","wait_ms":1000}`,
		`not JSON, mentioning pacing a request to stay within the service's rate limit`,
		`{"@level":"debug","@message":"pacing a request to stay within the service's rate limit","@module":"provider","wait_ms":300}`,
	}
	path := filepath.Join(t.TempDir(), "provider.log")
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	w, err := readWaits(path)
	if err != nil {
		t.Fatal(err)
	}
	// GitHub's pacing of writes is not a rate-limit wait; a line that is not a log entry is not one either.
	if w.count != 3 || w.total != 4*time.Second {
		t.Errorf("waits %+v, want 3 waits of 4s in all", w)
	}
	if _, err := readWaits(filepath.Join(t.TempDir(), "missing.log")); err == nil {
		t.Error("a missing log: want an error")
	}
}
