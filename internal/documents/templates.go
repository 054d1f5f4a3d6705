package documents

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/salesflow/salesflow/models"
)

// CompanyKind is the kind under which the company's details are versioned
// beside the templates.
const CompanyKind = "company"

// Template is one version of a document template.
type Template struct {
	Type    Type   `json:"type"`
	Version int    `json:"version"`
	Body    string `json:"body"`
	// UpdatedBy and UpdatedAt say who saved it and when; empty for the
	// embedded version 1.
	UpdatedBy string     `json:"updated_by,omitempty"`
	UpdatedAt *time.Time `json:"updated_at,omitempty"`
}

// CompanyVersion is one version of the company's details.
type CompanyVersion struct {
	Company
	Version   int        `json:"version"`
	UpdatedBy string     `json:"updated_by,omitempty"`
	UpdatedAt *time.Time `json:"updated_at,omitempty"`
}

// Versions lists every version of the template of type t, newest first:
// the saved ones, then the embedded version 1.
func Versions(ctx context.Context, db *gorm.DB, t Type) ([]Template, error) {
	var rows []models.DocumentTemplate
	if err := db.WithContext(ctx).Where("kind = ?", string(t)).Order("version DESC").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]Template, 0, len(rows)+1)
	for _, r := range rows {
		at := r.CreatedAt.UTC()
		out = append(out, Template{Type: t, Version: r.Version, Body: r.Body, UpdatedBy: r.UpdatedBy, UpdatedAt: &at})
	}
	return append(out, Template{Type: t, Version: 1, Body: Default(t)}), nil
}

// Current is the newest version of the template of type t.
func Current(ctx context.Context, db *gorm.DB, t Type) (Template, error) {
	row, err := latest(ctx, db, string(t))
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Template{Type: t, Version: 1, Body: Default(t)}, nil
	}
	if err != nil {
		return Template{}, err
	}
	at := row.CreatedAt.UTC()
	return Template{Type: t, Version: row.Version, Body: row.Body, UpdatedBy: row.UpdatedBy, UpdatedAt: &at}, nil
}

func latest(ctx context.Context, db *gorm.DB, kind string) (models.DocumentTemplate, error) {
	var row models.DocumentTemplate
	err := db.WithContext(ctx).Where("kind = ?", kind).Order("version DESC").Take(&row).Error
	return row, err
}

// Save checks body (Check) and saves it as the next version of the
// template of type t; a *TemplateError is a template that does not work.
func Save(ctx context.Context, db *gorm.DB, t Type, body, by string) (Template, error) {
	if err := Check(t, body); err != nil {
		return Template{}, err
	}
	row, err := saveNext(ctx, db, string(t), body, by)
	if err != nil {
		return Template{}, err
	}
	at := row.CreatedAt.UTC()
	return Template{Type: t, Version: row.Version, Body: row.Body, UpdatedBy: by, UpdatedAt: &at}, nil
}

// saveNext stores body as the next version of kind (at least 2: version 1
// is embedded), trying again when another save took the number.
func saveNext(ctx context.Context, db *gorm.DB, kind, body, by string) (models.DocumentTemplate, error) {
	for range 5 {
		prev, err := latest(ctx, db, kind)
		if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
			return prev, err
		}
		row := models.DocumentTemplate{Kind: kind, Version: max(prev.Version, 1) + 1, Body: body, UpdatedBy: by, CreatedAt: time.Now().UTC()}
		err = db.WithContext(ctx).Create(&row).Error
		if !errors.Is(err, gorm.ErrDuplicatedKey) {
			return row, err
		}
	}
	return models.DocumentTemplate{}, fmt.Errorf("save %s: too many saves at once", kind)
}

// CurrentCompany is the newest version of the company's details.
func CurrentCompany(ctx context.Context, db *gorm.DB) (CompanyVersion, error) {
	row, err := latest(ctx, db, CompanyKind)
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return CompanyVersion{Company: DefaultCompany(), Version: 1}, nil
	}
	if err != nil {
		return CompanyVersion{}, err
	}
	return companyOf(row)
}

func companyOf(row models.DocumentTemplate) (CompanyVersion, error) {
	var c Company
	if err := json.Unmarshal([]byte(row.Body), &c); err != nil {
		return CompanyVersion{}, fmt.Errorf("company details version %d: %w", row.Version, err)
	}
	at := row.CreatedAt.UTC()
	return CompanyVersion{Company: c, Version: row.Version, UpdatedBy: row.UpdatedBy, UpdatedAt: &at}, nil
}

// SaveCompany saves c (valid: Company.Problems) as the next version of the
// company's details.
func SaveCompany(ctx context.Context, db *gorm.DB, c Company, by string) (CompanyVersion, error) {
	body, err := json.Marshal(c)
	if err != nil {
		return CompanyVersion{}, err
	}
	row, err := saveNext(ctx, db, CompanyKind, string(body), by)
	if err != nil {
		return CompanyVersion{}, err
	}
	return companyOf(row)
}
