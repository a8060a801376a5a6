// Package dynamic is a client over unstructured objects (JSON maps), for
// kinds the program does not know at compile time (custom resources,
// kubectl-style tools, garbage collection).
package dynamic
