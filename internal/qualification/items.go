package qualification

import "time"

// Item is a qualification as the API shows it: the answer of POST
// /api/v1/clients/{id}/qualifications and an item of GET
// /api/v1/clients/{id}/qualifications, which the web app reads too.
type Item struct {
	ID            string         `json:"id"`
	ClientID      string         `json:"client_id"`
	Answers       map[string]int `json:"answers"`
	Total         int            `json:"total"`
	Max           int            `json:"max"`
	Band          string         `json:"band"`
	PolicyVersion int            `json:"policy_version"`
	By            string         `json:"by"`
	At            time.Time      `json:"at"`
	Approval      *Approval      `json:"approval,omitempty"`
}

// Approval is a manager's approval of a qualification in the band refuse:
// the answer of POST /api/v1/clients/{id}/qualifications/{qid}/approval
// and an Item's approval, which the web app reads too.
type Approval struct {
	QualificationID string    `json:"qualification_id"`
	Reason          string    `json:"reason"`
	By              string    `json:"by"`
	At              time.Time `json:"at"`
}

// Brief is a client's latest qualification as GET /api/v1/clients/{id}
// and the items of GET /api/v1/clients show it, which the web app reads
// too.
type Brief struct {
	ID       string    `json:"id"`
	Band     string    `json:"band"`
	Total    int       `json:"total"`
	Max      int       `json:"max"`
	At       time.Time `json:"at"`
	Approved bool      `json:"approved"`
}
