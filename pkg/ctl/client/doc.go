// Package client is the raw HTTP layer of ctl: JSON requests with explicit
// Accept and Content-Type headers, Status error decoding, watch streams of
// JSON events, kubectl's wording for connection failures, and the upgraded
// connections of exec (WebSocket, v5.channel.k8s.io) and port-forward
// (SPDY/3.1, tunnelled in a WebSocket first and then plain, as kubectl
// tries them).
package client
