package temporalcluster

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// templateOnly are the variables the configuration template reads that a
// Config does not set: docker-compose.yml sets them (every process here
// binds to and is reached at 127.0.0.1), and Cluster.Start sets the
// dynamic configuration's path.
var templateOnly = []string{"TEMPORAL_BIND_IP", "TEMPORAL_BROADCAST_ADDRESS", "TEMPORAL_DYNAMIC_CONFIG_FILE"}

// envRef matches `env "NAME"` in the template, with the default before it
// when there is one: `default "7233" (env "TEMPORAL_FRONTEND_PORT")`.
var envRef = regexp.MustCompile(`(?:default "([^"]*)" \()?env "([A-Z_]+)"`)

// The configuration template and Vars agree: the template reads every
// Template variable with Vars' default, and nothing else but templateOnly.
func TestTemplateReadsTheVariablesWithTheirDefaults(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "deploy", "temporal", "config", "salesflow.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	defaults := map[string]string{}
	for _, m := range envRef.FindAllStringSubmatch(string(data), -1) {
		if d, seen := defaults[m[2]]; seen && d != m[1] {
			t.Errorf("the template gives %s the defaults %q and %q", m[2], d, m[1])
		}
		defaults[m[2]] = m[1]
	}
	for _, v := range Vars() {
		d, read := defaults[v.Name]
		switch {
		case v.Template && !read:
			t.Errorf("the template does not read %s", v.Name)
		case v.Template && d != v.Default:
			t.Errorf("the template's default of %s is %q, Vars says %q", v.Name, d, v.Default)
		case !v.Template && read:
			t.Errorf("the template reads %s, which Vars does not mark as a template variable", v.Name)
		}
		delete(defaults, v.Name)
	}
	for name := range defaults {
		if !slices.Contains(templateOnly, name) {
			t.Errorf("the template reads %s, which neither Vars nor templateOnly lists", name)
		}
	}
}

// The README's cluster table documents every variable.
func TestReadmeDocumentsEveryVariable(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	names := slices.Clone(templateOnly)
	for _, v := range Vars() {
		names = append(names, v.Name)
	}
	for _, name := range names {
		if !strings.Contains(string(readme), "| `"+name+"` |") {
			t.Errorf("README.md does not document %s", name)
		}
	}
}

// FromEnv takes every default when nothing is set, and refuses a port that
// is not a number.
func TestFromEnv(t *testing.T) {
	for _, v := range Vars() {
		t.Setenv(v.Name, "")
	}
	c, err := FromEnv()
	if err != nil {
		t.Fatal(err)
	}
	if c.Frontend() != "127.0.0.1:7233" || c.DB.Name != "temporal" || c.DB.VisibilityName != "temporal_visibility" ||
		c.Shards != 4 || c.Namespace != "default" || c.ConfigDir != "deploy/temporal/config" {
		t.Errorf("defaults: %+v", c)
	}
	t.Setenv("TEMPORAL_HISTORY_PORT", "seven")
	if _, err := FromEnv(); err == nil || !strings.Contains(err.Error(), "TEMPORAL_HISTORY_PORT") {
		t.Errorf("a bad port: %v", err)
	}
}

// composeFile is the part of docker-compose.yml the tests read.
type composeFile struct {
	Services map[string]struct {
		Entrypoint  []string          `yaml:"entrypoint"`
		Environment map[string]string `yaml:"environment"`
		Volumes     []string          `yaml:"volumes"`
	} `yaml:"services"`
}

