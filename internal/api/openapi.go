package api

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/labstack/echo/v4"
)

//go:embed openapi.yaml
var openapiYAML []byte

// OpenAPI loads and validates the OpenAPI 3 document describing every route
// of the API: openapi.yaml with, for each action of the deal and complaint
// catalogues, an operation and a request schema generated from the
// catalogue (see actionSet). Each call returns a fresh copy the caller may
// change.
func OpenAPI() (*openapi3.T, error) {
	doc, err := openapi3.NewLoader().LoadFromData(openapiYAML)
	if err != nil {
		return nil, fmt.Errorf("load openapi.yaml: %w", err)
	}
	if err := addActions(doc); err != nil {
		return nil, fmt.Errorf("openapi.yaml: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("validate openapi.yaml: %w", err)
	}
	return doc, nil
}

// OpenAPIJSON returns the document exactly as GET /api/v1/openapi.json
// serves it. The caller must not change the slice.
func OpenAPIJSON() ([]byte, error) { return specJSON() }

// specJSON is the document as served, built once.
var specJSON = sync.OnceValues(func() ([]byte, error) {
	doc, err := OpenAPI()
	if err != nil {
		return nil, err
	}
	return json.Marshal(doc)
})

func (s *server) openAPI(c echo.Context) error {
	return c.JSONBlob(http.StatusOK, s.spec)
}
