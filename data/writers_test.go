package data

import (
	"context"
	"testing"
)

// Who added a user or a secondary email, and who ran an import, is
// recorded as this desktop's user and computer, and read back for the
// window («agregado por ana en PC-ADMIN2»).
func TestWhoDidWhat(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	fill(t, s, "Parque Los Aromos", 2)
	c, err := s.CommunityByName(ctx, "Parque Los Aromos")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := s.UserRows(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	unit := rows[0].UnitID
	if _, err := s.AddLocalUser(ctx, unit, LocalUser{FirstNames: "Noemí", LastNames: "Díaz", Email: "noemi@example.cl", Type: Residente}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddSecondaryEmail(ctx, unit, "conserjeria@example.cl", "Conserjería"); err != nil {
		t.Fatal(err)
	}
	d, err := s.UnitDetail(ctx, unit)
	if err != nil {
		t.Fatal(err)
	}
	me := WhoText()
	for _, m := range d.Members {
		switch {
		case m.Local() && (m.AddedBy != me || m.AddedAt.IsZero()):
			t.Errorf("added user: by %q at %v, want %q", m.AddedBy, m.AddedAt, me)
		case !m.Local() && m.AddedBy != "":
			t.Errorf("Kastor's member says added by %q", m.AddedBy)
		}
	}
	if len(d.SecondaryEmails) != 1 || d.SecondaryEmails[0].AddedBy != me {
		t.Errorf("secondary emails %+v", d.SecondaryEmails)
	}
	u, h := Who()
	en := func(u, h string) string { return u + " en " + h }
	if got := DescribeWho(me, en); got != u+" en "+h || u == "" || h == "" {
		t.Errorf("DescribeWho(%q) = %q", me, got)
	}
	for in, want := range map[string]string{"": "", "ana@PC-ADMIN2": "ana en PC-ADMIN2", "ana": "ana", "@PC": "PC"} {
		if got := DescribeWho(in, en); got != want {
			t.Errorf("DescribeWho(%q) = %q, want %q", in, got, want)
		}
	}
}
