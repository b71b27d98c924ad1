# cairn - plain Makefile with pkg-config. `make` builds bin/cairn; `make run`, `make test`,
# `make fuzz`, `make bench` as in the README.
CC      ?= gcc
PKGS    := libmicrohttpd libcurl jansson inih sqlite3 libpq libcrypto expat zlib libarchive fuse3 libcmark-gfm libacl
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -pthread $(PKG_CFLAGS)
LDLIBS  += $(PKG_LIBS) -pthread

LIB_SRC := $(filter-out src/cli/main.c,$(shell find src -name '*.c' | sort))
CLI_SRC := src/cli/main.c
OBJ     := $(patsubst src/%.c,build/obj/%.o,$(LIB_SRC) $(CLI_SRC))
UNIT_SRC := $(sort $(wildcard tests/unit/*.c))
CORE_SRC := $(filter-out src/cli/%,$(LIB_SRC))
SAN     := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

.PHONY: all deps run test unit integration fuzz bench clean clang-check ui e2e

all: bin/cairn

deps:
	@bash scripts/deps.sh

bin/cairn: $(OBJ)
	@mkdir -p bin
	$(CC) $(CFLAGS) -o $@ $(OBJ) $(LDLIBS)

build/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

-include $(OBJ:.o=.d)
build/obj/api/openapi.o: src/api/openapi.json   # embedded with .incbin
build/obj/api/ui.o: build/ui.pack                 # the web console, embedded with .incbin

# The console's built files (committed in ui/dist; `make ui` rebuilds them with npm) as one blob.
UI_DIST := $(shell find ui/dist -type f 2>/dev/null | sort)
build/ui.pack: scripts/ui_pack.sh $(UI_DIST)
	@mkdir -p build
	bash scripts/ui_pack.sh ui/dist > $@.tmp && mv $@.tmp $@

# Rebuilds ui/dist from ui/src (Vite 7; packages from the npm registry, pinned by ui/package-lock.json).
ui:
	cd ui && npm ci --no-audit --no-fund && npx vite build
	@$(MAKE) --no-print-directory all

# Unit tests: every pure module, under AddressSanitizer and UndefinedBehaviorSanitizer.
build/unit-tests: $(CORE_SRC) $(UNIT_SRC) $(wildcard src/*/*.h) tests/unit/test.h src/api/openapi.json build/ui.pack
	@mkdir -p build
	$(CC) $(CFLAGS) -O1 $(SAN) -Isrc -o $@ $(CORE_SRC) $(UNIT_SRC) $(LDLIBS)

run: deps
	@$(MAKE) --no-print-directory all
	./bin/cairn serve

test: deps
	@$(MAKE) --no-print-directory all build/unit-tests
	@bash tests/run.sh

unit: build/unit-tests
	./build/unit-tests

integration: all
	@bash tests/run.sh --integration-only

# Builds everything with clang into a separate tree (the issue asks that clang builds it too).
clang-check: build/ui.pack
	@mkdir -p build/clang
	clang -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -pthread -O2 $(PKG_CFLAGS) -o build/clang/cairn $(LIB_SRC) $(CLI_SRC) $(LDLIBS)

fuzz: deps
	@bash fuzz/run.sh

bench: deps
	@$(MAKE) --no-print-directory all
	@bash bench/run.sh
	@bash bench/datasets.sh
	@bash bench/mirror.sh
	@bash bench/scaleout.sh
	@bash bench/growth.sh

clean:
	rm -rf build bin
