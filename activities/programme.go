package activities

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/vip"
	"github.com/salesflow/salesflow/models"
)

// SyncProgramme writes one vip.Sync into the read model in a single
// transaction, like SyncComplaint: the history events not stored yet, the
// programme row and the current period's interviews (each only over an
// older copy), and its control points.
func (a *Activities) SyncProgramme(ctx context.Context, s vip.Sync) error {
	return programmes.sync(ctx, a.DB, s)
}

var programmes = caseTables[vip.View, models.ProgrammeEvent]{subject: models.SubjectProgramme, eventKey: []string{"programme_id", "seq"},
	event: func(id string, e casework.HistoryEvent) models.ProgrammeEvent {
		return models.ProgrammeEvent{ProgrammeID: id, Seq: e.Seq, Type: e.Type, Actor: e.Actor, Period: e.Stage, At: utc(e.At), Data: string(e.Data)}
	},
	head: func(v vip.View) (string, int, []casework.ControlPoint, string) {
		return v.ID, v.Seq, v.ControlPoints, missing(v.ID == "", "a programme ID")
	},
	upsert: upsertProgramme,
}

func upsertProgramme(tx *gorm.DB, v vip.View) error {
	row := models.Programme{
		ID: v.ID, Name: v.Name, Lead: v.Lead, CreatedBy: v.CreatedBy, Status: v.Status,
		Categories: strings.Join(v.Selection.Categories, ","), Classes: strings.Join(v.Selection.Classes, ","),
		Period: v.Period.String(), PeriodNumber: v.PeriodNumber, PeriodStart: utc(v.PeriodStart), PeriodEnd: utc(v.PeriodEnd),
		CreatedAt: utcOrNow(v.CreatedAt), ClosedAt: utcPtr(v.ClosedAt), UpdatedAt: utcOrNow(v.UpdatedAt), Seq: v.Seq,
	}
	err := upsertNewer(tx, "programmes", []models.Programme{row}, []string{"id"}, []string{
		"name", "lead", "status", "categories", "classes", "period", "period_number", "period_start", "period_end",
		"closed_at", "updated_at", "seq",
	})
	if err != nil {
		return fmt.Errorf("upsert programme: %w", err)
	}
	rows := make([]models.ProgrammeInterview, 0, len(v.Interviews))
	for _, iv := range v.Interviews {
		outcomes, _ := json.Marshal(iv.Outcomes)
		rows = append(rows, models.ProgrammeInterview{
			ProgrammeID: v.ID, Period: iv.Period, ClientID: iv.ClientID, ClientName: iv.ClientName, Owner: iv.Owner,
			Interviewer: iv.Interviewer, Status: iv.Status, DueAt: utc(iv.DueAt), HeldOn: utcPtr(iv.HeldOn),
			Rating: iv.Rating, Outcomes: string(outcomes), Seq: v.Seq,
		})
	}
	err = upsertNewer(tx, "programme_interviews", rows, []string{"programme_id", "period", "client_id"}, []string{
		"client_name", "owner", "interviewer", "status", "due_at", "held_on", "rating", "outcomes", "seq",
	})
	if err != nil {
		return fmt.Errorf("upsert interviews: %w", err)
	}
	return nil
}

// CreateReferral creates a referred company as a potential client (no
// settlements yet), created by the interviewer, with its contact person
// when named and the referral's note: who referred it, in which
// programme. The IDs come from the workflow, so a retry inserts nothing
// twice.
func (a *Activities) CreateReferral(ctx context.Context, in vip.NewClient) error {
	ref := in.Referral
	at := utcOrNow(in.At)
	return a.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		cl := models.Client{
			ID: in.ClientID, Name: ref.Name, Email: ref.Email, Phone: ref.Phone, CreatedBy: in.Interviewer, CreatedAt: at,
			SearchText: models.ClientSearchText(ref.Name, ref.Email),
		}
		if err := insertNew(tx, []models.Client{cl}, "id"); err != nil {
			return fmt.Errorf("referral %s: client: %w", in.ClientID, err)
		}
		if in.ContactID != "" {
			ct := models.ClientContact{ID: in.ContactID, ClientID: in.ClientID, Name: ref.ContactPerson, Email: ref.Email,
				Phone: ref.Phone, CreatedBy: in.Interviewer, CreatedAt: at, UpdatedAt: at}
			if err := insertNew(tx, []models.ClientContact{ct}, "id"); err != nil {
				return fmt.Errorf("referral %s: contact: %w", in.ClientID, err)
			}
		}
		note := models.Referral{ClientID: in.ClientID, ProgrammeID: in.ProgrammeID, ReferredBy: in.ReferredBy,
			Interviewer: in.Interviewer, Note: ref.Note, CreatedAt: at}
		if err := insertNew(tx, []models.Referral{note}, "client_id"); err != nil {
			return fmt.Errorf("referral %s: note: %w", in.ClientID, err)
		}
		logger(ctx).Info("referral created", "client_id", in.ClientID, "referred_by", in.ReferredBy)
		return nil
	})
}

