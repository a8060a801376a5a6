// Package errors builds and inspects the API errors every component exchanges:
// a StatusError wraps the metav1.Status the apiserver sends, with constructors
// for each reason (NewNotFound, NewConflict, NewInvalid, …) and predicates
// (IsNotFound, IsConflict, …) that work on wrapped errors too.
package errors
