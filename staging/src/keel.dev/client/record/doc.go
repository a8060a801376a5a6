// Package record writes core/v1 Events about objects, asynchronously and
// with Kubernetes' aggregation: an identical event within the cache bumps
// the stored event's count and lastTimestamp with a PATCH; more than ten
// similar events (same object, type and reason, different messages) in ten
// minutes are combined into one; and a token bucket per object and event
// type (burst 25, one token per five minutes) drops event storms. Callers
// never block: the queue is bounded and drops when full.
package record
