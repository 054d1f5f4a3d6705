// Package config reads the settings of the salesflow processes (worker, API
// server, dev runner) from environment variables. Every variable has a
// default, so a fresh checkout runs with none set; Vars lists them for the
// README.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/salesflow/salesflow/activities"
	"github.com/salesflow/salesflow/internal/classify"
	"github.com/salesflow/salesflow/internal/documents"
	"github.com/salesflow/salesflow/internal/envconf"
	"github.com/salesflow/salesflow/internal/jwtauth"
	"github.com/salesflow/salesflow/internal/policy"
	"github.com/salesflow/salesflow/models"
)

// Config is the process configuration. Each field is read from the
// environment variable named in its comment; an unset or empty variable
// takes the default.
type Config struct {
	// TemporalAddress (TEMPORAL_ADDRESS) is the host:port of the Temporal
	// frontend.
	TemporalAddress string
	// TemporalNamespace (TEMPORAL_NAMESPACE) is the Temporal namespace.
	TemporalNamespace string
	// TaskQueue (TASK_QUEUE) is the task queue of deal workflows and their
	// activities.
	TaskQueue string
	// DatabaseURL (DATABASE_URL) is the PostgreSQL URL of the read model;
	// empty keeps the read model in an embedded SQLite file under DataDir.
	DatabaseURL string
	// DataDir (DATA_DIR) holds local state such as the embedded store.
	DataDir string
	// HTTPAddr (HTTP_ADDR) is the listen address of the API server.
	HTTPAddr string
	// PolicyFile (POLICY_FILE) optionally names a JSON file
	// {"deal": {...}, "complaint": {...}, "catalogs": {...}} whose fields
	// override the default deal and complaint policies and catalogues of the
	// deployment's policy document.
	PolicyFile string
	// CalendarFile (CALENDAR_FILE) optionally names the business calendar
	// file (.json or .ics) of the deployment's policy document.
	CalendarFile string
	// LogLevel (LOG_LEVEL) is the minimum level logged: debug, info, warn
	// or error.
	LogLevel slog.Level
	// SeedDemo (SEED_DEMO) seeds the demo staff and tokens on start.
	SeedDemo bool
	// BootstrapAdmin (BOOTSTRAP_ADMIN) is the ID of an admin created on
	// start unless it exists, with a token whose secret is read from
	// BootstrapTokenFile (BOOTSTRAP_ADMIN_TOKEN_FILE), when set.
	BootstrapAdmin     string
	BootstrapTokenFile []byte
	// TemporalCLI (TEMPORAL_CLI) is the path of the pinned temporal CLI the
	// dev runner starts its Temporal dev server with; `make run` sets it.
	TemporalCLI string
	// TemporalUIPort (TEMPORAL_UI_PORT) is the port of the dev server's Web
	// UI.
	TemporalUIPort string
	// SMTPAddr (SMTP_ADDR) is the host:port of the SMTP server notification
	// e-mails go through; empty turns e-mail off.
	SMTPAddr string
	// SMTPFrom (SMTP_FROM) is the sender of notification e-mails.
	SMTPFrom string
	// SMTPUsername (SMTP_USERNAME) and SMTPPassword (SMTP_PASSWORD) are the
	// SMTP PLAIN credentials; no authentication when the username is empty.
	SMTPUsername string
	SMTPPassword string
	// WebhookURL (WEBHOOK_URL) receives notifications as signed JSON;
	// empty turns the webhook off.
	WebhookURL string
	// WebhookSecret (WEBHOOK_SECRET) keys the webhook's HMAC-SHA256
	// signature; required when WebhookURL is set.
	WebhookSecret string
	// JWT (JWT_JWKS_URL, JWT_PUBLIC_KEY_FILE, JWT_ISSUER, JWT_AUDIENCE,
	// JWT_STAFF_CLAIM, JWT_ROLE_CLAIM) configures JWT sign-in through the
	// company's identity provider; off unless a key source is set.
	JWT jwtauth.Config
	// RateLimit (RATE_LIMIT) is the average number of requests per second
	// one bearer token may make on one API server, in bursts of up to
	// RateBurst (RATE_BURST); 0 turns the limit off.
	RateLimit float64
	RateBurst int
	// IdempotencyTTL (IDEMPOTENCY_TTL) is how long the API remembers the
	// Idempotency-Key of a creating request.
	IdempotencyTTL time.Duration
	// TokenCacheTTL (TOKEN_CACHE_TTL) is how long an API server remembers
	// which staff member an opaque API token names; 0 looks it up on every
	// request.
	TokenCacheTTL time.Duration
	// WebSessionIdle (WEB_SESSION_IDLE) ends a web app session unused for
	// that long; WebSessionMax (WEB_SESSION_MAX) ends any session that old.
	WebSessionIdle time.Duration
	WebSessionMax  time.Duration
	// Classify (CLASSIFY_WINDOW_MONTHS, CLASSIFY_XYZ_MONTHS) are the
	// parameters of the nightly client classification, run on ClassifyCron
	// (CLASSIFY_CRON, UTC).
	Classify     classify.Params
	ClassifyCron string
	// SatisfactionCron (SATISFACTION_CRON, UTC) is when the yearly
	// satisfaction sweep runs (docs/satisfaction.md).
	SatisfactionCron string
	// MetricsAddr (METRICS_ADDR) is the listen address of a listener of
	// its own answering GET /metrics: the worker serves its metrics only
	// there, and the API server moves /metrics from HTTPAddr to it; empty:
	// the API server serves /metrics on HTTPAddr and the worker none.
	MetricsAddr string
	// StartupTimeout (STARTUP_TIMEOUT) bounds how long the worker and the
	// API server wait at start for PostgreSQL and Temporal to be reachable;
	// 0 waits as long as it takes.
	StartupTimeout time.Duration
	// Worker (WORKER_*) tunes the worker's pollers, cache and concurrency.
	Worker WorkerTuning
	// DocumentStore (DOCUMENT_STORE) is where generated documents are
	// kept: "db" (the read model) or "file:/path" (documents.Open).
	DocumentStore string
}

