package provider

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/emulator"
)

// leakMarkers are what must never appear in a log: the emulator's tokens, every webhook secret the tests
// use (all start with this prefix), the OAuth secret of the tests' GitLab connections and any private key.
var leakMarkers = []string{testNetlifyToken, testGitHubToken, testGitLabToken, testDokployAPIKey, "tfacc-hook-secret", "PRIVATE KEY",
	emulator.DefaultGiteaToken, emulator.DefaultBitbucketAPIToken, "gitdeploy-oauth-secret", // git-provider connections' credentials
	"/dokploy/api/deploy/",         // a Dokploy deploy URL holds its refresh token
	"ghs_", "eyJhbGciOiJSUzI1NiIs"} // GitHub App installation tokens and the JWTs (RS256 header) that fetch them

// scanLog returns the lines of a TF_LOG log that hold a leak marker, and how many lines the provider's
// HTTP stack logged (so that an empty or misdirected log cannot pass). The test harness's dump of each
// test's own configuration ("test_terraform_configuration=" followed by "  | " lines) is the test's
// input, which holds the tokens the tests configure; it is not output of Terraform or the provider and is
// skipped.
func scanLog(r io.Reader) (leaks []string, requestLines int, err error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1024*1024), 64*1024*1024)
	inConfigDump := false
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if inConfigDump && strings.HasPrefix(line, "  |") {
			continue
		}
		inConfigDump = strings.HasSuffix(line, "test_terraform_configuration=")
		if strings.Contains(line, " API request:") {
			requestLines++
		}
		for _, m := range leakMarkers {
			if strings.Contains(line, m) {
				if len(line) > 300 {
					line = line[:300] + "…"
				}
				leaks = append(leaks, fmt.Sprintf("line %d holds %q: %s", n, m, line))
			}
		}
	}
	return leaks, requestLines, sc.Err()
}

// TestLogScan checks the TF_LOG=TRACE log of the whole acceptance suite, which `make test` writes and
// names in GITDEPLOY_SCAN_LOG: no token, webhook secret or private key may appear in it.
func TestLogScan(t *testing.T) {
	path := os.Getenv("GITDEPLOY_SCAN_LOG")
	if path == "" {
		t.Skip("GITDEPLOY_SCAN_LOG names the log of an acceptance run; make test sets it")
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	leaks, requestLines, err := scanLog(f)
	if err != nil {
		t.Fatal(err)
	}
	if requestLines < 100 {
		t.Fatalf("%s holds only %d request log lines of the provider: was it written by the acceptance suite with TF_LOG=TRACE?", path, requestLines)
	}
	for _, l := range leaks {
		t.Error(l)
	}
	t.Logf("scanned %s: %d provider request lines, %d leaks", path, requestLines, len(leaks))
}

// The scanner itself: it finds a planted secret anywhere but in the harness's configuration dump.
func TestScanLogFindsLeaks(t *testing.T) {
	log := strings.Join([]string{
		`2026-01-01T00:00:00Z [DEBUG] gitdeploy: GitHub API request: http_method=GET http_path=/github/api/v3/user`,
		`2026-01-01T00:00:00Z [TRACE] sdk.helper_resource: Setting Terraform configuration: test_step_number=1`,
		`  test_terraform_configuration=`,
		`  | token = "` + testGitHubToken + `"`,
		`  | secret = "tfacc-hook-secret-x"`,
		`2026-01-01T00:00:01Z [DEBUG] gitdeploy: GitLab API request: header=PRIVATE-TOKEN:` + testGitLabToken,
		`2026-01-01T00:00:02Z [TRACE] provider: body={"secret":"tfacc-hook-secret-y"}`,
	}, "\n")
	leaks, requests, err := scanLog(strings.NewReader(log))
	if err != nil {
		t.Fatal(err)
	}
	if requests != 2 {
		t.Errorf("counted %d request lines, want 2", requests)
	}
	if len(leaks) != 2 || !strings.Contains(leaks[0], "line 6") || !strings.Contains(leaks[1], "line 7") {
		t.Errorf("leaks = %q, want lines 6 and 7 only", leaks)
	}
}
