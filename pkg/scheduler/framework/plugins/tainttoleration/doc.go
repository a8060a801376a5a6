// Package tainttoleration implements TaintToleration: NoSchedule and
// NoExecute taints must be tolerated, PreferNoSchedule taints lower the score.
package tainttoleration