// WorkerTuning sizes the worker: how many requests poll the task queue for
// workflow tasks (WORKER_WORKFLOW_POLLERS) and activity tasks
// (WORKER_ACTIVITY_POLLERS), how many workflows stay cached between their
// tasks (WORKER_STICKY_CACHE, process-wide), how long a cached workflow's
// task waits for this worker before any worker may take it
// (WORKER_STICKY_TIMEOUT), and how many workflow tasks,
// activities and local activities run at once (WORKER_MAX_WORKFLOW_TASKS,
// WORKER_MAX_ACTIVITIES, WORKER_MAX_LOCAL_ACTIVITIES).
type WorkerTuning struct {
	WorkflowPollers, ActivityPollers                    int
	StickyCache                                         int
	MaxWorkflowTasks, MaxActivities, MaxLocalActivities int
	StickyTimeout                                       time.Duration
}

// Var describes one environment variable.
type Var = envconf.Var

// setting is one environment variable and how its value sets the
// configuration.
type setting = envconf.Setting[Config]

// env is the setting of the variable name, with its default and doc.
func env(name, def, doc string, set func(*Config, string) error) setting {
	return setting{Var: Var{Name: name, Default: def, Doc: doc}, Set: set}
}

// field returns the setter of the field ptr points to: the variable's value
// is parsed, then must pass every check.
func field[T any](ptr func(*Config) *T, parse func(string) (T, error), checks ...func(T) error) func(*Config, string) error {
	return func(c *Config, v string) error {
		x, err := parse(v)
		if err != nil {
			return err
		}
		for _, check := range checks {
			if err := check(x); err != nil {
				return err
			}
		}
		*ptr(c) = x
		return nil
	}
}

