// Package vip is the vocabulary of the VIP interview programme
// (docs/vip.md): a programme's definition, its view, the interview form
// and the action catalogue. It knows no other case type; the workflow
// lives in package workflows.
package vip

import (
	"time"

	"github.com/salesflow/salesflow/internal/calendar"
	"github.com/salesflow/salesflow/internal/casework"
)

// Control point kinds of a programme.
const (
	// PointInterview is one client's interview of a period, owned by its
	// interviewer and due by the period's interview due date.
	PointInterview casework.PointKind = "interview"
	// PointUpsell is an upsell topic an interview turned into a follow-up
	// for the client's owner.
	PointUpsell casework.PointKind = "upsell_follow_up"
)

// PointKinds lists the control point kinds of a programme.
var PointKinds = []casework.PointKind{PointInterview, PointUpsell}

// Programme statuses.
const (
	StatusActive = "active"
	StatusClosed = "closed"
)

// Interview statuses: pending until held, skipped (with a reason) or
// missed (the period ended first).
const (
	InterviewPending = "pending"
	InterviewHeld    = "held"
	InterviewSkipped = "skipped"
	InterviewMissed  = "missed"
)

// Outcome kinds: what an interview's answers became.
const (
	OutcomeFollowUp  = "follow_up"
	OutcomeDeal      = "deal"
	OutcomeClient    = "client"
	OutcomeComplaint = "complaint"
)

// Selection chooses the clients of a programme from the classification
// read model: a client matches when its category is one of Categories and
// its ABC class one of Classes; an empty list does not filter.
type Selection struct {
	Categories []string `json:"categories,omitempty"`
	Classes    []string `json:"classes,omitempty"`
}

// Definition is what a programme is created with.
type Definition struct {
	Name      string    `json:"name"`
	Lead      string    `json:"lead"`
	Selection Selection `json:"selection"`
	// Period is how often every client is interviewed (default 90 days).
	Period casework.Duration `json:"period"`
	// InterviewDue is how long after a period's start its interviews are
	// due (default: the period).
	InterviewDue casework.Duration `json:"interview_due"`
}

// Policy holds a programme's control point policies and the follow-up
// deadline of an upsell topic.
type Policy struct {
	Points map[casework.PointKind]casework.PointPolicy `json:"control_points"`
	// FollowUpDue is how long after the interview an upsell follow-up is
	// due.
	FollowUpDue casework.Duration `json:"follow_up_due"`
	// Currency is the currency of the deals upsell topics open.
	Currency string `json:"currency"`
}

// DefaultPolicy is a programme's policy unless its creator overrides it:
// interviews are reminded 7 and 1 days before due, follow-ups are due in
// 14 days and reminded 2 days before, deals are in RUB.
func DefaultPolicy() Policy {
	return Policy{
		Points: map[casework.PointKind]casework.PointPolicy{
			PointInterview: {Reminders: []casework.Duration{casework.Days(7), casework.Days(1)}},
			PointUpsell:    {Reminders: []casework.Duration{casework.Days(2)}},
		},
		FollowUpDue: casework.Days(14),
		Currency:    "RUB",
	}
}

// Point is the policy of control points of kind k.
func (p Policy) Point(k casework.PointKind) casework.PointPolicy { return p.Points[k] }

// Assignment is one client of a period with its interviewer, as the
// selection activity chose them.
type Assignment struct {
	ClientID    string `json:"client_id"`
	ClientName  string `json:"client_name"`
	Owner       string `json:"owner"`
	Interviewer string `json:"interviewer"`
}

// SelectInput asks the selection activity for a period's clients: those
// matching the selection among the clients owned by the lead's team.
type SelectInput struct {
	ProgrammeID string    `json:"programme_id"`
	Lead        string    `json:"lead"`
	Selection   Selection `json:"selection"`
}

// Params start a programme workflow, and carry it across its periods
// (continue-as-new): Number, Start and Seq are zero for the first period.
type Params struct {
	ID string `json:"id"`
	Definition
	CreatedBy     string            `json:"created_by"`
	Policy        Policy            `json:"policy"`
	PolicyVersion int               `json:"policy_version"`
	Calendar      calendar.Calendar `json:"calendar"`
	// Number is the period to run (0: the first), Start its start, Seq the
	// history's sequence number so far and CreatedAt the programme's.
	Number    int       `json:"number,omitempty"`
	Start     time.Time `json:"start,omitzero"`
	Seq       int       `json:"seq,omitempty"`
	CreatedAt time.Time `json:"created_at,omitzero"`
}

