package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"strings"
)

// signedSHA256 reports whether header is "sha256=" and the hex HMAC-SHA256
// of body under secret, compared in constant time. GitHub sends it as
// X-Hub-Signature-256 ("Validating webhook deliveries",
// https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries);
// Jira Cloud as X-Hub-Signature, in WebSub's method=signature form
// (https://developer.atlassian.com/cloud/jira/platform/webhooks/#secure-admin-webhooks).
// Any other algorithm (GitHub's legacy sha1=) is refused.
func signedSHA256(header string, body, secret []byte) bool {
	hexSig, ok := strings.CutPrefix(header, "sha256=")
	if !ok {
		return false
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil {
		return false
	}
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	return hmac.Equal(got, mac.Sum(nil))
}

// verified reports whether r, with body, comes from the tracker that knows
// secret. GitHub must sign with SHA-256. Jira must sign when it sends a
// signature; a Data Center webhook, which cannot sign, may instead carry the
// secret as ?token= in its URL, compared in constant time: weaker, since the
// secret then sits in Jira's configuration and in any proxy's access log.
func verified(kind Kind, r *http.Request, body, secret []byte) bool {
	if kind == GitHub {
		return signedSHA256(r.Header.Get("X-Hub-Signature-256"), body, secret)
	}
	if sig := r.Header.Get("X-Hub-Signature"); sig != "" {
		return signedSHA256(sig, body, secret)
	}
	token := r.URL.Query().Get("token")
	return token != "" && subtle.ConstantTimeCompare([]byte(token), secret) == 1
}
