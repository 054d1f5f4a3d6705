package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// ErrConflict is returned (wrapped) when a change would break a rule of
// the staff register, such as a duplicate ID or a manager who is not one.
var ErrConflict = errors.New("conflict")

// StaffItem is a staff member as the API shows it: GET /api/v1/staff/{id}
// and an item of GET /api/v1/staff, which the web app reads too.
type StaffItem struct {
	ID            string     `json:"id"`
	Name          string     `json:"name"`
	Role          string     `json:"role"`
	ManagerID     string     `json:"manager_id,omitempty"`
	Email         string     `json:"email,omitempty"`
	Language      string     `json:"language"`
	Active        bool       `json:"active"`
	DeactivatedAt *time.Time `json:"deactivated_at,omitempty"`
	CreatedAt     time.Time  `json:"created_at"`
}

// GetStaff returns one staff member by ID, or ErrNotFound.
func GetStaff(ctx context.Context, db *gorm.DB, id string) (*Staff, error) {
	return get[Staff](ctx, db, "id = ?", id)
}

// ListStaff returns the staff members in scope, by ID.
func ListStaff(ctx context.Context, db *gorm.DB, scope Scope) ([]Staff, error) {
	var out []Staff
	err := scope.restrict(db.WithContext(ctx).Model(&Staff{}), "id").Order("id").Find(&out).Error
	return out, err
}

// CreateStaff adds an active staff member. A duplicate ID, or a manager
// who is not an active manager or admin, is an error wrapping ErrConflict.
func CreateStaff(ctx context.Context, db *gorm.DB, s *Staff) error {
	return db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := checkManager(ctx, tx, s.ID, s.ManagerID); err != nil {
			return err
		}
		s.Active = true
		s.CreatedAt = time.Now().UTC().Truncate(time.Microsecond)
		err := tx.Create(s).Error
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return fmt.Errorf("%w: staff member %q exists", ErrConflict, s.ID)
		}
		return err
	})
}

// StaffChange is a change to a staff member; nil fields stay as they are.
type StaffChange struct {
	Name      *string
	Email     *string
	Role      *string
	ManagerID *string
	Active    *bool
}

// UpdateStaff applies a change to staff member id at now and returns the
// member as changed. Deactivating revokes every token of the member in the
// same transaction. A manager who is not an active manager or admin, or
// demoting a manager who still has a team, is an error wrapping
// ErrConflict.
func UpdateStaff(ctx context.Context, db *gorm.DB, id string, ch StaffChange, now time.Time) (*Staff, error) {
	var s Staff
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := first(ctx, tx, &s, "id = ?", id); err != nil {
			return err
		}
		set := map[string]any{}
		if ch.Name != nil {
			s.Name, set["name"] = *ch.Name, *ch.Name
		}
		if ch.Email != nil {
			s.Email, set["email"] = *ch.Email, *ch.Email
		}
		if ch.ManagerID != nil {
			if err := checkManager(ctx, tx, id, *ch.ManagerID); err != nil {
				return err
			}
			s.ManagerID, set["manager_id"] = *ch.ManagerID, *ch.ManagerID
		}
		if ch.Role != nil && *ch.Role != s.Role {
			if err := checkNoTeam(ctx, tx, id, *ch.Role); err != nil {
				return err
			}
			s.Role, set["role"] = *ch.Role, *ch.Role
		}
		if ch.Active != nil && *ch.Active != s.Active {
			s.Active, set["active"] = *ch.Active, *ch.Active
			if s.Active {
				s.DeactivatedAt, set["deactivated_at"] = nil, nil
			} else {
				at := now.UTC().Truncate(time.Microsecond)
				s.DeactivatedAt, set["deactivated_at"] = &at, at
				if err := revokeAll(tx, id, now); err != nil {
					return err
				}
			}
		}
		if len(set) == 0 {
			return nil
		}
		return tx.Model(&Staff{}).Where("id = ?", id).Updates(set).Error
	})
	if err != nil {
		return nil, err
	}
	return &s, nil
}

