package api

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/complaint"
	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/internal/satisfaction"
	"github.com/salesflow/salesflow/internal/vip"
)

// actionSet is one action catalogue as the OpenAPI document shows it: one
// POST operation and one request schema per action, generated when the
// document is loaded from the catalogue and a template operation that
// openapi.yaml holds at Template. The template's path then holds the
// operation for action names the catalogue lacks (see otherKey).
type actionSet struct {
	// Catalog is the case type's action catalogue.
	Catalog casework.Catalog
	// Template is the path of the generic action operation in openapi.yaml,
	// whose {action} parameter each generated path replaces with an action
	// name. The template gives the operations their parameters, responses
	// and the common part of their description; it is not served as it is.
	Template string
	// Names is the component schema listing the catalogue's action names.
	Names string
	// Operation starts each operation ID ("deal" + "SchedulePresentation").
	Operation string
	// Schema starts each request schema's name, before the input type's
	// Go name ("" + "SchedulePresentationInput").
	Schema string
}

// actionSets are the catalogues the document describes.
var actionSets = []actionSet{
	{Catalog: deal.Inputs, Template: "/api/v1/deals/{id}/actions/{action}", Names: "ActionName", Operation: "deal"},
	{Catalog: complaint.Inputs, Template: "/api/v1/complaints/{id}/actions/{action}", Names: "ComplaintActionName",
		Operation: "complaint", Schema: "Complaint"},
	{Catalog: vip.Inputs, Template: "/api/v1/programmes/{id}/actions/{action}", Names: "ProgrammeActionName",
		Operation: "programme", Schema: "Programme"},
	{Catalog: satisfaction.Inputs, Template: "/api/v1/surveys/{id}/actions/{action}", Names: "SurveyActionName",
		Operation: "survey", Schema: "Survey"},
}

// notesKey is the template operation's extension holding, by action name,
// what the catalogue cannot say about an action: defaults, bounds its
// workflow checks, what follows from it.
const notesKey = "x-action-notes"

// otherKey is the template operation's extension describing the operation
// that takes the template's place, for action names the catalogue lacks:
// its operationId, summary, description and which of the template's
// responses it keeps. Without it the template's path is left out.
const otherKey = "x-other-actions"

// otherActions is the value of otherKey.
type otherActions struct {
	OperationID string   `json:"operationId"`
	Summary     string   `json:"summary"`
	Description string   `json:"description"`
	Responses   []string `json:"responses"`
}

// Path is the operation path of the named action.
func (set actionSet) Path(action string) string {
	return strings.Replace(set.Template, "{action}", action, 1)
}

// SchemaName is the name of the request schema of an action with input a.
func (set actionSet) SchemaName(a casework.Action) string {
	return set.Schema + reflect.TypeOf(a.Input).Name()
}

// OperationID is the operation ID of the named action:
// schedule_presentation → dealSchedulePresentation.
func (set actionSet) OperationID(action string) string {
	id := set.Operation
	for word := range strings.SplitSeq(action, "_") {
		if word != "" {
			id += strings.ToUpper(word[:1]) + word[1:]
		}
	}
	return id
}

// addActions replaces each catalogue's template operation in doc with an
// operation and a request schema per action, and lists the action names
// in the catalogue's name enumeration.
func addActions(doc *openapi3.T) error {
	for _, set := range actionSets {
		if err := set.add(doc); err != nil {
			return fmt.Errorf("actions of %s: %w", set.Template, err)
		}
	}
	return nil
}

