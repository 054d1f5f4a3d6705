package temporalcluster

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	mathrand "math/rand/v2"
	"net"
	"slices"
)

// Throwaway is c on ports free now and on two new databases named
// prefix_<random> and prefix_<random>_visibility: a cluster of its own
// beside any other on the machine, for a test or a load run, whose
// databases DropSchema removes afterwards.
func Throwaway(c Config, prefix string) (Config, error) {
	ports, err := FreePorts(9)
	if err != nil {
		return Config{}, err
	}
	c.Ports = Ports{
		Frontend: ports[0], FrontendMembership: ports[1], FrontendHTTP: ports[2],
		History: ports[3], HistoryMembership: ports[4],
		Matching: ports[5], MatchingMembership: ports[6],
		Worker: ports[7], WorkerMembership: ports[8],
	}
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		return Config{}, err
	}
	c.DB.Name = prefix + "_" + hex.EncodeToString(b)
	c.DB.VisibilityName = c.DB.Name + "_visibility"
	return c, nil
}

// FreePorts returns n distinct TCP ports free on 127.0.0.1 now, below
// 32768: Temporal stores membership ports in a PostgreSQL smallint, which
// the kernel's ephemeral ports (from 32768 up) overflow.
func FreePorts(n int) ([]int, error) {
	var ports []int
	for tries := 0; len(ports) < n; tries++ {
		if tries > 1000 {
			return nil, fmt.Errorf("no %d free ports below 32768", n)
		}
		p := 20000 + mathrand.IntN(12000)
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
		if err != nil {
			continue
		}
		if slices.Contains(ports, p) {
			_ = l.Close()
			continue
		}
		defer l.Close()
		ports = append(ports, p)
	}
	return ports, nil
}