// str returns the setter of a string field, which takes the value as it is.
func str(ptr func(*Config) *string, checks ...func(string) error) func(*Config, string) error {
	return field(ptr, func(v string) (string, error) { return v, nil }, checks...)
}

// months reads a whole number of months into the field.
func months(ptr func(*Config) *int) func(*Config, string) error {
	return field(ptr, strconv.Atoi)
}

// count reads a whole number, at least 1, into the field.
func count(ptr func(*Config) *int) func(*Config, string) error {
	return field(ptr, strconv.Atoi, atLeast(1, "must be at least 1"))
}

// hostPort checks a host:port address.
func hostPort(v string) error {
	_, _, err := net.SplitHostPort(v)
	return err
}

// mailAddress checks an e-mail address, optionally with a name.
func mailAddress(v string) error {
	_, err := mail.ParseAddress(v)
	return err
}

// httpURL checks an absolute http or https URL.
func httpURL(v string) error {
	u, err := url.Parse(v)
	if err != nil {
		return err
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("not an absolute http or https URL")
	}
	return nil
}

// atLeast checks that a number is at least lowest; else the error says so
// in words.
func atLeast[T int | float64 | time.Duration](lowest T, words string) func(T) error {
	return func(x T) error {
		if x < lowest {
			return errors.New(words)
		}
		return nil
	}
}

// positive checks that a duration is greater than zero.
func positive(d time.Duration) error {
	if d <= 0 {
		return errors.New("must be greater than 0")
	}
	return nil
}

// parseFloat reads a decimal number.
func parseFloat(v string) (float64, error) { return strconv.ParseFloat(v, 64) }

