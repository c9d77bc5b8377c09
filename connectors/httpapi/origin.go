package httpapi

import (
	"fmt"
	"net/url"
	"strings"
)

// Origin is a URL's scheme, host and port, the port made explicit, as in
// "https://api.github.com:443": the unit credentials are bound to.
func Origin(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[strings.ToLower(u.Scheme)]
	}
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Hostname()) + ":" + port
}

// OriginError is a request refused because it would have carried a source's
// credentials to an origin other than the configured API's: a redirect to
// another host, or a URL the API handed out.
type OriginError struct {
	Allowed string // the configured API's origin
	From    string // the origin that redirected; "" when not a redirect
	To      string // the origin refused
}

func (e *OriginError) Error() string {
	if e.From != "" {
		return fmt.Sprintf("refused the redirect from %s to %s: the source's credentials go only to %s", e.From, e.To, e.Allowed)
	}
	return fmt.Sprintf("refused a request to %s: the source's credentials go only to %s", e.To, e.Allowed)
}

// Permanent: the server will redirect again; the configured URL needs fixing.
func (e *OriginError) Permanent() bool { return true }
