// Package testing has builders for pods and nodes used by the scheduler's tests.
package testing
