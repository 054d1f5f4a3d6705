package models

import "gorm.io/gorm"

// Restrict keeps the rows of q whose column (or any of columns) names a
// staff member in scope: all rows for Everyone, none for the zero Scope.
// Column names come from the code, never from the caller. It is the
// restriction the list queries apply, exported for the reports package.
func (s Scope) Restrict(q *gorm.DB, columns ...string) *gorm.DB {
	return s.restrict(q, columns...)
}
