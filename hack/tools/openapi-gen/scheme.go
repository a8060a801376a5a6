package main

import (
	"keel.dev/api/install"
	"keel.dev/apimachinery/pkg/runtime"
)

// newScheme returns a scheme with every kind the apiserver serves.
func newScheme() *runtime.Scheme {
	return install.NewScheme()
}
