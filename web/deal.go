package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/internal/documents"
	"github.com/salesflow/salesflow/models"
)

// dealKind is the deal as a case type of the pages.
func (a *app) dealKind() caseKind {
	return caseKind{path: "deals", catalog: deal.Inputs, page: a.dealPage}
}

// stageStep is one stage of the stage path.
type stageStep struct {
	Stage deal.Stage
	// State is done, current, todo, or lost (the stage the deal was lost at).
	State string
}

// processMap is the data of the process_map fragment; Lang is the page's
// language, of the legend and the overlay's badges.
type processMap struct {
	BPMN, Overlay, List, Highlight, Label, Lang string
}

// dealData is the data of deal.html.
type dealData struct {
	View deal.View
	// Generated are the deal's generated documents (PDF).
	Generated []documents.Meta
	Path      []stageStep
	Work      caseWork
	Map       processMap
	// Qualification is the band of the deal's client, nil for none.
	Qualification *qualificationBadge
}

// dealPage renders the deal page, with a refused submission in its form
// when failed is not nil.
func (a *app) dealPage(c echo.Context, failed *formFailure) error {
	var v deal.View
	if _, e := a.apiCall(c, http.MethodGet, "/api/v1/deals/"+url.PathEscape(c.Param("id")), nil, &v); e != nil {
		return a.apiFailed(c, e)
	}
	questions := v.Policy.SurveyQuestions
	if q, ok := v.Policy.SurveyQuestionsByProduct[v.Product]; ok {
		questions = q
	}
	work, e := a.caseReads(c, a.dealKind(), map[string][]string{"scores": questions}, failed, v.ControlPoints)
	if e != nil {
		return a.apiFailed(c, e)
	}
	var gen struct{ Items []documents.Meta }
	if _, e := a.apiCall(c, http.MethodGet, "/api/v1/deals/"+url.PathEscape(v.ID)+"/documents", nil, &gen); e != nil {
		return a.apiFailed(c, e)
	}
	lang := pageLang(c)
	d := dealData{View: v, Generated: gen.Items, Path: stagePath(v), Work: work, Map: processMap{
		BPMN: "/api/v1/process/deal.bpmn", Overlay: "/api/v1/process/deal/overlay", List: "/pipeline?stage={key}",
		Highlight: dealHighlight(v, work.History), Label: translate(lang, "process.deal") + ": " + v.Title, Lang: lang,
	}, Qualification: a.clientBadge(c, v.ClientID)}
	return a.render(c, status(c, failed), "deal.html", d)
}

// stagePath marks the six stages for the deal: those behind it done, its
// own current (or lost, where it was lost), those ahead to do; a won deal
// has every stage done.
func stagePath(v deal.View) []stageStep {
	at := v.Stage
	if v.LostStage != "" {
		at = v.LostStage
	}
	out := make([]stageStep, len(deal.Stages))
	for i, s := range deal.Stages {
		state := "todo"
		switch {
		case v.Status == deal.StatusWon || i < at.Index():
			state = "done"
		case s == at && v.Status == deal.StatusOpen:
			state = "current"
		case s == at:
			state = "lost"
		}
		out[i] = stageStep{Stage: s, State: state}
	}
	return out
}

// dealHighlight is the path the deal took on the process map: the stages
// its history went through in order (a return to the offer included),
// then where it ended (won, or the stage it was lost at); the last element
// is marked current.
func dealHighlight(v deal.View, hist []historyEntry) string {
	var ids []string
	for _, h := range hist {
		if h.Stage == "" {
			continue
		}
		id := "Stage_" + h.Stage
		if len(ids) == 0 || ids[len(ids)-1] != id {
			ids = append(ids, id)
		}
	}
	switch {
	case v.Status == deal.StatusWon:
		ids = append(ids, "End_closed_won")
	case len(ids) == 0 || ids[len(ids)-1] != "Stage_"+string(v.Stage):
		ids = append(ids, "Stage_"+string(v.Stage))
	}
	return strings.Join(ids, " ")
}

// newDealData is the data of deal_new.html: the client the deal is for
// (its name when the form was opened from its page), the policy's
// products, and the form's values (a refused submission's, with the
// API's errors, or the defaults).
type newDealData struct {
	ClientID, ClientName string
	Products             []string
	Form                 *Form
}

// newDealForm answers GET /deals/new?client_id=: the one form that opens a
// deal, linked from the client's page with the client filled in (a
// client out of the member's scope is the API's 404, the 404 page).
func (a *app) newDealForm(c echo.Context) error {
	id := c.QueryParam("client_id")
	return a.newDealPage(c, http.StatusOK, id, &Form{Values: url.Values{"client_id": {id}, "currency": {"RUB"}}})
}

// newDealPage renders the new-deal form for clientID ("" to type one in)
// with form's values and errors. An unknown or foreign client is the 404
// page, unless the form comes back refused: then its client_id input
// shows the API's error.
func (a *app) newDealPage(c echo.Context, status int, clientID string, form *Form) error {
	d := newDealData{ClientID: clientID, Form: form}
	if clientID != "" {
		var cl models.ClientDetail
		_, e := a.apiCall(c, http.MethodGet, "/api/v1/clients/"+url.PathEscape(clientID), nil, &cl)
		switch {
		case e == nil:
			d.ClientName = cl.Name
		case e.Status != http.StatusNotFound || form.Err() == "":
			return a.apiFailed(c, e)
		}
	}
	var pol catalogs
	if _, e := a.apiCall(c, http.MethodGet, "/api/v1/policy", nil, &pol); e != nil {
		return a.apiFailed(c, e)
	}
	d.Products = pol.Catalogs.Products
	return a.render(c, status, "deal_new.html", d)
}

// createDeal answers POST /deals: the form goes to POST /api/v1/deals with
// its Idempotency-Key; the new deal's page follows, a refusal shows the
// form again with the API's message and field errors and what was typed.
func (a *app) createDeal(c echo.Context) error {
	var v deal.View
	again := func(form *Form) error {
		return a.newDealPage(c, form.Status, strings.TrimSpace(c.FormValue("client_id")), form)
	}
	if answered, err := a.submitted(c, "/api/v1/deals", formBody(c, "client_id", "title", "product", "amount", "currency"), &v, again); answered {
		return err
	}
	return a.redirect(c, "/deals/"+url.PathEscape(v.ID), "flash.deal_created")
}