var settings = []setting{
	env("TEMPORAL_ADDRESS", "localhost:7233", "host:port of the Temporal frontend",
		str(func(c *Config) *string { return &c.TemporalAddress })),
	env("TEMPORAL_NAMESPACE", "default", "Temporal namespace",
		str(func(c *Config) *string { return &c.TemporalNamespace })),
	env("TASK_QUEUE", "salesflow", "task queue of deal workflows and activities",
		str(func(c *Config) *string { return &c.TaskQueue })),
	env("DATABASE_URL", "", "PostgreSQL URL of the read model; empty uses embedded SQLite at $DATA_DIR/salesflow.db",
		str(func(c *Config) *string { return &c.DatabaseURL })),
	env("DATA_DIR", "./data", "folder for local state (embedded store)",
		str(func(c *Config) *string { return &c.DataDir })),
	env("HTTP_ADDR", ":8080", "listen address of the API server",
		str(func(c *Config) *string { return &c.HTTPAddr })),
	env("POLICY_FILE", "", `optional JSON file {"deal": {...}, "complaint": {...}, "catalogs": {...}} overriding fields of the default deal and complaint policies and catalogues (policy version 0)`,
		str(func(c *Config) *string { return &c.PolicyFile })),
	env("CALENDAR_FILE", "", "optional business calendar file, .json or .ics (policy version 0); empty: UTC, Saturday and Sunday off, no holidays",
		str(func(c *Config) *string { return &c.CalendarFile })),
	env("LOG_LEVEL", "info", "minimum log level: debug, info, warn or error",
		func(c *Config, v string) error { return c.LogLevel.UnmarshalText([]byte(v)) }),
	env("SEED_DEMO", "false", "seed the demo staff (alice, bob, maria) and their tokens on start",
		field(func(c *Config) *bool { return &c.SeedDemo }, strconv.ParseBool)),
	env("BOOTSTRAP_ADMIN", "", "ID of the first admin, created on start unless a staff member with that ID exists (a deployment without demo staff)",
		str(func(c *Config) *string { return &c.BootstrapAdmin }, staffID)),
	env("BOOTSTRAP_ADMIN_TOKEN_FILE", "", "file holding the secret (32 characters or more) of a non-expiring API token of BOOTSTRAP_ADMIN, stored hashed; revoke it once the admin has their own",
		field(func(c *Config) *[]byte { return &c.BootstrapTokenFile }, os.ReadFile)),
	env("TEMPORAL_CLI", "", "path of the temporal CLI the dev runner starts (make run sets it)",
		str(func(c *Config) *string { return &c.TemporalCLI })),
	env("TEMPORAL_UI_PORT", "8233", "port of the dev runner's Temporal Web UI",
		str(func(c *Config) *string { return &c.TemporalUIPort })),
	env("SMTP_ADDR", "", "host:port of the SMTP server for notification e-mails; empty turns e-mail off",
		str(func(c *Config) *string { return &c.SMTPAddr }, hostPort)),
	env("SMTP_FROM", "salesflow@localhost", "sender of notification e-mails, optionally with a name: Salesflow <sf@example.com>",
		str(func(c *Config) *string { return &c.SMTPFrom }, mailAddress)),
	env("SMTP_USERNAME", "", "SMTP user for PLAIN authentication (only over TLS or to localhost); empty: no authentication",
		str(func(c *Config) *string { return &c.SMTPUsername })),
	env("SMTP_PASSWORD", "", "password of SMTP_USERNAME",
		str(func(c *Config) *string { return &c.SMTPPassword })),
	env("WEBHOOK_URL", "", "http(s) URL receiving notifications as signed JSON (docs/webhooks.md); empty turns the webhook off",
		str(func(c *Config) *string { return &c.WebhookURL }, httpURL)),
	env("WEBHOOK_SECRET", "", "shared secret of the webhook's HMAC-SHA256 signature; required with WEBHOOK_URL",
		str(func(c *Config) *string { return &c.WebhookSecret })),
	env("JWT_JWKS_URL", "", "URL of the identity provider's JSON Web Key Set; turns JWT sign-in on (docs/security.md)",
		str(func(c *Config) *string { return &c.JWT.JWKSURL })),
	env("JWT_PUBLIC_KEY_FILE", "", "PEM file of the identity provider's public key, instead of JWT_JWKS_URL",
		field(func(c *Config) *[]byte { return &c.JWT.PublicKeyPEM }, os.ReadFile)),
	env("JWT_ISSUER", "", `the "iss" every JWT must carry; required with JWT sign-in`,
		str(func(c *Config) *string { return &c.JWT.Issuer })),
	env("JWT_AUDIENCE", "", `the "aud" every JWT must include; required with JWT sign-in`,
		str(func(c *Config) *string { return &c.JWT.Audience })),
	env("JWT_STAFF_CLAIM", "sub", "JWT claim holding the staff member's ID",
		str(func(c *Config) *string { return &c.JWT.StaffClaim })),
	env("JWT_ROLE_CLAIM", "", "JWT claim holding the role (sales, manager or admin); empty: the staff record's role",
		str(func(c *Config) *string { return &c.JWT.RoleClaim })),
	env("RATE_LIMIT", "20", "requests per second one bearer token may make on one API server, on average; 0 turns the limit off",
		field(func(c *Config) *float64 { return &c.RateLimit }, parseFloat, atLeast(0.0, "must not be negative"))),
	env("RATE_BURST", "40", "requests one bearer token may make at once before RATE_LIMIT applies",
		field(func(c *Config) *int { return &c.RateBurst }, strconv.Atoi, atLeast(1, "must be at least 1"))),
	env("IDEMPOTENCY_TTL", "24h", "how long the API remembers the Idempotency-Key of a creating POST (Go duration); a repeat within it answers the first answer",
		field(func(c *Config) *time.Duration { return &c.IdempotencyTTL }, time.ParseDuration, positive)),
	env("TOKEN_CACHE_TTL", "2s", "how long an API server remembers which staff member an API token names (Go duration); a revocation or staff change through another API server takes effect within it; 0 looks the token up on every request",
		field(func(c *Config) *time.Duration { return &c.TokenCacheTTL }, time.ParseDuration, atLeast(time.Duration(0), "must not be negative"))),
	env("WEB_SESSION_IDLE", "12h", "a web app session unused for this long (Go duration) ends; the browser signs in again",
		field(func(c *Config) *time.Duration { return &c.WebSessionIdle }, time.ParseDuration, positive)),
	env("WEB_SESSION_MAX", "168h", "a web app session ends this long (Go duration) after sign-in, however busy",
		field(func(c *Config) *time.Duration { return &c.WebSessionMax }, time.ParseDuration, positive)),
	env("CLASSIFY_WINDOW_MONTHS", "3", "months of the client category window (docs/reports.md)",
		months(func(c *Config) *int { return &c.Classify.WindowMonths })),
	env("CLASSIFY_XYZ_MONTHS", "6", "months of turnover the ABC and XYZ classes are computed over",
		months(func(c *Config) *int { return &c.Classify.XYZMonths })),
	env("CLASSIFY_CRON", "0 2 * * *", "cron schedule (UTC) of the nightly client classification; takes effect when its schedule is created",
		str(func(c *Config) *string { return &c.ClassifyCron })),
	env("SATISFACTION_CRON", "30 5 * * *", "cron schedule (UTC) of the sweep starting the yearly satisfaction surveys due (daily by default); takes effect when its schedule is created",
		str(func(c *Config) *string { return &c.SatisfactionCron })),
	env("METRICS_ADDR", "", "listen address (host:port) of a separate listener answering GET /metrics (Prometheus) without a token: the worker serves its metrics there, the API server moves /metrics from HTTP_ADDR to it; empty: the API server serves /metrics on HTTP_ADDR and the worker exports none",
		str(func(c *Config) *string { return &c.MetricsAddr }, hostPort)),
	env("STARTUP_TIMEOUT", "0s", "how long the worker and the API server wait at start for PostgreSQL and Temporal to be reachable before they exit; 0s waits as long as it takes",
		field(func(c *Config) *time.Duration { return &c.StartupTimeout }, time.ParseDuration, atLeast(time.Duration(0), "must not be negative"))),
	env("WORKER_WORKFLOW_POLLERS", "8", "requests the worker keeps polling for workflow tasks (the first task of a new case waits for one)",
		count(func(c *Config) *int { return &c.Worker.WorkflowPollers })),
	env("WORKER_ACTIVITY_POLLERS", "4", "requests the worker keeps polling for activity tasks (notifications and deliveries)",
		count(func(c *Config) *int { return &c.Worker.ActivityPollers })),
	env("WORKER_STICKY_CACHE", "10000", "workflows the worker keeps cached between their workflow tasks; a workflow not cached is replayed from its history",
		count(func(c *Config) *int { return &c.Worker.StickyCache })),
	env("WORKER_MAX_WORKFLOW_TASKS", "1000", "workflow tasks the worker runs at once",
		count(func(c *Config) *int { return &c.Worker.MaxWorkflowTasks })),
	env("WORKER_MAX_ACTIVITIES", "1000", "activities the worker runs at once",
		count(func(c *Config) *int { return &c.Worker.MaxActivities })),
	env("WORKER_MAX_LOCAL_ACTIVITIES", "1000", "local activities (read-model syncs) the worker runs at once",
		count(func(c *Config) *int { return &c.Worker.MaxLocalActivities })),
	env("WORKER_STICKY_TIMEOUT", "30s", "how long a cached workflow's task waits for the worker that has it cached before any worker may take it (and replay it); longer rides out bursts of control points falling due together, shorter hands a dead worker's workflows on sooner",
		field(func(c *Config) *time.Duration { return &c.Worker.StickyTimeout }, time.ParseDuration, positive)),
	env("DOCUMENT_STORE", "db", "where generated documents (PDF) are kept: db (the read model's table) or file:/path (a folder every worker and API server must share; docs/documents.md)",
		str(func(c *Config) *string { return &c.DocumentStore }, documents.CheckSpec)),
}