// docker-compose.yml runs the cluster as Cluster does: a container per
// service, each starting temporal-server with ServerArgs on the
// repository's configuration folder, set up only through variables the
// template reads; its schema job runs deploy/temporal-schema.sh with them.
func TestComposeRunsTheSameConfiguration(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "docker-compose.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var compose composeFile
	if err := yaml.Unmarshal(data, &compose); err != nil {
		t.Fatal(err)
	}
	const dir = "/etc/salesflow/temporal"
	started := map[Service]string{}
	for name, s := range compose.Services {
		if len(s.Entrypoint) == 0 || s.Entrypoint[0] != "temporal-server" {
			continue
		}
		svc := Service(s.Entrypoint[len(s.Entrypoint)-1])
		if !slices.Equal(s.Entrypoint[1:], ServerArgs(dir, svc)) {
			t.Errorf("%s runs %v, want temporal-server %v", name, s.Entrypoint, ServerArgs(dir, svc))
		}
		if !slices.Contains(s.Volumes, "./deploy/temporal/config:"+dir+":ro") {
			t.Errorf("%s does not mount deploy/temporal/config at %s: %v", name, dir, s.Volumes)
		}
		checkTemplateEnv(t, name, s.Environment)
		started[svc] = name
	}
	for _, s := range Services {
		if started[s] == "" {
			t.Errorf("docker-compose.yml starts no %s", s)
		}
	}
	schema := compose.Services["temporal-schema"]
	if !slices.Contains(schema.Volumes, "./deploy/temporal-schema.sh:/temporal-schema.sh:ro") {
		t.Errorf("the schema job does not run deploy/temporal-schema.sh: %v", schema.Volumes)
	}
	checkTemplateEnv(t, "temporal-schema", schema.Environment)
}

// checkTemplateEnv fails for a variable of env that the template does not
// read.
func checkTemplateEnv(t *testing.T, service string, env map[string]string) {
	t.Helper()
	for name := range env {
		if !slices.ContainsFunc(Vars(), func(v Var) bool { return v.Template && v.Name == name }) && !slices.Contains(templateOnly, name) {
			t.Errorf("%s sets %s, which the configuration template does not read", service, name)
		}
	}
}

// shellDefault matches "${NAME:-default}" in deploy/temporal-schema.sh.
var shellDefault = regexp.MustCompile(`\$\{(TEMPORAL_[A-Z_]+):-([^}]*)\}`)

// deploy/temporal-schema.sh reads the database variables with Vars'
// defaults.
func TestSchemaScriptReadsTheVariablesWithTheirDefaults(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "deploy", "temporal-schema.sh"))
	if err != nil {
		t.Fatal(err)
	}
	read := map[string]bool{}
	for _, m := range shellDefault.FindAllStringSubmatch(string(data), -1) {
		read[m[1]] = true
		i := slices.IndexFunc(Vars(), func(v Var) bool { return v.Name == m[1] })
		if i < 0 || Vars()[i].Default != m[2] {
			t.Errorf("deploy/temporal-schema.sh reads %s with the default %q, which Vars does not give it", m[1], m[2])
		}
	}
	for _, name := range []string{"TEMPORAL_DB_HOST", "TEMPORAL_DB_PORT", "TEMPORAL_DB_USER", "TEMPORAL_DB_PASSWORD", "TEMPORAL_DB_NAME", "TEMPORAL_VISIBILITY_DB_NAME"} {
		if !read[name] {
			t.Errorf("deploy/temporal-schema.sh does not read %s", name)
		}
	}
}

// The tools module that builds the server requires the CLI and the server
// at the versions the Makefile names its binaries after.
func TestToolsModulePinsTheMakefileVersions(t *testing.T) {
	makefile, err := os.ReadFile(filepath.Join("..", "..", "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	gomod, err := os.ReadFile(filepath.Join("..", "..", "tools", "temporal", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	for _, pin := range []struct{ variable, module string }{
		{"TEMPORAL_CLI_VERSION", "github.com/temporalio/cli"},
		{"TEMPORAL_SERVER_VERSION", "go.temporal.io/server"},
	} {
		m := regexp.MustCompile(`(?m)^` + pin.variable + `\s*:=\s*(\S+)$`).FindSubmatch(makefile)
		if m == nil {
			t.Fatalf("the Makefile sets no %s", pin.variable)
		}
		if !regexp.MustCompile(`(?m)^\s+` + regexp.QuoteMeta(pin.module+" "+string(m[1])) + `\b`).Match(gomod) {
			t.Errorf("tools/temporal/go.mod does not require %s %s (the Makefile's %s)", pin.module, m[1], pin.variable)
		}
	}
}
