package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"comunidad/app/letter"
	"comunidad/app/mailer"
	"comunidad/app/workflow"
	"comunidad/data"
)

func init() {
	register(&command{
		name:    "letters send",
		args:    "(--units CÓDIGO,CÓDIGO... | --all | --new) [--template NOMBRE] [--recipients main|all] [--subject ASUNTO] [--attach-pdf] [--resend] [--dry-run] [--community NOMBRE]",
		summary: "envía por correo la carta de bienvenida a las unidades elegidas (una vez por destinatario; --resend la envía de nuevo a quien ya la recibió)",
		run:     runLettersSend,
	})
	register(&command{
		name:    "outbox",
		args:    "[--retry [--uncertain]] [--limit N] [--community NOMBRE]",
		summary: "lista los correos enviados, pendientes y fallidos; --retry reintenta los fallidos y envía los pendientes; --retry --uncertain pregunta uno por uno por los que pueden haber llegado",
		run:     runOutbox,
	})
	register(&command{
		name:    "config set",
		args:    "CLAVE VALOR [--community NOMBRE]   (smtp.password se lee de la entrada estándar)",
		summary: "guarda un ajuste de Configuración (comunidad, Kastor, carta, correo): " + strings.Join(workflow.ConfigKeys(), ", ") + ", " + mailer.KeyPassword,
		run:     runConfigSet,
	})
	register(&command{
		name:    "config get",
		args:    "[CLAVE] [--community NOMBRE]",
		summary: "muestra un ajuste de Configuración (o todos); la contraseña nunca se muestra",
		run:     runConfigGet,
	})
}

// mailTLS lets tests trust their own server's certificate; nil in the product.
var mailTLS *tls.Config

// parseWithArgs parses flags that may come before, between or after the
// positional arguments ("config set smtp.host x --community y").
func parseWithArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := parseFlags(fs, args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func runConfigSet(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("config set")
	comm := fs.String("community", "", "comunidad con la que trabajar (por omisión, la única que hay)")
	pos, err := parseWithArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return errorf("config set: falta la CLAVE (claves: %s, %s)", strings.Join(workflow.ConfigKeys(), ", "), mailer.KeyPassword)
	}
	key := pos[0]
	if key == mailer.KeyPassword {
		if len(pos) > 1 {
			return errorf("config set: la contraseña no se escribe en la línea de comandos (quedaría en el historial): escríbala en la entrada estándar")
		}
	} else if len(pos) != 2 {
		return errorf("config set: use comunidad config set CLAVE VALOR")
	}
	st, c, done, err := e.openCommunity(ctx, *comm, true)
	if err != nil {
		return err
	}
	defer done()
	if key == mailer.KeyPassword {
		pass, err := promptSecret(e, "Contraseña SMTP (no se muestra; termine con Enter): ")
		if err != nil {
			return err
		}
		if err := flows(st).SetPassword(ctx, c.ID, pass); err != nil {
			return userError{err.Error()}
		}
		if pass == "" {
			fmt.Fprintf(e.stdout, "Contraseña SMTP de %s borrada.\n", c.Name)
		} else {
			fmt.Fprintf(e.stdout, "Contraseña SMTP de %s guardada en el almacén de credenciales.\n", c.Name)
		}
		return nil
	}
	c, err = flows(st).ConfigSet(ctx, c, key, pos[1])
	if err != nil {
		return userError{err.Error()}
	}
	v, err := flows(st).ConfigGet(ctx, c, key)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s = %s\n", key, v)
	return nil
}

