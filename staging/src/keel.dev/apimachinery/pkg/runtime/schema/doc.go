// Package schema names API groups, versions, kinds and resources, and parses
// the string forms Kubernetes clients send ("apps/v1", "v1").
package schema
