package letter

import (
	"fmt"
	"math"
	"regexp"
	"strings"
	"testing"
)

// words makes a paragraph of n words "p<id>w<k>" for the layout tests.
func paraWords(id, n int) []Span {
	var b strings.Builder
	for k := 0; k < n; k++ {
		if k > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "p%dw%d", id, k)
	}
	return []Span{{Text: b.String()}}
}

var paraMark = regexp.MustCompile(`p(\d+)w\d+`)

// No paragraph leaves one line alone at the foot of a page (an orphan) or
// at the head of the next (a widow), wherever the page break falls: the
// paragraphs after a filler of every length from 1 to 60 lines, each of 1
// to 6 lines, are laid out, and the lines of each paragraph on each page
// counted.
func TestNoWidowsNoOrphans(t *testing.T) {
	r, err := NewRenderer(testSettings())
	if err != nil {
		t.Fatal(err)
	}
	r.SetHeader(testCommunity.Name, testCommunity.Address)
	lineWords := 0 // words of the filler per line, found below
	for n := 1; n < 40; n++ {
		l := &layout{r: r}
		l.newPage()
		lines := l.text(paraWords(0, n), r.left, r.pageW-r.left-r.right, bodySize, true, "")
		if len(lines) > 1 {
			lineWords = n - 1
			break
		}
	}
	if lineWords == 0 {
		t.Fatal("a line takes more than 40 words?")
	}
	breaks := 0
	for filler := 1; filler <= 60; filler++ {
		var d Doc
		d.Blocks = append(d.Blocks, Block{Kind: Paragraph, Lines: [][]Span{paraWords(0, filler*lineWords)}})
		for id, n := range []int{1, 2, 3, 4, 5, 6, 3, 2, 5} {
			kind := Paragraph
			if id%4 == 3 {
				kind = Bullet
			}
			d.Blocks = append(d.Blocks, Block{Kind: kind, Lines: [][]Span{paraWords(id+1, n*lineWords-1)}})
		}
		pages := r.layout(d)
		// lines[para][page] = the distinct baselines of that paragraph on that page.
		lines := map[int]map[int]map[float64]bool{}
		for pg, ops := range pages {
			for _, o := range ops {
				m := paraMark.FindStringSubmatch(o.text)
				if m == nil {
					continue
				}
				var id int
				fmt.Sscan(m[1], &id)
				if lines[id] == nil {
					lines[id] = map[int]map[float64]bool{}
				}
				if lines[id][pg] == nil {
					lines[id][pg] = map[float64]bool{}
				}
				lines[id][pg][math.Round(o.y*100)/100] = true
			}
		}
		for id, perPage := range lines {
			if id == 0 || len(perPage) < 2 {
				continue
			}
			breaks++
			total := 0
			for _, ys := range perPage {
				total += len(ys)
			}
			for pg, ys := range perPage {
				if len(ys) < 2 {
					t.Errorf("filler %d: paragraph %d (%d lines) leaves %d line alone on page %d", filler, id, total, len(ys), pg+1)
				}
			}
			if total < 4 {
				t.Errorf("filler %d: a paragraph of %d lines was split", filler, total)
			}
		}
	}
	if breaks < 10 {
		t.Fatalf("only %d paragraphs crossed a page: the test does not test", breaks)
	}
}
