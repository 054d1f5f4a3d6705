package app

import (
	"gorm.io/gorm"

	"github.com/salesflow/salesflow/activities"
	"github.com/salesflow/salesflow/internal/config"
	"github.com/salesflow/salesflow/internal/policy"
)

// surveyActivities are the yearly survey's activities on db, with the
// deployment's policy document as the fallback of the current one (the
// process's defaults when the configuration's files cannot be read: the
// API server refuses to start then, naming the problem).
func surveyActivities(cfg config.Config, db *gorm.DB) *activities.Surveys {
	doc, err := cfg.Policy()
	if err != nil {
		doc = policy.Default()
	}
	return &activities.Surveys{DB: db, Policy: doc}
}
