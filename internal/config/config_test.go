package config

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/salesflow/salesflow/internal/casework"

	"github.com/salesflow/salesflow/internal/calendar"
	"github.com/salesflow/salesflow/internal/classify"
	"github.com/salesflow/salesflow/internal/complaint"
	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/internal/jwtauth"
	"github.com/salesflow/salesflow/internal/policy"
)

// clearEnv unsets every variable for the test, so the host's environment
// cannot leak in.
func clearEnv(t *testing.T) {
	t.Helper()
	for _, v := range Vars() {
		t.Setenv(v.Name, "")
	}
}

func TestLoadDefaults(t *testing.T) {
	clearEnv(t)
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	want := Config{
		TemporalAddress:   "localhost:7233",
		TemporalNamespace: "default",
		TaskQueue:         "salesflow",
		DataDir:           "./data",
		HTTPAddr:          ":8080",
		LogLevel:          slog.LevelInfo,
		TemporalUIPort:    "8233",
		SMTPFrom:          "salesflow@localhost",
		JWT:               jwtauth.Config{StaffClaim: "sub"},
		RateLimit:         20,
		RateBurst:         40,
		IdempotencyTTL:    24 * time.Hour,
		TokenCacheTTL:     2 * time.Second,
		WebSessionIdle:    12 * time.Hour,
		WebSessionMax:     7 * 24 * time.Hour,
		Classify:          classify.Params{WindowMonths: 3, XYZMonths: 6},
		ClassifyCron:      "0 2 * * *",
		SatisfactionCron:  "30 5 * * *",
		Worker: WorkerTuning{WorkflowPollers: 8, ActivityPollers: 4, StickyCache: 10000,
			MaxWorkflowTasks: 1000, MaxActivities: 1000, MaxLocalActivities: 1000, StickyTimeout: 30 * time.Second},
		DocumentStore: "db",
	}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("defaults = %+v, want %+v", c, want)
	}
	if got := c.StoreURL(); got != "sqlite:"+filepath.Join("data", "salesflow.db") {
		t.Errorf("StoreURL = %q", got)
	}
	p, err := c.Policy()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(p, policy.Default()) {
		t.Errorf("Policy without POLICY_FILE and CALENDAR_FILE = %+v, want the default", p)
	}
}

// Every variable must change the configuration, so the table cannot list a
// variable that Load ignores.
func TestEveryVarIsRead(t *testing.T) {
	values := map[string]string{
		"TEMPORAL_ADDRESS":            "temporal:7233",
		"TEMPORAL_NAMESPACE":          "sales",
		"TASK_QUEUE":                  "q",
		"DATABASE_URL":                "postgres://db/x",
		"DATA_DIR":                    "/var/lib/sf",
		"HTTP_ADDR":                   ":9090",
		"POLICY_FILE":                 "/etc/policy.json",
		"CALENDAR_FILE":               "/etc/calendar.ics",
		"LOG_LEVEL":                   "debug",
		"SEED_DEMO":                   "true",
		"BOOTSTRAP_ADMIN":             "ops",
		"BOOTSTRAP_ADMIN_TOKEN_FILE":  secretFile(t, strings.Repeat("s", 40)),
		"TEMPORAL_CLI":                "/opt/temporal",
		"TEMPORAL_UI_PORT":            "9233",
		"SMTP_ADDR":                   "mail.example.com:587",
		"SMTP_FROM":                   "Salesflow <sf@example.com>",
		"SMTP_USERNAME":               "sf",
		"SMTP_PASSWORD":               "pw",
		"WEBHOOK_URL":                 "https://hooks.example.com/salesflow",
		"WEBHOOK_SECRET":              "s3cret",
		"JWT_JWKS_URL":                "https://idp.example.com/.well-known/jwks.json",
		"JWT_PUBLIC_KEY_FILE":         publicKeyFile(t),
		"JWT_ISSUER":                  "https://idp.example.com/",
		"JWT_AUDIENCE":                "salesflow",
		"JWT_STAFF_CLAIM":             "preferred_username",
		"JWT_ROLE_CLAIM":              "salesflow_role",
		"RATE_LIMIT":                  "5.5",
		"RATE_BURST":                  "7",
		"IDEMPOTENCY_TTL":             "1h30m",
		"TOKEN_CACHE_TTL":             "500ms",
		"WEB_SESSION_IDLE":            "30m",
		"WEB_SESSION_MAX":             "48h",
		"CLASSIFY_WINDOW_MONTHS":      "2",
		"CLASSIFY_XYZ_MONTHS":         "12",
		"METRICS_ADDR":                "127.0.0.1:9464",
		"CLASSIFY_CRON":               "30 1 * * *",
		"SATISFACTION_CRON":           "0 4 * * *",
		"STARTUP_TIMEOUT":             "2m",
		"WORKER_WORKFLOW_POLLERS":     "3",
		"WORKER_ACTIVITY_POLLERS":     "5",
		"WORKER_STICKY_CACHE":         "200",
		"WORKER_MAX_WORKFLOW_TASKS":   "7",
		"WORKER_MAX_ACTIVITIES":       "9",
		"WORKER_MAX_LOCAL_ACTIVITIES": "11",
		"WORKER_STICKY_TIMEOUT":       "45s",
		"DOCUMENT_STORE":              "file:/srv/salesflow/documents",
	}
	// Variables that are only valid together with others.
	jwt := []string{"JWT_ISSUER", "JWT_AUDIENCE"}
	companion := map[string][]string{"WEBHOOK_URL": {"WEBHOOK_SECRET"}, "JWT_JWKS_URL": jwt, "JWT_PUBLIC_KEY_FILE": jwt,
		"BOOTSTRAP_ADMIN_TOKEN_FILE": {"BOOTSTRAP_ADMIN"}}
	if len(values) != len(Vars()) {
		t.Fatalf("test covers %d variables, Vars lists %d", len(values), len(Vars()))
	}
	clearEnv(t)
	base, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range Vars() {
		val, ok := values[v.Name]
		if !ok {
			t.Errorf("no test value for %s", v.Name)
			continue
		}
		if v.Doc == "" {
			t.Errorf("%s has no doc", v.Name)
		}
		before := base
		if others, ok := companion[v.Name]; ok {
			for _, other := range others {
				t.Setenv(other, values[other])
			}
			if before, err = Load(); err != nil {
				t.Fatalf("%v alone: %v", others, err)
			}
		}
		t.Setenv(v.Name, val)
		c, err := Load()
		if err != nil {
			t.Fatalf("%s=%s: %v", v.Name, val, err)
		}
		if reflect.DeepEqual(c, before) {
			t.Errorf("%s=%s did not change the configuration", v.Name, val)
		}
		t.Setenv(v.Name, "")
		for _, other := range companion[v.Name] {
			t.Setenv(other, "")
		}
	}
}

