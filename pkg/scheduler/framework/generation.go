package framework

import "sync/atomic"

var generation atomic.Int64

// nextGeneration returns a process-wide increasing counter for NodeInfo changes.
func nextGeneration() int64 { return generation.Add(1) }

// NextGeneration returns a new generation; the cache stamps node changes with it.
func NextGeneration() int64 { return nextGeneration() }
