// Package serviceaccount makes sure every active namespace has the
// ServiceAccounts it should (by default one named "default"), recreating
// them when they are deleted.
package serviceaccount
