// Package validation checks the string formats Kubernetes uses throughout its
// API (DNS names, label keys and values, ports, IPs, …). Each check returns the
// list of problems in Kubernetes' own wording; an empty list means valid.
package validation
