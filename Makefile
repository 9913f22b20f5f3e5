# Comunidad. `make run` sets up a fresh Debian/Ubuntu machine and opens the
# app on the demo community; `make test` runs the tests. See README.md.

GO      ?= go
TAGS    := migrated_fynedo
BIN     := build/comunidad
FYNE    := $(shell $(GO) env GOPATH)/bin/fyne
FYNE_VERSION := v1.7.4
# What Fyne's cgo build needs (GLFW, OpenGL, X11), and what the tests use:
# Xvfb for the real window, poppler for reading PDFs back, CUPS with a PDF
# printer for printing, ImageMagick for screenshots.
BUILD_PKGS := gcc libc6-dev pkg-config libgl-dev libx11-dev libxcursor-dev libxrandr-dev \
              libxinerama-dev libxi-dev libxxf86vm-dev
TEST_PKGS  := xvfb xauth imagemagick poppler-utils cups printer-driver-cups-pdf libreoffice-calc-nogui
# Tests speak Spanish and Fyne complains under the C locale.
TEST_ENV   := LANG=es_CL.UTF-8 LC_ALL=

.PHONY: run build deps test-deps test race bench lint package screenshot clean

run: build
	./$(BIN) --demo

build: deps
	$(GO) build -tags $(TAGS) -o $(BIN) ./cmd/comunidad

deps:
	@./scripts/install-deps.sh $(BUILD_PKGS)
	@$(GO) mod download

test-deps: deps
	@./scripts/install-deps.sh $(TEST_PKGS)

test: test-deps
	$(TEST_ENV) $(GO) test -tags $(TAGS) -count=1 ./...

# The packages that run goroutines, under the race detector.
race: test-deps
	$(TEST_ENV) $(GO) test -tags $(TAGS) -race -count=1 ./data/... ./app/...

# Benchmarks each issue names its targets for; -benchmem gives allocations.
bench: test-deps
	$(TEST_ENV) $(GO) test -tags $(TAGS) -run '^$$' -bench . -benchmem -benchtime 3x ./...

lint: deps
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt:"; echo "$$out"; exit 1; fi
	$(GO) vet -tags $(TAGS) ./...

# Linux bundle (.tar.xz with binary, icon and desktop entry). The fyne tool
# reads FyneApp.toml beside the main package; the one at the root is the
# source of truth, so a copy (with the icon path made relative to it) is
# written there for the tool and removed afterwards.
package: deps $(FYNE)
	sed 's#^Icon = "assets/#Icon = "../../assets/#' FyneApp.toml > cmd/comunidad/FyneApp.toml
	cd cmd/comunidad && $(FYNE) package --os linux --tags $(TAGS) --release; \
	  status=$$?; rm -f FyneApp.toml; exit $$status
	mkdir -p build && mv cmd/comunidad/*.tar.xz build/
	@ls -l build/*.tar.xz

$(FYNE):
	$(GO) install fyne.io/tools/cmd/fyne@$(FYNE_VERSION)

# The real window under Xvfb, on the demo community, saved as PNG.
screenshot: build test-deps
	./scripts/screenshot.sh ./$(BIN) build/screenshot.png --demo

clean:
	rm -rf build
