package api

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/salesflow/salesflow/models"
)

// answerPage answers a list route once its query parameters are checked
// (p): list reads one page of rows from the read model, item turns each
// into what the API shows.
func answerPage[R, T any](c echo.Context, p problems, list func() ([]R, string, error), item func(R) T) error {
	out, err := readPage(p, list, item)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// readPage is answerPage's page, for a route that answers more.
func readPage[R, T any](p problems, list func() ([]R, string, error), item func(R) T) (models.Page[T], error) {
	if err := p.err(); err != nil {
		return models.Page[T]{}, err
	}
	rows, next, err := list()
	if err != nil {
		return models.Page[T]{}, listError(err)
	}
	out := models.Page[T]{Items: make([]T, 0, len(rows)), NextCursor: next}
	for _, r := range rows {
		out.Items = append(out.Items, item(r))
	}
	return out, nil
}

// list is the answer of a list route that is not paged: its items.
type list[T any] struct {
	Items []T `json:"items"`
}

// answerList answers a list route that is not paged with rows read from
// the read model, each turned by item into what the API shows.
func answerList[R, T any](c echo.Context, rows []R, err error, item func(*R) T) error {
	if err != nil {
		return err
	}
	out := list[T]{Items: make([]T, 0, len(rows))}
	for i := range rows {
		out.Items = append(out.Items, item(&rows[i]))
	}
	return c.JSON(http.StatusOK, out)
}

// listError is the API error of a failed list query: a cursor the API did
// not issue is a 422.
func listError(err error) error {
	if errors.Is(err, models.ErrBadCursor) {
		return invalidFields(map[string]string{"cursor": "is not a cursor this API issued"})
	}
	return err
}

// limitParam reads the optional "limit" query parameter (1..models.MaxLimit).
func limitParam(c echo.Context, p problems) int {
	s := c.QueryParam("limit")
	if s == "" {
		return models.DefaultLimit
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > models.MaxLimit {
		p.add("limit", "must be an integer from 1 to "+strconv.Itoa(models.MaxLimit))
	}
	return n
}
