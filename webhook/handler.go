package webhook

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// Body limits: GitHub caps a payload at 25 MB ("Webhook events and
// payloads": "Payloads are capped at 25 MB"); Jira's are an issue with its
// fields, far smaller, so a few MB is generous.
const (
	MaxGitHubBody int64 = 25 << 20
	MaxJiraBody   int64 = 4 << 20
)

// rememberedDeliveries bounds the delivery ids kept for deduplication.
const rememberedDeliveries = 4096

// maxReading bounds the bodies read at once: each may be 25 MB, and the
// signature can only be checked once all of it is read.
const maxReading = 4

// retryAfter is what a full queue asks the tracker to wait, in seconds.
const retryAfter = "5"

// Handler serves POST /hooks/github/{source} and /hooks/jira/{source}. It
// answers once the delivery is verified, parsed and queued (or refused); the
// re-fetching happens off the request. Nothing of a body or a secret is
// logged.
type Handler struct {
	// Endpoint returns the configured source's endpoint; false for a name
	// that is no source or has no webhook secret. Called per request, so a
	// reload applies at once.
	Endpoint func(source string) (Endpoint, bool)
	// Queue receives the hints; a full queue answers 503.
	Queue chan<- Hint
	// Observe counts every request by source ("" when unknown), event
	// ("" before the signature is verified) and result. May be nil.
	Observe func(source, event, result string)
	Logger  *slog.Logger
	Now     func() time.Time

	seen    *deliveries
	reading chan struct{} // a slot per body being read
}

// NewHandler returns a Handler over endpoint and queue.
func NewHandler(endpoint func(string) (Endpoint, bool), queue chan<- Hint, observe func(source, event, result string), log *slog.Logger) *Handler {
	return &Handler{Endpoint: endpoint, Queue: queue, Observe: observe, Logger: log, Now: time.Now,
		seen: newDeliveries(rememberedDeliveries), reading: make(chan struct{}, maxReading)}
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	received := h.Now()
	kind, source, ok := route(r.URL.Path)
	if !ok {
		h.answer(w, "", "", ResultUnknownSource, http.StatusNotFound)
		return
	}
	ep, ok := h.Endpoint(source)
	if !ok || ep.Kind != kind {
		h.answer(w, "", "", ResultUnknownSource, http.StatusNotFound)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		h.answer(w, source, "", ResultBadMethod, http.StatusMethodNotAllowed)
		return
	}
	body, err := h.read(w, r, kind)
	var tooLarge *http.MaxBytesError
	switch {
	case errors.Is(err, errBusy):
		w.Header().Set("Retry-After", retryAfter)
		h.answer(w, source, "", ResultQueueFull, http.StatusServiceUnavailable)
		return
	case errors.As(err, &tooLarge):
		h.answer(w, source, "", ResultTooLarge, http.StatusRequestEntityTooLarge)
		return
	case err != nil:
		h.answer(w, source, "", ResultMalformed, http.StatusBadRequest)
		return
	}
	if !verified(kind, r, body, ep.Secret) {
		h.answer(w, source, "", ResultBadSignature, http.StatusUnauthorized)
		return
	}
	hint, delivery, status := h.parse(kind, r, body)
	hint.Source, hint.Received = source, received
	switch {
	case status != 0:
		h.answer(w, source, hint.Event, ResultMalformed, status)
	case delivery != "" && h.seen.has(delivery):
		h.answer(w, source, hint.Event, ResultDuplicate, http.StatusOK)
	case len(hint.Keys) == 0 && hint.Label == nil && !ep.configured(hint.Board):
		h.answer(w, source, hint.Event, ResultIgnored, http.StatusOK)
	default:
		h.enqueue(w, hint, delivery)
	}
}

// errBusy says maxReading bodies are being read already.
var errBusy = errors.New("too many webhook bodies being read")

// read reads r's body within kind's limit; errBusy, without reading, when
// maxReading bodies are being read already.
func (h *Handler) read(w http.ResponseWriter, r *http.Request, kind Kind) ([]byte, error) {
	select {
	case h.reading <- struct{}{}:
	default:
		return nil, errBusy
	}
	defer func() { <-h.reading }()
	limit := MaxJiraBody
	if kind == GitHub {
		limit = MaxGitHubBody
	}
	return io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
}

// enqueue queues hint without waiting; a full queue answers 503 with
// Retry-After, and the delivery is not remembered, so its redelivery counts.
func (h *Handler) enqueue(w http.ResponseWriter, hint Hint, delivery string) {
	select {
	case h.Queue <- hint:
	default:
		w.Header().Set("Retry-After", retryAfter)
		h.answer(w, hint.Source, hint.Event, ResultQueueFull, http.StatusServiceUnavailable)
		return
	}
	if delivery != "" {
		h.seen.add(delivery)
	}
	h.answer(w, hint.Source, hint.Event, ResultAccepted, http.StatusAccepted)
}

// parse reads a verified delivery: its hint (Event a known name or
// "other"), its delivery id, and a status other than 0 when the JSON is
// malformed.
func (h *Handler) parse(kind Kind, r *http.Request, body []byte) (Hint, string, int) {
	if kind == GitHub {
		event := r.Header.Get("X-GitHub-Event")
		parse, known := githubEvents[event]
		if !known {
			if event != "ping" {
				event = "other"
			}
			return Hint{Event: event}, r.Header.Get("X-GitHub-Delivery"), 0
		}
		hint, err := parse(body)
		hint.Event = event
		if err != nil {
			return hint, "", http.StatusBadRequest
		}
		return hint, r.Header.Get("X-GitHub-Delivery"), 0
	}
	event, keys, err := jiraKeys(body)
	if !jiraEvents[event] {
		event = "other"
	}
	if err != nil {
		return Hint{Event: event}, "", http.StatusBadRequest
	}
	return Hint{Event: event, Keys: keys}, r.Header.Get("X-Atlassian-Webhook-Identifier"), 0
}

// route splits /hooks/{kind}/{source}.
func route(path string) (Kind, string, bool) {
	rest, ok := strings.CutPrefix(path, "/hooks/")
	kind, source, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 || source == "" || strings.Contains(source, "/") || (Kind(kind) != GitHub && Kind(kind) != Jira) {
		return "", "", false
	}
	return Kind(kind), source, true
}

func (h *Handler) answer(w http.ResponseWriter, source, event, result string, status int) {
	if h.Observe != nil {
		h.Observe(source, event, result)
	}
	if status >= 400 && h.Logger != nil {
		h.Logger.Debug("webhook refused", "source", source, "event", event, "result", result, "status", status)
	}
	w.WriteHeader(status)
}