func TestLoadOverrides(t *testing.T) {
	clearEnv(t)
	t.Setenv("DATABASE_URL", "postgres://localhost/sales")
	t.Setenv("LOG_LEVEL", "WARN")
	t.Setenv("SEED_DEMO", "1")
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if c.StoreURL() != "postgres://localhost/sales" || c.LogLevel != slog.LevelWarn || !c.SeedDemo {
		t.Errorf("got %+v", c)
	}
}

func TestLoadRejectsBadValues(t *testing.T) {
	for name, val := range map[string]string{
		"LOG_LEVEL": "loud", "SEED_DEMO": "maybe", "SMTP_ADDR": "mail.example.com",
		"SMTP_FROM": "not an address", "WEBHOOK_URL": "ftp://example.com/x",
		"IDEMPOTENCY_TTL": "0s", "BOOTSTRAP_ADMIN": "Ops Team", "STARTUP_TIMEOUT": "-1s",
	} {
		clearEnv(t)
		t.Setenv(name, val)
		_, err := Load()
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s=%s: error %v, want one naming the variable", name, val, err)
		}
	}
}

func TestPolicyFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		t.Helper()
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	good := write("good.json", `{"deal": {"offer_validity": "30s", "presentation_max_attempts": 5},
		"complaint": {"recurrence_window": "30d"}}`)
	p, err := Config{PolicyFile: good}.Policy()
	if err != nil {
		t.Fatal(err)
	}
	if p.Version != 0 || p.Deal.OfferValidity != casework.Exact(30*time.Second) || p.Deal.PresentationMaxAttempts != 5 ||
		p.Complaint.RecurrenceWindow != casework.Days(30) {
		t.Errorf("override not applied: %+v", p)
	}
	if p.Deal.InvoiceDue != deal.DefaultPolicy().InvoiceDue || !reflect.DeepEqual(p.Complaint.Deadlines, complaint.DefaultPolicy().Deadlines) {
		t.Errorf("untouched field changed: %+v", p)
	}
	if !reflect.DeepEqual(p.Calendar, calendar.Default()) {
		t.Errorf("calendar without CALENDAR_FILE = %+v, want the default", p.Calendar)
	}
	dealOnly := write("deal-only.json", `{"deal": {"invoice_due": "7d"}}`)
	if p, err := (Config{PolicyFile: dealOnly}).Policy(); err != nil || p.Deal.InvoiceDue.String() != "7d" ||
		!reflect.DeepEqual(p.Complaint, complaint.DefaultPolicy()) {
		t.Errorf("deal-only file: %+v, %v", p, err)
	}

	for name, body := range map[string]string{
		"old-shape.json":         `{"offer_validity": "3d"}`,
		"unknown.json":           `{"deal": {"offer_validiti": "3d"}}`,
		"invalid.json":           `{"deal": {"presentation_max_attempts": 0}}`,
		"invalid-complaint.json": `{"complaint": {"categories": []}}`,
		"malformed.json":         `{`,
	} {
		if _, err := (Config{PolicyFile: write(name, body)}).Policy(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := (Config{PolicyFile: filepath.Join(dir, "missing.json")}).Policy(); err == nil {
		t.Error("missing file: no error")
	}
}

func TestCalendarFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "cal.json")
	body := `{"time_zone": "Europe/Moscow", "holidays": ["2027-01-01", "2027-01-04"], "working_days": ["2027-02-20"]}`
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	p, err := Config{CalendarFile: path}.Policy()
	if err != nil {
		t.Fatal(err)
	}
	want, err := calendar.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(p.Calendar, want) || p.Calendar.TimeZone != "Europe/Moscow" {
		t.Errorf("calendar = %+v, want %+v", p.Calendar, want)
	}
	if !reflect.DeepEqual(p.Deal, deal.DefaultPolicy()) {
		t.Errorf("deal policy changed by CALENDAR_FILE: %+v", p.Deal)
	}
	ics := filepath.Join("..", "calendar", "testdata", "example.ics")
	if p, err := (Config{CalendarFile: ics}).Policy(); err != nil || len(p.Calendar.Holidays) == 0 {
		t.Errorf("%s: %+v, %v", ics, p.Calendar, err)
	}
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"time_zone": "Mars/Olympus"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{bad, filepath.Join(dir, "missing.json"), filepath.Join(dir, "cal.txt")} {
		if _, err := (Config{CalendarFile: f}).Policy(); err == nil {
			t.Errorf("%s: no error", f)
		}
	}
}

