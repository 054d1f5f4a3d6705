package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/policy"
	"github.com/salesflow/salesflow/internal/qualification"
	"github.com/salesflow/salesflow/models"
)

// CodeQualificationRefused refuses to open a deal for a client whose
// latest qualification is in the band refuse and not approved by a
// manager, while the policy asks for that approval.
const CodeQualificationRefused = "qualification_refused"

// qualificationInput is the body of POST /clients/{id}/qualifications:
// a score 0..10 for every question of the policy's questionnaire.
type qualificationInput struct {
	Answers map[string]int `json:"answers" maxlen:"32"`
}

// approvalInput is the body of POST
// /clients/{id}/qualifications/{qid}/approval.
type approvalInput struct {
	Reason string `json:"reason" maxlen:"2000"`
}

// qualificationList is the answer of GET /clients/{id}/qualifications.
type qualificationList = list[qualification.Item]

// toApproval is a stored approval as the API shows it.
func toApproval(a models.QualificationApproval) *qualification.Approval {
	return &qualification.Approval{QualificationID: a.QualificationID, Reason: a.Reason, By: a.ApprovedBy, At: a.ApprovedAt.UTC()}
}

// toQualificationItem is a stored qualification, with its approval if it
// has one, as the API shows it. Its answers are never nil: the stored ones
// are the JSON object of the checked answers, every question answered.
func toQualificationItem(q *models.Qualification, approval *models.QualificationApproval) qualification.Item {
	out := qualification.Item{ID: q.ID, ClientID: q.ClientID, Answers: map[string]int{}, Total: q.Total, Max: q.Max, Band: q.Band,
		PolicyVersion: q.PolicyVersion, By: q.CreatedBy, At: q.CreatedAt.UTC()}
	_ = json.Unmarshal([]byte(q.Answers), &out.Answers) // written by createQualification from a map
	if approval != nil {
		out.Approval = toApproval(*approval)
	}
	return out
}

// qualificationRoutes registers the qualification routes with r (the
// route table of New): under a client, with its scope.
func (s *server) qualificationRoutes(r routeFunc) {
	r("POST", "/clients/:id/qualifications", s.idempotent(s.createQualification), rule{object: objClient, audit: "qualification.create"})
	r("GET", "/clients/:id/qualifications", s.listQualifications, rule{object: objClient})
	r("POST", "/clients/:id/qualifications/:qid/approval", s.idempotent(s.approveQualification),
		rule{roles: managersAdmins, object: objClient, audit: "qualification.approve"})
}

// createQualification scores the questionnaire of a client the caller can
// see (authorize answers 404 for another) with the current policy's
// questions and thresholds, and stores it. With an Idempotency-Key the
// ID comes from the key, so a retry finds the qualification it made.
func (s *server) createQualification(c echo.Context) error {
	var in qualificationInput
	if _, err := decode(c, &in); err != nil {
		return err
	}
	doc, err := s.currentPolicy(c)
	if err != nil {
		return err
	}
	if probs := doc.Qualification.Check(in.Answers); probs != nil {
		return invalidFields(probs)
	}
	res := doc.Qualification.Score(in.Answers)
	answers, err := json.Marshal(in.Answers)
	if err != nil {
		return err
	}
	me := staffOf(c)
	q := &models.Qualification{
		ID: newID("qual-", me.ID, c.Request().Header.Get(headerIdempotencyKey)), ClientID: c.Param("id"), Answers: string(answers),
		Total: res.Total, Max: res.Max, Band: res.Band, PolicyVersion: doc.Version,
		CreatedBy: me.ID, CreatedAt: time.Now().UTC().Truncate(time.Microsecond),
	}
	ctx := c.Request().Context()
	err = models.CreateQualification(ctx, s.DB, q)
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		q, err = models.GetQualification(ctx, s.DB, q.ClientID, q.ID)
	}
	if err != nil {
		return err
	}
	logger(c).Info("client qualified", "client", q.ClientID, "qualification", q.ID, "total", q.Total, "band", q.Band)
	return c.JSON(http.StatusCreated, toQualificationItem(q, nil))
}

