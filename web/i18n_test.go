package web

import (
	"encoding/json"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/salesflow/salesflow/models"
)

// TestLoadCataloguesRefusesBadFiles: a text file that is missing, is not
// a JSON object of strings, or holds no texts stops the start.
func TestLoadCataloguesRefusesBadFiles(t *testing.T) {
	good := &fstest.MapFile{Data: []byte(`{"app.name": "salesflow"}`)}
	for name, ru := range map[string]*fstest.MapFile{
		"missing":   nil,
		"malformed": {Data: []byte(`{"app.name": "salesflow",}`)},
		"not texts": {Data: []byte(`{"app.name": 1}`)},
		"empty":     {Data: []byte(`{}`)},
		"null":      {Data: []byte(`null`)},
	} {
		fsys := fstest.MapFS{"i18n/en.json": good}
		if ru != nil {
			fsys["i18n/ru.json"] = ru
		}
		if _, err := loadCatalogues(fsys, models.LangEnglish, models.LangRussian); err == nil {
			t.Errorf("%s: no error", name)
		}
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: mustLoadCatalogues did not panic", name)
				}
			}()
			mustLoadCatalogues(fsys, models.LangEnglish, models.LangRussian)
		}()
	}
	cats, err := loadCatalogues(fstest.MapFS{"i18n/en.json": good}, models.LangEnglish)
	if err != nil || cats[models.LangEnglish]["app.name"] != "salesflow" {
		t.Fatalf("good file: %v, %v", cats, err)
	}
}

// TestTextFilesHaveNoDuplicateKeys: a key written twice in a text file
// would silently keep its last text, so none is.
func TestTextFilesHaveNoDuplicateKeys(t *testing.T) {
	for _, lang := range []string{models.LangEnglish, models.LangRussian} {
		data, err := textFS.ReadFile("i18n/" + lang + ".json")
		if err != nil {
			t.Fatal(err)
		}
		dec := json.NewDecoder(strings.NewReader(string(data)))
		if _, err := dec.Token(); err != nil { // the opening {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for dec.More() {
			key, err := dec.Token()
			if err != nil {
				t.Fatal(err)
			}
			k := key.(string)
			if seen[k] {
				t.Errorf("%s.json has %q twice", lang, k)
			}
			seen[k] = true
			if _, err := dec.Token(); err != nil { // the text
				t.Fatal(err)
			}
		}
	}
}
