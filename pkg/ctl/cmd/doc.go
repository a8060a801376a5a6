// Package cmd implements ctl's commands (get, create, apply, delete, …) on
// top of a Factory that turns global flags into a client, a discovery mapper
// and a default namespace.
package cmd
