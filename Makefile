# Ferry — the two commands: `make run` and `make test`. Robustness (docs/robustness.md):
# `make test-sanitize` (ASan + UBSan build, all tests) and `make fuzz` (libFuzzer targets).
BUILD_DIR ?= build
BUILD_TYPE ?= Release
JOBS ?= $(shell nproc)
DATA_DIR ?= ./data
LISTEN ?= 127.0.0.1:8080
CMAKE_FLAGS ?=
# Sanitizer and fuzz builds: -O1 with line tables, asserts on, no benchmarks.
ROBUST_FLAGS = -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1" \
               -DFERRY_BENCH=OFF
SANITIZE_DIR ?= build-asan
# Tests left out of `make test-sanitize`: the SIGKILL crash test (a killed process cannot
# report) — see docs/robustness.md.
SANITIZE_EXCLUDE ?= ^crash_sigkill_resume$$
FUZZ_DIR ?= build-fuzz
FUZZ_CXX ?= clang++-14
FUZZ_SECONDS ?= 60
FUZZ_RUNS ?=

.PHONY: deps deps-test configure build run test test-sanitize fuzz clean format

deps:
	./scripts/install-deps.sh

deps-test:
	./scripts/install-deps.sh test

configure: deps
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_FLAGS)

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	$(BUILD_DIR)/ferryd --data-dir $(DATA_DIR) --listen $(LISTEN)

test: deps-test build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 900

# Every sanitizer report fails the run: UBSan halts on the first error, and reports are
# written to files under $(SANITIZE_DIR)/sanitizer-reports/, printed and counted after
# ctest, so that a report from a ferryd a Python test started (and whose exit status the
# test may not check) is not lost.
SANITIZER_REPORTS = $(abspath $(SANITIZE_DIR))/sanitizer-reports
test-sanitize: deps-test
	cmake -S . -B $(SANITIZE_DIR) $(ROBUST_FLAGS) -DFERRY_SANITIZE=ON $(CMAKE_FLAGS)
	cmake --build $(SANITIZE_DIR) -j $(JOBS)
	rm -rf $(SANITIZER_REPORTS) && mkdir -p $(SANITIZER_REPORTS)
	cd $(SANITIZE_DIR) && \
	  ASAN_OPTIONS=detect_leaks=1:check_initialization_order=1:log_path=$(SANITIZER_REPORTS)/asan:log_exe_name=1 \
	  LSAN_OPTIONS=suppressions=$(abspath tests/sanitizer/lsan.supp):print_suppressions=0 \
	  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:log_path=$(SANITIZER_REPORTS)/ubsan:log_exe_name=1 \
	  ctest --output-on-failure -j $(JOBS) --timeout 1800 -E '$(SANITIZE_EXCLUDE)'; \
	rc=$$?; \
	if [ -n "$$(ls -A $(SANITIZER_REPORTS))" ]; then \
	  cat $(SANITIZER_REPORTS)/*; \
	  echo "sanitizer reports: $$(ls $(SANITIZER_REPORTS) | tr '\n' ' ')"; exit 1; \
	fi; \
	exit $$rc

# Builds the libFuzzer targets with clang (fuzz/) and runs each for FUZZ_SECONDS on a copy
# of its seed corpus (FUZZ_RUNS=N stops each after N executions instead); fails on a crash.
fuzz: deps
	cmake -S . -B $(FUZZ_DIR) -DCMAKE_CXX_COMPILER=$(FUZZ_CXX) $(ROBUST_FLAGS) -DFERRY_FUZZ=ON \
	  $(CMAKE_FLAGS)
	cmake --build $(FUZZ_DIR) -j $(JOBS) --target fuzzers
	./fuzz/run.sh $(FUZZ_DIR) $(FUZZ_SECONDS) $(FUZZ_RUNS)

format:
	find src tests bench fuzz -name '*.h' -o -name '*.cc' | xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR)
