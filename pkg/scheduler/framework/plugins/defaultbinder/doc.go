// Package defaultbinder implements DefaultBinder: binds through the injected
// framework.Binder (the app posts pods/binding).
package defaultbinder
