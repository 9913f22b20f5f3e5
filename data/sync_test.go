package data

import (
	"context"
	"errors"
	"testing"
)

func TestSetCommunitySource(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	c, _ := s.CreateCommunity(ctx, "X")
	if err := s.SetCommunitySource(ctx, c.ID, " https://kastor.example.cl/export.xlsx "); err != nil {
		t.Fatal(err)
	}
	c, _ = s.Community(ctx, c.ID)
	if c.Source != "https://kastor.example.cl/export.xlsx" {
		t.Fatalf("source = %q", c.Source)
	}
	if err := s.SetCommunitySource(ctx, 99, "x"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown community: %v", err)
	}
}