// Vars lists every environment variable with its default and meaning, in
// the order the README shows them.
func Vars() []Var { return envconf.Vars(settings) }

// Load reads the configuration from the environment.
func Load() (Config, error) {
	c, err := envconf.Load(settings)
	if err != nil {
		return Config{}, err
	}
	if c.BootstrapTokenFile != nil && c.BootstrapAdmin == "" {
		return Config{}, errors.New("BOOTSTRAP_ADMIN must be set when BOOTSTRAP_ADMIN_TOKEN_FILE is")
	}
	if n := len(c.BootstrapToken()); c.BootstrapTokenFile != nil && n < models.MinBootstrapTokenLen {
		return Config{}, fmt.Errorf("BOOTSTRAP_ADMIN_TOKEN_FILE: the secret must have at least %d characters", models.MinBootstrapTokenLen)
	}
	if c.WebhookURL != "" && c.WebhookSecret == "" {
		return Config{}, errors.New("WEBHOOK_SECRET must be set when WEBHOOK_URL is")
	}
	if _, err := c.Verifier(); err != nil {
		return Config{}, err
	}
	if err := c.Classify.WithDefaults().Validate(); err != nil {
		return Config{}, fmt.Errorf("CLASSIFY_*: %w", err)
	}
	return c, nil
}

