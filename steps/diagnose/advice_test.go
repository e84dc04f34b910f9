package diagnose

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/syncdoctor/syncdoctor/client"
)

func TestAdviceSaysWhatToDo(t *testing.T) {
	t.Parallel()
	cases := []struct {
		err  error
		want string
	}{
		{&client.AuthError{Op: "search users", HTTPStatus: 401, API: client.APIOrg}, "ATLASSIAN_ORG_API_KEY"},
		{&client.AuthError{Op: "read SCIM user", HTTPStatus: 401, API: client.APISCIM, Directory: "d-1"}, "SCIM API key of directory d-1"},
		{&client.RateLimitError{Op: "search users", Attempts: 5, RetryAfter: 42 * time.Second}, "Wait 42s"},
		{fmt.Errorf("search users: %w", &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}), "Check the network"},
	}
	for _, c := range cases {
		if got := Advice(c.err); !strings.Contains(got, c.want) {
			t.Errorf("%v: %q lacks %q", c.err, got, c.want)
		}
	}
}
