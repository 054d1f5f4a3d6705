package workflows

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/models"
)

// activityLog records which activities a workflow ran, and how: on the
// task queue or as local activities (every attempt).
type activityLog struct {
	mu            sync.Mutex
	queued, local []string
}

func watchActivities(h *harness) *activityLog {
	l := &activityLog{}
	h.env.SetOnActivityStartedListener(func(info *activity.Info, _ context.Context, _ converter.EncodedValues) {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.queued = append(l.queued, info.ActivityType.Name)
	})
	h.env.SetOnLocalActivityStartedListener(func(info *activity.Info, _ context.Context, _ []any) {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.local = append(l.local, info.ActivityType.Name)
	})
	return l
}

// count is how many times name ran in runs.
func count(runs []string, name string) int {
	n := 0
	for _, r := range runs {
		if r == name {
			n++
		}
	}
	return n
}

// actChecked sends action at offset d like act, and when its update
// completes, hands check the view it returned.
func (h *harness) actChecked(label string, d time.Duration, action string, input any, check func(v deal.View)) {
	h.update(label, d, "alice", casework.RoleSales, action, func() any { return input }, func(v any) {
		check(jsonCopy(h.t, v.(deal.View)))
	})
}

// readModelHas fails unless the read model holds the deal at the view's
// sequence number with every event up to it.
func (h *harness) readModelHas(v deal.View) {
	h.t.Helper()
	var row models.Deal
	if err := h.db.Where("id = ?", dealID).Take(&row).Error; err != nil {
		h.t.Fatalf("deal row: %v", err)
	}
	if row.Seq != v.Seq || row.Stage != string(v.Stage) {
		h.t.Errorf("read model at seq %d stage %s when the action answered seq %d stage %s", row.Seq, row.Stage, v.Seq, v.Stage)
	}
	if n := len(h.events()); n != v.Seq {
		h.t.Errorf("read model has %d events when the action answered seq %d", n, v.Seq)
	}
}

// TestSyncRunsLocallyWithinTheAction: a deal started with the local-sync
// version syncs its opening, every action and every fired control point
// in local activities — never on the task queue —, delivers each
// notification in one local activity (the one-delivery version), and an action answers
// only once the read model has its change (read-your-writes). Actions that
// move the next control-point moment later cancel no timer: the loop's
// timer fires early once instead.
func TestSyncRunsLocallyWithinTheAction(t *testing.T) {
	h := newHarness(t)
	acts := watchActivities(h)
	cancelled := 0
	h.env.SetOnTimerCanceledListener(func(string) { cancelled++ })
	// Each contact restarts the contact interval (14 days, reminded 2 days
	// ahead), moving the next moment later; then it turns overdue while
	// nothing happens.
	h.actChecked("contact-1", day(0.1), deal.ActLogContact, deal.LogContactInput{Channel: "phone"}, h.readModelHas)
	h.actChecked("contact-2", day(0.2), deal.ActLogContact, deal.LogContactInput{Channel: "email"}, h.readModelHas)
	h.actChecked("lose", day(20), deal.ActLose, deal.LoseInput{Reason: "timing"}, h.readModelHas)
	v := h.run(`{}`)

	h.mustApply("contact-1", "contact-2", "lose")
	if n := count(acts.queued, "SyncDeal"); n != 0 {
		t.Errorf("SyncDeal ran %d times on the task queue, want only local runs", n)
	}
	// Opening, two actions, the contact point's reminder and overdue
	// moments, the loss: at least one local sync each.
	if n := count(acts.local, "SyncDeal"); n < 5 {
		t.Errorf("SyncDeal ran %d times locally, want at least 5 (%v)", n, acts.local)
	}
	if cancelled != 0 {
		t.Errorf("%d timers cancelled, want none", cancelled)
	}
	if count(acts.local, "DeliverNotification") == 0 {
		t.Errorf("no notification was delivered in a local activity (%v)", acts.local)
	}
	if len(acts.queued) != 0 {
		t.Errorf("activities ran on the task queue: %v, want only local ones", acts.queued)
	}
	h.readModelHas(v)
}

