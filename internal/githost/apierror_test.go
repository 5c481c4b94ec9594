package githost

import (
	"errors"
	"net/http"
	"testing"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/httpx"
)

func TestExplainMissingRepository(t *testing.T) {
	notFound := func() *httpx.APIError {
		return &httpx.APIError{Service: "GitHub", Operation: "create webhook", Method: "POST",
			Path: "/repos/acme/web/hooks", StatusCode: http.StatusNotFound, Message: "Not Found"}
	}
	t.Run("read", func(t *testing.T) {
		err := ExplainMissingRepository(notFound(), "acme/web", ReadAccess)
		want := `GitHub: create webhook (POST /repos/acme/web/hooks) answered 404: repository "acme/web" does not exist or is not visible to the token (Not Found)`
		if err.Error() != want {
			t.Errorf("got  %q\nwant %q", err, want)
		}
		if !httpx.IsNotFound(err) {
			t.Error("the explained error must still be a 404 for httpx.IsNotFound")
		}
	})
	t.Run("admin", func(t *testing.T) {
		err := ExplainMissingRepository(notFound(), "acme/web", AdminAccess)
		want := `answered 404: repository "acme/web" does not exist or is not visible to the token, or the token lacks the admin rights that deploy keys and webhooks need (Not Found)`
		if got := err.Error(); len(got) < len(want) || got[len(got)-len(want):] != want {
			t.Errorf("got  %q\nwant …%q", got, want)
		}
	})
	t.Run("explained once", func(t *testing.T) {
		once := ExplainMissingRepository(notFound(), "acme/web", ReadAccess)
		if twice := ExplainMissingRepository(once, "acme/web", ReadAccess); twice.Error() != once.Error() {
			t.Errorf("explained twice: %q", twice)
		}
	})
	t.Run("other errors unchanged", func(t *testing.T) {
		forbidden := notFound()
		forbidden.StatusCode = http.StatusForbidden
		plain := errors.New("repository name is invalid")
		for _, err := range []error{forbidden, plain, nil} {
			if got := ExplainMissingRepository(err, "acme/web", AdminAccess); got != err { //nolint:errorlint // identity is the point
				t.Errorf("%v was changed into %v", err, got)
			}
		}
	})
}
