// Package fields implements field selectors ("metadata.name=foo,status.phase!=Running"):
// equality terms over an object's selectable fields, with backslash escaping
// of '\', ',' and '=' in values.
package fields
