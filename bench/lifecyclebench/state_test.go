package lifecyclebench

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// chunkStateJSON is a state as Terraform 1.11 writes it for n chains of two resources, with count indexes
// from 0 and ids that name the chunk.
func chunkStateJSON(lineage string, n int) string {
	var sites, keys []string
	for i := range n {
		idx := strconv.Itoa(i)
		sites = append(sites, `{"index_key": `+idx+`, "schema_version": 0, "attributes": {"id": "site-`+lineage+idx+`"}, "sensitive_attributes": [], "private": "e30="}`)
		keys = append(keys, `{"index_key": `+idx+`, "schema_version": 0, "attributes": {"id": "key-`+lineage+idx+`"}, "dependencies": ["gitdeploy_site.chain"]}`)
	}
	return `{"version": 4, "terraform_version": "1.11.4", "serial": 9, "lineage": "` + lineage + `", "outputs": {}, "resources": [
	  {"mode": "managed", "type": "gitdeploy_site", "name": "chain", "provider": "provider[\"registry.terraform.io/gitdeploy/gitdeploy\"]", "each": "list", "instances": [` + strings.Join(sites, ",") + `]},
	  {"mode": "managed", "type": "gitdeploy_deploy_key", "name": "chain", "provider": "provider[\"registry.terraform.io/gitdeploy/gitdeploy\"]", "each": "list", "instances": [` + strings.Join(keys, ",") + `]}
	], "check_results": null}`
}

func TestJoinStates(t *testing.T) {
	dir := t.TempDir()
	var chunks []chunkState
	for _, c := range []struct {
		lineage string
		offset  int
		n       int
	}{{"a", 0, 3}, {"b", 3, 3}, {"c", 6, 1}} {
		path := filepath.Join(dir, c.lineage+".tfstate")
		if err := os.WriteFile(path, []byte(chunkStateJSON(c.lineage, c.n)), 0o600); err != nil {
			t.Fatal(err)
		}
		chunks = append(chunks, chunkState{path: path, offset: c.offset})
	}
	out := filepath.Join(dir, "terraform.tfstate")
	if err := joinStates(chunks, out); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		Version   int    `json:"version"`
		Lineage   string `json:"lineage"`
		Serial    int    `json:"serial"`
		Resources []struct {
			Type      string `json:"type"`
			Each      string `json:"each"`
			Instances []struct {
				IndexKey     int               `json:"index_key"`
				Attributes   map[string]string `json:"attributes"`
				Private      string            `json:"private"`
				Dependencies []string          `json:"dependencies"`
			} `json:"instances"`
		} `json:"resources"`
		CheckResults *json.RawMessage `json:"check_results"`
	}
	if err := json.Unmarshal(data, &st); err != nil {
		t.Fatal(err)
	}
	if st.Version != 4 || st.Lineage != "a" || st.Serial != 9 || len(st.Resources) != 2 {
		t.Fatalf("joined state: version %d, lineage %q, serial %d, %d resources; want the first chunk's fields and both resources",
			st.Version, st.Lineage, st.Serial, len(st.Resources))
	}
	wantIDs := []string{"a0", "a1", "a2", "b0", "b1", "b2", "c0"}
	for _, res := range st.Resources {
		if res.Each != "list" || len(res.Instances) != len(wantIDs) {
			t.Fatalf("%s: each %q, %d instances; want list and %d", res.Type, res.Each, len(res.Instances), len(wantIDs))
		}
		prefix := "site-"
		if res.Type == "gitdeploy_deploy_key" {
			prefix = "key-"
		}
		for i, inst := range res.Instances {
			if inst.IndexKey != i || inst.Attributes["id"] != prefix+wantIDs[i] {
				t.Errorf("%s[%d]: index %d, id %q; want index %d, id %q", res.Type, i, inst.IndexKey, inst.Attributes["id"], i, prefix+wantIDs[i])
			}
			if res.Type == "gitdeploy_site" && inst.Private != "e30=" {
				t.Errorf("%s[%d]: private state %q lost", res.Type, i, inst.Private)
			}
			if res.Type == "gitdeploy_deploy_key" && (len(inst.Dependencies) != 1 || inst.Dependencies[0] != "gitdeploy_site.chain") {
				t.Errorf("%s[%d]: dependencies %v lost", res.Type, i, inst.Dependencies)
			}
		}
	}

	if err := joinStates(nil, out); err == nil {
		t.Error("no chunks: want an error")
	}
	bad := filepath.Join(dir, "bad.tfstate")
	if err := os.WriteFile(bad, []byte(`{"version": 3, "resources": []}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := joinStates([]chunkState{{path: bad}}, out); err == nil || !strings.Contains(err.Error(), "version 3") {
		t.Errorf("a version 3 state: %v, want an error", err)
	}
}
