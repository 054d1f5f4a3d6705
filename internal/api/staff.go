package api

import (
	"errors"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/models"
)

func toStaffJSON(s *models.Staff) models.StaffItem {
	return models.StaffItem{
		ID: s.ID, Name: s.Name, Role: s.Role, ManagerID: s.ManagerID, Email: s.Email, Language: s.Language,
		Active: s.Active, DeactivatedAt: utc(s.DeactivatedAt), CreatedAt: s.CreatedAt.UTC(),
	}
}

// staffList is the answer of GET /staff.
type staffList = list[models.StaffItem]

// createStaffInput is the body of POST /staff.
type createStaffInput struct {
	ID        string `json:"id" maxlen:"64"`
	Name      string `json:"name" maxlen:"200"`
	Role      string `json:"role" maxlen:"16"`
	ManagerID string `json:"manager_id,omitempty" maxlen:"64"`
	Email     string `json:"email,omitempty" maxlen:"200"`
	Language  string `json:"language,omitempty" maxlen:"8"`
}

// updateStaffInput is the body of PATCH /staff/{id}: the fields to change.
// "active": false deactivates the member and revokes their tokens.
type updateStaffInput struct {
	Name      *string `json:"name,omitempty" maxlen:"200"`
	Email     *string `json:"email,omitempty" maxlen:"200"`
	Role      *string `json:"role,omitempty" maxlen:"16"`
	ManagerID *string `json:"manager_id,omitempty" maxlen:"64"`
	Active    *bool   `json:"active,omitempty"`
}

// staffID is the shape of a staff member's ID (their login name).
var staffID = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)

// checkStaffFields records the problems of the fields staff create and
// update share.
func checkStaffFields(p problems, name, role, email *string) {
	if name != nil && strings.TrimSpace(*name) == "" {
		p.add("name", "must not be empty")
	}
	if role != nil && !slices.Contains(roles, *role) {
		p.add("role", "must be one of "+strings.Join(roles, ", "))
	}
	if email != nil {
		p.email("email", *email)
	}
}

func (s *server) listStaff(c echo.Context) error {
	rows, err := models.ListStaff(c.Request().Context(), s.DB, scopeOf(c))
	return answerList(c, rows, err, toStaffJSON)
}

func (s *server) getStaff(c echo.Context) error {
	st, err := models.GetStaff(c.Request().Context(), s.DB, c.Param("id"))
	if err != nil {
		return notFoundOr(err, objStaff)
	}
	return c.JSON(http.StatusOK, toStaffJSON(st))
}

func (s *server) createStaff(c echo.Context) error {
	var in createStaffInput
	if _, err := decode(c, &in); err != nil {
		return err
	}
	p := problems{}
	if !staffID.MatchString(in.ID) {
		p.add("id", "must be 1-64 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit")
	}
	checkStaffFields(p, &in.Name, &in.Role, &in.Email)
	if in.Language == "" {
		in.Language = models.DefaultLanguage
	}
	if in.Language != models.LangRussian && in.Language != models.LangEnglish {
		p.add("language", "must be ru or en")
	}
	if err := p.err(); err != nil {
		return err
	}
	st := &models.Staff{
		ID: in.ID, Name: strings.TrimSpace(in.Name), Role: in.Role, ManagerID: in.ManagerID,
		Email: in.Email, Language: in.Language,
	}
	auditObject(c, objStaff, st.ID, st.ID)
	if err := models.CreateStaff(c.Request().Context(), s.DB, st); err != nil {
		return staffError(err)
	}
	return c.JSON(http.StatusCreated, toStaffJSON(st))
}

func (s *server) updateStaff(c echo.Context) error {
	var in updateStaffInput
	if _, err := decode(c, &in); err != nil {
		return err
	}
	p := problems{}
	checkStaffFields(p, in.Name, in.Role, in.Email)
	if in.Active != nil && !*in.Active && c.Param("id") == staffOf(c).ID {
		p.add("active", "you cannot deactivate yourself")
	}
	if err := p.err(); err != nil {
		return err
	}
	if in.Name != nil {
		*in.Name = strings.TrimSpace(*in.Name)
	}
	ch := models.StaffChange{Name: in.Name, Email: in.Email, Role: in.Role, ManagerID: in.ManagerID, Active: in.Active}
	st, err := models.UpdateStaff(c.Request().Context(), s.DB, c.Param("id"), ch, time.Now())
	s.tokens.forget()
	if err != nil {
		return staffError(err)
	}
	if in.Active != nil && !*in.Active {
		logger(c).Info("staff member deactivated, tokens revoked", "staff", st.ID)
	}
	return c.JSON(http.StatusOK, toStaffJSON(st))
}

// staffError is the API error of a failed staff change: a rule of the
// register broken is a 409 conflict saying which.
func staffError(err error) error {
	if errors.Is(err, models.ErrConflict) {
		return fail(http.StatusConflict, casework.CodeConflict, err.Error())
	}
	return notFoundOr(err, objStaff)
}
