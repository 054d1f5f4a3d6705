package activities

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"strings"
	"text/template"
	"time"

	"gorm.io/gorm"

	"github.com/salesflow/salesflow/models"
)

// templateFS holds the e-mail templates, one file per language.
//
//go:embed templates/email.*.tmpl
var templateFS embed.FS

// emailTemplates are the parsed templates by language.
var emailTemplates = map[string]*template.Template{
	models.LangRussian: parseTemplates(models.LangRussian),
	models.LangEnglish: parseTemplates(models.LangEnglish),
}

var templateFuncs = template.FuncMap{
	"inc":    func(i int) int { return i + 1 },
	"plural": russianPlural,
}

func parseTemplates(lang string) *template.Template {
	return template.Must(template.New("email."+lang+".tmpl").Funcs(templateFuncs).
		ParseFS(templateFS, "templates/email."+lang+".tmpl"))
}

// russianPlural picks the form of a noun that goes with n: one (1, 21,
// 101...), few (2-4, 22-24...) or many (0, 5-20, 25...).
func russianPlural(n int, one, few, many string) string {
	n %= 100
	if n < 0 {
		n = -n
	}
	switch {
	case n >= 11 && n <= 14:
		return many
	case n%10 == 1:
		return one
	case n%10 >= 2 && n%10 <= 4:
		return few
	}
	return many
}

// noticeView is the data of a notification's e-mail and of a digest item.
type noticeView struct {
	Key  string
	Kind string
	// Name is the recipient's name.
	Name            string
	Subject         string
	Message         string
	DealID          string
	DealTitle       string
	ComplaintID     string
	ComplaintNumber string
	// Context names the deal (its title) or complaint (its number) for
	// subject lines.
	Context        string
	ControlPointID string
	// Owner is the staff ID owning the control point.
	Owner string
	// Due is the due time, formatted for the recipient's language.
	Due   string
	DueAt time.Time
}

// digestView is the data of a digest e-mail.
type digestView struct {
	Name  string
	Day   string
	Count int
	Items []noticeView
}

// language returns the template language of staff member s.
func language(s *models.Staff) string {
	if _, ok := emailTemplates[s.Language]; ok {
		return s.Language
	}
	return models.DefaultLanguage
}

// formatTime formats t in loc (UTC when nil) the way lang writes dates.
func formatTime(t time.Time, lang string, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	t = t.In(loc)
	if lang == models.LangRussian {
		return t.Format("02.01.2006 15:04 MST")
	}
	return t.Format("2 Jan 2006 15:04 MST")
}

// view builds the template data of notification n for recipient to,
// looking up the deal's title, the complaint's number and the control
// point's owner where the read model has them.
func view(ctx context.Context, db *gorm.DB, n *models.Notification, to *models.Staff, loc *time.Location) (noticeView, error) {
	v := noticeView{
		Key: n.ID, Kind: n.Kind, Name: to.Name, Subject: n.Subject, Message: n.Message,
		DealID: n.DealID, ComplaintID: n.ComplaintID, ControlPointID: n.ControlPointID,
		Due: formatTime(n.DueAt, language(to), loc), DueAt: n.DueAt,
	}
	if v.Name == "" {
		v.Name = to.ID
	}
	subjectType, subjectID := models.SubjectDeal, n.DealID
	if n.ComplaintID != "" {
		subjectType, subjectID = models.SubjectComplaint, n.ComplaintID
		var c models.Complaint
		if err := optional(db.WithContext(ctx).Select("number").Where("id = ?", n.ComplaintID).Take(&c).Error); err != nil {
			return v, fmt.Errorf("look up complaint %s: %w", n.ComplaintID, err)
		}
		v.ComplaintNumber, v.Context = c.Number, c.Number
	}
	if n.DealID != "" {
		var d models.Deal
		if err := optional(db.WithContext(ctx).Select("title").Where("id = ?", n.DealID).Take(&d).Error); err != nil {
			return v, fmt.Errorf("look up deal %s: %w", n.DealID, err)
		}
		v.DealTitle = d.Title
		if v.Context == "" {
			v.Context = d.Title
		}
	}
	var cp models.ControlPoint
	err := db.WithContext(ctx).Select("owner").
		Where("subject_type = ? AND subject_id = ? AND id = ?", subjectType, subjectID, n.ControlPointID).Take(&cp).Error
	if err := optional(err); err != nil {
		return v, fmt.Errorf("look up control point %s: %w", n.ControlPointID, err)
	}
	v.Owner = cp.Owner
	return v, nil
}

// optional treats a missing row as no error.
func optional(err error) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil
	}
	return err
}

// renderNotice renders the subject and body of a notification's e-mail in
// lang, with the templates of its kind (or the generic "notice" ones).
func renderNotice(lang string, v noticeView) (subject, body string, err error) {
	name := v.Kind
	if emailTemplates[lang].Lookup(name+".subject") == nil || emailTemplates[lang].Lookup(name+".body") == nil {
		name = "notice"
	}
	return render(lang, name, v)
}

// renderDigest renders the subject and body of a digest e-mail in lang.
func renderDigest(lang string, v digestView) (subject, body string, err error) {
	return render(lang, "digest", v)
}

func render(lang, name string, data any) (subject, body string, err error) {
	t := emailTemplates[lang]
	var s, b bytes.Buffer
	if err := t.ExecuteTemplate(&s, name+".subject", data); err != nil {
		return "", "", err
	}
	if err := t.ExecuteTemplate(&b, name+".body", data); err != nil {
		return "", "", err
	}
	// A subject is one header line.
	subject = strings.Join(strings.Fields(s.String()), " ")
	return subject, strings.TrimSpace(b.String()) + "\n", nil
}
