// Package labels implements label sets and label selectors: the selector
// syntax of kubectl -l and ?labelSelector= ("env in (prod,qa),tier!=web,!canary"),
// its canonical printing, and matching against an object's labels.
package labels
