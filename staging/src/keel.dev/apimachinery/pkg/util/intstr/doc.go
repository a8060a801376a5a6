// Package intstr implements IntOrString, a value that is either an int32 or a
// string ("80" vs "http", "25%").
package intstr
