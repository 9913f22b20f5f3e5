package data

import (
	"context"
	"net"
	"strings"
	"syscall"
	"time"
)

// tcpGiveUp is how long a connection to the office database may go
// without an answer from the server's computer before it is taken for
// dead: the time data sent may stay unacknowledged (a query sent into a
// network that dropped the connection), and the keepalive probing of an
// idle one (every 5 s after 15 s of silence). A query that runs long on the
// server is not affected: the server's computer acknowledges what it got.
// Without it, Linux waits about 15 minutes for data in flight (and macOS
// still does: setGiveUp sets nothing there).
var tcpGiveUp = 30 * time.Second

// dialOffice connects to the office database's server with tcpGiveUp.
func dialOffice(ctx context.Context, network, addr string) (net.Conn, error) {
	d := net.Dialer{
		KeepAliveConfig: net.KeepAliveConfig{Enable: true, Idle: 15 * time.Second, Interval: 5 * time.Second,
			Count: max(1, int(tcpGiveUp/(5*time.Second)))},
		Control: func(network, _ string, c syscall.RawConn) error {
			if !strings.HasPrefix(network, "tcp") {
				return nil // a Unix socket on this computer: nothing to lose
			}
			var serr error
			if err := c.Control(func(fd uintptr) { serr = setGiveUp(fd, tcpGiveUp) }); err != nil {
				return err
			}
			return serr
		},
	}
	return d.DialContext(ctx, network, addr)
}
