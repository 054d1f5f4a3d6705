package workflows

import (
	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/internal/engine"
)

// Preconditions shared by many actions.

func (r *run) isOpen() error {
	if r.v.Status != deal.StatusOpen {
		return engine.NotAllowed("the deal is %s", r.v.Status)
	}
	return nil
}

// inStageIf allows an action in stage s of an open deal unless refusal
// gives a reason ("" for none).
func inStageIf(s deal.Stage, refusal func(*run) string) func(*run) error {
	return func(r *run) error {
		if err := r.inStage(s); err != nil {
			return err
		}
		if why := refusal(r); why != "" {
			return engine.NotAllowed("%s", why)
		}
		return nil
	}
}

// onceIn allows an action in stage s until done reports it was taken;
// then refusal says why not.
func onceIn(s deal.Stage, done func(*run) bool, refusal string) func(*run) error {
	return inStageIf(s, func(r *run) string {
		if done(r) {
			return refusal
		}
		return ""
	})
}

func (r *run) inStage(s deal.Stage) error {
	if err := r.isOpen(); err != nil {
		return err
	}
	if r.v.Stage != s {
		return engine.NotAllowed("the deal is in stage %s, not %s", r.v.Stage, s)
	}
	return nil
}
