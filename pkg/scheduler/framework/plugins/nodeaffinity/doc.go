// Package nodeaffinity implements NodeAffinity: spec.nodeSelector and required
// node affinity filter nodes; preferred terms add their weights to the score.
package nodeaffinity
