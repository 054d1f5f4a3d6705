package models

import (
	"context"
	"fmt"
	"slices"

	"gorm.io/gorm"
)

// Scope is the set of staff members whose deals, complaints, clients,
// control points and audit entries a caller may see. Its zero value sees
// nothing, so a filter that forgets to set it fails closed.
type Scope struct {
	all   bool
	staff []string
}

// Everyone is the scope of an admin: all data.
func Everyone() Scope { return Scope{all: true} }

// StaffScope is the scope of the given staff members' objects.
func StaffScope(ids ...string) Scope {
	s := slices.Clone(ids)
	slices.Sort(s)
	return Scope{staff: slices.Compact(s)}
}

// ScopeOf returns what a staff member may see: everything for an admin; a
// manager's own objects and those of the members reporting to them (their
// team); a sales rep's own objects only.
func ScopeOf(ctx context.Context, db *gorm.DB, s *Staff) (Scope, error) {
	switch s.Role {
	case RoleAdmin:
		return Everyone(), nil
	case RoleManager:
		team, err := TeamOf(ctx, db, s.ID)
		if err != nil {
			return Scope{}, err
		}
		return StaffScope(append(team, s.ID)...), nil
	}
	return StaffScope(s.ID), nil
}

// TeamOf returns the IDs of the staff members reporting to manager, sorted.
func TeamOf(ctx context.Context, db *gorm.DB, manager string) ([]string, error) {
	var ids []string
	err := db.WithContext(ctx).Model(&Staff{}).Where("manager_id = ?", manager).Order("id").Pluck("id", &ids).Error
	if err != nil {
		return nil, fmt.Errorf("team of %s: %w", manager, err)
	}
	return ids, nil
}

// All reports whether the scope is everything.
func (s Scope) All() bool { return s.all }

// Includes reports whether the objects of staff member id are in scope.
func (s Scope) Includes(id string) bool {
	if s.all {
		return true
	}
	_, found := slices.BinarySearch(s.staff, id)
	return found
}

// Staff lists the staff members in scope (nil for Everyone).
func (s Scope) Staff() []string { return slices.Clone(s.staff) }

// restrict keeps the rows of q whose column (or any of columns) names a
// staff member in scope.
func (s Scope) restrict(q *gorm.DB, columns ...string) *gorm.DB {
	switch {
	case s.all:
		return q
	case len(s.staff) == 0:
		return q.Where("1 = 0")
	}
	cond := q.Session(&gorm.Session{NewDB: true})
	for i, col := range columns {
		if i == 0 {
			cond = cond.Where(col+" IN ?", s.staff)
		} else {
			cond = cond.Or(col+" IN ?", s.staff)
		}
	}
	return q.Where(cond)
}

// ClientInScope reports whether a client is seen by the scope: created by
// a member in scope, or with a deal owned by one.
func ClientInScope(ctx context.Context, db *gorm.DB, clientID string, scope Scope) (bool, error) {
	var n int64
	err := db.WithContext(ctx).Table("clients AS c").Where("c.id = ?", clientID).
		Where(clientScope(db, scope, "c")).Count(&n).Error
	return n > 0, err
}
