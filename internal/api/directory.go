package api

import (
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/models"
)

// clientList is the answer of GET /clients and of GET
// /reports/clients-without-next-contact.
type clientList = models.Page[models.ClientItem]

// toClientItem is a row of the directory as the API shows it.
func toClientItem(r models.ClientRow) models.ClientItem {
	it := models.ClientItem{
		ID: r.ID, Name: r.Name, Segment: r.Segment, Email: r.Email, Owner: r.Owner, CreatedBy: r.CreatedBy,
		CreatedAt: r.CreatedAt.UTC(), State: r.State, Stage: deal.Stage(r.Stage), OpenDealID: r.OpenDealID,
		OpenDeals: r.OpenDeals, LastContactAt: utc(r.LastContactAt),
	}
	if r.NextContactAt != nil {
		it.NextContact = &models.NextContact{At: r.NextContactAt.UTC(), Purpose: r.NextContactPurpose, Product: r.NextContactProduct}
	}
	return it
}

// noNextContact are the states of the clients without a planned next
// contact: the clients GET /reports/clients-without-next-contact lists.
var noNextContact = []string{models.StateNoNextContact, models.StateLost}

// listClients answers GET /clients?q=&segment=&owner=&state=: one page of
// the clients directory, newest first, within the caller's scope.
func (s *server) listClients(c echo.Context) error {
	p := problems{}
	var states []string
	if st := c.QueryParam("state"); st != "" {
		p.oneOf("state", st, models.ClientStates)
		states = []string{st}
	}
	return s.answerClients(c, p, states)
}

// clientsWithoutNextContact answers GET
// /reports/clients-without-next-contact: the directory's clients in the
// states no_next_contact and lost.
func (s *server) clientsWithoutNextContact(c echo.Context) error {
	return s.answerClients(c, problems{}, noNextContact)
}

// answerClients reads the directory's other parameters and answers the
// page of clients in states (any state when empty).
func (s *server) answerClients(c echo.Context, p problems, states []string) error {
	f := models.ClientFilter{
		Scope: scopeOf(c), Query: strings.TrimSpace(c.QueryParam("q")), Segment: c.QueryParam("segment"),
		Owner: c.QueryParam("owner"), States: states, ContactEvents: deal.ClientContacts, Cursor: c.QueryParam("cursor"),
	}
	p.maxLen("q", f.Query, 200)
	p.maxLen("segment", f.Segment, 100)
	p.maxLen("owner", f.Owner, 64)
	f.Limit = limitParam(c, p)
	out, err := readPage(p, func() ([]models.ClientRow, string, error) {
		return models.ListClients(c.Request().Context(), s.DB, f)
	}, toClientItem)
	if err == nil {
		err = s.withQualifications(c, out.Items)
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// clientsWithoutNextContactCount counts the clients in the caller's scope
// without a planned next contact (noNextContact), for the first page of
// the control-point list.
func (s *server) clientsWithoutNextContactCount(c echo.Context) (*int64, error) {
	n, err := models.CountClients(c.Request().Context(), s.DB, models.ClientFilter{Scope: scopeOf(c), States: slices.Clone(noNextContact)})
	if err != nil {
		return nil, err
	}
	return &n, nil
}
