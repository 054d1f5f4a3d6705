// Package policy is the policy document: every deadline and catalogue deals
// and complaints run with, and the business calendar their deadlines are
// counted in. The deployment's default (version 0) comes from the process's
// defaults and the configuration files; an admin saves new versions, kept
// in the read model (models.PolicyVersion). A deal or complaint takes the
// current document when it starts and records its version; changing the
// document never changes a running one.
package policy

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/calendar"
	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/complaint"
	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/internal/qualification"
	"github.com/salesflow/salesflow/models"
)

// Document is one version of the policy document.
type Document struct {
	// Version is 0 for the deployment's default and counts up from 1 with
	// each saved version.
	Version int `json:"version"`
	// Deal is the policy new deals start from (a deal may override fields
	// of it at creation).
	Deal deal.Policy `json:"deal"`
	// Complaint is the policy new complaints start from (a complaint may
	// override fields of it at registration).
	Complaint complaint.Policy `json:"complaint"`
	// Calendar is the business calendar deadlines are counted in.
	Calendar calendar.Calendar `json:"calendar"`
	// Catalogs are the segments, products and contact channels input must
	// come from.
	Catalogs Catalogs `json:"catalogs"`
	// Qualification is the prospect questionnaire and its bands.
	Qualification qualification.Policy `json:"qualification"`
	// Satisfaction is the policy of the yearly satisfaction survey.
	Satisfaction Satisfaction `json:"satisfaction"`
	// KeyAccounts is the key-account assessment's criteria and
	// re-assessment period (keyaccounts.go).
	KeyAccounts KeyAccounts `json:"key_accounts"`
	// UpdatedBy is the staff member who saved the version; empty for the
	// deployment's default.
	UpdatedBy string `json:"updated_by,omitempty"`
	// UpdatedAt is when the version was saved; nil for the deployment's
	// default.
	UpdatedAt *time.Time `json:"updated_at,omitempty"`
}

// content is what a saved version stores: the document without its
// version and saving metadata, which are columns of models.PolicyVersion.
// Units is unitsFormat for versions saved since durations carry units;
// versions saved before (0) read each whole number of days as business
// days, as they were meant (deal.Policy.Legacy, complaint.Policy.Legacy).
type content struct {
	Deal      deal.Policy       `json:"deal"`
	Complaint complaint.Policy  `json:"complaint"`
	Calendar  calendar.Calendar `json:"calendar"`
	Units     int               `json:"duration_units,omitempty"`
	Catalogs  Catalogs          `json:"catalogs"`
	// Qualification is absent (nil) from versions saved before it
	// existed, which read qualification.DefaultPolicy. A pointer, so the
	// saved questions are decoded afresh, not over the default ones.
	Qualification *qualification.Policy `json:"qualification,omitempty"`
	// Satisfaction is absent from versions saved before it (the defaults).
	Satisfaction Satisfaction `json:"satisfaction"`
	// KeyAccounts is absent from versions saved before it: they read the
	// defaults.
	KeyAccounts KeyAccounts `json:"key_accounts"`
}

// unitsFormat marks a saved version whose durations carry units
// (casework.Duration): "14d" calendar days, "5bd" business days.
const unitsFormat = 1

// Default returns the process's defaults (docs/process.md) as version 0: deal.DefaultPolicy,
// complaint.DefaultPolicy, calendar.Default and DefaultCatalogs.
func Default() Document {
	return Document{Deal: deal.DefaultPolicy(), Complaint: complaint.DefaultPolicy(), Calendar: calendar.Default(), Catalogs: DefaultCatalogs(),
		Qualification: qualification.DefaultPolicy(), Satisfaction: DefaultSatisfaction(),
		KeyAccounts: DefaultKeyAccounts()}
}

// Clone returns a deep copy.
func (d Document) Clone() Document {
	c := d
	c.Deal = d.Deal.Clone()
	c.Complaint = d.Complaint.Clone()
	c.Catalogs = d.Catalogs.Clone()
	c.Qualification = d.Qualification.Clone()
	c.Satisfaction = d.Satisfaction.Clone()
	c.KeyAccounts = d.KeyAccounts.Clone()
	c.Calendar.Weekend = slices.Clone(d.Calendar.Weekend)
	c.Calendar.Holidays = slices.Clone(d.Calendar.Holidays)
	c.Calendar.WorkingDays = slices.Clone(d.Calendar.WorkingDays)
	if d.UpdatedAt != nil {
		at := *d.UpdatedAt
		c.UpdatedAt = &at
	}
	return c
}

