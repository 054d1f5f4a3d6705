package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/keyaccount"
	"github.com/salesflow/salesflow/internal/reports"
	"github.com/salesflow/salesflow/models"
	"github.com/salesflow/salesflow/workflows"
)

// assessmentInput is the body of POST /clients/{id}/assessments.
type assessmentInput struct {
	Scores map[string]int `json:"scores"`
	Note   string         `json:"note,omitempty" maxlen:"2000"`
}

// reviews lends the key-account review's workflow calls the case routes'
// error mapping (CaseType.call); the review has no generic routes.
var reviews = &CaseType[keyaccount.Params, keyaccount.View]{Noun: "key-account review", Prefix: keyaccount.IDPrefix, Catalog: keyaccount.Catalog}

// keyAccountRoutes registers the assessment routes and the report.
func (s *server) keyAccountRoutes(r routeFunc) {
	r("POST", "/clients/:id/assessments", s.idempotent(s.createAssessment), rule{object: objClient, audit: "client.assess"})
	r("GET", "/clients/:id/assessments", s.listAssessments, rule{object: objClient})
	r("GET", "/reports/key-accounts", scopeReport(s, keyAccountReportPeriod, reports.KeyAccounts), rule{})
}

// createAssessment answers POST /clients/{id}/assessments: the assess
// action on the client's review, started with it when it is the first.
func (s *server) createAssessment(c echo.Context) error {
	var in assessmentInput
	if err := DecodeBody(c, &in); err != nil {
		return err
	}
	doc, err := s.currentPolicy(c)
	if err != nil {
		return err
	}
	if problems := keyaccount.Check(doc.KeyAccounts, in.Scores); len(problems) > 0 {
		return invalidFields(problems)
	}
	cl, err := models.GetClient(c.Request().Context(), s.DB, c.Param("id"))
	if err != nil {
		return notFoundOr(err, objClient)
	}
	key, err := idempotencyKey(c)
	if err != nil {
		return err
	}
	me := staffOf(c)
	input, _ := json.Marshal(keyaccount.AssessInput{Scores: in.Scores, Note: in.Note, Owner: cl.CreatedBy, Policy: doc.KeyAccounts})
	id := keyaccount.ReviewID(cl.ID)
	params := keyaccount.Params{ID: id, ClientID: cl.ID, Client: cl.Name, Calendar: caseCalendar(doc, cl)}
	if params.Carry, err = s.resumeReview(c.Request().Context(), id, cl.ID); err != nil {
		return err
	}
	auditObject(c, objClient, cl.ID, cl.CreatedBy)
	view, err := reviews.call(c, id, func(ctx context.Context, view *keyaccount.View) error {
		return s.assess(ctx, id, updateIDOf(me.ID, key), params, casework.Request{Actor: me.ID, Role: me.Role, Input: input}, view)
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toAssessmentItem(cl.ID, view.Latest))
}

// resumeReview is what a review starts from should this request start
// it: a first review starts from nothing, one started again after an
// operator ended the workflow continues the numbering of assessments and
// control-point syncs the read model holds (so no assessment row is keyed
// twice and no point sync is taken for an older one).
func (s *server) resumeReview(ctx context.Context, id, clientID string) (*keyaccount.View, error) {
	number, seq, err := models.ReviewResume(ctx, s.DB, id)
	if err != nil || number == 0 && seq == 0 {
		return nil, err
	}
	return &keyaccount.View{ID: id, ClientID: clientID, Count: number, Seq: seq, ControlPoints: []casework.ControlPoint{}}, nil
}

// assess sends the assess action to review id with update-with-start: the
// first assessment starts the review, a later one finds it running (or its
// continued run). updateID makes a retried request apply once.
func (s *server) assess(ctx context.Context, id, updateID string, params keyaccount.Params, req casework.Request, view *keyaccount.View) error {
	handle, err := s.Temporal.UpdateWithStartWorkflow(ctx, client.UpdateWithStartWorkflowOptions{
		StartWorkflowOperation: s.Temporal.NewWithStartWorkflowOperation(client.StartWorkflowOptions{
			ID: id, TaskQueue: s.TaskQueue,
			WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
			StaticSummary:            "Key-account review of " + params.Client,
		}, workflows.KeyAccountReview, params),
		UpdateOptions: client.UpdateWorkflowOptions{
			WorkflowID: id, UpdateName: keyaccount.ActionAssess, UpdateID: updateID, Args: []any{req},
			WaitForStage: client.WorkflowUpdateStageCompleted,
		},
	})
	if err == nil {
		err = handle.Get(ctx, view)
	}
	return err
}

// updateIDOf is the update ID of a request with Idempotency-Key key ("":
// none, the SDK picks one).
func updateIDOf(staffID, key string) string {
	if key == "" {
		return ""
	}
	return newID("assess-", staffID, key)
}

// toAssessmentItem is assessment a of the client as the API shows it. Its
// scores and criteria are never null: empty for a nil a, or an assessment
// under a policy without criteria.
func toAssessmentItem(clientID string, a *keyaccount.Assessment) keyaccount.AssessmentItem {
	var item keyaccount.AssessmentItem
	if a != nil {
		item = keyaccount.AssessmentItem{
			Number: a.Number, ClientID: clientID, Quadrant: a.Quadrant, ClientScore: a.ClientScore, OurScore: a.OurScore,
			Threshold: a.Threshold, Scores: a.Scores, Criteria: a.Criteria, Note: a.Note, By: a.By, At: a.At.UTC(), NextDue: a.NextDue.UTC(),
		}
	}
	if item.Scores == nil {
		item.Scores = map[string]int{}
	}
	if item.Criteria == nil {
		item.Criteria = []keyaccount.Criterion{}
	}
	return item
}

// rowAssessment is a stored assessment as the API shows it.
func rowAssessment(r *models.KeyAccountAssessment) (keyaccount.AssessmentItem, error) {
	a := keyaccount.Assessment{
		Number: r.Number, Result: keyaccount.Result{ClientScore: r.ClientScore, OurScore: r.OurScore, Quadrant: keyaccount.Quadrant(r.Quadrant)},
		Note: r.Note, By: r.By, At: r.At, NextDue: r.NextDue, Threshold: r.Threshold,
	}
	err := errors.Join(json.Unmarshal([]byte(r.Scores), &a.Scores), json.Unmarshal([]byte(r.Criteria), &a.Criteria))
	return toAssessmentItem(r.ClientID, &a), err
}

// listAssessments answers GET /clients/{id}/assessments: the client's
// assessments, newest first.
func (s *server) listAssessments(c echo.Context) error {
	rows, err := models.ClientAssessments(c.Request().Context(), s.DB, c.Param("id"))
	if err != nil {
		return err
	}
	out := list[keyaccount.AssessmentItem]{Items: make([]keyaccount.AssessmentItem, 0, len(rows))}
	for i := range rows {
		a, err := rowAssessment(&rows[i])
		if err != nil {
			return err
		}
		out.Items = append(out.Items, a)
	}
	return c.JSON(http.StatusOK, out)
}

// latestKeyAccount is the summary of a client's latest assessment, nil
// when it has none.
func (s *server) latestKeyAccount(ctx context.Context, clientID string) (*keyaccount.Summary, error) {
	rows, err := models.ClientAssessments(ctx, s.DB, clientID)
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	sum := rows[0].Summary()
	return &sum, nil
}

// keyAccountReportPeriod is the report's default period: the year up to
// now.
const keyAccountReportPeriod = 365 * 24 * time.Hour
