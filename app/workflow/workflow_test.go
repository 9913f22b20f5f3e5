package workflow

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"comunidad/app/letter"
	"comunidad/app/mailer"
	"comunidad/app/mailer/mailtest"
	"comunidad/app/secret"
	"comunidad/data"
	"comunidad/data/datatest"
	"comunidad/internal/enginetest"
)

func TestMain(m *testing.M) { enginetest.Main(m) }

const exportHeader = "Código;Unidad;Nombres;Apellido paterno;Correo;Tipo\n"

const export = exportHeader +
	"A-101;Depto 101;Ana;Soto;ana@example.cl;Propietario\n" +
	"A-102;Depto 102;Luis;Pérez;luis@example.cl;Propietario\n"

func newService(t *testing.T) (*Service, string) {
	t.Helper()
	st := datatest.Open(t)
	src := writeCSV(t, "Edificio Norte", export)
	return &Service{Store: st, Secrets: secret.NewFileOnly(filepath.Join(t.TempDir(), "secrets.json"))}, src
}

func importFile(t *testing.T, s *Service, src string, target data.SyncTarget) data.SyncReport {
	t.Helper()
	ctx := context.Background()
	im, err := s.ReadImport(ctx, ImportRequest{Source: src, CommunityID: target.CommunityID})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := im.Save(ctx, target)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestImportBacksUpBeforeWritingOverACommunity(t *testing.T) {
	enginetest.SQLiteOnly(t, "copias de seguridad del archivo")
	s, src := newService(t)
	ctx := context.Background()
	var last float64
	im, err := s.ReadImport(ctx, ImportRequest{Source: src, Progress: func(f float64) { last = f }})
	if err != nil {
		t.Fatal(err)
	}
	if last != 0.5 {
		t.Errorf("reading ends at half the progress, got %v", last)
	}
	rep, err := im.Save(ctx, data.SyncTarget{})
	if err != nil {
		t.Fatal(err)
	}
	if last != 1 || rep.Community != "Edificio Norte" || rep.Units.New != 2 {
		t.Fatalf("progress %v, report %+v", last, rep)
	}
	if list, _, _ := s.Backups(ctx); len(list) != 0 {
		t.Errorf("an empty database has nothing to back up, got %d backups", len(list))
	}
	importFile(t, s, src, data.SyncTarget{CommunityID: rep.CommunityID})
	list, _, err := s.Backups(ctx)
	if err != nil || len(list) != 1 || list[0].Reason != data.ReasonSync || list[0].Units != 2 {
		t.Fatalf("backups %+v, %v", list, err)
	}
}

func TestImportConfirmRefusedWritesNothing(t *testing.T) {
	s, src := newService(t)
	ctx := context.Background()
	first := importFile(t, s, src, data.SyncTarget{})
	var asked data.SyncTarget
	im, err := s.ReadImport(ctx, ImportRequest{Source: src, CommunityID: first.CommunityID,
		Confirm: func(_ context.Context, im *Import, t data.SyncTarget) (bool, error) {
			asked = t
			return len(im.Result.Snapshot.Units) == 0, nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := im.Save(ctx, data.SyncTarget{CommunityID: first.CommunityID}); !errors.Is(err, context.Canceled) {
		t.Fatalf("a refused confirmation cancels, got %v", err)
	}
	if asked.CommunityID != first.CommunityID {
		t.Errorf("Confirm was asked about %+v", asked)
	}
	if list, _, _ := s.Backups(ctx); len(list) != 0 {
		t.Errorf("nothing is written before the confirmation, not even a backup: %d", len(list))
	}
	runs, _ := db(s).SyncRuns(ctx, first.CommunityID, 10)
	if len(runs) != 1 {
		t.Errorf("sync runs %d, want the first one only", len(runs))
	}
}

func TestImportRefusesATakenNameAndSettlesTheTarget(t *testing.T) {
	s, src := newService(t)
	ctx := context.Background()
	first := importFile(t, s, src, data.SyncTarget{})
	im, err := s.ReadImport(ctx, ImportRequest{Source: src})
	if err != nil {
		t.Fatal(err)
	}
	var taken *NameTakenError
	if _, err := im.Save(ctx, data.SyncTarget{CommunityName: "  edificio NORTE "}); !errors.As(err, &taken) || taken.Community.ID != first.CommunityID {
		t.Fatalf("a new community named like another is refused, got %v", err)
	}

	// One community: a command that names none imports into it.
	if tg, err := s.ImportTarget(ctx, ""); err != nil || tg.CommunityID != first.CommunityID {
		t.Errorf("only community: %+v %v", tg, err)
	}
	if tg, err := s.ImportTarget(ctx, "Otra"); err != nil || tg.CommunityName != "Otra" || tg.CommunityID != 0 {
		t.Errorf("a new name: %+v %v", tg, err)
	}
	if _, err := db(s).CreateCommunity(ctx, "Otra"); err != nil {
		t.Fatal(err)
	}
	// Two: the export's title names one of them...
	if tg, err := im.Target(ctx, data.SyncTarget{}); err != nil || tg.CommunityID != first.CommunityID {
		t.Errorf("by the export's title: %+v %v", tg, err)
	}
	// ...or none, and the command has to choose.
	if err := db(s).UpdateCommunity(ctx, data.Community{ID: first.CommunityID, Name: "Edificio Sur"}); err != nil {
		t.Fatal(err)
	}
	var several *SeveralCommunitiesError
	if _, err := im.Target(ctx, data.SyncTarget{}); !errors.As(err, &several) || several.N != 2 {
		t.Errorf("several communities: %v", err)
	}
}

func TestImportFromAURLUsesTheCommunitysSavedToken(t *testing.T) {
	s, src := newService(t)
	ctx := context.Background()
	first := importFile(t, s, src, data.SyncTarget{})
	if err := s.SetToken(ctx, first.CommunityID, "tok-9"); err != nil {
		t.Fatal(err)
	}
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.Header.Get("Authorization"))
		w.Header().Set("Content-Type", "text/csv")
		w.Write([]byte(export))
	}))
	defer srv.Close()
	if _, err := s.ReadImport(ctx, ImportRequest{Source: srv.URL + "/export.csv", CommunityID: first.CommunityID}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ReadImport(ctx, ImportRequest{Source: srv.URL + "/export.csv", CommunityID: first.CommunityID, Token: "given"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ReadImport(ctx, ImportRequest{Source: srv.URL + "/export.csv"}); err != nil {
		t.Fatal(err)
	}
	want := []string{"Bearer tok-9", "Bearer given", ""}
	if len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("Authorization headers %q, want %q", got, want)
	}
}

func TestQueueLettersRefusesAnAccountThatCannotSendBeforeQueuing(t *testing.T) {
	s, src := newService(t)
	ctx := context.Background()
	rep := importFile(t, s, src, data.SyncTarget{})
	c, err := db(s).Community(ctx, rep.CommunityID)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := s.PlanLetters(ctx, c, mailer.LetterRequest{Recipients: letter.MainAccount, AllUnits: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Messages) != 2 {
		t.Fatalf("plan %d messages", len(plan.Messages))
	}
	if _, err := s.QueueLetters(ctx, c, plan); err == nil {
		t.Fatal("no SMTP account: refused")
	}
	if ms, _ := db(s).ListOutbox(ctx, c.ID, data.OutboxFilter{}); len(ms) != 0 {
		t.Errorf("nothing queued, got %d", len(ms))
	}
	if b, err := s.PendingNotices(ctx, c); b != nil || err != nil {
		t.Errorf("no notices and no account: %v %v", b, err)
	}
}

func TestLettersWriteOneFilePerRecipientOrOneCombined(t *testing.T) {
	s, src := newService(t)
	ctx := context.Background()
	rep := importFile(t, s, src, data.SyncTarget{})
	c, _ := db(s).Community(ctx, rep.CommunityID)
	ld, err := s.LoadLetterData(ctx, c.ID)
	if err != nil || len(ld.Templates) == 0 || len(ld.Rows) != 2 || !ld.Templates[0].Default {
		t.Fatalf("letter data %+v %v", ld, err)
	}
	var none *NoUnitsError
	if _, err := s.PrepareLetters(ctx, c, LettersRequest{Recipients: letter.MainAccount}); !errors.As(err, &none) {
		t.Fatalf("no units and no explicit «all»: %v", err)
	}
	if _, err := s.PlanLetters(ctx, c, mailer.LetterRequest{Recipients: letter.MainAccount}); !errors.As(err, &none) {
		t.Fatalf("no units and no explicit «all» to send: %v", err)
	}
	l, err := s.PrepareLetters(ctx, c, LettersRequest{Recipients: letter.MainAccount, AllUnits: true})
	if err != nil || len(l.Selection.Rows) != 2 || l.Template.ID != ld.Templates[0].ID {
		t.Fatalf("letters %+v %v", l, err)
	}
	dir := t.TempDir()
	// Nothing set yet: refused, naming what to fill in, nothing written.
	var miss *letter.MissingError
	if paths, err := l.Write(ctx, dir, false, nil); !errors.As(err, &miss) || len(miss.Missing) != 5 || len(paths) != 0 {
		t.Fatalf("letters with holes: %v %v", paths, err)
	}
	if es, _ := os.ReadDir(dir); len(es) != 0 {
		t.Fatalf("letters with holes were written: %v", es)
	}
	for _, kv := range [][2]string{{KeyCommunityAddress, "Av. Norte 100"}, {letter.KeyAdminName, "Adm. Norte"},
		{letter.KeyAdminEmail, "adm@norte.cl"}, {letter.KeyAdminPhone, "+56 2 1234 5678"}, {letter.KeyPortal, "https://portal.norte.cl"}} {
		if c, err = s.ConfigSet(ctx, c, kv[0], kv[1]); err != nil {
			t.Fatal(err)
		}
		if v, err := s.ConfigGet(ctx, c, kv[0]); err != nil || v != kv[1] {
			t.Fatalf("config get %s = %q %v", kv[0], v, err)
		}
	}
	if _, err := s.ConfigSet(ctx, c, "letter.nada", "x"); err == nil {
		t.Fatal("an unknown key is refused")
	}
	if l, err = s.PrepareLetters(ctx, c, LettersRequest{Recipients: letter.MainAccount, AllUnits: true}); err != nil {
		t.Fatal(err)
	}
	if m, err := l.Missing(); err != nil || len(m) != 0 {
		t.Fatalf("still missing: %v %v", m, err)
	}
	var done int
	paths, err := l.Write(ctx, dir, false, func(d, total int) { done = d })
	if err != nil || len(paths) != 2 || done != 2 {
		t.Fatalf("folder: %v %v (progress %d)", paths, err, done)
	}
	one := filepath.Join(dir, "todas.pdf")
	paths, err = l.Write(ctx, one, true, nil)
	if err != nil || len(paths) != 1 || paths[0] != one {
		t.Fatalf("combined: %v %v", paths, err)
	}
	for _, p := range append(paths, filepath.Join(dir, filepath.Base(one))) {
		b, err := os.ReadFile(p)
		if err != nil || len(b) < 5 || string(b[:5]) != "%PDF-" {
			t.Errorf("%s is not a PDF (%v)", p, err)
		}
	}
	if _, err := s.PrepareLetters(ctx, c, LettersRequest{Template: "No existe", AllUnits: true}); err == nil {
		t.Error("an unknown template is refused")
	}
}

// db is the SQLite store under the service, for the checks.
func db(s *Service) *data.Store { return s.Store.(*data.Store) }

// engine is a store that is no file: only Store, none of the optional
// capabilities (what a server database behind the seam would be).
type engine struct{ Store }

func TestAStoreThatIsNoFileImportsWithoutBackupsOrSecrets(t *testing.T) {
	file, src := newService(t)
	ctx := context.Background()
	first := importFile(t, file, src, data.SyncTarget{})
	s := &Service{Store: engine{file.Store}}
	rep := importFile(t, s, src, data.SyncTarget{CommunityID: first.CommunityID})
	if rep.Units.Unchanged != 2 {
		t.Errorf("re-import through the seam: %+v", rep)
	}
	// (On PostgreSQL's pass the store under it keeps no backups either.)
	if list, _, err := file.Backups(ctx); err != nil && !errors.Is(err, ErrNoBackups) || len(list) != 0 {
		t.Errorf("a store without backups is not backed up: %d %v", len(list), err)
	}
	if _, err := s.Backup(ctx, data.ReasonManual); !errors.Is(err, ErrNoBackups) {
		t.Errorf("Backup: %v", err)
	}
	if _, _, err := s.Backups(ctx); !errors.Is(err, ErrNoBackups) {
		t.Errorf("Backups: %v", err)
	}
	if _, err := s.Credentials(ctx); !errors.Is(err, ErrNoSecrets) {
		t.Errorf("no credential store is guessed for a store that is no file: %v", err)
	}
	if err := s.SetPassword(ctx, first.CommunityID, "clave"); !errors.Is(err, ErrNoSecrets) {
		t.Errorf("SetPassword without a credential store: %v", err)
	}
	if saved, err := s.HasPassword(ctx, first.CommunityID); saved || err != nil {
		t.Errorf("HasPassword without a credential store: %v, %v", saved, err)
	}
	c, _ := db(file).Community(ctx, first.CommunityID)
	if err := s.CanSend(ctx, c); err == nil {
		t.Error("no account configured: CanSend says why")
	}
}

// TestLettersQueueSendAndRetryThroughOneSender: the letters go through a
// real SMTP server on 127.0.0.1, with the sender and TLS settings the
// service builds; a refused recipient is retried by RetryAll, and nothing
// pending means no batch.
func TestLettersQueueSendAndRetryThroughOneSender(t *testing.T) {
	s, src := newService(t)
	ctx := context.Background()
	rep := importFile(t, s, src, data.SyncTarget{})
	c, _ := db(s).Community(ctx, rep.CommunityID)
	srv := mailtest.Start(t, "oficina", "clave")
	for k, v := range map[string]string{"smtp.host": "127.0.0.1", "smtp.port": strconv.Itoa(srv.Port), "smtp.security": "none",
		"smtp.username": "oficina", "smtp.from": "oficina@example.cl", "smtp.rate_per_minute": "0"} {
		if err := mailer.SetKey(ctx, s.Store, c.ID, k, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.CanSend(ctx, c); err == nil {
		t.Fatal("no password yet: the account cannot send")
	}
	if err := s.SetPassword(ctx, c.ID, "clave"); err != nil {
		t.Fatal(err)
	}
	if err := s.CanSend(ctx, c); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{KeyCommunityAddress: "Av. Norte 100, Santiago", "letter.admin_name": "Marta Díaz",
		"letter.admin_email": "admin@example.cl", "letter.admin_phone": "+56 2 2345 6789", "letter.portal_url": "https://portal.example.cl"} {
		var err error
		if c, err = s.ConfigSet(ctx, c, k, v); err != nil {
			t.Fatal(err)
		}
	}
	srv.Refuse("luis@example.cl", true)
	plan, err := s.PlanLetters(ctx, c, mailer.LetterRequest{Recipients: letter.MainAccount, AllUnits: true})
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.QueueLetters(ctx, c, plan)
	if err != nil || len(b.IDs) != 2 {
		t.Fatalf("queued %v, %v", b, err)
	}
	var last mailer.Progress
	sent, err := b.Run(ctx, func(p mailer.Progress) { last = p })
	if err != nil || sent.Sent != 1 || sent.Failed != 1 || last.Total != 2 {
		t.Fatalf("first batch %+v %v (progress %+v)", sent, err, last)
	}
	if srv.Count("ana@example.cl") != 1 || srv.Count("luis@example.cl") != 0 {
		t.Fatalf("deliveries: ana %d, luis %d", srv.Count("ana@example.cl"), srv.Count("luis@example.cl"))
	}
	srv.Refuse("luis@example.cl", false)
	b, again, err := s.RetryAll(ctx, c)
	if err != nil || len(again) != 1 || b == nil || len(b.IDs) != 1 {
		t.Fatalf("retry: %v %v %v", b, again, err)
	}
	if sent, err = b.Run(ctx, nil); err != nil || sent.Sent != 1 {
		t.Fatalf("retry batch %+v %v", sent, err)
	}
	if srv.Count("luis@example.cl") != 1 || srv.Count("ana@example.cl") != 1 {
		t.Fatal("each letter arrives once")
	}
	if b, _, err := s.RetryAll(ctx, c); b != nil || err != nil {
		t.Fatalf("nothing pending: no batch, got %v %v", b, err)
	}
}