// Problems returns what is wrong with each part of the document, keyed
// "deal", "complaint", "calendar", "catalogs", "qualification", "satisfaction" and "key_accounts" (the part's problems joined
// by "; "), or nil when it is valid: each part must pass its own Validate,
// the control point kinds and severities named must be known ones, and
// what the deal part names of the others must be in them (CheckDeal).
func (d Document) Problems() map[string]string {
	out := map[string]string{}
	add := func(part string, errs ...error) {
		var msgs []string
		for _, err := range errs {
			if err != nil {
				msgs = append(msgs, strings.Split(err.Error(), "\n")...)
			}
		}
		if len(msgs) > 0 {
			out[part] = strings.Join(msgs, "; ")
		}
	}
	dealErrs := []error{d.Deal.Validate(), unknownKeys("control_points", d.Deal.Points, deal.PointKinds)}
	if d.Complaint.Validate() == nil && d.Catalogs.Validate() == nil { // else they are the problem
		dealErrs = append(dealErrs, CheckDeal(d.Deal, d.Catalogs, d.Complaint))
	}
	add("deal", dealErrs...)
	add("complaint", d.Complaint.Validate(),
		unknownKeys("deadlines", d.Complaint.Deadlines, complaint.Severities),
		unknownKeys("control_points", d.Complaint.Points, complaint.PointKinds))
	add("calendar", d.Calendar.Validate())
	add("catalogs", d.Catalogs.Validate())
	add("qualification", d.Qualification.Validate())
	add("satisfaction", d.Satisfaction.Validate())
	add("key_accounts", d.KeyAccounts.Validate())
	if len(out) == 0 {
		return nil
	}
	return out
}

// unknownKeys reports the keys of m that known does not list.
func unknownKeys[K ~string, V any](field string, m map[K]V, known []K) error {
	var bad []string
	for k := range m {
		if !slices.Contains(known, k) {
			bad = append(bad, string(k))
		}
	}
	if len(bad) == 0 {
		return nil
	}
	slices.Sort(bad)
	return fmt.Errorf("%s: unknown %s", field, strings.Join(bad, ", "))
}

// Validate reports every problem Problems finds, each prefixed with its
// part.
func (d Document) Validate() error {
	var errs []error
	for _, part := range []string{"deal", "complaint", "calendar", "catalogs", "qualification", "satisfaction", "key_accounts"} {
		if p, ok := d.Problems()[part]; ok {
			errs = append(errs, fmt.Errorf("%s: %s", part, p))
		}
	}
	return errors.Join(errs...)
}

// normalized returns a valid document with its calendar in canonical form
// (defaults filled in, dates sorted), as calendar.Parse writes it.
func (d Document) normalized() (Document, error) {
	if err := d.Validate(); err != nil {
		return Document{}, err
	}
	raw, err := json.Marshal(d.Calendar)
	if err != nil {
		return Document{}, err
	}
	cal, err := calendar.Parse(raw, calendar.FormatJSON)
	if err != nil {
		return Document{}, fmt.Errorf("calendar: %w", err)
	}
	out := d.Clone()
	out.Calendar = cal
	return out, nil
}

// File is the shape of the POLICY_FILE: partial overrides of the deal and
// complaint policies, each merged over the defaults with casework.MergeJSON,
// and of the catalogues (each catalogue given replaces the default one).
type File struct {
	// Deal overrides fields of deal.DefaultPolicy.
	Deal json.RawMessage `json:"deal,omitempty"`
	// Complaint overrides fields of complaint.DefaultPolicy.
	Complaint json.RawMessage `json:"complaint,omitempty"`
	// Catalogs overrides catalogues of DefaultCatalogs.
	Catalogs json.RawMessage `json:"catalogs,omitempty"`
}

// Deployment returns the deployment's default document (version 0): the
// process's defaults with the overrides of policyFile (a File as JSON; ""
// for none) merged in, and the calendar of calendarFile (.json or .ics,
// read with calendar.Load; "" for calendar.Default()). The result is
// valid.
func Deployment(policyFile, calendarFile string) (Document, error) {
	doc := Default()
	if policyFile != "" {
		raw, err := os.ReadFile(policyFile)
		if err != nil {
			return Document{}, fmt.Errorf("policy file: %w", err)
		}
		var f File
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&f); err != nil {
			return Document{}, fmt.Errorf(`policy file %s: want {"deal": {...}, "complaint": {...}, "catalogs": {...}}: %w`, policyFile, err)
		}
		if doc.Deal, err = casework.MergeJSON(doc.Deal, f.Deal); err != nil {
			return Document{}, fmt.Errorf("policy file %s: deal: %w", policyFile, err)
		}
		if doc.Complaint, err = casework.MergeJSON(doc.Complaint, f.Complaint); err != nil {
			return Document{}, fmt.Errorf("policy file %s: complaint: %w", policyFile, err)
		}
		if doc.Catalogs, err = casework.MergeJSON(doc.Catalogs, f.Catalogs); err != nil {
			return Document{}, fmt.Errorf("policy file %s: catalogs: %w", policyFile, err)
		}
	}
	if calendarFile != "" {
		cal, err := calendar.Load(calendarFile)
		if err != nil {
			return Document{}, err
		}
		doc.Calendar = cal
	}
	if err := doc.Validate(); err != nil {
		return Document{}, err
	}
	return doc, nil
}