// failDealWrites makes the next n writes of the deals table fail.
func failDealWrites(t *testing.T, db *gorm.DB, n int) *int {
	t.Helper()
	var mu sync.Mutex
	failed := 0
	err := db.Callback().Create().Before("gorm:create").Register("test:fail_deals", func(tx *gorm.DB) {
		mu.Lock()
		defer mu.Unlock()
		if tx.Statement.Table == "deals" && failed < n {
			failed++
			_ = tx.AddError(errors.New("read model unavailable"))
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return &failed
}

// TestLocalSyncRetriedUntilTheReadModelTakesIt: while the read model
// refuses the deal's writes — eight attempts, so the retries outgrow the
// workflow task and continue on workflow timers — the action does not
// answer; once a retry succeeds it answers with the read model holding
// its change, applied once.
func TestLocalSyncRetriedUntilTheReadModelTakesIt(t *testing.T) {
	h := newHarness(t)
	acts := watchActivities(h)
	var failed *int
	h.env.RegisterDelayedCallback(func() { failed = failDealWrites(t, h.db, 8) }, day(0.05))
	h.actChecked("hold", day(0.1), deal.ActHoldPresentation, deal.HoldPresentationInput{Notes: "went well"}, func(v deal.View) {
		if *failed != 8 {
			t.Errorf("the action answered after %d failed syncs, want 8", *failed)
		}
		h.readModelHas(v)
	})
	h.end("lose", day(0.5), "timing")
	v := h.run(`{}`)

	h.mustApply("hold", "lose")
	if n := count(acts.local, "SyncDeal"); n < 3+8 {
		t.Errorf("SyncDeal ran %d times locally, want the opening, two actions and 8 failed attempts", n)
	}
	if n := count(acts.queued, "SyncDeal"); n != 0 {
		t.Errorf("SyncDeal ran %d times on the task queue", n)
	}
	hist := h.history()
	if count(hist, deal.ActHoldPresentation) != 1 {
		t.Errorf("history %v: want hold_presentation once", hist)
	}
	h.readModelHas(v)
}

// TestConcurrentActionsSyncInOrder: actions arriving together are applied
// in one workflow task; their syncs run one after the other in the order
// of the changes, so the read model never goes back to an older view and
// every row derived from the stored history sees it whole.
func TestConcurrentActionsSyncInOrder(t *testing.T) {
	h := newHarness(t)
	var mu sync.Mutex
	var seqs []int
	err := h.db.Callback().Create().Before("gorm:create").Register("test:deal_seqs", func(tx *gorm.DB) {
		if rows, ok := tx.Statement.Dest.(*[]models.Deal); ok && len(*rows) == 1 {
			mu.Lock()
			seqs = append(seqs, (*rows)[0].Seq)
			mu.Unlock()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, label := range []string{"contact-1", "contact-2", "contact-3", "contact-4"} {
		h.actChecked(label, day(0.1), deal.ActLogContact, deal.LogContactInput{Channel: "phone", Note: label}, func(v deal.View) {
			var row models.Deal
			if err := h.db.Where("id = ?", dealID).Take(&row).Error; err != nil || row.Seq < v.Seq {
				t.Errorf("%s answered seq %d, read model at %d (%v)", label, v.Seq, row.Seq, err)
			}
		})
	}
	h.end("lose", day(0.5), "timing")
	v := h.run(`{}`)

	h.mustApplyAll()
	if !slices.IsSorted(seqs) {
		t.Errorf("deal syncs wrote seqs %v, want them in order", seqs)
	}
	h.readModelHas(v)
}

// TestNearTimerReplacedNotKept: with second-long deadlines (tests, demos)
// the timer loop replaces a timer less than a minute away when a contact
// moves the next moment later, as before the version, instead of keeping it
// and waking up early after every action; the reminder and the overdue
// notices still come exactly on time.
func TestNearTimerReplacedNotKept(t *testing.T) {
	h := newHarness(t)
	cancelled, fired := 0, 0
	h.env.SetOnTimerCanceledListener(func(string) { cancelled++ })
	h.env.SetOnTimerFiredListener(func(string) { fired++ })
	second := func(n float64) time.Duration { return time.Duration(n * float64(time.Second)) }
	h.act("contact-1", second(10), deal.ActLogContact, deal.LogContactInput{Channel: "phone"})
	h.act("contact-2", second(20), deal.ActLogContact, deal.LogContactInput{Channel: "phone"})
	h.end("lose", day(1), "timing")
	h.run(`{"contact_interval": "30s", "control_points": {"contact_interval": {"reminders": ["10s"], "grace": "0s"}}}`)

	h.mustApplyAll()
	if cancelled != 2 {
		t.Errorf("%d timers cancelled, want one per contact", cancelled)
	}
	// The reminder (at 40 s) and the overdue moment (at 50 s): no early
	// wake-up.
	if fired != 2 {
		t.Errorf("%d timers fired, want 2", fired)
	}
	h.wantNotices(pointContact, remind(second(40), second(50)), overdue(second(50), second(50)), escalation(second(50), second(50)))
}
