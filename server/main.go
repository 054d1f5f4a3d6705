// Command server runs the salesflow HTTP API against the Temporal service at
// TEMPORAL_ADDRESS and the read model at DATABASE_URL (or the embedded
// store). It stops gracefully on SIGINT or SIGTERM.
package main

import "github.com/salesflow/salesflow/internal/app"

func main() { app.Main("server", app.Serve) }
