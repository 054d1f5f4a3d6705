package engine

import (
	"fmt"
	"reflect"

	"github.com/salesflow/salesflow/internal/casework"
)

// Registry is a case type's catalogue with the handler of each of its
// actions, in catalogue order.
type Registry[S any] struct {
	catalog  casework.Catalog
	handlers []Handler[S]
}

// NewRegistry pairs every action of the catalogue with its handler. It
// fails when they disagree: an action without a handler, a handler the
// catalogue lacks, or a handler whose input type is not the catalogue's.
func NewRegistry[S any](c casework.Catalog, handlers ...Handler[S]) (*Registry[S], error) {
	byName := make(map[string]Handler[S], len(handlers))
	for _, h := range handlers {
		if _, dup := byName[h.name]; dup {
			return nil, fmt.Errorf("engine: two handlers of action %q", h.name)
		}
		byName[h.name] = h
	}
	r := &Registry[S]{catalog: c}
	for _, a := range c {
		h, ok := byName[a.Name]
		if !ok {
			return nil, fmt.Errorf("engine: action %q of the catalogue has no handler", a.Name)
		}
		if want := reflect.TypeOf(a.Input); h.input != want {
			return nil, fmt.Errorf("engine: action %q takes %v in the catalogue but its handler decodes %v", a.Name, want, h.input)
		}
		r.handlers = append(r.handlers, h)
		delete(byName, a.Name)
	}
	for name := range byName {
		return nil, fmt.Errorf("engine: handler of action %q is not in the catalogue", name)
	}
	return r, nil
}

// MustRegistry is NewRegistry for package-level registries: a disagreement
// is a programming error, which the case type's tests rule out.
func MustRegistry[S any](c casework.Catalog, handlers ...Handler[S]) *Registry[S] {
	r, err := NewRegistry(c, handlers...)
	if err != nil {
		panic(err)
	}
	return r
}

// Catalog is the registry's action catalogue.
func (r *Registry[S]) Catalog() casework.Catalog { return r.catalog }

// Allowed lists the actions the state allows now, in catalogue order.
func (r *Registry[S]) Allowed(st S) []string {
	names := []string{}
	for _, h := range r.handlers {
		if h.allowed(st) == nil {
			names = append(names, h.name)
		}
	}
	return names
}

// Validate is exactly what the validator of the named action's update
// decides: nil when the request may be applied to the state now, else the
// *casework.Refusal. It never changes the state.
func (r *Registry[S]) Validate(st S, name string, req casework.Request, s Step) error {
	h, ok := r.handler(name)
	if !ok {
		return &casework.Refusal{Code: casework.CodeNotFound, Message: "no such action: " + name}
	}
	if err := h.allowed(st); err != nil {
		return err
	}
	if req.Actor == "" {
		return Invalid("actor", "is required")
	}
	return h.check(st, req.Input, s)
}

func (r *Registry[S]) handler(name string) (Handler[S], bool) {
	for _, h := range r.handlers {
		if h.name == name {
			return h, true
		}
	}
	return Handler[S]{}, false
}