// SelectInterviews chooses a period's clients and interviewers: the
// clients whose classification (client_classes) matches the selection,
// owned by the lead's team (any owner for an admin lead), by client ID;
// each interviewed by an active member of its owner's team other than
// the owner — the one with the fewest interviews so far in this choice,
// the first by ID among equals — or by the lead when the team has no one
// else. A client nobody but its owner could interview is left out.
func (a *Activities) SelectInterviews(ctx context.Context, in vip.SelectInput) ([]vip.Assignment, error) {
	db := a.DB.WithContext(ctx)
	lead, err := models.GetStaff(ctx, a.DB, in.Lead)
	if err != nil {
		return nil, fmt.Errorf("programme %s: lead %s: %w", in.ProgrammeID, in.Lead, err)
	}
	scope, err := models.ScopeOf(ctx, a.DB, lead)
	if err != nil {
		return nil, err
	}
	q := db.Table("client_classes AS k").Joins("JOIN clients AS c ON c.id = k.client_id").
		Select("k.client_id, c.name AS client_name, k.owner")
	if cats := in.Selection.Categories; len(cats) > 0 {
		q = q.Where("k.category IN ?", cats)
	}
	if classes := in.Selection.Classes; len(classes) > 0 {
		q = q.Where("k.abc IN ?", classes)
	}
	if !scope.All() {
		q = q.Where("k.owner IN ?", scope.Staff())
	}
	var picked []vip.Assignment
	if err := q.Order("k.client_id").Scan(&picked).Error; err != nil {
		return nil, fmt.Errorf("programme %s: select clients: %w", in.ProgrammeID, err)
	}
	var staff []models.Staff
	if err := db.Where("active = ?", true).Order("id").Find(&staff).Error; err != nil {
		return nil, fmt.Errorf("programme %s: staff: %w", in.ProgrammeID, err)
	}
	return assignInterviewers(picked, staff, in.Lead), nil
}

// assignInterviewers gives each client an interviewer (see
// SelectInterviews), balancing the load; staff is sorted by ID.
func assignInterviewers(clients []vip.Assignment, staff []models.Staff, lead string) []vip.Assignment {
	load := map[string]int{}
	out := make([]vip.Assignment, 0, len(clients))
	for _, cl := range clients {
		best := ""
		for _, m := range teamOf(cl.Owner, staff) {
			if m != cl.Owner && (best == "" || load[m] < load[best]) {
				best = m
			}
		}
		if best == "" && lead != cl.Owner {
			best = lead
		}
		if best == "" {
			continue
		}
		load[best]++
		cl.Interviewer = best
		out = append(out, cl)
	}
	return out
}

// teamOf is the team of staff member id, by ID: its manager and those
// reporting to that manager or, for a manager, itself and its reports;
// everyone for a member without a manager and team.
func teamOf(id string, staff []models.Staff) []string {
	head := id
	if i := slices.IndexFunc(staff, func(m models.Staff) bool { return m.ID == id }); i >= 0 && staff[i].ManagerID != "" {
		head = staff[i].ManagerID
	}
	var team []string
	for _, m := range staff {
		if m.ID == head || m.ManagerID == head {
			team = append(team, m.ID)
		}
	}
	if len(team) <= 1 {
		team = team[:0]
		for _, m := range staff {
			team = append(team, m.ID)
		}
	}
	return team
}