// BootstrapToken is the secret of BOOTSTRAP_ADMIN_TOKEN_FILE without
// surrounding white space, "" when no file is set.
func (c Config) BootstrapToken() string { return strings.TrimSpace(string(c.BootstrapTokenFile)) }

// staffID checks a staff member's ID: what POST /api/v1/staff accepts.
func staffID(v string) error {
	if !staffIDPattern.MatchString(v) {
		return errors.New("1-64 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit")
	}
	return nil
}

// staffIDPattern is the shape of a staff member's ID.
var staffIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)

// Verifier returns the JWT verifier of the configuration, or nil when JWT
// sign-in is off (neither JWT_JWKS_URL nor JWT_PUBLIC_KEY_FILE is set).
func (c Config) Verifier() (*jwtauth.Verifier, error) {
	if c.JWT.JWKSURL == "" && c.JWT.PublicKeyPEM == nil {
		return nil, nil
	}
	v, err := jwtauth.New(c.JWT)
	if err != nil {
		return nil, fmt.Errorf("JWT sign-in: %w", err)
	}
	return v, nil
}

// Channels returns the notification channels the configuration turns on,
// for activities.Activities: the e-mail channel when SMTPAddr is set and
// the webhook when WebhookURL is set, each nil when off.
func (c Config) Channels() (*activities.EmailChannel, *activities.WebhookChannel) {
	var email *activities.EmailChannel
	if c.SMTPAddr != "" {
		email = &activities.EmailChannel{Addr: c.SMTPAddr, From: c.SMTPFrom, Username: c.SMTPUsername, Password: c.SMTPPassword}
	}
	var hook *activities.WebhookChannel
	if c.WebhookURL != "" {
		hook = &activities.WebhookChannel{URL: c.WebhookURL, Secret: c.WebhookSecret}
	}
	return email, hook
}

// StoreURL is the read-model URL for models.Open: DatabaseURL when set,
// otherwise the embedded SQLite file in DataDir.
func (c Config) StoreURL() string {
	if c.DatabaseURL != "" {
		return c.DatabaseURL
	}
	return "sqlite:" + filepath.Join(c.DataDir, "salesflow.db")
}

// Policy returns the deployment's default policy document (version 0):
// the process's defaults with the overrides of PolicyFile merged in and the
// calendar of CalendarFile (calendar.Default() when unset), validated.
func (c Config) Policy() (policy.Document, error) {
	doc, err := policy.Deployment(c.PolicyFile, c.CalendarFile)
	if err != nil {
		return policy.Document{}, fmt.Errorf("POLICY_FILE / CALENDAR_FILE: %w", err)
	}
	return doc, nil
}
