// Command worker runs the salesflow Temporal worker: deal workflows and the
// activities that keep the read model and deliver notifications. Run as many
// as load needs; they share nothing but Temporal and the database. It stops
// gracefully on SIGINT or SIGTERM.
package main

import "github.com/salesflow/salesflow/internal/app"

func main() { app.Run("worker", app.Work) }
