package keyaccount

import "time"

// AssessmentItem is an assessment as the API shows it: the answer of POST
// /api/v1/clients/{id}/assessments and an item of GET
// /api/v1/clients/{id}/assessments, which the web app reads too.
type AssessmentItem struct {
	Number      int            `json:"number"`
	ClientID    string         `json:"client_id"`
	Quadrant    Quadrant       `json:"quadrant"`
	ClientScore float64        `json:"client_score"`
	OurScore    float64        `json:"our_score"`
	Threshold   float64        `json:"threshold"`
	Scores      map[string]int `json:"scores"`
	Criteria    []Criterion    `json:"criteria"`
	Note        string         `json:"note,omitempty"`
	By          string         `json:"by"`
	At          time.Time      `json:"at"`
	NextDue     time.Time      `json:"next_due"`
}

// Summary is the summary of a client's latest assessment that GET
// /api/v1/clients/{id} shows (key_account), which the web app reads too.
type Summary struct {
	Quadrant    Quadrant  `json:"quadrant"`
	ClientScore float64   `json:"client_score"`
	OurScore    float64   `json:"our_score"`
	At          time.Time `json:"at"`
	NextDue     time.Time `json:"next_due"`
}
