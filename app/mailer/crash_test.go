package mailer

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"comunidad/app/officedb"
	"comunidad/data"
)

// TestCrashMidBatchThenResume kills a sending process while the server holds
// its 5th message, then resumes in this process: every message arrives
// exactly once (the held one is not resent: the server has it).
func TestCrashMidBatchThenResume(t *testing.T) {
	ts := newTestServer(t)
	reached := make(chan struct{})
	release := make(chan struct{})
	ts.onData = func(n int) (bool, error) {
		if n == 5 {
			close(reached)
			<-release
			return true, nil
		}
		return false, nil
	}
	ts.start()
	defer close(release)
	st, c := openStore(t)
	queue(t, st, c, "crash", 10)

	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(),
		"MAILER_CRASH_DB="+st.Source(),
		"MAILER_CRASH_COMMUNITY="+strconv.FormatInt(c.ID, 10),
		"MAILER_CRASH_PORT="+strconv.Itoa(ts.port),
		"MAILER_CRASH_USER="+ts.user,
		"MAILER_CRASH_PASS="+ts.password,
		"MAILER_CRASH_CA="+string(ts.certPEM),
	)
	out, err := os.CreateTemp(t.TempDir(), "child")
	if err != nil {
		t.Fatal(err)
	}
	// Closed before the folder is removed: Windows refuses to delete an
	// open file ("Sharing violation").
	defer out.Close()
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-reached:
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		cmd.Wait()
		b, _ := os.ReadFile(out.Name())
		t.Fatalf("the child never reached the 5th message:\n%s", b)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()

	ctx := context.Background()
	// Four recorded as sent, the 5th marked (the server has it), and the
	// other five not started: pending, or claimed ahead and not marked.
	s := states(t, st, c)
	sending, err := st.ListOutbox(ctx, c.ID, data.OutboxFilter{States: []string{data.OutboxSending}})
	if err != nil {
		t.Fatal(err)
	}
	marked := 0
	for _, m := range sending {
		if !m.CommittedAt.IsZero() {
			marked++
		}
	}
	if s[data.OutboxSent] != 4 || marked != 1 || s[data.OutboxSending]+s[data.OutboxPending] != 6 {
		t.Fatalf("after the crash: %v, %d marked", s, marked)
	}
	snd := &Sender{Store: st, Community: c.ID, Account: ts.account(), TLSConfig: ts.tlsConfig()}
	rep, err := snd.Run(ctx, nil)
	if err != nil || rep.Interrupted != 1 || rep.Recovered != s[data.OutboxSending]-1 || rep.Sent != 5 {
		t.Fatalf("resume: %+v %v", rep, err)
	}
	exactlyOnce(t, ts, 10)
	if s := states(t, st, c); s[data.OutboxSent] != 9 || s[data.OutboxFailed] != 1 {
		t.Fatalf("after resuming: %v", s)
	}
}

// TestCrashChild is the process TestCrashMidBatchThenResume kills.
func TestCrashChild(t *testing.T) {
	path := os.Getenv("MAILER_CRASH_DB")
	if path == "" {
		t.Skip("run by TestCrashMidBatchThenResume")
	}
	community, _ := strconv.ParseInt(os.Getenv("MAILER_CRASH_COMMUNITY"), 10, 64)
	port, _ := strconv.Atoi(os.Getenv("MAILER_CRASH_PORT"))
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM([]byte(os.Getenv("MAILER_CRASH_CA")))
	open := data.Open
	if officedb.IsURL(path) { // the PostgreSQL pass: the parent's database
		open = data.OpenPostgres
	}
	st, err := open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	acc := Account{Settings: Settings{Host: "127.0.0.1", Port: port, Security: StartTLS, Username: os.Getenv("MAILER_CRASH_USER"),
		From: "administracion@alamos.cl"}, Password: os.Getenv("MAILER_CRASH_PASS")}
	snd := &Sender{Store: st, Community: community, Account: acc, TLSConfig: &tls.Config{RootCAs: pool}}
	_, err = snd.Run(context.Background(), nil)
	t.Fatalf("the child was not killed: %v", err)
}
