// Package satisfaction holds the vocabulary of the yearly satisfaction
// survey (docs/satisfaction.md): every client with a settlement in the last
// year is asked, per product bought, the questionnaire the deal's
// end-of-deal survey asks. One survey is a case on the engine (ID srv-…),
// owned by the rep of the client's latest paid deal of the product, with
// one control point; this package is its start parameters, view, action
// catalogue and the sweep's input and result. Control points, requests and
// refusals are the ones of package casework.
package satisfaction

import (
	"fmt"
	"hash/crc32"
	"strings"
	"time"

	"github.com/salesflow/salesflow/internal/calendar"
	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/complaint"
)

// Prefix starts the ID of every survey.
const Prefix = "srv-"

// Status is where a survey stands.
type Status string

// Survey statuses: open until the client's answers or the reason there are
// none are recorded.
const (
	StatusOpen     Status = "open"
	StatusRecorded Status = "recorded"
	StatusDeclined Status = "declined"
)

// Statuses lists every status.
var Statuses = []Status{StatusOpen, StatusRecorded, StatusDeclined}

// PointYearlySurvey is the control point of an open survey: the answers
// are due a policy duration after it opens.
const PointYearlySurvey casework.PointKind = "yearly_survey"

// PointKinds lists the survey's control point kinds.
var PointKinds = []casework.PointKind{PointYearlySurvey}

// Actions of a survey.
const (
	ActRecordSurvey  = "record_survey"
	ActDeclineSurvey = "decline_survey"
)

type (
	// RecordSurveyInput records the client's answers: a score 1..5 per
	// question of the product's questionnaire.
	RecordSurveyInput struct {
		Scores  map[string]int `json:"scores" maxlen:"200"`
		Comment string         `json:"comment,omitempty" maxlen:"2000"`
	}
	// DeclineSurveyInput closes the survey without answers: the client
	// refused or could not be reached.
	DeclineSurveyInput struct {
		Reason string `json:"reason" maxlen:"500"`
	}
)

// Inputs is the survey's action catalogue.
var Inputs = casework.Catalog{
	{Name: ActRecordSurvey, Input: RecordSurveyInput{}, Summary: "Record the client's answers; a 2 or 3 opens a complaint", When: "while the survey is open"},
	{Name: ActDeclineSurvey, Input: DeclineSurveyInput{}, Summary: "Close the survey without answers (refused, unreachable)", When: "while the survey is open"},
}

// Params start one survey.
type Params struct {
	ID       string `json:"id"`
	ClientID string `json:"client_id"`
	Product  string `json:"product"`
	// Owner is the rep of the client's latest paid deal of the product.
	Owner string `json:"owner"`
	// OpenedBy is who started the survey: the sweep (engine.SystemActor)
	// or a staff member.
	OpenedBy string `json:"opened_by"`
	// Questions are the product's questionnaire (the deal policy's
	// survey questions); Categories map a question to the category of the
	// complaint its low score opens.
	Questions  []string          `json:"questions"`
	Categories map[string]string `json:"categories,omitempty"`
	// Due is how long after opening the answers are due; Point the
	// reminders and grace of its control point.
	Due   casework.Duration    `json:"due"`
	Point casework.PointPolicy `json:"point"`
	// Complaint is the policy of the complaint a low score opens.
	Complaint     complaint.Policy  `json:"complaint"`
	PolicyVersion int               `json:"policy_version"`
	Calendar      calendar.Calendar `json:"calendar"`
}

// Answers are the client's recorded scores: Low lists the questions
// scored 3 or below, sorted.
type Answers struct {
	Scores     map[string]int `json:"scores"`
	Comment    string         `json:"comment,omitempty"`
	Low        []string       `json:"low_scores"`
	RecordedAt time.Time      `json:"recorded_at"`
}

