package letter

import (
	"context"
	"fmt"
	"io"
	"testing"
	"time"

	"comunidad/data"
)

func benchDocs(b *testing.B, n int) (Settings, []Doc) {
	s := testSettings()
	s.Logo = testLogo(b, 240, 96)
	c, err := Compile(Suggested()[0].Template)
	if err != nil {
		b.Fatal(err)
	}
	docs := make([]Doc, n)
	for i := range docs {
		row := testRow(fmt.Sprintf("%d", 101+i), "José Ignacio", fmt.Sprintf("Núñez Peña %d", i), fmt.Sprintf("vecino%d@ejemplo.cl", i))
		docs[i] = c.Merge(FieldsFor(row, testCommunity, s, novDate))
	}
	return s, docs
}

// BenchmarkCombined1000 renders 1,000 one-page letters into one PDF.
// Target: at most 5 s per run, under 5 ms a page.
func BenchmarkCombined1000(b *testing.B) {
	s, docs := benchDocs(b, 1000)
	cpu0 := cpuTime()
	for b.Loop() {
		r, err := NewRenderer(s)
		if err != nil {
			b.Fatal(err)
		}
		r.SetHeader(testCommunity.Name, testCommunity.Address)
		cw := &countWriter{}
		if err := r.PDF(context.Background(), docs, cw); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(cw.n)/1000, "bytes/letter-in-combined")
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000/1000, "ms/page")
	// The machine may be shared: CPU time says what the work costs.
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N)/1000/1000, "cpu-ms/page")
}

// BenchmarkSeparateLetters renders letters as separate PDFs (one per
// recipient, as "one PDF per recipient" and the e-mail attachments do),
// with the fonts parsed once and shared, against parsing them for every
// letter, in the same run, and reports the ratio.
func BenchmarkSeparateLetters(b *testing.B) {
	const n = 50
	s, docs := benchDocs(b, n)
	render := func(perDoc bool) (time.Duration, int) {
		start := time.Now()
		size := 0
		// One renderer for the batch, as Batch.WriteFolder and the mailer use it.
		r, err := NewRenderer(s)
		if err != nil {
			b.Fatal(err)
		}
		r.parsePerDoc = perDoc
		r.SetHeader(testCommunity.Name, testCommunity.Address)
		for _, d := range docs {
			out, err := r.PDFBytes(context.Background(), d)
			if err != nil {
				b.Fatal(err)
			}
			size = max(size, len(out))
		}
		return time.Since(start), size
	}
	var shared, perLetter time.Duration
	var size int
	for b.Loop() {
		d1, sz := render(false)
		d2, _ := render(true)
		shared += d1
		perLetter += d2
		size = sz
	}
	b.ReportMetric(float64(shared.Microseconds())/float64(b.N*n)/1000, "ms/letter-fonts-once")
	b.ReportMetric(float64(perLetter.Microseconds())/float64(b.N*n)/1000, "ms/letter-fonts-per-letter")
	b.ReportMetric(float64(perLetter)/float64(shared), "ratio")
	b.ReportMetric(float64(size), "max-bytes/one-page-letter")
	if size >= 40<<10 {
		b.Errorf("a one-page letter takes %d bytes, want < 40 KB", size)
	}
}

type countWriter struct{ n int64 }

func (w *countWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

var _ io.Writer = (*countWriter)(nil)

// TestFontsParsedOnce checks that rendering many letters parses the fonts
// once for the whole process.
func TestFontsParsedOnce(t *testing.T) {
	if _, err := fonts(); err != nil {
		t.Fatal(err)
	}
	before := parseCount
	for i := 0; i < 5; i++ {
		r, err := NewRenderer(testSettings())
		if err != nil {
			t.Fatal(err)
		}
		d, _ := Merge(Template{"T", "**Hola** *mundo*"}, FieldsFor(data.UserRow{}, testCommunity, testSettings(), novDate))
		if _, err := r.PDFBytes(context.Background(), d); err != nil {
			t.Fatal(err)
		}
	}
	if parseCount != before || parseCount != 1 {
		t.Fatalf("fonts parsed %d times", parseCount)
	}
}
