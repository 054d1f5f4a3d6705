package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/calendar"
	"github.com/salesflow/salesflow/internal/policy"
	"github.com/salesflow/salesflow/models"
)

// clientInput is the body of POST /clients.
type clientInput struct {
	Name    string `json:"name"`
	Segment string `json:"segment,omitempty"`
	Email   string `json:"email,omitempty"`
	Phone   string `json:"phone,omitempty"`
	// TimeZone is the client's own IANA time zone, if it differs from the
	// company's.
	TimeZone string `json:"time_zone,omitempty"`
}

// toClientCard is a stored client as the API shows it.
func toClientCard(c *models.Client) models.ClientCard {
	return models.ClientCard{
		ID: c.ID, Name: c.Name, Segment: c.Segment, Email: c.Email, Phone: c.Phone, TimeZone: c.TimeZone,
		CreatedBy: c.CreatedBy, CreatedAt: c.CreatedAt.UTC(),
	}
}

func (s *server) createClient(c echo.Context) error {
	var in clientInput
	if _, err := decode(c, &in); err != nil {
		return err
	}
	p := problems{}
	p.name("name", &in.Name, 300)
	doc, err := s.currentPolicy(c)
	if err != nil {
		return err
	}
	p.inCatalog("segment", in.Segment, doc.Catalogs.Segments)
	p.maxLen("email", in.Email, 200)
	p.email("email", in.Email)
	p.maxLen("phone", in.Phone, 50)
	if _, err := time.LoadLocation(in.TimeZone); err != nil || in.TimeZone == "Local" {
		p.add("time_zone", "must be an IANA time zone such as Europe/Moscow")
	}
	if err := p.err(); err != nil {
		return err
	}
	cl := &models.Client{
		ID: newID("cl-", staffOf(c).ID, c.Request().Header.Get(headerIdempotencyKey)), Name: in.Name, Segment: in.Segment, Email: in.Email, Phone: in.Phone, TimeZone: in.TimeZone,
		CreatedBy: staffOf(c).ID, CreatedAt: time.Now().UTC().Truncate(time.Microsecond),
	}
	auditObject(c, objClient, cl.ID, cl.CreatedBy)
	err = models.CreateClient(c.Request().Context(), s.DB, cl)
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		// The ID comes from the Idempotency-Key: a retry taking over from a
		// server that died, or one after the key expired, finds its client.
		cl, err = models.GetClient(c.Request().Context(), s.DB, cl.ID)
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toClientCard(cl))
}

func (s *server) getClient(c echo.Context) error {
	ctx := c.Request().Context()
	cl, err := models.GetClient(ctx, s.DB, c.Param("id"))
	if err != nil {
		return notFoundOr(err, objClient)
	}
	contacts, err := models.ClientContacts(ctx, s.DB, cl.ID)
	if err != nil {
		return err
	}
	out := toClientDetail(cl, contacts)
	if out.Qualification, err = s.latestQualification(c, cl.ID); err != nil {
		return err
	}
	if out.KeyAccount, err = s.latestKeyAccount(ctx, cl.ID); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// toClientDetail is the answer of GET /clients/{id} for a stored client
// and its contact persons, before its qualification and key account.
func toClientDetail(cl *models.Client, contacts []models.ClientContact) models.ClientDetail {
	out := models.ClientDetail{ClientCard: toClientCard(cl), Contacts: make([]models.ContactItem, 0, len(contacts))}
	for i := range contacts {
		out.Contacts = append(out.Contacts, toContactItem(&contacts[i]))
	}
	return out
}

// checkClientDeal checks what a new case names: a client the caller can
// see (field client_id) and, when dealID is given, a deal of that client
// the caller can see (field dealField). Problems go to p; the error is a
// failure to look. It returns the client, nil when it is not found.
func (s *server) checkClientDeal(c echo.Context, p problems, clientID, dealField, dealID string) (*models.Client, error) {
	p.maxLen(dealField, dealID, 64)
	client, err := s.visibleClient(c, clientID)
	if errors.Is(err, models.ErrNotFound) {
		p.add("client_id", "no such client")
	} else if err != nil {
		return nil, err
	} else {
		c.Set(clientNameKey, client.Name)
	}
	if dealID == "" {
		return client, nil
	}
	d, err := models.GetDeal(c.Request().Context(), s.DB, dealID)
	if err == nil && !scopeOf(c).Includes(d.Owner) {
		err = models.ErrNotFound // a deal the caller cannot see
	}
	switch {
	case errors.Is(err, models.ErrNotFound):
		p.add(dealField, "no such deal")
	case err != nil:
		return nil, err
	case d.ClientID != clientID:
		p.add(dealField, "is a deal of another client")
	}
	return client, nil
}

// caseCalendar is the business calendar of a new case of the client: the
// policy document's, in the client's time zone when it has one (the
// client's hours, the company's holidays).
func caseCalendar(doc policy.Document, client *models.Client) calendar.Calendar {
	if client == nil {
		return doc.Calendar
	}
	return doc.Calendar.WithZone(client.TimeZone)
}

// visibleClient returns the client with the given ID when the caller may
// see it, and ErrNotFound otherwise.
func (s *server) visibleClient(c echo.Context, id string) (*models.Client, error) {
	ctx := c.Request().Context()
	cl, err := models.GetClient(ctx, s.DB, id)
	if err != nil {
		return nil, err
	}
	seen, err := models.ClientInScope(ctx, s.DB, id, scopeOf(c))
	if err == nil && !seen {
		err = models.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return cl, nil
}
