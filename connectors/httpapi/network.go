package httpapi

import (
	"net"
	"net/http"
	"time"
)

// The bounds of every API call. They fit both vendors' APIs and the 512Mi
// pod budget; a source's max_response_bytes sets its Transport's MaxBody.
const (
	// ConnectTimeout bounds dialling and the TLS handshake.
	ConnectTimeout = 10 * time.Second
	// ResponseHeaderTimeout bounds the wait for a response's headers once
	// the request is sent: a server that accepts and never answers.
	ResponseHeaderTimeout = time.Minute
	// RequestTimeout bounds one attempt of a request, body read included
	// (a server that answers a byte a minute). Retries get their own.
	RequestTimeout = 2 * time.Minute
	// MaxBody is the largest response body read: a GitHub page of 100 issues
	// with the largest bodies GitHub allows is about 10 MiB.
	MaxBody = 32 << 20
)

// idlePerHost is how many idle connections to one API are kept: as
// many as a source may have requests in flight (parallel, at most 16).
// net/http keeps 2, so every round of a source asking 4 at a time
// closed the others after its first burst and dialled (and, over TLS,
// handshook) them again at the next.
const idlePerHost = 16

// network is the transport every source's requests leave by (unless a test
// brings its own), shared so connections to the same API are reused.
var network = newNetwork(ConnectTimeout, ResponseHeaderTimeout)

// newNetwork returns a transport like http.DefaultTransport (proxy from the
// environment, HTTP/2, keep-alives) with connect, TLS handshake and response
// header timeouts.
func newNetwork(connect, header time.Duration) *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = (&net.Dialer{Timeout: connect, KeepAlive: 30 * time.Second}).DialContext
	t.TLSHandshakeTimeout = connect
	t.ResponseHeaderTimeout = header
	t.MaxIdleConnsPerHost = idlePerHost
	return t
}

func orNetwork(base http.RoundTripper) http.RoundTripper {
	if base == nil {
		return network
	}
	return base
}
