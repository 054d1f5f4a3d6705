package temporalcluster

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
)

// schemas pairs each database of the cluster with the schema temporal-sql-tool
// migrates it to: the postgresql/v12 schemas of the server's module, which
// the tool embeds (the same files as the module's schema/ folder).
func (c Config) schemas() [][2]string {
	return [][2]string{
		{c.DB.Name, "postgresql/v12/temporal"},
		{c.DB.VisibilityName, "postgresql/v12/visibility"},
	}
}

// CreateSchema creates the cluster's two databases unless they exist and
// migrates each to the latest schema version of the server; on databases
// already up to date it changes nothing.
func (c Config) CreateSchema(ctx context.Context) error {
	for _, s := range c.schemas() {
		steps := [][]string{
			{"create-database"},
			{"setup-schema", "-v", "0.0"},
			{"update-schema", "--schema-name", s[1]},
		}
		for _, step := range steps {
			if err := c.sqlTool(ctx, s[0], step...); err != nil {
				return err
			}
		}
	}
	return nil
}

// DropSchema drops the cluster's two databases.
func (c Config) DropSchema(ctx context.Context) error {
	for _, s := range c.schemas() {
		if err := c.sqlTool(ctx, s[0], "drop-database", "--force"); err != nil {
			return err
		}
	}
	return nil
}

// sqlTool runs temporal-sql-tool with the PostgreSQL connection of c on the
// database db.
func (c Config) sqlTool(ctx context.Context, db string, args ...string) error {
	base := []string{"--plugin", "postgres12", "--ep", c.DB.Host, "-p", strconv.Itoa(c.DB.Port),
		"-u", c.DB.User, "--db", db}
	cmd := exec.CommandContext(ctx, c.SQLTool, append(base, args...)...)
	// The password goes in the environment, not on the command line.
	cmd.Env = append(os.Environ(), "SQL_PASSWORD="+c.DB.Password)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("temporal-sql-tool %s on %s: %w\n%s", args[0], db, err, out)
	}
	return nil
}
