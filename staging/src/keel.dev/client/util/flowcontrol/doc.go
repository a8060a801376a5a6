// Package flowcontrol provides the client-side token bucket that limits the
// request rate of a REST client and of the work queue.
package flowcontrol
