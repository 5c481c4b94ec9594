package githost

import (
	"fmt"
	"slices"
	"strings"
)

// NormalizeEvents checks that every event is in the provider's vocabulary (Events) and returns them
// sorted without duplicates. A hook needs at least one event: with none, GitHub would fall back to
// its default (push) and a GitLab hook would never fire.
func NormalizeEvents(events []string) ([]string, error) {
	if len(events) == 0 {
		return nil, fmt.Errorf("a webhook needs at least one event: one or more of %s", strings.Join(Events, ", "))
	}
	out := make([]string, 0, len(events))
	for _, event := range events {
		if !slices.Contains(Events, event) {
			return nil, fmt.Errorf("unknown webhook event %q: must be one of %s", event, strings.Join(Events, ", "))
		}
		out = append(out, event)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}
