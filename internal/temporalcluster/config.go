// Package temporalcluster runs a real Temporal cluster on PostgreSQL: the
// pinned Temporal server (built into bin/ by `make cluster`) as separate
// frontend, history, matching and worker processes, all reading the one
// configuration template deploy/temporal/config/salesflow.yaml with their
// settings in environment variables. It creates and migrates the schema
// with temporal-sql-tool, starts and stops the processes, kills and
// restarts one of them (for fault tests), and creates the namespace with
// the pinned temporal CLI. `make cluster` (cmd/temporalcluster) and the
// cluster test (internal/clustertest) run it.
package temporalcluster

import (
	"fmt"
	"strconv"

	"github.com/salesflow/salesflow/internal/envconf"
)

// Service is one of the Temporal server's services, each run as its own
// process.
type Service string

// The services of a cluster.
const (
	Frontend Service = "frontend"
	History  Service = "history"
	Matching Service = "matching"
	Worker   Service = "worker"
)

// Services lists the services in the order they start (and stop in
// reverse): the worker service, a client of the frontend, comes last.
var Services = []Service{History, Matching, Frontend, Worker}

// Ports are the ports of the cluster's processes: each service's gRPC API
// and membership (ringpop) port, and the frontend's HTTP API.
type Ports struct {
	Frontend, FrontendMembership, FrontendHTTP int
	History, HistoryMembership                 int
	Matching, MatchingMembership               int
	Worker, WorkerMembership                   int
}

// DB is the PostgreSQL server holding the cluster's two databases: Name
// (executions, shards, namespaces) and VisibilityName (workflow lists).
type DB struct {
	Host           string
	Port           int
	User           string
	Password       string
	Name           string
	VisibilityName string
}

// Config is one cluster: the binaries it runs, the configuration folder,
// its database and its ports. FromEnv reads it from the environment.
type Config struct {
	// Server, SQLTool and CLI are the paths of temporal-server,
	// temporal-sql-tool and the temporal CLI.
	Server, SQLTool, CLI string
	// ConfigDir holds the configuration template salesflow.yaml and
	// dynamicconfig/salesflow.yaml.
	ConfigDir string
	// LogDir receives each process's output as <service>.log.
	LogDir string
	DB     DB
	Ports  Ports
	// Shards is the number of history shards, fixed once the cluster's
	// database exists.
	Shards int
	// Namespace is created when the cluster starts.
	Namespace string
	// LogLevel is the servers' log level (debug, info, warn, error).
	LogLevel string
}

// Frontend is the host:port clients reach the cluster at.
func (c Config) Frontend() string {
	return fmt.Sprintf("127.0.0.1:%d", c.Ports.Frontend)
}

// Var is one environment variable FromEnv reads, with its default and
// meaning, for the README. Template marks the variables the configuration
// template reads, which a process gets from its Config.
type Var = envconf.Var

// setting is a Var with where its value goes in a Config and how the
// Config gives it back.
type setting = envconf.Setting[Config]

// text is a setting of a string field.
func text(v Var, f func(c *Config) *string) setting {
	return setting{Var: v,
		Set: func(c *Config, s string) error { *f(c) = s; return nil },
		Get: func(c Config) string { return *f(&c) }}
}

// number is a setting of a positive int field.
func number(v Var, f func(c *Config) *int) setting {
	return setting{Var: v,
		Set: func(c *Config, s string) error {
			n, err := strconv.Atoi(s)
			if err != nil || n <= 0 {
				return fmt.Errorf("must be a positive number")
			}
			*f(c) = n
			return nil
		},
		Get: func(c Config) string { return strconv.Itoa(*f(&c)) }}
}

// tv is a Var the configuration template reads.
func tv(name, def, doc string) Var { return Var{Name: name, Default: def, Doc: doc, Template: true} }

