package githost

import (
	"slices"
	"strings"
	"testing"
)

func TestNormalizeEvents(t *testing.T) {
	got, err := NormalizeEvents([]string{EventTag, EventPush, EventTag, EventPullRequest})
	if err != nil || !slices.Equal(got, []string{"pull_request", "push", "tag"}) {
		t.Fatalf("NormalizeEvents = %v, %v; want sorted without duplicates", got, err)
	}
	for _, bad := range [][]string{nil, {}, {"push", "create"}, {"merge_requests_events"}} {
		if _, err := NormalizeEvents(bad); err == nil {
			t.Errorf("NormalizeEvents(%q) succeeded, want an error", bad)
		}
	}
	if _, err := NormalizeEvents([]string{"issues"}); err == nil || !strings.Contains(err.Error(), `"issues"`) {
		t.Errorf("error %v does not name the unknown event", err)
	}
}

func TestValidateOwner(t *testing.T) {
	valid := map[string][]string{
		GitHub: {"", "octocat", "my-org", "emu_short1"},
		GitLab: {"", "gitlab-org", "group/sub.group/deeper_1", "12345", "some.user"},
	}
	invalid := map[string][]string{
		GitHub: {"-bad", "a/b", "a--b", "has space", strings.Repeat("a", 40)},
		GitLab: {"group/", "/group", "a//b", "..", "-x", "group/x.git", "a%2Fb"},
	}
	for kind, owners := range valid {
		for _, owner := range owners {
			if err := ValidateOwner(kind, owner); err != nil {
				t.Errorf("ValidateOwner(%s, %q) = %v, want nil", kind, owner, err)
			}
		}
	}
	for kind, owners := range invalid {
		for _, owner := range owners {
			if err := ValidateOwner(kind, owner); err == nil {
				t.Errorf("ValidateOwner(%s, %q) = nil, want an error", kind, owner)
			}
		}
	}
	if err := ValidateOwner("bitbucket", "x"); err == nil {
		t.Error("ValidateOwner accepted an unknown kind")
	}
}

func TestRepositoryFilter(t *testing.T) {
	repos := []Repository{
		{Name: "a", Visibility: VisibilityPublic},
		{Name: "b", Visibility: VisibilityPrivate},
		{Name: "c", Visibility: VisibilityInternal},
		{Name: "d", Visibility: VisibilityPrivate},
	}
	kept := func(in ListRepositoriesInput) string {
		t.Helper()
		keep, err := RepositoryFilter(in)
		if err != nil {
			t.Fatalf("RepositoryFilter(%+v): %v", in, err)
		}
		var names []string
		for i := range repos {
			if keep(&repos[i]) {
				names = append(names, repos[i].Name)
			}
		}
		return strings.Join(names, ",")
	}
	notD := func(r *Repository) bool { return r.Name != "d" }
	checks := []struct {
		in   ListRepositoriesInput
		want string
	}{
		{ListRepositoriesInput{}, "a,b,c,d"},
		{ListRepositoriesInput{Visibility: VisibilityAll}, "a,b,c,d"},
		{ListRepositoriesInput{Visibility: VisibilityPrivate}, "b,d"},
		{ListRepositoriesInput{Visibility: VisibilityInternal}, "c"},
		{ListRepositoriesInput{Visibility: VisibilityPrivate, Keep: notD}, "b"},
	}
	for _, check := range checks {
		if got := kept(check.in); got != check.want {
			t.Errorf("kept %q for %+v, want %q", got, check.in, check.want)
		}
	}
	if _, err := RepositoryFilter(ListRepositoriesInput{Visibility: "secret"}); err == nil {
		t.Error("RepositoryFilter accepted visibility \"secret\"")
	}
	if _, err := RepositoryFilter(ListRepositoriesInput{MaxItems: -1}); err == nil {
		t.Error("RepositoryFilter accepted a negative MaxItems")
	}
}
