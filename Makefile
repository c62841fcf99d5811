# The two set-up commands: `make test` and `make demo`. Both install what is missing first.
PRESET ?= default
BUILD_DIR := build
# ccache (CMakeLists.txt) keyed by paths relative to this checkout, whatever folder it is in.
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := 1

.PHONY: all bootstrap configure build test demo demo-down bench format clean fuzz-kustomize fuzz \
	test-asan test-asan-unit test-tsan

all: build

bootstrap:
	@scripts/bootstrap

configure: bootstrap
	@cmake --preset $(PRESET) >/dev/null

build: configure
	@cmake --build --preset $(PRESET)

# Every test, then the unit tests again under AddressSanitizer and UBSan (test-asan-unit).
test: build
	@ctest --preset $(PRESET) -j2
	@$(MAKE) --no-print-directory test-asan-unit

# Sanitizer builds (docs/testing.md, "Sanitizers"), each in its own folder: build-asan/ with
# AddressSanitizer + UndefinedBehaviorSanitizer, build-tsan/ with ThreadSanitizer.
# test-asan-unit builds only what the unit tests need (target unit_tests) and runs them.
test-asan-unit: bootstrap
	@cmake --preset asan >/dev/null
	@cmake --build --preset asan --target unit_tests
	@ctest --preset asan-unit -j2

# Every unit and integration test under ASan + UBSan.
test-asan: bootstrap
	@cmake --preset asan >/dev/null
	@cmake --build --preset asan
	@ctest --preset asan -j2

# ThreadSanitizer over the runtime, kube, controller and apply: their unit tests, the kube
# client's integration tests and the operator's end-to-end tests (a TSan-built operator).
TSAN_TARGETS := runtime_test kube_test controller_test apply_test kube_integration_test \
	operator_test sluice
test-tsan: bootstrap
	@cmake --preset tsan >/dev/null
	@cmake --build --preset tsan --target $(TSAN_TARGETS)
	@ctest --preset tsan -j2

# The demo leaves the local cluster and the operator running for exploring; demo-down stops
# what it started.
demo: build
	@scripts/demo

demo-down:
	@scripts/demo down

bench: build
	@$(BUILD_DIR)/bin/sluice_bench_runtime

# A long differential run of random kustomization trees against kubectl kustomize
# (tests/conformance/kustomize-random); SEED=N repeats a batch.
COUNT ?= 3000
fuzz-kustomize: configure
	@cmake --build --preset $(PRESET) --target sluice
	@python3 tests/conformance/kustomize-random/compare.py --sluice $(BUILD_DIR)/bin/sluice \
		--count $(COUNT) $(if $(SEED),--seed $(SEED))

# Every libFuzzer target of tests/fuzz (or FUZZ_TARGETS="webhook patches"), FUZZ_SECONDS each,
# with ASan and UBSan in build-fuzz/ (tests/fuzz/run-libfuzzer; logs in build-fuzz/logs/).
FUZZ_SECONDS ?= 60
fuzz: bootstrap
	@tests/fuzz/run-libfuzzer $(FUZZ_SECONDS) $(FUZZ_TARGETS)

format:
	@git ls-files '*.cpp' '*.h' ':!third_party' | xargs clang-format -i

clean:
	@rm -rf $(BUILD_DIR)