// add generates set's operations and schemas in doc.
func (set actionSet) add(doc *openapi3.T) error {
	item := doc.Paths.Value(set.Template)
	if item == nil || item.Post == nil || len(item.Operations()) != 1 {
		return fmt.Errorf("openapi.yaml must have the template operation POST %s, and only it", set.Template)
	}
	template := item.Post
	doc.Paths.Delete(set.Template)
	notes := map[string]string{}
	if err := extension(template, notesKey, &notes); err != nil {
		return err
	}
	for name := range notes {
		if _, ok := set.Catalog.Lookup(name); !ok {
			return fmt.Errorf("%s names %s, which is not an action", notesKey, name)
		}
	}
	if err := set.addOther(doc, template); err != nil {
		return err
	}
	names := doc.Components.Schemas[set.Names]
	if names == nil || names.Value == nil {
		return fmt.Errorf("no schema %s", set.Names)
	}
	names.Value.Enum = nil
	for _, a := range set.Catalog {
		names.Value.Enum = append(names.Value.Enum, a.Name)
		name := set.SchemaName(a)
		if doc.Components.Schemas[name] != nil {
			return fmt.Errorf("schema %s of action %s is already in the document", name, a.Name)
		}
		schema, err := inputSchema(doc, reflect.TypeOf(a.Input))
		if err != nil {
			return fmt.Errorf("action %s: %w", a.Name, err)
		}
		schema.Description = "The input of `" + a.Name + "`."
		doc.Components.Schemas[name] = openapi3.NewSchemaRef("", schema)
		path := set.Path(a.Name)
		if doc.Paths.Value(path) != nil {
			return fmt.Errorf("path %s is already in the document", path)
		}
		ref := &openapi3.SchemaRef{Ref: "#/components/schemas/" + name, Value: schema}
		doc.Paths.Set(path, &openapi3.PathItem{Post: set.operation(template, a, notes[a.Name], ref)})
	}
	return nil
}

// extension decodes the extension key of op into v, when op has it.
func extension(op *openapi3.Operation, key string, v any) error {
	raw, ok := op.Extensions[key]
	if !ok {
		return nil
	}
	b, err := json.Marshal(raw)
	if err == nil {
		err = json.Unmarshal(b, v)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", key, err)
	}
	return nil
}

// addOther puts the operation for action names the catalogue lacks at the
// template's path, as otherKey of the template describes it: the
// template's parameters and the responses it names, without a body.
func (set actionSet) addOther(doc *openapi3.T, template *openapi3.Operation) error {
	var other otherActions
	if err := extension(template, otherKey, &other); err != nil || template.Extensions[otherKey] == nil {
		return err
	}
	responses := openapi3.NewResponsesWithCapacity(len(other.Responses))
	for _, code := range other.Responses {
		r := template.Responses.Value(code)
		if r == nil {
			return fmt.Errorf("%s: the template has no response %s", otherKey, code)
		}
		responses.Set(code, r)
	}
	doc.Paths.Set(set.Template, &openapi3.PathItem{Post: &openapi3.Operation{
		OperationID: other.OperationID,
		Tags:        slices.Clone(template.Tags),
		Summary:     other.Summary,
		Description: other.Description,
		Parameters:  template.Parameters,
		Security:    template.Security,
		Responses:   responses,
	}})
	return nil
}

// operation is the operation of action a, with the request schema schema,
// built on the template.
func (set actionSet) operation(template *openapi3.Operation, a casework.Action, note string, schema *openapi3.SchemaRef) *openapi3.Operation {
	var params openapi3.Parameters
	for _, p := range template.Parameters {
		if p.Value == nil || p.Value.In != openapi3.ParameterInPath || p.Value.Name != "action" {
			params = append(params, p)
		}
	}
	summary := a.Summary
	if summary == "" { // "record_investigation" → "Record investigation"
		summary = strings.ToUpper(a.Name[:min(1, len(a.Name))]) + strings.ReplaceAll(a.Name[min(1, len(a.Name)):], "_", " ")
	}
	var desc []string
	if a.When != "" {
		desc = append(desc, "When: "+a.When+".")
	}
	if len(a.Roles) > 0 {
		desc = append(desc, "Only staff with the role "+strings.Join(a.Roles, " or ")+
			" may take it; anyone else gets 403 `forbidden`.")
	}
	if note != "" {
		desc = append(desc, strings.TrimSpace(note))
	}
	if d := strings.TrimSpace(template.Description); d != "" {
		desc = append(desc, d)
	}
	body := openapi3.NewRequestBody().WithJSONSchemaRef(schema)
	if t := template.RequestBody; t != nil && t.Value != nil {
		body.Description, body.Required = t.Value.Description, t.Value.Required
	}
	return &openapi3.Operation{
		OperationID: set.OperationID(a.Name),
		Tags:        slices.Clone(template.Tags),
		Summary:     summary,
		Description: strings.Join(desc, "\n\n"),
		Parameters:  params,
		Security:    template.Security,
		RequestBody: &openapi3.RequestBodyRef{Value: body},
		Responses:   template.Responses,
	}
}
