// Package api holds Keel's published API contract: the generated OpenAPI v2
// and v3 documents under openapi-spec/, embedded so the apiserver can serve
// them without reading the file system.
package api

import (
	"embed"
	"io/fs"
)

//go:embed all:openapi-spec
var openAPISpec embed.FS

// OpenAPISpec returns the openapi-spec directory: swagger.json (v2) and
// v3/<key>_openapi.json, where "apis/apps/v1" is stored as
// v3/apis__apps__v1_openapi.json.
func OpenAPISpec() fs.FS {
	sub, err := fs.Sub(openAPISpec, "openapi-spec")
	if err != nil {
		panic("api: openapi-spec is not embedded: " + err.Error())
	}
	return sub
}
