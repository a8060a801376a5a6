// Package client is the raw HTTP layer of ctl: JSON requests with explicit
// Accept and Content-Type headers, Status error decoding, watch streams of
// JSON events, and kubectl's wording for connection failures.
package client
