// Package streaming serves the WebSocket forms of pods/exec, pods/attach
// and pods/portforward by translating them to SPDY/3.1 towards the kubelet,
// whose runtime streaming server speaks only SPDY.
//
// Exec and attach accept the v5.channel.k8s.io and v4.channel.k8s.io
// WebSocket subprotocols, where each binary message starts with a channel
// byte (0 stdin, 1 stdout, 2 stderr, 3 error, 4 resize; with v5, 255
// closes the channel named by the next byte), and open one SPDY stream per
// channel with the v4.channel.k8s.io stream protocol. Port-forward accepts
// the SPDY/3.1+portforward.k8s.io subprotocol, whose binary messages carry
// the bytes of a SPDY session: they are copied both ways to a plain SPDY
// upgrade to the kubelet, the client and the kubelet remaining the two ends
// of that session.
//
// The kubelet is dialled before the client's WebSocket is accepted, so a
// kubelet that refuses the upgrade is answered with its own HTTP error.
package streaming