// View is the whole state of a programme as the API shows it: its
// definition and the current period's interviews.
type View struct {
	ID string `json:"id"`
	Definition
	CreatedBy    string     `json:"created_by"`
	Status       string     `json:"status"`
	CreatedAt    time.Time  `json:"created_at"`
	ClosedAt     *time.Time `json:"closed_at,omitempty"`
	ClosedReason string     `json:"closed_reason,omitempty"`
	// PeriodNumber counts the periods from 1; PeriodStart and PeriodEnd
	// bound the current one.
	PeriodNumber   int                     `json:"period_number"`
	PeriodStart    time.Time               `json:"period_start"`
	PeriodEnd      time.Time               `json:"period_end"`
	InterviewDueAt time.Time               `json:"interview_due_at"`
	Interviews     []Interview             `json:"interviews"`
	ControlPoints  []casework.ControlPoint `json:"control_points"`
	AllowedActions []string                `json:"allowed_actions"`
	Policy         Policy                  `json:"policy"`
	PolicyVersion  int                     `json:"policy_version"`
	Seq            int                     `json:"seq"`
	UpdatedAt      time.Time               `json:"updated_at"`
}

// Interview is one client's interview of a period.
type Interview struct {
	Assignment
	Period     int        `json:"period"`
	DueAt      time.Time  `json:"due_at"`
	Status     string     `json:"status"`
	HeldOn     *time.Time `json:"held_on,omitempty"`
	Rating     int        `json:"service_rating,omitempty"`
	SkipReason string     `json:"skip_reason,omitempty"`
	// Record is the interview form as recorded.
	Record   *RecordInterviewInput `json:"record,omitempty"`
	Outcomes []Outcome             `json:"outcomes"`
}

// Outcome is the work an interview's answer became: a follow-up control
// point, a deal, a client or a complaint, named by Ref.
type Outcome struct {
	Kind  string `json:"kind"`
	Ref   string `json:"ref"`
	Topic string `json:"topic,omitempty"`
	// Error says why the work could not be started ("" when it was).
	Error string `json:"error,omitempty"`
}

// Sync is what the read model learns after each change.
type Sync = casework.Sync[View]

// NewClient is what the referral activity creates a potential client
// from: the referral as recorded, with the IDs the workflow chose.
type NewClient struct {
	ClientID    string        `json:"client_id"`
	ContactID   string        `json:"contact_id"`
	ProgrammeID string        `json:"programme_id"`
	ReferredBy  string        `json:"referred_by"`
	Interviewer string        `json:"interviewer"`
	At          time.Time     `json:"at"`
	Referral    ReferralInput `json:"referral"`
}

// Item is a programme as the read model last saw it: an item of
// GET /api/v1/programmes, which the web app reads too.
type Item struct {
	ID           string     `json:"id"`
	Name         string     `json:"name"`
	Lead         string     `json:"lead"`
	Status       string     `json:"status"`
	Categories   []string   `json:"categories"`
	Classes      []string   `json:"classes"`
	Period       string     `json:"period"`
	PeriodNumber int        `json:"period_number"`
	PeriodStart  time.Time  `json:"period_start"`
	PeriodEnd    time.Time  `json:"period_end"`
	CreatedAt    time.Time  `json:"created_at"`
	ClosedAt     *time.Time `json:"closed_at,omitempty"`
}

// InterviewItem is one client's interview of a period: an item of
// GET /api/v1/interviews, which the web app reads too.
type InterviewItem struct {
	ProgrammeID string     `json:"programme_id"`
	Period      int        `json:"period"`
	ClientID    string     `json:"client_id"`
	ClientName  string     `json:"client_name"`
	Owner       string     `json:"owner"`
	Interviewer string     `json:"interviewer"`
	Status      string     `json:"status"`
	DueAt       time.Time  `json:"due_at"`
	HeldOn      *time.Time `json:"held_on,omitempty"`
	Rating      int        `json:"service_rating,omitempty"`
	Outcomes    []Outcome  `json:"outcomes"`
}