// Current returns the newest saved version in the read model, or a copy of
// fallback (the deployment's default) when none has been saved. A saved
// version is read over the process's defaults, so a field added to a policy
// after the version was saved has its default (the catalogues too).
func Current(ctx context.Context, db *gorm.DB, fallback Document) (Document, error) {
	row, err := models.LatestPolicy(ctx, db)
	if errors.Is(err, models.ErrNotFound) {
		return fallback.Clone(), nil
	}
	if err != nil {
		return Document{}, err
	}
	return fromRow(row)
}

func fromRow(row *models.PolicyVersion) (Document, error) {
	def := Default()
	c := content{Deal: def.Deal, Complaint: def.Complaint, Calendar: def.Calendar, Catalogs: def.Catalogs, Satisfaction: def.Satisfaction,
		KeyAccounts: def.KeyAccounts}
	if err := json.Unmarshal([]byte(row.Document), &c); err != nil {
		return Document{}, fmt.Errorf("policy version %d: %w", row.Version, err)
	}
	if c.Units < unitsFormat {
		if err := c.readLegacy(row.Document, def); err != nil {
			return Document{}, fmt.Errorf("policy version %d: %w", row.Version, err)
		}
	}
	if c.Qualification == nil {
		c.Qualification = &def.Qualification
	}
	at := row.CreatedAt.UTC()
	return Document{
		Version: row.Version, Deal: c.Deal, Complaint: c.Complaint, Calendar: c.Calendar, Catalogs: c.Catalogs,
		Qualification: *c.Qualification, Satisfaction: c.Satisfaction, KeyAccounts: c.KeyAccounts, UpdatedBy: row.CreatedBy, UpdatedAt: &at,
	}, nil
}

// readLegacy reads the deal and complaint parts of a version saved before
// durations carried units: the fields it holds in their old meaning, the
// fields it lacks with the defaults of def.
func (c *content) readLegacy(doc string, def Document) error {
	var parts struct{ Deal, Complaint json.RawMessage }
	if err := json.Unmarshal([]byte(doc), &parts); err != nil {
		return err
	}
	var err error
	if c.Deal, err = legacyPart(parts.Deal, def.Deal, deal.Policy.Legacy); err != nil {
		return err
	}
	c.Complaint, err = legacyPart(parts.Complaint, def.Complaint, complaint.Policy.Legacy)
	return err
}

// legacyPart decodes raw, a policy part saved before durations carried
// units, over def: the fields raw holds are converted by legacy, the others
// keep def's values.
func legacyPart[P any](raw json.RawMessage, def P, legacy func(P) P) (P, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return def, nil
	}
	var held map[string]json.RawMessage
	var stored P
	if err := json.Unmarshal(raw, &held); err != nil {
		return def, err
	}
	if err := json.Unmarshal(raw, &stored); err != nil {
		return def, err
	}
	conv, err := json.Marshal(legacy(stored))
	if err != nil {
		return def, err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(conv, &fields); err != nil {
		return def, err
	}
	for k := range fields {
		if _, ok := held[k]; !ok {
			delete(fields, k)
		}
	}
	if conv, err = json.Marshal(fields); err != nil {
		return def, err
	}
	err = json.Unmarshal(conv, &def)
	return def, err
}

// Save stores doc as a new version saved by staff member by and returns
// the saved document with its version. doc's own Version, UpdatedBy and
// UpdatedAt are ignored; an invalid document is refused with the error of
// Validate, and its calendar is saved in canonical form.
func Save(ctx context.Context, db *gorm.DB, doc Document, by string) (Document, error) {
	doc, err := doc.normalized()
	if err != nil {
		return Document{}, err
	}
	raw, err := json.Marshal(content{Deal: doc.Deal, Complaint: doc.Complaint, Calendar: doc.Calendar, Catalogs: doc.Catalogs, Units: unitsFormat,
		Qualification: &doc.Qualification, Satisfaction: doc.Satisfaction, KeyAccounts: doc.KeyAccounts})
	if err != nil {
		return Document{}, err
	}
	version, err := models.SavePolicy(ctx, db, raw, by)
	if err != nil {
		return Document{}, err
	}
	row, err := models.GetPolicy(ctx, db, version)
	if err != nil {
		return Document{}, err
	}
	return fromRow(row)
}