// readPassword takes the first line of standard input, without its end.
func readPassword(r io.Reader) (string, error) {
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("leer la contraseña: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func runConfigGet(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("config get")
	comm := fs.String("community", "", "comunidad con la que trabajar (por omisión, la única que hay)")
	pos, err := parseWithArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return errorf("config get: use comunidad config get [CLAVE]")
	}
	st, c, done, err := e.openCommunity(ctx, *comm, false)
	if err != nil {
		return err
	}
	defer done()
	passState := "no guardada"
	if saved, err := flows(st).HasPassword(ctx, c.ID); err != nil {
		return userError{data.UserMessage(err)}
	} else if saved {
		passState = "guardada"
	}
	if len(pos) == 1 {
		if pos[0] == mailer.KeyPassword {
			fmt.Fprintln(e.stdout, passState)
			return nil
		}
		v, err := flows(st).ConfigGet(ctx, c, pos[0])
		if err != nil {
			return userError{err.Error()}
		}
		fmt.Fprintln(e.stdout, v)
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
	for _, k := range workflow.ConfigKeys() {
		v, err := flows(st).ConfigGet(ctx, c, k)
		if err != nil {
			return err
		}
		fmt.Fprintf(tw, "%s\t%s\n", k, v)
	}
	fmt.Fprintf(tw, "%s\t(%s)\n", mailer.KeyPassword, passState)
	return tw.Flush()
}

func runLettersSend(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("letters send")
	units := fs.String("units", "", "códigos de las unidades, separados por comas")
	all := fs.Bool("all", false, "todas las unidades")
	newcomers := fs.Bool("new", false, "las personas que llegaron con la última importación (quien ya la recibió queda fuera)")
	tpl := fs.String("template", "", "nombre de la plantilla de carta (por omisión, la predeterminada)")
	who := fs.String("recipients", "main", "main: la cuenta principal de cada unidad; all: todos sus usuarios")
	subject := fs.String("subject", "", "asunto del correo (por omisión, el título de la carta); admite campos como {comunidad}")
	attach := fs.Bool("attach-pdf", false, "adjunta la carta en PDF")
	resend := fs.Bool("resend", false, "la envía de nuevo a quienes ya la recibieron")
	dry := fs.Bool("dry-run", false, "muestra a quién se enviaría, sin enviar nada")
	comm := fs.String("community", "", "comunidad con la que trabajar (por omisión, la única que hay)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return errorf("letters send: argumento de más %q (vea comunidad letters send --help)", fs.Arg(0))
	}
	if n := btoi(*units != "") + btoi(*all) + btoi(*newcomers); n > 1 {
		return errorf("letters send: use solo una de --units, --all o --new")
	} else if n == 0 {
		return errorf("letters send: elija las unidades con --units CÓDIGO,CÓDIGO..., todas con --all, o los nuevos de la última importación con --new")
	}
	if *who != string(letter.MainAccount) && *who != string(letter.AllUsers) {
		return errorf("letters send: --recipients debe ser main (cuenta principal) o all (todos los usuarios), no %q", *who)
	}
	st, c, done, err := e.openCommunity(ctx, *comm, !*dry)
	if err != nil {
		return err
	}
	defer done()
	req := mailer.LetterRequest{Template: *tpl, Recipients: letter.Recipients(*who), Subject: *subject, AttachPDF: *attach, Resend: *resend, AllUnits: *all, New: *newcomers}
	if *units != "" {
		if req.UnitIDs, err = unitIDs(ctx, st, c, *units); err != nil {
			return err
		}
		if len(req.UnitIDs) == 0 {
			return errorf("letters send: --units no nombra ninguna unidad")
		}
	}
	plan, err := flows(st).PlanLetters(ctx, c, req)
	if err != nil {
		return userError{err.Error()}
	}
	if len(plan.Missing) > 0 {
		return userError{"letters send: " + (&letter.MissingError{Missing: plan.Missing}).Error()}
	}
	fmt.Fprintln(e.stdout, casesLine(plan.Cases))
	for _, r := range plan.NoEmail {
		fmt.Fprintf(e.stdout, "Sin correo: %s (unidad %s)\n", r.FullName(), r.UnitCode)
	}
	for _, r := range plan.Skipped {
		fmt.Fprintf(e.stdout, "Sin destinatario: unidad %s\n", r.UnitCode)
	}
	for _, r := range plan.AlreadySent {
		if *resend {
			fmt.Fprintf(e.stdout, "De nuevo: %s <%s> (unidad %s)\n", r.FullName(), r.Email, r.UnitCode)
		} else {
			fmt.Fprintf(e.stdout, "Ya enviada: %s <%s> (unidad %s); --resend la envía de nuevo\n", r.FullName(), r.Email, r.UnitCode)
		}
	}
	for _, r := range plan.Uncertain {
		if *resend {
			fmt.Fprintf(e.stdout, "De nuevo (puede haberla recibido): %s <%s> (unidad %s)\n", r.FullName(), r.Email, r.UnitCode)
		} else {
			fmt.Fprintf(e.stdout, "Puede haberla recibido: %s <%s> (unidad %s); pregúntele y use comunidad outbox --retry --uncertain\n", r.FullName(), r.Email, r.UnitCode)
		}
	}
	if *dry {
		for _, m := range plan.Messages {
			fmt.Fprintf(e.stdout, "Se enviaría a %s <%s> (unidad %s): %s\n", m.ToName, m.ToAddr, unitCode(ctx, st, m.UnitID), m.Subject)
		}
		fmt.Fprintf(e.stdout, "Prueba: se enviarían %s con la plantilla %q; no se envió nada.\n", count(len(plan.Messages), "correo", "correos"), plan.Template.Name)
		return nil
	}
	if len(plan.Messages) == 0 {
		fmt.Fprintln(e.stdout, "No hay correos que enviar.")
		return nil
	}
	b, err := flows(st).QueueLetters(ctx, c, plan)
	if err != nil {
		return err
	}
	return sendAndReport(ctx, e, st, c, b)
}

func unitCode(ctx context.Context, st interface {
	UnitDetail(ctx context.Context, unitID int64) (data.UnitDetail, error)
}, unitID int64) string {
	d, err := st.UnitDetail(ctx, unitID)
	if err != nil {
		return ""
	}
	return d.Unit.Code
}

// sendAndReport runs the batch and prints what happened; failures make it exit 1.
func sendAndReport(ctx context.Context, e *env, st mailer.Outbox, c data.Community, b *workflow.Batch) error {
	rep, runErr := b.Run(ctx, func(p mailer.Progress) {
		if p.Done%50 == 0 && p.Done < p.Total {
			fmt.Fprintf(e.stderr, "%d de %d…\n", p.Done, p.Total)
		}
	})
	if rep.Interrupted > 0 {
		if rep.Interrupted == 1 {
			fmt.Fprintln(e.stdout, "1 correo de un envío interrumpido quedó como fallido: puede que haya llegado (vea comunidad outbox).")
		} else {
			fmt.Fprintf(e.stdout, "%d correos de un envío interrumpido quedaron como fallidos: puede que hayan llegado (vea comunidad outbox).\n", rep.Interrupted)
		}
	}
	failed, err := st.ListOutbox(context.WithoutCancel(ctx), c.ID, data.OutboxFilter{IDs: b.IDs, States: []string{data.OutboxFailed}})
	if err != nil {
		return err
	}
	uncertain := 0
	for _, m := range failed {
		if m.Uncertain() {
			uncertain++
			fmt.Fprintf(e.stdout, "Puede haber llegado %s: %s\n", m.ToAddr, m.LastError)
		} else {
			fmt.Fprintf(e.stdout, "Falló %s: %s\n", m.ToAddr, m.LastError)
		}
	}
	fmt.Fprintf(e.stdout, "Enviados: %d. Fallidos: %d.", rep.Sent, rep.Failed)
	if rep.Cancelled > 0 {
		fmt.Fprintf(e.stdout, " Cancelados: %d.", rep.Cancelled)
	}
	fmt.Fprintln(e.stdout)
	var hints []string
	if n := len(failed) - uncertain; n > 0 {
		hints = append(hints, count(n, "correo no se pudo enviar", "correos no se pudieron enviar")+": reintente con comunidad outbox --retry")
	}
	if uncertain > 0 {
		hints = append(hints, count(uncertain, "correo puede haber llegado", "correos pueden haber llegado")+
			" (la conexión se cortó cuando el servidor lo recibía): pregunte al destinatario y reenvíelo solo si no llegó, con comunidad outbox --retry --uncertain")
	}
	switch {
	case runErr != nil && !errors.Is(runErr, context.Canceled):
		return userError{runErr.Error()}
	case runErr != nil:
		return runErr
	case len(hints) > 0:
		return errorf("%s", strings.Join(hints, "; "))
	case rep.Failed > 0:
		// Failed in an earlier batch's recovery (rep.Interrupted), not among ids.
		return errorf("%s: revíselos con comunidad outbox", count(rep.Failed, "correo falló", "correos fallaron"))
	}
	return nil
}

// retryUncertain lists the messages that may have arrived and asks, one by
// one, which to send again; only those go.
func retryUncertain(ctx context.Context, e *env, st workflow.Store, c data.Community) error {
	ms, err := flows(st).Uncertain(ctx, c)
	if err != nil {
		return err
	}
	if len(ms) == 0 {
		fmt.Fprintln(e.stdout, "No hay correos que puedan haber llegado sin confirmación.")
		return nil
	}
	fmt.Fprintf(e.stdout, "%s: la conexión se cortó justo cuando el servidor lo recibía. Reenvíe solo a quien confirme que no le llegó.\n",
		count(len(ms), "correo puede haber llegado", "correos pueden haber llegado"))
	in := bufio.NewReader(e.stdin)
	var ids []int64
	for i := len(ms) - 1; i >= 0; i-- { // oldest first
		m := ms[i]
		who := m.ToAddr
		if m.ToName != "" {
			who = m.ToName + " <" + m.ToAddr + ">"
		}
		unit := ""
		if m.UnitCode != "" {
			unit = ", unidad " + m.UnitCode
		}
		fmt.Fprintf(e.stdout, "¿Reenviar %s a %s%s (%s, %s)? [s/N] ", kindLabels[m.Kind], who, unit,
			m.UpdatedAt.Local().Format("02-01-2006 15:04"), m.Subject)
		line, err := in.ReadString('\n')
		answer := strings.ToLower(strings.TrimSpace(line))
		if answer == "s" || answer == "si" || answer == "sí" {
			ids = append(ids, m.ID)
		} else {
			fmt.Fprintln(e.stdout, "No se reenvía.")
		}
		if err != nil {
			fmt.Fprintln(e.stdout)
			break // no more answers: the rest are not sent
		}
	}
	var b *workflow.Batch
	if len(ids) > 0 {
		if b, err = flows(st).RetryUncertain(ctx, c, ids); err != nil {
			return err
		}
	}
	if b == nil {
		fmt.Fprintln(e.stdout, "No se reenvió ningún correo.")
		return nil
	}
	fmt.Fprintf(e.stdout, "Reenviando %s.\n", count(len(b.IDs), "correo", "correos"))
	return sendAndReport(ctx, e, st, c, b)
}

var stateLabels = map[string]string{
	data.OutboxPending:   "pendiente",
	data.OutboxSending:   "enviando",
	data.OutboxSent:      "enviado",
	data.OutboxFailed:    "fallido",
	data.OutboxCancelled: "cancelado",
}

var kindLabels = map[string]string{
	data.OutboxLetter:  "carta",
	data.OutboxNewUser: "aviso nuevo usuario",
	data.OutboxTest:    "prueba",
}

func runOutbox(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("outbox")
	retry := fs.Bool("retry", false, "reintenta los fallidos y cancelados y envía los pendientes")
	uncertain := fs.Bool("uncertain", false, "con --retry: pregunta por cada correo que puede haber llegado")
	limit := fs.Int("limit", 100, "cuántos correos listar, los más recientes")
	comm := fs.String("community", "", "comunidad con la que trabajar (por omisión, la única que hay)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return errorf("outbox: argumento de más %q (vea comunidad outbox --help)", fs.Arg(0))
	}
	if *uncertain && !*retry {
		return errorf("outbox: --uncertain va con --retry (comunidad outbox --retry --uncertain)")
	}
	st, c, done, err := e.openCommunity(ctx, *comm, *retry)
	if err != nil {
		return err
	}
	defer done()
	if *retry {
		wf := flows(st)
		// An account that cannot send says so before anything is asked or armed.
		if err := wf.CanSend(ctx, c); err != nil {
			return userError{err.Error()}
		}
		if *uncertain {
			return retryUncertain(ctx, e, st, c)
		}
		b, again, err := wf.RetryAll(ctx, c)
		if err != nil {
			return userError{err.Error()}
		}
		fmt.Fprintf(e.stdout, "Reintentando %s (fallidos o cancelados) y los pendientes.\n", count(len(again), "correo", "correos"))
		if u, err := wf.Uncertain(ctx, c); err == nil && len(u) > 0 {
			fmt.Fprintf(e.stdout, "Quedan aparte %s: vea comunidad outbox --retry --uncertain.\n",
				count(len(u), "correo que puede haber llegado", "correos que pueden haber llegado"))
		}
		// The batch is what was armed and what was pending: only its
		// outcome is reported (not the uncertain ones left apart).
		if b == nil {
			fmt.Fprintln(e.stdout, "No hay correos que reintentar.")
			return nil
		}
		return sendAndReport(ctx, e, st, c, b)
	}
	ms, err := st.ListOutbox(ctx, c.ID, data.OutboxFilter{Limit: *limit})
	if err != nil {
		return err
	}
	counts, err := st.OutboxCounts(ctx, c.ID)
	if err != nil {
		return err
	}
	if len(ms) == 0 {
		fmt.Fprintln(e.stdout, "No se ha enviado ningún correo.")
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ESTADO\tFECHA\tTIPO\tUNIDAD\tDESTINATARIO\tASUNTO\tERROR")
	for _, m := range ms {
		when := m.UpdatedAt
		if !m.SentAt.IsZero() {
			when = m.SentAt
		}
		state := stateLabels[m.State]
		if m.Uncertain() {
			state = "puede haber llegado"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", state, when.Local().Format("02-01-2006 15:04"),
			kindLabels[m.Kind], m.UnitCode, m.ToAddr, m.Subject, oneLine(m.LastError))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Enviados: %d. Pendientes: %d. Fallidos: %d. Cancelados: %d.\n",
		counts[data.OutboxSent], counts[data.OutboxPending]+counts[data.OutboxSending], counts[data.OutboxFailed], counts[data.OutboxCancelled])
	return nil
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
