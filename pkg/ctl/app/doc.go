// Package app assembles ctl's root cobra command with kubectl's global flags.
package app