// checkManager refuses a manager who does not exist, is inactive, is the
// member themself or is neither a manager nor an admin. "" (no manager) is
// fine.
func checkManager(ctx context.Context, tx *gorm.DB, id, manager string) error {
	if manager == "" {
		return nil
	}
	if manager == id {
		return fmt.Errorf("%w: a member cannot manage themself", ErrConflict)
	}
	m, err := GetStaff(ctx, tx, manager)
	if errors.Is(err, ErrNotFound) {
		return fmt.Errorf("%w: no staff member %q", ErrConflict, manager)
	}
	if err != nil {
		return err
	}
	if !m.Active || (m.Role != RoleManager && m.Role != RoleAdmin) {
		return fmt.Errorf("%w: %q is not an active manager", ErrConflict, manager)
	}
	return nil
}

// checkNoTeam refuses to make a member who still has a team anything but a
// manager or admin.
func checkNoTeam(ctx context.Context, tx *gorm.DB, id, role string) error {
	if role == RoleManager || role == RoleAdmin {
		return nil
	}
	team, err := TeamOf(ctx, tx, id)
	if err != nil {
		return err
	}
	if len(team) > 0 {
		return fmt.Errorf("%w: %q still manages %v; move them first", ErrConflict, id, team)
	}
	return nil
}

// MinBootstrapTokenLen is the shortest secret EnsureAdmin accepts.
const MinBootstrapTokenLen = 32

// EnsureAdmin creates the first admin of a deployment without demo staff:
// staff member id with the role admin unless a member with that ID exists,
// and, when secret is given (at least MinBootstrapTokenLen characters,
// chosen by the operator), a non-expiring API token with that secret,
// stored hashed, unless it is stored already. Existing rows are left as
// they are, so it is safe on every start; the admin revokes the token
// (named "bootstrap") once they have issued their own.
func EnsureAdmin(ctx context.Context, db *gorm.DB, id, secret string) error {
	if secret != "" && len(secret) < MinBootstrapTokenLen {
		return fmt.Errorf("bootstrap token: at least %d characters", MinBootstrapTokenLen)
	}
	st := Staff{ID: id, Name: id, Role: RoleAdmin, Language: DefaultLanguage, Active: true,
		CreatedAt: time.Now().UTC().Truncate(time.Microsecond)}
	return db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "id"}}, DoNothing: true}).Create(&st).Error; err != nil {
			return fmt.Errorf("bootstrap admin: %w", err)
		}
		if secret == "" {
			return nil
		}
		h := HashToken(secret)
		tok := Token{Hash: h, ID: tokenID(h), StaffID: id, Name: "bootstrap", CreatedBy: "bootstrap", CreatedAt: st.CreatedAt}
		if err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "hash"}}, DoNothing: true}).Create(&tok).Error; err != nil {
			return fmt.Errorf("bootstrap token: %w", err)
		}
		return nil
	})
}

// demoStaff is the team SeedDemo creates; each member's token is "dev-" + ID.
var demoStaff = []Staff{
	{ID: "maria", Name: "Maria", Role: RoleManager, Email: "maria@example.com", Language: LangRussian},
	{ID: "alice", Name: "Alice", Role: RoleSales, ManagerID: "maria", Email: "alice@example.com", Language: LangRussian},
	{ID: "bob", Name: "Bob", Role: RoleSales, ManagerID: "maria", Email: "bob@example.com", Language: LangEnglish},
	{ID: "admin", Name: "Administrator", Role: RoleAdmin, Email: "admin@example.com", Language: LangEnglish},
}

// SeedDemo creates the demo team (manager maria, sales reps alice and bob
// reporting to her, and admin) with the non-expiring bearer tokens
// dev-maria, dev-alice, dev-bob and dev-admin, stored hashed. Each has the
// e-mail address <id>@example.com; maria and alice read Russian, bob and
// admin English; every preference has its default (e-mail and webhook on,
// no digest). Rows that already exist are left as they are, so it is safe
// to call on every start.
func SeedDemo(ctx context.Context, db *gorm.DB) error {
	staff := make([]Staff, len(demoStaff))
	copy(staff, demoStaff)
	tokens := make([]Token, 0, len(staff))
	for _, s := range staff {
		h := HashToken("dev-" + s.ID)
		tokens = append(tokens, Token{Hash: h, ID: tokenID(h), StaffID: s.ID, Name: "demo", CreatedBy: "seed"})
	}
	return db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "id"}}, DoNothing: true}).Create(&staff).Error; err != nil {
			return fmt.Errorf("seed staff: %w", err)
		}
		if err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "hash"}}, DoNothing: true}).Create(&tokens).Error; err != nil {
			return fmt.Errorf("seed tokens: %w", err)
		}
		return nil
	})
}