// listQualifications answers the qualifications of a client the caller
// can see, newest first, each with its approval.
func (s *server) listQualifications(c echo.Context) error {
	ctx := c.Request().Context()
	rows, err := models.ClientQualifications(ctx, s.DB, c.Param("id"))
	if err != nil {
		return err
	}
	approvals, err := models.QualificationApprovals(ctx, s.DB, c.Param("id"))
	if err != nil {
		return err
	}
	out := qualificationList{Items: make([]qualification.Item, 0, len(rows))}
	for i := range rows {
		var a *models.QualificationApproval
		if ap, ok := approvals[rows[i].ID]; ok {
			a = &ap
		}
		out.Items = append(out.Items, toQualificationItem(&rows[i], a))
	}
	return c.JSON(http.StatusOK, out)
}

// approveQualification records a manager's approval, with a reason, of a
// client's qualification in the band refuse: deals may then be opened for
// the client while it is the latest. A qualification in another band, or
// one approved already, is a 409 conflict.
func (s *server) approveQualification(c echo.Context) error {
	var in approvalInput
	if _, err := decode(c, &in); err != nil {
		return err
	}
	p := problems{}
	p.name("reason", &in.Reason, 2000)
	if err := p.err(); err != nil {
		return err
	}
	ctx := c.Request().Context()
	q, err := models.GetQualification(ctx, s.DB, c.Param("id"), c.Param("qid"))
	if err != nil {
		return notFoundOr(err, "qualification")
	}
	if q.Band != qualification.BandRefuse {
		return fail(http.StatusConflict, casework.CodeConflict,
			fmt.Sprintf("only a qualification in the band refuse needs approval; this one is %s", q.Band))
	}
	a, created, err := models.ApproveQualification(ctx, s.DB, models.QualificationApproval{
		QualificationID: q.ID, ClientID: q.ClientID, Reason: in.Reason, ApprovedBy: staffOf(c).ID,
		ApprovedAt: time.Now().UTC().Truncate(time.Microsecond),
	})
	if err != nil {
		return err
	}
	if !created {
		return fail(http.StatusConflict, casework.CodeConflict,
			fmt.Sprintf("the qualification was approved already by %s at %s", a.ApprovedBy, a.ApprovedAt.UTC().Format(time.RFC3339)))
	}
	logger(c).Info("refused qualification approved", "client", q.ClientID, "qualification", q.ID, "by", a.ApprovedBy)
	return c.JSON(http.StatusCreated, toApproval(a))
}

// latestQualification is the brief of the client's latest qualification,
// nil when it has none.
func (s *server) latestQualification(c echo.Context, clientID string) (*qualification.Brief, error) {
	cur, err := models.CurrentQualifications(c.Request().Context(), s.DB, []string{clientID})
	return toBrief(cur, clientID), err
}

// toBrief is the brief of the current qualification of clientID in cur,
// nil when it has none.
func toBrief(cur map[string]models.CurrentQualification, clientID string) *qualification.Brief {
	q, ok := cur[clientID]
	if !ok {
		return nil
	}
	return &qualification.Brief{ID: q.ID, Band: q.Band, Total: q.Total, Max: q.Max, At: q.CreatedAt.UTC(), Approved: q.Approved}
}

// withQualifications gives each client of a directory page its latest
// qualification (one query for the page).
func (s *server) withQualifications(c echo.Context, items []models.ClientItem) error {
	ids := make([]string, len(items))
	for i := range items {
		ids[i] = items[i].ID
	}
	cur, err := models.CurrentQualifications(c.Request().Context(), s.DB, ids)
	for i := range items {
		items[i].Qualification = toBrief(cur, items[i].ID)
	}
	return err
}

// checkQualification refuses to open a deal for the client when the
// policy asks a manager's approval for the band refuse and the client's
// latest qualification is in it without one (409
// qualification_refused, naming the band and the total).
func (s *server) checkQualification(c echo.Context, doc policy.Document, clientID string) error {
	if !doc.Qualification.RefuseNeedsApproval {
		return nil
	}
	q, err := s.latestQualification(c, clientID)
	if err != nil || q == nil || q.Band != qualification.BandRefuse || q.Approved {
		return err
	}
	return fail(http.StatusConflict, CodeQualificationRefused, fmt.Sprintf(
		"the client's latest qualification is in the band refuse (%d of %d points); opening a deal needs a manager's approval of it", q.Total, q.Max))
}
