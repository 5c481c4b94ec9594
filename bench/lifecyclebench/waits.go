package lifecyclebench

import (
	"bufio"
	"encoding/json"
	"os"
	"strings"
	"time"
)

// The provider's log messages of a wait for a rate limit (internal/httpx): ahead of the limit, to stay
// inside the budget a service announces (pacing.go, with wait_ms), and after a refusal (retry.go, with
// wait as a duration).
const (
	budgetWaitMessage  = "pacing a request to stay within the service's rate limit"
	refusalWaitMessage = "API rate limit: waiting before retry"
)

// waits counts the provider's waits for a rate limit and their total time.
type waits struct {
	count int
	total time.Duration
}

// readWaits reads the waits from a provider's log: one JSON object a line, as terraform-plugin-log writes
// them, with the message in "@message".
func readWaits(path string) (waits, error) {
	f, err := os.Open(path)
	if err != nil {
		return waits{}, err
	}
	defer func() { _ = f.Close() }() // read only
	var w waits
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
	for sc.Scan() {
		w.add(sc.Text())
	}
	return w, sc.Err()
}

// add counts line if it notes a wait for a rate limit.
func (w *waits) add(line string) {
	if !strings.Contains(line, budgetWaitMessage) && !strings.Contains(line, refusalWaitMessage) {
		return
	}
	var entry struct {
		Message string          `json:"@message"`
		WaitMS  *float64        `json:"wait_ms"`
		Wait    json.RawMessage `json:"wait"`
	}
	if err := json.Unmarshal([]byte(line), &entry); err != nil ||
		(!strings.Contains(entry.Message, budgetWaitMessage) && !strings.Contains(entry.Message, refusalWaitMessage)) {
		return
	}
	w.count++
	switch {
	case entry.WaitMS != nil:
		w.total += time.Duration(*entry.WaitMS * float64(time.Millisecond))
	case len(entry.Wait) > 0:
		var s string
		if json.Unmarshal(entry.Wait, &s) == nil {
			if d, err := time.ParseDuration(s); err == nil {
				w.total += d
			}
		}
	}
}