// TestReadmeDocumentsEveryVariable keeps the README's configuration table
// in step with the code.
func TestReadmeDocumentsEveryVariable(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range Vars() {
		if !strings.Contains(string(readme), "| `"+v.Name+"` |") {
			t.Errorf("README.md does not document %s", v.Name)
		}
	}
}

// The bootstrap token belongs to the bootstrap admin and is long enough;
// surrounding white space (a file's newline) is not part of it.
func TestBootstrapAdmin(t *testing.T) {
	clearEnv(t)
	t.Setenv("BOOTSTRAP_ADMIN_TOKEN_FILE", secretFile(t, strings.Repeat("s", 40)))
	if _, err := Load(); err == nil || !strings.Contains(err.Error(), "BOOTSTRAP_ADMIN must be set") {
		t.Errorf("token file without admin: %v", err)
	}
	t.Setenv("BOOTSTRAP_ADMIN", "ops")
	t.Setenv("BOOTSTRAP_ADMIN_TOKEN_FILE", secretFile(t, "short\n"))
	if _, err := Load(); err == nil || !strings.Contains(err.Error(), "at least 32") {
		t.Errorf("short token: %v", err)
	}
	t.Setenv("BOOTSTRAP_ADMIN_TOKEN_FILE", secretFile(t, strings.Repeat("s", 40)+"\n"))
	c, err := Load()
	if err != nil || c.BootstrapAdmin != "ops" || c.BootstrapToken() != strings.Repeat("s", 40) {
		t.Errorf("bootstrap admin %q token %q: %v", c.BootstrapAdmin, c.BootstrapToken(), err)
	}
}

// secretFile writes secret into a fresh file and returns its path.
func secretFile(t *testing.T, secret string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(path, []byte(secret), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestWebhookURLNeedsSecret(t *testing.T) {
	clearEnv(t)
	t.Setenv("WEBHOOK_URL", "https://hooks.example.com/x")
	if _, err := Load(); err == nil || !strings.Contains(err.Error(), "WEBHOOK_SECRET") {
		t.Errorf("WEBHOOK_URL without WEBHOOK_SECRET: error %v, want one naming WEBHOOK_SECRET", err)
	}
}

func TestChannels(t *testing.T) {
	clearEnv(t)
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if email, hook := c.Channels(); email != nil || hook != nil {
		t.Errorf("default channels = %+v, %+v, want both off", email, hook)
	}

	t.Setenv("SMTP_ADDR", "127.0.0.1:2525")
	t.Setenv("SMTP_USERNAME", "sf")
	t.Setenv("SMTP_PASSWORD", "pw")
	t.Setenv("WEBHOOK_URL", "http://127.0.0.1:9000/hook")
	t.Setenv("WEBHOOK_SECRET", "s3cret")
	if c, err = Load(); err != nil {
		t.Fatal(err)
	}
	email, hook := c.Channels()
	if email == nil || email.Addr != "127.0.0.1:2525" || email.From != "salesflow@localhost" ||
		email.Username != "sf" || email.Password != "pw" {
		t.Errorf("e-mail channel = %+v", email)
	}
	if hook == nil || hook.URL != "http://127.0.0.1:9000/hook" || hook.Secret != "s3cret" {
		t.Errorf("webhook channel = %+v", hook)
	}
}

// publicKeyFile writes a fresh ECDSA public key as PEM and returns its path.
func publicKeyFile(t *testing.T) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "idp.pem")
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
