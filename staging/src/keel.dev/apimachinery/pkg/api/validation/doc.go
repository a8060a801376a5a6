// Package validation holds the validation shared by every kind: object
// metadata, names, labels, annotations, label selectors and the small
// numeric and immutability checks. Import it as apivalidation.
package validation
