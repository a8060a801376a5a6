// Package schedule runs one scheduling cycle for a pod over a read-only
// snapshot: PreFilter, parallel Filter over an adaptive share of the nodes
// starting where the previous cycle stopped, PreScore, Score with
// normalization and weights, and host selection. It does no IO.
//
//	pod ─▶ PreFilter ─▶ Filter (parallel, round-robin start, stop at N feasible)
//	          │                 │ none feasible ─▶ FitError (0/N nodes are available: …)
//	          ▼                 ▼
//	    PreFilterResult    PreScore ─▶ Score+Normalize×weight (parallel) ─▶ select host
package schedule
