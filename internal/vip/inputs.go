package vip

import (
	"time"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/money"
)

// Action names of a programme.
const (
	ActRecordInterview   = "record_interview"
	ActReassignInterview = "reassign_interview"
	ActSkipInterview     = "skip_interview"
	ActCompleteFollowUp  = "complete_follow_up"
	ActCloseProgramme    = "close_programme"
)

// Upsell outcomes: a follow-up for the client's owner or a new deal.
const (
	UpsellFollowUp = "follow_up"
	UpsellDeal     = "deal"
)

// KeyContactInput is a key person of the client met or named in an
// interview.
type KeyContactInput struct {
	Name  string `json:"name" maxlen:"200"`
	Role  string `json:"role" maxlen:"200"`
	Phone string `json:"phone,omitempty" maxlen:"50"`
	Email string `json:"email,omitempty" maxlen:"200"`
}

// UpsellInput is a new offer or topic of cooperation the interview found:
// a follow-up for the client's owner, or a deal opened for the owner.
type UpsellInput struct {
	Topic   string        `json:"topic" maxlen:"300"`
	Product string        `json:"product,omitempty" maxlen:"100"`
	As      string        `json:"as" enum:"follow_up|deal"`
	Amount  *money.Amount `json:"amount,omitempty" validate:"positive"`
}

// ReferralInput is an acquaintance of the client who may be interested:
// it becomes a potential client.
type ReferralInput struct {
	Name          string `json:"name" maxlen:"300"`
	ContactPerson string `json:"contact_person,omitempty" maxlen:"200"`
	Phone         string `json:"phone,omitempty" maxlen:"50"`
	Email         string `json:"email,omitempty" maxlen:"200"`
	Note          string `json:"note,omitempty" maxlen:"1000"`
}

// ComplaintInput is a complaint the client made in the interview: it opens
// the complaint procedure.
type ComplaintInput struct {
	Description string `json:"description" maxlen:"5000"`
	Category    string `json:"category" maxlen:"100"`
	Severity    string `json:"severity" enum:"low|normal|high|critical"`
}

// RecordInterviewInput is the VIP questionnaire: who was met and when,
// how the client rates our service, its plans, new offers, referrals and
// a complaint if it has one.
type RecordInterviewInput struct {
	ClientID       string            `json:"client_id" maxlen:"64"`
	HeldOn         time.Time         `json:"held_on"`
	Interviewer    string            `json:"interviewer,omitempty" maxlen:"64"`
	KeyContacts    []KeyContactInput `json:"key_contacts"`
	ServiceRating  int               `json:"service_rating"`
	ServiceComment string            `json:"service_comment,omitempty" maxlen:"2000"`
	ExpansionPlans string            `json:"expansion_plans,omitempty" maxlen:"2000"`
	Upsell         []UpsellInput     `json:"upsell,omitempty"`
	Referrals      []ReferralInput   `json:"referrals,omitempty"`
	Complaint      *ComplaintInput   `json:"complaint,omitempty"`
}

// ReassignInterviewInput hands a client's interview to another member,
// never the client's owner.
type ReassignInterviewInput struct {
	ClientID    string `json:"client_id" maxlen:"64"`
	Interviewer string `json:"interviewer" maxlen:"64"`
}

// SkipInterviewInput skips a client's interview of this period.
type SkipInterviewInput struct {
	ClientID string `json:"client_id" maxlen:"64"`
	Reason   string `json:"reason" maxlen:"1000"`
}

// CompleteFollowUpInput records that the owner has followed up an upsell
// topic.
type CompleteFollowUpInput struct {
	PointID string `json:"point_id" maxlen:"200"`
	Note    string `json:"note,omitempty" maxlen:"2000"`
}

// CloseProgrammeInput ends the programme.
type CloseProgrammeInput struct {
	Reason string `json:"reason" maxlen:"1000"`
}

// Inputs is the programme's action catalogue.
var Inputs = casework.Catalog{
	{Name: ActRecordInterview, Input: RecordInterviewInput{}, Summary: "Record a client's interview; its upsell topics, referrals and complaint become work",
		When: "while the client's interview of this period is pending"},
	{Name: ActReassignInterview, Input: ReassignInterviewInput{}, Summary: "Hand a client's interview to another interviewer (never its owner)",
		When: "while the client's interview is pending", Roles: casework.Managers},
	{Name: ActSkipInterview, Input: SkipInterviewInput{}, Summary: "Skip a client's interview of this period, with a reason",
		When: "while the client's interview is pending", Roles: casework.Managers},
	{Name: ActCompleteFollowUp, Input: CompleteFollowUpInput{}, Summary: "Record that an upsell topic was followed up",
		When: "while an upsell follow-up is open"},
	{Name: ActCloseProgramme, Input: CloseProgrammeInput{}, Summary: "Close the programme; pending interviews are cancelled",
		When: "while the programme is active", Roles: casework.Managers},
}

// Severities are the complaint severities an interview may record.
var Severities = casework.EnumOf(ComplaintInput{}, "severity")
