// Package queue is the scheduling queue: an active heap ordered by the
// QueueSort plugin, a backoff heap (1 s doubling to 10 s per attempt), an
// unschedulable pool that cluster events matching the rejecting plugins'
// registered events move back (and that is flushed after 5 minutes), pods
// held by PreEnqueue gates, and the nominated-pods tracker.
//
//	Add ─▶ PreEnqueue ─┬─ gated ──(update removes gate)──┐
//	                   ▼                                  ▼
//	               activeQ ◀── backoffQ (expired) ◀── unschedulable pool ◀── event / 5 min
//	                   │ Pop                        ▲
//	                   ▼                            │ AddUnschedulableIfNotPresent
//	            scheduling cycle ───────────────────┘
package queue