// View is the whole state of a survey as the API shows it.
type View struct {
	ID            string   `json:"id"`
	ClientID      string   `json:"client_id"`
	Product       string   `json:"product"`
	Owner         string   `json:"owner"`
	OpenedBy      string   `json:"opened_by"`
	Status        Status   `json:"status"`
	Questions     []string `json:"questions"`
	Answers       *Answers `json:"answers,omitempty"`
	DeclineReason string   `json:"decline_reason,omitempty"`
	// ComplaintID is the complaint a low score opened.
	ComplaintID    string                  `json:"complaint_id,omitempty"`
	OpenedAt       time.Time               `json:"opened_at"`
	ClosedAt       *time.Time              `json:"closed_at,omitempty"`
	PolicyVersion  int                     `json:"policy_version"`
	ControlPoints  []casework.ControlPoint `json:"control_points"`
	AllowedActions []string                `json:"allowed_actions"`
	Seq            int                     `json:"seq"`
	UpdatedAt      time.Time               `json:"updated_at"`
}

// Sync is what the read model learns after each change.
type Sync = casework.Sync[View]

// ID is the survey of a client's product in the month of at, as the sweep
// starts it: srv-<client>-<product>-<yyyymm> (UTC). A product longer
// than 20 characters or with other characters than ASCII letters, digits,
// - and _ has them replaced by _, is cut to 11 and gets a hash of its name,
// so two products never share an ID and the ID (and its complaint's,
// cmp-<survey>) stays within the read model's 64 characters for the API's
// client IDs. A second start in the same month names the same workflow,
// which Temporal refuses.
func ID(clientID, product string, at time.Time) string {
	clean := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, product)
	if clean != product || len(clean) > 20 {
		clean = fmt.Sprintf("%s_%08x", clean[:min(len(clean), 11)], crc32.ChecksumIEEE([]byte(product)))
	}
	return fmt.Sprintf("%s%s-%s-%s", Prefix, clientID, clean, at.UTC().Format("200601"))
}

// SweepParams are the input of one run of the sweep workflow: the Temporal
// Schedule starts it with the zero value (as of now, from the first
// client); each page continues as new with the next client cursor.
type SweepParams struct {
	// AsOf is the moment the sweep looks from; zero: when it starts.
	AsOf time.Time `json:"as_of,omitzero"`
	// After is the last client ID of the pages done ("" to begin).
	After string `json:"after,omitempty"`
	// PageSize is how many clients one page reads (0: DefaultPageSize).
	PageSize int `json:"page_size,omitempty"`
	// Started and Skipped count the surveys of the pages done.
	Started int `json:"started,omitempty"`
	Skipped int `json:"skipped,omitempty"`
}

// DefaultPageSize is how many clients one page of the sweep reads.
const DefaultPageSize = 200

// DueInput asks the read model for one page of due surveys.
type DueInput struct {
	AsOf     time.Time `json:"as_of"`
	After    string    `json:"after,omitempty"`
	PageSize int       `json:"page_size"`
}

// Due is one page of surveys to start, each with its parameters, and the
// client cursor of the next page ("" after the last). Disabled is set
// when the policy turns the sweep off.
type Due struct {
	Surveys  []Params `json:"surveys"`
	Next     string   `json:"next,omitempty"`
	Disabled bool     `json:"disabled,omitempty"`
}

// SweepResult is what a whole sweep did: surveys started, and those whose
// workflow ID was taken already (started by an earlier sweep).
type SweepResult struct {
	Started int `json:"started"`
	Skipped int `json:"skipped"`
}

// Item is a survey as the read model last saw it: an item of
// GET /api/v1/surveys, which the web app reads too.
type Item struct {
	ID            string     `json:"id"`
	ClientID      string     `json:"client_id"`
	ClientName    string     `json:"client_name"`
	Product       string     `json:"product"`
	Owner         string     `json:"owner"`
	Status        string     `json:"status"`
	LowScores     int        `json:"low_scores"`
	ComplaintID   string     `json:"complaint_id,omitempty"`
	DeclineReason string     `json:"decline_reason,omitempty"`
	OpenedAt      time.Time  `json:"opened_at"`
	RecordedAt    *time.Time `json:"recorded_at,omitempty"`
	ClosedAt      *time.Time `json:"closed_at,omitempty"`
}
