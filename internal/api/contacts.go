package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/salesflow/salesflow/models"
)

// contactInput is the body of POST /clients/{id}/contacts.
type contactInput struct {
	Name     string `json:"name" maxlen:"300"`
	Position string `json:"position,omitempty" maxlen:"200"`
	Email    string `json:"email,omitempty" maxlen:"200"`
	Phone    string `json:"phone,omitempty" maxlen:"50"`
}

// contactPatch is the body of PATCH /clients/{id}/contacts/{contact_id}:
// the fields to change.
type contactPatch struct {
	Name     *string `json:"name,omitempty" maxlen:"300"`
	Position *string `json:"position,omitempty" maxlen:"200"`
	Email    *string `json:"email,omitempty" maxlen:"200"`
	Phone    *string `json:"phone,omitempty" maxlen:"50"`
}

// toContactItem is a stored contact person as the API shows it.
func toContactItem(ct *models.ClientContact) models.ContactItem {
	return models.ContactItem{
		ID: ct.ID, ClientID: ct.ClientID, Name: ct.Name, Position: ct.Position, Email: ct.Email, Phone: ct.Phone,
		CreatedBy: ct.CreatedBy, CreatedAt: ct.CreatedAt.UTC(), UpdatedAt: ct.UpdatedAt.UTC(),
	}
}

// checkContact records the problems of a contact person's fields.
func checkContact(p problems, ct *models.ClientContact) {
	p.name("name", &ct.Name, 300)
	p.email("email", ct.Email)
}

// createContact adds a contact person to a client the caller can see
// (authorize answers 404 for another).
func (s *server) createContact(c echo.Context) error {
	var in contactInput
	if _, err := decode(c, &in); err != nil {
		return err
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	ct := &models.ClientContact{
		ID: newContactID(), ClientID: c.Param("id"), Name: in.Name, Position: in.Position, Email: in.Email, Phone: in.Phone,
		CreatedBy: staffOf(c).ID, CreatedAt: now, UpdatedAt: now,
	}
	p := problems{}
	checkContact(p, ct)
	if err := p.err(); err != nil {
		return err
	}
	auditObject(c, objContact, ct.ID, ownerOfRoute(c))
	if err := models.CreateClientContact(c.Request().Context(), s.DB, ct); err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toContactItem(ct))
}

// updateContact changes the given fields of a contact person of a client
// the caller can see; a contact of another client is a 404.
func (s *server) updateContact(c echo.Context) error {
	var in contactPatch
	if _, err := decode(c, &in); err != nil {
		return err
	}
	ctx := c.Request().Context()
	auditObject(c, objContact, c.Param("contact_id"), ownerOfRoute(c))
	ct, err := models.GetClientContact(ctx, s.DB, c.Param("id"), c.Param("contact_id"))
	if err != nil {
		return notFoundOr(err, objContact)
	}
	for _, f := range []struct{ to, from *string }{{&ct.Name, in.Name}, {&ct.Position, in.Position}, {&ct.Email, in.Email}, {&ct.Phone, in.Phone}} {
		if f.from != nil {
			*f.to = *f.from
		}
	}
	p := problems{}
	checkContact(p, ct)
	if err := p.err(); err != nil {
		return err
	}
	ct.UpdatedAt = time.Now().UTC().Truncate(time.Microsecond)
	if err := models.UpdateClientContact(ctx, s.DB, ct); errors.Is(err, models.ErrNotFound) {
		return notFound(string(objContact))
	} else if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toContactItem(ct))
}
