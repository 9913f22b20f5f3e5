package kastor

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestReadURL(t *testing.T) {
	xlsx, err := os.ReadFile(writeXLSX(t, "x.xlsx", perPersonRows))
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/export.xlsx", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer s3creto" {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", `attachment; filename="aromos.xlsx"`)
		w.Write(xlsx)
	})
	mux.HandleFunc("/login", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte("<html><body>Inicie sesión</body></html>"))
	})
	mux.HandleFunc("/html-as-file", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Write([]byte("\n<!DOCTYPE html><html></html>"))
	})
	mux.HandleFunc("/big.csv", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/csv")
		for i := 0; i < 2000; i++ {
			w.Write([]byte("Código;Nombres;Correo\n")) // no Content-Length: streamed
		}
	})
	mux.HandleFunc("/slow.csv", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	mux.HandleFunc("/error", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "boom", http.StatusInternalServerError)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	ok, err := Read(context.Background(), srv.URL+"/export.xlsx?key=abc", Options{Token: "s3creto"})
	if err != nil {
		t.Fatal(err)
	}
	if ok.Name != "aromos.xlsx" || len(ok.Snapshot.Units) != 4 {
		t.Fatalf("downloaded: name %q, %d units", ok.Name, len(ok.Snapshot.Units))
	}

	for _, tt := range []struct {
		name, path string
		opts       Options
		want       string
	}{
		{"no token", "/export.xlsx", Options{}, "rechazó el acceso"},
		{"wrong token", "/export.xlsx", Options{Token: "otro"}, "revise el token"},
		{"not found", "/no-existe.xlsx", Options{}, "no se encontró la exportación"},
		{"html page", "/login", Options{}, "página web (HTML)"},
		{"html sent as a file", "/html-as-file", Options{}, "página web (HTML)"},
		{"too large", "/big.csv", Options{MaxBytes: 10 << 10}, "más grande de lo que se admite"},
		{"timeout", "/slow.csv", Options{Timeout: 200 * time.Millisecond}, "no respondió"},
		{"server error", "/error", Options{}, "500 Internal Server Error"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read(context.Background(), srv.URL+tt.path+"?key=abc", tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "s3creto") || strings.Contains(err.Error(), "key=abc") {
				t.Fatalf("the message shows a secret: %v", err)
			}
		})
	}
}

func TestDescribe(t *testing.T) {
	file := filepath.Join(t.TempDir(), "exportación.xlsx") // C:\Users\...\Temp\... on Windows
	for in, want := range map[string]string{
		"https://user:pw@kastor.example.cl/x.xlsx?token=1": "https://kastor.example.cl/x.xlsx",
		"http://kastor.example.cl/a/b.csv#x":               "http://kastor.example.cl/a/b.csv",
		file:                                               file,
	} {
		if got := Describe(in); got != want {
			t.Errorf("Describe(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestReadURLConnectionErrors(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := srv.URL
	srv.Close() // nothing listens there now
	if _, err := Read(context.Background(), addr+"/x.xlsx", Options{}); err == nil || !strings.Contains(err.Error(), "no acepta conexiones") {
		t.Fatalf("closed port: %v", err)
	}
	if underWine() {
		// Wine's crypt32 builds the chain of an unknown certificate by
		// asking the network for its issuer, which this machine cannot
		// reach, until the handshake times out; Windows itself refuses it
		// at once. The message for a bad certificate is held on Linux.
		return
	}
	tlsSrv := httptest.NewTLSServer(http.NotFoundHandler())
	defer tlsSrv.Close()
	if _, err := Read(context.Background(), tlsSrv.URL+"/x.xlsx", Options{}); err == nil || !strings.Contains(err.Error(), "certificado") {
		t.Fatalf("untrusted certificate: %v", err)
	}
	if _, err := Read(context.Background(), "https://kastor.invalid/x.xlsx", Options{Timeout: 5 * time.Second}); err == nil ||
		!strings.Contains(err.Error(), "kastor.invalid") || strings.Contains(err.Error(), "dial tcp") {
		t.Fatalf("unknown host: %v", err)
	}
}

// The token goes only to the origin it was given for: a redirect that
// changes the host, the port or the scheme drops Authorization; one on the
// same origin keeps it.
func TestTokenNotSentToAnotherOrigin(t *testing.T) {
	csvBody := "Código;Nombres;Apellidos;Correo\nA-1;Ana;Soto;ana@example.cl\n"
	var seen []string
	serve := func(name string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			seen = append(seen, name+":"+r.Header.Get("Authorization"))
			w.Header().Set("Content-Type", "text/csv")
			io.WriteString(w, csvBody)
		}
	}
	other := httptest.NewServer(serve("otro-puerto"))
	defer other.Close()
	tlsOther := httptest.NewTLSServer(serve("https"))
	defer tlsOther.Close()
	mux := http.NewServeMux()
	mux.HandleFunc("/final.csv", serve("mismo"))
	mux.HandleFunc("/mismo", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/final.csv", http.StatusFound) })
	mux.HandleFunc("/puerto", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/x.csv", http.StatusFound)
	})
	mux.HandleFunc("/esquema", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, tlsOther.URL+"/x.csv", http.StatusMovedPermanently)
	})
	// localhost and 127.0.0.1 are one machine and two hosts.
	mux.HandleFunc("/host", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, strings.Replace(other.URL, "127.0.0.1", "localhost", 1)+"/x.csv", http.StatusTemporaryRedirect)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	client := tlsOther.Client()
	for path, want := range map[string]string{
		"/mismo":   "mismo:Bearer t0ken",
		"/puerto":  "otro-puerto:",
		"/esquema": "https:",
		"/host":    "otro-puerto:",
	} {
		seen = nil
		if _, err := Read(context.Background(), srv.URL+path, Options{Token: "t0ken", Client: client}); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if len(seen) != 1 || seen[0] != want {
			t.Errorf("%s: the servers saw %q, want %q", path, seen, want)
		}
	}
}
