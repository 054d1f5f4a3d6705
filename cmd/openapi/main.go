// Command openapi writes the API's OpenAPI document to standard output,
// byte for byte as GET /api/v1/openapi.json serves it, so that tools such
// as Redocly CLI can check the document the server actually serves:
//
//	go run ./cmd/openapi > bin/openapi.json
//	npx --no-install redocly lint bin/openapi.json
package main

import (
	"fmt"
	"os"

	"github.com/salesflow/salesflow/internal/api"
)

func main() {
	doc, err := api.OpenAPIJSON()
	if err != nil {
		fmt.Fprintln(os.Stderr, "openapi:", err)
		os.Exit(1)
	}
	if _, err := os.Stdout.Write(doc); err != nil {
		fmt.Fprintln(os.Stderr, "openapi:", err)
		os.Exit(1)
	}
}
