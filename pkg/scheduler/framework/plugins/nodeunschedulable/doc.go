// Package nodeunschedulable implements NodeUnschedulable: cordoned nodes
// (spec.unschedulable) only take pods tolerating the unschedulable taint.
package nodeunschedulable
