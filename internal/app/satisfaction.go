package app

import (
	"context"
	"fmt"

	"go.temporal.io/sdk/client"
	"gorm.io/gorm"

	"github.com/salesflow/salesflow/activities"
	"github.com/salesflow/salesflow/internal/config"
	"github.com/salesflow/salesflow/internal/policy"
	"github.com/salesflow/salesflow/internal/satisfaction"
	"github.com/salesflow/salesflow/workflows"
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

// ensureSatisfactionSchedule creates the Temporal Schedule running the
// yearly satisfaction sweep (workflows.SatisfactionSweep, from the first
// client as of its start) on cfg.SatisfactionCron (see ensureSchedule).
func ensureSatisfactionSchedule(ctx context.Context, c client.Client, cfg config.Config) error {
	err := ensureSchedule(ctx, c, workflows.SatisfactionScheduleID, cfg.SatisfactionCron, workflows.SatisfactionSweep, cfg.TaskQueue,
		satisfaction.SweepParams{})
	if err != nil {
		return fmt.Errorf("satisfaction schedule: %w", err)
	}
	return nil
}
