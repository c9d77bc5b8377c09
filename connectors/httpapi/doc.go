// Package httpapi is the HTTP layer every connector talks to its API through:
// one stack per source, built the same way for GitHub and Jira,
//
//	client library (go-github, go-jira)
//	  → credentials (token, GitHub App, Basic or bearer), added by the connector
//	  → [GitHub: conditional-request cache of issue sub-resources]
//	  → Transport: origin guard, concurrency bound, per-attempt bounds, retries
//	  → Meter: requests by status and the quota, read by sync, metrics, readiness
//	  → the network: connect, TLS handshake and response header timeouts
//
// Credentials go only to the configured API origin (scheme, host, port):
// Transport refuses any request to another, a redirect included, with an
// *OriginError naming both. Every attempt is bounded by RequestTimeout (body
// included) and its body by MaxBody; a hung or runaway server fails that
// attempt with a *DeadlineError or *BodyLimitError.
//
// # Retries happen at three stages, each for what it can see
//
//  1. Per request (Transport): a response the connector's Policy marks
//     retryable is sent again, up to MaxRetries (3) times, after the wait the
//     server asked for (Retry-After, a rate limit's reset) or else capped
//     exponential backoff, provided the wait is no longer than MaxWait (2m).
//     Otherwise the last response is handed back for the client library to
//     report. An attempt that got no answer (refused connection, deadline) is
//     not retried here: the round decides.
//  2. Per connector policy (its Policy and its error mapping): GitHub retries
//     5xx after seconds, 429 and secondary rate limits after Retry-After or its
//     Backoff, and an exhausted primary limit only when its reset is within
//     MaxWait; Jira retries 429 and 5xx (DefaultPolicy). Each connector turns
//     what remains into an *APIError that says whether retrying soon can help
//     (Permanent: 400, 401, 403, 404, 410, a refused origin, an oversize body)
//     and how long the server asked to wait (RetryAfter). A GitHub source goes
//     on with its other repositories when one fails.
//  3. Per round (sync.Engine): a failed round is retried with its own backoff
//     (3 times, from 5s to 5m) unless the error is permanent; a rate limit
//     lifting later than that ends the round and the source resumes when it
//     lifts. A round is bounded by the engine's RoundTimeout. Pages already
//     committed stay committed, so a retried round resumes from their cursors.
package httpapi
