package web

import (
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/salesflow/salesflow/internal/api"
	"github.com/salesflow/salesflow/internal/policy"
	"github.com/salesflow/salesflow/internal/qualification"
	"github.com/salesflow/salesflow/models"
)

// The client page's qualification block (template "qualification"): the
// latest band as a badge, the history, the questionnaire of the policy
// (one 0–10 input per question, sent to POST
// /api/v1/clients/{id}/qualifications, whose decoder and checks refuse
// what is wrong, field by field) and, for managers and admins, the
// approval of a client in the band refuse. The deal page shows its
// client's band (template "qualification_badge").

// question is a question of the form: its ID (the input answers.<id>) and
// its text in the page's language.
type question struct{ ID, Text string }

// qualificationBlock is the data of the template "qualification".
type qualificationBlock struct {
	Questions  []question
	Thresholds qualification.Thresholds
	// NeedsApproval is the policy's refuse_needs_approval: the band refuse
	// shows the approval form.
	NeedsApproval bool
	History       []qualification.Item
	// Latest is the badge of the newest qualification, nil for none.
	Latest *qualificationBadge
}

// qualificationBadge is a band as a badge: the band, its label in the
// page's language, the total of the most, and whether a refused client
// was approved.
type qualificationBadge struct {
	Band, Label  string
	Total, Max   int
	At           time.Time
	Approved     bool
	ApprovalNote string
}

// newBadge is the badge of a band in lang.
func newBadge(lang, band string, total, maxTotal int, at time.Time, approved bool) *qualificationBadge {
	b := &qualificationBadge{Band: band, Label: translate(lang, "band."+band), Total: total, Max: maxTotal, At: at, Approved: approved}
	if approved {
		b.ApprovalNote = translate(lang, "qual.approved")
	}
	return b
}

// qualificationOf reads the block of client id: the policy's questions in
// the page's language and the client's qualifications.
func (a *app) qualificationOf(c echo.Context, id string) (qualificationBlock, *APIError) {
	var pol policy.Document
	var hist models.Page[qualification.Item]
	if _, e := a.apiCall(c, http.MethodGet, "/api/v1/policy", nil, &pol); e != nil {
		return qualificationBlock{}, e
	}
	if _, e := a.apiCall(c, http.MethodGet, "/api/v1/clients/"+url.PathEscape(id)+"/qualifications", nil, &hist); e != nil {
		return qualificationBlock{}, e
	}
	lang := pageLang(c)
	out := qualificationBlock{Thresholds: pol.Qualification.Thresholds, NeedsApproval: pol.Qualification.RefuseNeedsApproval, History: hist.Items}
	for _, q := range pol.Qualification.Questions {
		text := q.Text
		if lang == models.LangRussian && q.TextRU != "" {
			text = q.TextRU
		}
		out.Questions = append(out.Questions, question{ID: q.ID, Text: text})
	}
	if len(hist.Items) > 0 {
		q := hist.Items[0]
		out.Latest = newBadge(lang, q.Band, q.Total, q.Max, q.At, q.Approval != nil)
	}
	return out, nil
}

// clientBadge is the badge of the client's latest qualification for the
// deal page; nil when it has none or it cannot be read (the deal page
// shows without it).
func (a *app) clientBadge(c echo.Context, clientID string) *qualificationBadge {
	var cl models.ClientDetail
	if _, e := a.apiCall(c, http.MethodGet, "/api/v1/clients/"+url.PathEscape(clientID), nil, &cl); e != nil || cl.Qualification == nil {
		return nil
	}
	q := cl.Qualification
	return newBadge(pageLang(c), q.Band, q.Total, q.Max, q.At, q.Approved)
}

// qualify answers POST /clients/{id}/qualifications: the questionnaire's
// inputs answers.<id> become the body of the API's POST, then the client's
// page; a refusal shows the form again with each answer's error.
func (a *app) qualify(c echo.Context) error {
	form, _ := c.FormParams()
	body := map[string]any{"answers": scoresJSON(form, "answers")}
	return a.clientForm(c, "/qualifications", "qualification", body, "flash.qualified")
}

// approveQualification answers POST
// /clients/{id}/qualifications/{qid}/approval: a manager's approval with
// its reason.
func (a *app) approveQualification(c echo.Context) error {
	return a.clientForm(c, "/qualifications/"+url.PathEscape(c.Param("qid"))+"/approval", "approval", formBody(c, "reason"), "flash.qualification_approved")
}

// clientForm posts body to the API path under the client's and shows the
// client's page: with the flash after success, with the form named name
// again after a refusal.
func (a *app) clientForm(c echo.Context, path, name string, body any, flash string) error {
	client := "/clients/" + url.PathEscape(c.Param("id"))
	again := func(form *Form) error { return a.renderClient(c, name, form) }
	if answered, err := a.submitted(c, "/api/v1"+client+path, body, nil, again); answered {
		return err
	}
	return a.redirect(c, client+"#qualification", flash)
}

// init teaches the pages the qualification's refusals: the gate's code
// says why in its message, and the API's sentences of the answers and the
// approval have Russian texts.
func init() {
	detailed[api.CodeQualificationRefused] = true
	sentences = append(sentences,
		sent(`must be from 0 to (\d+)`, "от 0 до %s"),
		sent(`is not a question of the questionnaire`, "такого вопроса в анкете нет"),
		sent(`the client's latest qualification is in the band refuse \((\d+) of (\d+) points\); opening a deal needs a manager's approval of it`,
			"последняя квалификация клиента — «отказаться» (%s из %s баллов); чтобы открыть сделку, нужно одобрение руководителя"),
		sent(`only a qualification in the band refuse needs approval; this one is (\w+)`, "одобрение нужно только квалификации «отказаться», а эта — %s", "band."),
		sent(`the qualification was approved already by (\S+) at (\S+)`, "квалификация уже одобрена: %s, %s"),
	)
}
