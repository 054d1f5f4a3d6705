package web

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/salesflow/salesflow/internal/classify"
	"github.com/salesflow/salesflow/internal/complaint"
	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/models"
)

// catalogs are the policy document's lists forms choose from (GET
// /api/v1/policy).
type catalogs struct {
	Catalogs struct {
		Segments        []string `json:"segments"`
		Products        []string `json:"products"`
		ContactChannels []string `json:"contact_channels"`
	} `json:"catalogs"`
	Complaint struct {
		Categories []string `json:"categories"`
	} `json:"complaint"`
}

// clientStates are the states of the clients directory.
var clientStates = []string{"in_deal", "between_sales", "no_next_contact", "lost"}

// clientsData is the data of clients.html.
type clientsData struct {
	Q, Segment, State string
	Clients           []models.ClientItem
	More              string
	Policy            catalogs
	States            []string
	// New is the "new client" form shown again after a refusal.
	New *Form
}

// clients answers GET /clients: the directory search (q, segment, state)
// and the "new client" form.
func (a *app) clients(c echo.Context) error {
	return a.clientsPage(c, nil)
}

// clientsPage renders the directory with the new-client form newForm.
func (a *app) clientsPage(c echo.Context, newForm *Form) error {
	d := clientsData{Q: c.QueryParam("q"), Segment: c.QueryParam("segment"), State: c.QueryParam("state"), States: clientStates, New: newForm}
	q := url.Values{"limit": {"50"}}
	for k, v := range map[string]string{"q": d.Q, "segment": d.Segment, "state": d.State, "cursor": c.QueryParam("cursor")} {
		if v != "" {
			q.Set(k, v)
		}
	}
	var page models.Page[models.ClientItem]
	if _, e := a.apiCall(c, http.MethodGet, "/api/v1/clients?"+q.Encode(), nil, &page); e != nil {
		return a.apiFailed(c, e)
	}
	if _, e := a.apiCall(c, http.MethodGet, "/api/v1/policy", nil, &d.Policy); e != nil {
		return a.apiFailed(c, e)
	}
	d.Clients = page.Items
	if page.NextCursor != "" {
		more := c.QueryParams()
		more.Set("cursor", page.NextCursor)
		d.More = "/clients?" + more.Encode()
	}
	status := http.StatusOK
	if newForm != nil {
		status = http.StatusUnprocessableEntity
	}
	return a.render(c, status, "clients.html", d)
}

// createClient answers POST /clients: the new client through the API
// (with the form's idempotency key), then its page.
func (a *app) createClient(c echo.Context) error {
	var out struct {
		ID string `json:"id"`
	}
	again := func(form *Form) error { return a.clientsPage(c, form) }
	if answered, err := a.submitted(c, "/api/v1/clients", formBody(c, "name", "segment", "email", "phone"), &out, again); answered {
		return err
	}
	return a.redirect(c, "/clients/"+url.PathEscape(out.ID), "flash.client_created")
}

// clientData is the data of client.html.
type clientData struct {
	Client     models.ClientDetail
	Directory  *models.ClientItem
	Deals      []deal.Item
	Complaints []complaint.Item
	History    []classify.ClassChange
	Current    *classify.ClassChange
	Policy     catalogs
	Severities []string
	// Forms shown again after a refusal, by name: contact, complaint,
	// qualification, approval.
	Forms map[string]*Form
	// Qualification is the qualification block (qualification.go).
	Qualification qualificationBlock
}

// clientPage answers GET /clients/{id}: the client (a foreign or unknown
// one is the API's 404, the 404 page), its deals, complaints, contact
// persons, classes with their history and next contact, the forms to add
// a contact and register a complaint, and the link that opens a deal for
// the client (the new-deal form, /deals/new?client_id=).
func (a *app) clientPage(c echo.Context) error {
	return a.renderClient(c, "", nil)
}

// renderClient renders the client page with the form named formName
// shown again as form.
func (a *app) renderClient(c echo.Context, formName string, form *Form) error {
	id := c.Param("id")
	d := clientData{Severities: names(complaint.Severities...), Forms: map[string]*Form{formName: form}}
	esc := url.PathEscape(id)
	var deals models.Page[deal.Item]
	var complaints models.Page[complaint.Item]
	var history models.Page[classify.ClassChange]
	reads := []struct {
		path string
		into any
	}{
		{"/api/v1/clients/" + esc, &d.Client},
		{"/api/v1/deals?limit=100&client_id=" + url.QueryEscape(id), &deals},
		{"/api/v1/complaints?limit=100&client_id=" + url.QueryEscape(id), &complaints},
		{"/api/v1/reports/clients/" + esc + "/history", &history},
		{"/api/v1/policy", &d.Policy},
	}
	for _, r := range reads {
		if _, e := a.apiCall(c, http.MethodGet, r.path, nil, r.into); e != nil {
			return a.apiFailed(c, e)
		}
	}
	d.Deals, d.Complaints, d.History = deals.Items, complaints.Items, history.Items
	var e *APIError
	if d.Qualification, e = a.qualificationOf(c, id); e != nil {
		return a.apiFailed(c, e)
	}
	if n := len(d.History); n > 0 {
		d.Current = &d.History[n-1]
	}
	d.Directory = a.directoryRow(c, d.Client)
	status := http.StatusOK
	if form != nil {
		status = http.StatusUnprocessableEntity
	}
	return a.render(c, status, "client.html", d)
}

// directoryRow is the client's row of the directory (its state and next
// contact), nil when the search does not find it.
func (a *app) directoryRow(c echo.Context, cl models.ClientDetail) *models.ClientItem {
	var page models.Page[models.ClientItem]
	q := url.Values{"q": {cl.Name}, "limit": {"200"}}
	if _, e := a.apiCall(c, http.MethodGet, "/api/v1/clients?"+q.Encode(), nil, &page); e != nil {
		return nil
	}
	for i := range page.Items {
		if page.Items[i].ID == cl.ID {
			return &page.Items[i]
		}
	}
	return nil
}

// addContact answers POST /clients/{id}/contacts.
func (a *app) addContact(c echo.Context) error {
	path := "/api/v1/clients/" + url.PathEscape(c.Param("id")) + "/contacts"
	again := func(form *Form) error { return a.renderClient(c, "contact", form) }
	if answered, err := a.submitted(c, path, formBody(c, "name", "position", "email", "phone"), nil, again); answered {
		return err
	}
	return a.redirect(c, "/clients/"+url.PathEscape(c.Param("id")), "flash.contact_added")
}

// registerComplaint answers POST /clients/{id}/complaints: the
// registration form through POST /api/v1/complaints, then the complaint's
// page.
func (a *app) registerComplaint(c echo.Context) error {
	body := formBody(c, "deal_id", "channel", "category", "severity", "description", "remedy_sought")
	body["client_id"] = c.Param("id")
	var out struct {
		ID string `json:"id"`
	}
	again := func(form *Form) error { return a.renderClient(c, "complaint", form) }
	if answered, err := a.submitted(c, "/api/v1/complaints", body, &out, again); answered {
		return err
	}
	return a.redirect(c, "/complaints/"+url.PathEscape(out.ID), "flash.complaint_registered")
}