var settings = []setting{
	text(Var{Name: "TEMPORAL_SERVER", Doc: "path of the temporal-server binary (`make cluster` builds and sets it)"},
		func(c *Config) *string { return &c.Server }),
	text(Var{Name: "TEMPORAL_SQL_TOOL", Doc: "path of the temporal-sql-tool binary (`make cluster` builds and sets it)"},
		func(c *Config) *string { return &c.SQLTool }),
	text(Var{Name: "TEMPORAL_CLI", Doc: "path of the temporal CLI that creates the namespace (`make` sets it)"},
		func(c *Config) *string { return &c.CLI }),
	text(Var{Name: "TEMPORAL_CLUSTER_CONFIG", Default: "deploy/temporal/config", Doc: "folder of the configuration template salesflow.yaml"},
		func(c *Config) *string { return &c.ConfigDir }),
	text(Var{Name: "TEMPORAL_CLUSTER_LOGS", Default: "data/temporal-cluster", Doc: "folder of the processes' logs, <service>.log"},
		func(c *Config) *string { return &c.LogDir }),
	text(Var{Name: "TEMPORAL_NAMESPACE", Default: "default", Doc: "namespace created once the cluster is up"},
		func(c *Config) *string { return &c.Namespace }),
	text(tv("TEMPORAL_DB_HOST", "127.0.0.1", "PostgreSQL host of the cluster's databases"), func(c *Config) *string { return &c.DB.Host }),
	number(tv("TEMPORAL_DB_PORT", "5432", "PostgreSQL port"), func(c *Config) *int { return &c.DB.Port }),
	text(tv("TEMPORAL_DB_USER", "postgres", "PostgreSQL user (creates the databases)"), func(c *Config) *string { return &c.DB.User }),
	text(tv("TEMPORAL_DB_PASSWORD", "", "PostgreSQL password"), func(c *Config) *string { return &c.DB.Password }),
	text(tv("TEMPORAL_DB_NAME", "temporal", "database of executions, shards and namespaces"), func(c *Config) *string { return &c.DB.Name }),
	text(tv("TEMPORAL_VISIBILITY_DB_NAME", "temporal_visibility", "database of workflow lists (visibility)"),
		func(c *Config) *string { return &c.DB.VisibilityName }),
	number(tv("TEMPORAL_FRONTEND_PORT", "7233", "frontend gRPC port: clients use 127.0.0.1:<port> as TEMPORAL_ADDRESS"),
		func(c *Config) *int { return &c.Ports.Frontend }),
	number(tv("TEMPORAL_FRONTEND_HTTP_PORT", "7243", "frontend HTTP API port"), func(c *Config) *int { return &c.Ports.FrontendHTTP }),
	number(tv("TEMPORAL_FRONTEND_MEMBERSHIP_PORT", "6933", "frontend membership port"), func(c *Config) *int { return &c.Ports.FrontendMembership }),
	number(tv("TEMPORAL_HISTORY_PORT", "7234", "history gRPC port"), func(c *Config) *int { return &c.Ports.History }),
	number(tv("TEMPORAL_HISTORY_MEMBERSHIP_PORT", "6934", "history membership port"), func(c *Config) *int { return &c.Ports.HistoryMembership }),
	number(tv("TEMPORAL_MATCHING_PORT", "7235", "matching gRPC port"), func(c *Config) *int { return &c.Ports.Matching }),
	number(tv("TEMPORAL_MATCHING_MEMBERSHIP_PORT", "6935", "matching membership port"), func(c *Config) *int { return &c.Ports.MatchingMembership }),
	number(tv("TEMPORAL_WORKER_PORT", "7239", "worker service gRPC port"), func(c *Config) *int { return &c.Ports.Worker }),
	number(tv("TEMPORAL_WORKER_MEMBERSHIP_PORT", "6939", "worker service membership port"), func(c *Config) *int { return &c.Ports.WorkerMembership }),
	number(tv("TEMPORAL_HISTORY_SHARDS", "4", "number of history shards; fixed when the databases are first used"),
		func(c *Config) *int { return &c.Shards }),
	text(tv("TEMPORAL_LOG_LEVEL", "info", "the servers' log level: debug, info, warn or error"), func(c *Config) *string { return &c.LogLevel }),
}

// Vars lists every environment variable FromEnv reads, with its default and
// meaning, in the order the README shows them.
func Vars() []Var { return envconf.Vars(settings) }

// FromEnv reads a Config from the environment; an unset or empty variable
// takes its default.
func FromEnv() (Config, error) { return envconf.Load(settings) }

// templateEnv is the environment of the configuration template for c's
// processes: every Template variable with c's value.
func (c Config) templateEnv() []string {
	var env []string
	for _, s := range settings {
		if s.Template {
			env = append(env, s.Name+"="+s.Get(c))
		}
	}
	return env
}

// grpc is service s's gRPC port.
func (p Ports) grpc(s Service) int {
	switch s {
	case Frontend:
		return p.Frontend
	case History:
		return p.History
	case Matching:
		return p.Matching
	}
	return p.Worker
}
