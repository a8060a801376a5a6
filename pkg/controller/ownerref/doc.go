// Package ownerref builds the patches controllers use to adopt objects
// (add a controller ownerReference) and release them (remove it), and
// decides which objects a controller claims by selector and reference.
package ownerref
