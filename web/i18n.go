package web

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"

	"github.com/salesflow/salesflow/models"
)

// textFS holds the pages' texts: i18n/<lang>.json, one JSON object of
// key → text per language, which translators edit. The keys of the
// generated case parts are action.<name> (or <path>.action.<name> for
// one case type's own label, see actionLabel), field.<name> (one label per JSON
// name whatever the action), enum.<field>.<value>, apierr.<code>,
// point.<kind> and event.<type>; tests fail when an action, field, enum
// value, error code or point kind of a catalogue has no text in both
// languages.
//
//go:embed i18n/*.json
var textFS embed.FS

// catalogues are the pages' texts by language and key, read from textFS
// when the program starts. Every key is in both (a test checks); a
// missing key shows as itself.
var catalogues = mustLoadCatalogues(textFS, models.LangEnglish, models.LangRussian)

// mustLoadCatalogues is loadCatalogues for texts built into the binary:
// a missing or malformed file is a broken build, so it panics.
func mustLoadCatalogues(fsys fs.FS, langs ...string) map[string]map[string]string {
	cats, err := loadCatalogues(fsys, langs...)
	if err != nil {
		panic(err)
	}
	return cats
}

// loadCatalogues reads i18n/<lang>.json of fsys for each of langs; a
// file that is missing, is not one JSON object of strings or is empty is
// an error.
func loadCatalogues(fsys fs.FS, langs ...string) (map[string]map[string]string, error) {
	cats := make(map[string]map[string]string, len(langs))
	for _, lang := range langs {
		name := "i18n/" + lang + ".json"
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("web texts: %w", err)
		}
		var texts map[string]string
		if err := json.Unmarshal(data, &texts); err != nil {
			return nil, fmt.Errorf("web texts %s: %w", name, err)
		}
		if len(texts) == 0 {
			return nil, fmt.Errorf("web texts %s: no texts", name)
		}
		cats[lang] = texts
	}
	return cats, nil
}

// translate returns the text of key in lang (Russian unless English),
// or key itself when no catalogue has it.
func translate(lang, key string) string {
	cat := catalogues[models.LangRussian]
	if lang == models.LangEnglish {
		cat = catalogues[models.LangEnglish]
	}
	if s, ok := cat[key]; ok {
		return s
	}
	return key
}

// historyLabel is what the history of a case of type scope shows for an
// entry of type typ: the action's label (see actionLabel), or the system
// event's (event.<type>).
func historyLabel(lang, scope, typ string) string {
	if s, ok := caseActionText(lang, scope, typ); ok {
		return s
	}
	return textOr(lang, "event."+typ, typ)
}

// actionLabel is the label of the action name of a case of type scope
// (its path, such as "programmes"): the case type's own text
// (<scope>.action.<name>) where two case types name different steps
// alike, else action.<name>, else the name as words.
func actionLabel(lang, scope, name string) string {
	if s, ok := caseActionText(lang, scope, name); ok {
		return s
	}
	return human(name)
}

// caseActionText is actionLabel's text from the catalogues, and whether
// they have one.
func caseActionText(lang, scope, name string) (string, bool) {
	for _, key := range []string{scope + ".action." + name, "action." + name} {
		if s := translate(lang, key); s != key {
			return s, true
		}
	}
	return "", false
}

// textOr is the text of key in lang, or fallback written as words (see
// human) when no catalogue has it: the labels of values a deployment's
// policy names (survey questions), which the catalogues cannot list.
func textOr(lang, key, fallback string) string {
	if s := translate(lang, key); s != key {
		return s
	}
	return human(fallback)
}
