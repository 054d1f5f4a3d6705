// Package keyaccount holds the vocabulary of the key-account review
// (docs/key-accounts.md): the criteria policy, the assessment's averages
// and quadrant, and the review's case type — one durable workflow per
// client whose assessments re-arm a re-assessment control point. It is
// shared by the workflow, its sync activity, the API and the web app.
package keyaccount

import (
	"strings"
	"time"

	"github.com/salesflow/salesflow/internal/calendar"
	"github.com/salesflow/salesflow/internal/casework"
)

// IDPrefix starts the workflow ID of a client's review: "kar-<client id>".
const IDPrefix = "kar-"

// ReviewID is the workflow ID of the review of client clientID.
func ReviewID(clientID string) string { return IDPrefix + clientID }

// ClientOf is the client of review id.
func ClientOf(id string) string { return strings.TrimPrefix(id, IDPrefix) }

// PointReassessment is the control point kind of the next assessment; the
// point's ID is the same.
const PointReassessment casework.PointKind = "reassessment"

// ActionAssess is the review's one action.
const ActionAssess = "assess"

// MaxNote bounds an assessment's note.
const MaxNote = 2000

// AssessInput is the assess action's input. The API fills in Policy (the
// policy document's key-account part as it is now) and Owner (the staff
// member the re-assessment point goes to: the client's owner); HTTP
// callers send only the scores and the note.
type AssessInput struct {
	Scores map[string]int `json:"scores"`
	Note   string         `json:"note,omitempty" maxlen:"2000"`
	Owner  string         `json:"owner"`
	Policy Policy         `json:"policy"`
}

// Catalog is the review's action catalogue.
var Catalog = casework.Catalog{
	{Name: ActionAssess, Input: AssessInput{}, Summary: "Assess the relationship with the client", When: "at any time"},
}

// Params start a client's review. Carry is the view a review continued
// as new carries over (its numbering, latest assessment and open point),
// or, for a review started again after its workflow ended, the numbering
// the read model holds; nil for a client's first review.
type Params struct {
	ID       string `json:"id"`
	ClientID string `json:"client_id"`
	// Client is the client's name, for the point's title.
	Client string `json:"client"`
	// Calendar is the business calendar the point's reminders keep to.
	Calendar calendar.Calendar `json:"calendar"`
	Carry    *View             `json:"carry,omitempty"`
}

// Assessment is one assessment of the relationship.
type Assessment struct {
	// Number counts the client's assessments from 1.
	Number int `json:"number"`
	Result
	Scores   map[string]int `json:"scores"`
	Note     string         `json:"note,omitempty"`
	By       string         `json:"by"`
	At       time.Time      `json:"at"`
	NextDue  time.Time      `json:"next_due"`
	Criteria []Criterion    `json:"criteria"`
	// Threshold is the strong threshold the quadrant was read with.
	Threshold float64 `json:"threshold"`
}

// View is the review as its query and action show it.
type View struct {
	ID       string `json:"id"`
	ClientID string `json:"client_id"`
	Owner    string `json:"owner"`
	// Count is how many assessments the review has made; Latest is the
	// newest of them.
	Count         int                     `json:"count"`
	Latest        *Assessment             `json:"latest,omitempty"`
	ControlPoints []casework.ControlPoint `json:"control_points"`
	Seq           int                     `json:"seq"`
	UpdatedAt     time.Time               `json:"updated_at"`
}

// Sync is what the read model learns after each change: the view and the
// assessments made since the previous sync.
type Sync struct {
	View        View         `json:"view"`
	Assessments []Assessment `json:"assessments"`
}
