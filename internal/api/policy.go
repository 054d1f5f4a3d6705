package api

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/salesflow/salesflow/internal/calendar"
	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/complaint"
	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/internal/policy"
	"github.com/salesflow/salesflow/internal/qualification"
	"github.com/salesflow/salesflow/models"
)

// currentPolicy is the policy document new deals and complaints start
// with: the newest saved version, or the deployment's default.
func (s *server) currentPolicy(c echo.Context) (policy.Document, error) {
	return policy.Current(c.Request().Context(), s.DB, s.Policy)
}

// checkOverride refuses a per-case policy override (the policy field of
// POST /deals or /complaints) unless the caller is an admin: bending the
// rules for one case is the same power as changing the policy. An admin's
// override is logged here and kept with the request's input in the audit
// entry.
func checkOverride(c echo.Context, noun string, override json.RawMessage) error {
	if len(override) == 0 || string(override) == "null" {
		return nil
	}
	if staffOf(c).Role != models.RoleAdmin {
		return fail(http.StatusForbidden, casework.CodeForbidden, "only an admin may override the policy of a "+noun)
	}
	logger(c).Info("policy override", "object", noun, "policy", string(override))
	return nil
}

func (s *server) policy(c echo.Context) error {
	doc, err := s.currentPolicy(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, doc)
}

// policyInput is the body of PUT /policy: a whole policy document (every
// field of the deal and complaint parts; the calendar as in a calendar
// file, where omitted fields take their defaults; the catalogues, each
// list whole, or none to keep the current ones; the qualification, whole,
// or none to keep the current one). The version and the
// updated_* fields are ignored, so the body of GET /policy can be sent back
// changed.
type policyInput struct {
	Version   json.RawMessage `json:"version,omitempty"`
	Deal      json.RawMessage `json:"deal"`
	Complaint json.RawMessage `json:"complaint"`
	Calendar  json.RawMessage `json:"calendar"`
	Catalogs  json.RawMessage `json:"catalogs,omitempty"`
	// Qualification is the questionnaire, whole; none keeps the current
	// one.
	Qualification json.RawMessage `json:"qualification,omitempty"`
	// Satisfaction, when omitted, keeps the current satisfaction policy.
	Satisfaction json.RawMessage `json:"satisfaction,omitempty"`
	// KeyAccounts, when omitted, keeps the current document's.
	KeyAccounts json.RawMessage `json:"key_accounts,omitempty"`
	UpdatedBy   json.RawMessage `json:"updated_by,omitempty"`
	UpdatedAt   json.RawMessage `json:"updated_at,omitempty"`
}

// part decodes one part of the document strictly, as decode does a body,
// recording its problems under path.
func part[T any](p problems, raw json.RawMessage, path string) T {
	var v T
	before := len(p)
	p.check(reflect.TypeFor[T](), raw, path)
	if len(p) == before {
		if err := json.Unmarshal(raw, &v); err != nil {
			p.add(path, err.Error())
		}
	}
	return v
}

// partOrCurrent decodes an optional part of a PUT /policy body (the
// catalogues, the qualification, the satisfaction policy, the key accounts) as part does, recording its problems
// under path; a part not given is the current document's (of).
func partOrCurrent[T any](s *server, c echo.Context, p problems, raw json.RawMessage, path string, of func(policy.Document) T) (T, error) {
	if len(raw) == 0 || string(raw) == "null" {
		doc, err := s.currentPolicy(c)
		return of(doc), err
	}
	return part[T](p, raw, path), nil
}

func (s *server) putPolicy(c echo.Context) error {
	me := staffOf(c)
	var in policyInput
	if _, err := decode(c, &in); err != nil {
		return err
	}
	p := problems{}
	doc := policy.Document{
		Deal:      part[deal.Policy](p, in.Deal, "deal"),
		Complaint: part[complaint.Policy](p, in.Complaint, "complaint"),
	}
	// The calendar is read as a calendar file is: omitted fields take
	// their defaults.
	cal, err := calendar.Parse(in.Calendar, calendar.FormatJSON)
	if err != nil {
		p.add("calendar", strings.ReplaceAll(err.Error(), "\n", "; "))
	}
	doc.Calendar = cal
	if doc.Catalogs, err = partOrCurrent(s, c, p, in.Catalogs, "catalogs", func(d policy.Document) policy.Catalogs { return d.Catalogs }); err != nil {
		return err
	}
	if doc.Qualification, err = partOrCurrent(s, c, p, in.Qualification, "qualification",
		func(d policy.Document) qualification.Policy { return d.Qualification }); err != nil {
		return err
	}
	if doc.Satisfaction, err = partOrCurrent(s, c, p, in.Satisfaction, "satisfaction", func(d policy.Document) policy.Satisfaction { return d.Satisfaction }); err != nil {
		return err
	}
	if doc.KeyAccounts, err = partOrCurrent(s, c, p, in.KeyAccounts, "key_accounts", func(d policy.Document) policy.KeyAccounts { return d.KeyAccounts }); err != nil {
		return err
	}
	// Validate the parts that decoded; one that did not already has its
	// problems recorded.
	decoded := func(name string) bool {
		for field := range p {
			if field == name || strings.HasPrefix(field, name+".") {
				return false
			}
		}
		return true
	}
	for name, problem := range doc.Problems() {
		if decoded(name) {
			p.add(name, problem)
		}
	}
	if err := p.err(); err != nil {
		return err
	}
	saved, err := policy.Save(c.Request().Context(), s.DB, doc, me.ID)
	if err != nil {
		return err
	}
	auditObject(c, objPolicy, strconv.Itoa(saved.Version), "")
	logger(c).Info("policy saved", "version", saved.Version, "by", me.ID)
	return c.JSON(http.StatusOK, saved)
}
