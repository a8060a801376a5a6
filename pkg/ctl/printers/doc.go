// Package printers renders API answers the way kubectl does: server-side
// Tables as aligned columns, and objects as YAML, JSON, names, JSONPath
// templates or custom columns.
package printers
