# coopsim: the two commands. `make run` and `make test` install what is
# missing (Debian packages, when root), configure, build, then run the demo
# or the whole test suite. Everything else is CMake (CMakeLists.txt).

# What building and running coopsim needs (make run) ...
PKGS := cmake make gcc pkg-config liblua5.4-dev libsqlite3-dev \
        libreadline-dev libjansson-dev nettle-dev libdeflate-dev
# ... and what only the tests need besides (make test): cmocka, libseccomp (to
# check our system-call filter against its compile), Debian's stock
# Lua for the `require` test, tmux for the REPL, openpyxl and Chromium for the
# reports, clang for the fuzzers, valgrind, zlib (the ZIP test reads archives
# back with it).
TEST_PKGS := libcmocka-dev libseccomp-dev lua5.4 tmux python3-openpyxl chromium \
        clang libclang-rt-14-dev valgrind zlib1g-dev
FUZZ_SECONDS ?= 600
MAKEFLAGS += --no-print-directory
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all run test bench deps deps-test build build-test build-fuzz fuzz valgrind clean

all: build

# Installs the Debian packages of $(1) that are missing (as root), or says
# which to install.
define install_missing
	@missing=""; \
	for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	  else \
	    echo "coopsim needs these Debian packages:$$missing"; \
	    echo "install them with: sudo apt-get install$$missing"; exit 1; \
	  fi; \
	fi
endef

deps:
	$(call install_missing,$(PKGS))

deps-test:
	$(call install_missing,$(PKGS) $(TEST_PKGS))

build: deps
	@cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCOOPSIM_TESTS=OFF >/dev/null
	@cmake --build build -j $(JOBS)

build-test: deps-test
	@cmake -S . -B build-test -DCMAKE_BUILD_TYPE=Debug -DCOOPSIM_SANITIZE=ON -DCOOPSIM_WERROR=ON >/dev/null
	@cmake --build build-test -j $(JOBS)

# libFuzzer harnesses (tests/fuzz): clang, the library instrumented, ASan+UBSan.
build-fuzz: deps-test
	@CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCOOPSIM_TESTS=OFF -DCOOPSIM_FUZZ=ON >/dev/null
	@cmake --build build-fuzz -j $(JOBS) --target fuzzers

# Every harness for FUZZ_SECONDS (default 600), one after another; what fails
# is saved in build-fuzz/fuzz-artifacts/.
fuzz: build-fuzz
	sh tests/fuzz/run.sh build-fuzz $(FUZZ_SECONDS)

# The unit tests and scenario runs under valgrind, on a build without sanitizers.
valgrind: deps-test
	@cmake -S . -B build-valgrind -DCMAKE_BUILD_TYPE=Debug >/dev/null
	@cmake --build build-valgrind -j $(JOBS)
	sh tests/valgrind.sh build-valgrind

# The demo: Helgeland's Vedlegg 2 and its variants side by side.
run: build
	./build/coopsim run scenarios/helgeland.lua

# Unit tests (cmocka) and the scenario regression suite under ASan+UBSan,
# then `require "coopsim"` from Debian's stock lua5.4, then a fixed number of inputs of
# each fuzz harness.
# (COOPSIM_LANG is unset: the tests expect English unless they set it.)
test: deps-test build build-test build-fuzz
	LUA_CPATH="build/?.so" lua5.4 tests/require_test.lua
	cd build-test && env -u COOPSIM_LANG ctest --output-on-failure -j $(JOBS)
	cd build-fuzz && env -u COOPSIM_LANG ctest --output-on-failure

# Benchmarks beside references in the same command (bench/run.sh); numpy
# (Debian's python3-numpy) is installed when root, else skipped.
bench: build
	@if [ "$$(id -u)" = 0 ] && ! /usr/bin/python3 -c "import numpy" 2>/dev/null; then \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-numpy >/dev/null || true; fi
	sh bench/run.sh build/coopsim

clean:
	rm -rf build build-test build-fuzz build-valgrind
