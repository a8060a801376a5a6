// Package selection names the operators of label and field selectors.
package selection
