// Package fakeapi is an in-memory HTTPS apiserver for ctl's tests: aggregated
// discovery, JSON objects, server-side Tables, the four patch types, Status
// errors and watches. It knows a handful of kinds and no controllers.
package fakeapi
