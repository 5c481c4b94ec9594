package lifecyclebench

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
)

// A plan-only point needs the state of N applied chains, and a single apply of a thousand chains would
// take most of the run: Terraform's local backend writes the whole state after each resource, so the
// time grows with the square of the resources. The bench applies the chains in chunks of a few hundred
// resources instead, each with a state of its own, and joins the states that Terraform wrote into the
// state of the whole configuration: chunk k's instance i is the whole configuration's instance
// offset+i, with the same values (writeChainConfig's offset). The plan measured on it is a real
// terraform plan, which refreshes every object.

// stateResource is a resource of Terraform's state format (version 4), its fields as Terraform wrote
// them; joining reads the address and the instances and keeps everything else.
type stateResource map[string]json.RawMessage

// address is the resource's module, mode, type and name.
func (r stateResource) address() string {
	var parts []string
	for _, field := range []string{"module", "mode", "type", "name"} {
		var v string
		_ = json.Unmarshal(r[field], &v) // an absent field (module, at the root) is ""
		parts = append(parts, v)
	}
	return strings.Join(parts, " ")
}

func (r stateResource) instances() ([]map[string]json.RawMessage, error) {
	var out []map[string]json.RawMessage
	err := json.Unmarshal(r["instances"], &out)
	return out, err
}

// chunkState is the state of one chunk and the number of its first chain (0-based).
type chunkState struct {
	path   string
	offset int
}

// joinStates writes to out the state of all chunks' chains, with each instance's index moved by its
// chunk's offset. The first chunk's top-level fields (lineage, serial, Terraform version) are kept.
func joinStates(chunks []chunkState, out string) error {
	if len(chunks) == 0 {
		return errors.New("no states to join")
	}
	var top map[string]json.RawMessage
	var order []string
	resources := map[string]stateResource{}
	instances := map[string][]map[string]json.RawMessage{}
	for _, c := range chunks {
		data, err := os.ReadFile(c.path)
		if err != nil {
			return err
		}
		var st struct {
			Version   int             `json:"version"`
			Resources []stateResource `json:"resources"`
		}
		if err := json.Unmarshal(data, &st); err != nil {
			return fmt.Errorf("%s: %w", c.path, err)
		}
		if st.Version != 4 {
			return fmt.Errorf("%s: state version %d, want 4", c.path, st.Version)
		}
		if top == nil {
			if err := json.Unmarshal(data, &top); err != nil {
				return err
			}
		}
		for _, res := range st.Resources {
			addr := res.address()
			insts, err := res.instances()
			if err != nil {
				return fmt.Errorf("%s: %s: %w", c.path, addr, err)
			}
			for _, inst := range insts {
				if err := shiftIndex(inst, c.offset); err != nil {
					return fmt.Errorf("%s: %s: %w", c.path, addr, err)
				}
			}
			if _, seen := resources[addr]; !seen {
				order = append(order, addr)
				resources[addr] = res
			}
			instances[addr] = append(instances[addr], insts...)
		}
	}
	var all []stateResource
	for _, addr := range order {
		insts, err := json.Marshal(instances[addr])
		if err != nil {
			return err
		}
		res := resources[addr]
		res["instances"] = insts
		all = append(all, res)
	}
	joined, err := json.Marshal(all)
	if err != nil {
		return err
	}
	top["resources"] = joined
	data, err := json.MarshalIndent(top, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(out, append(data, '\n'), 0o600)
}

// shiftIndex adds offset to an instance's count index.
func shiftIndex(inst map[string]json.RawMessage, offset int) error {
	raw, ok := inst["index_key"]
	if !ok {
		return errors.New("an instance without a count index")
	}
	var index int
	if err := json.Unmarshal(raw, &index); err != nil {
		return fmt.Errorf("index_key %s is not a count index", raw)
	}
	shifted, err := json.Marshal(index + offset)
	if err != nil {
		return err
	}
	inst["index_key"] = shifted
	return nil
}
