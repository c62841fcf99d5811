# The two set-up commands: `make test` and `make demo`. Both install what is missing first.
PRESET ?= default
BUILD_DIR := build

.PHONY: all bootstrap configure build test demo demo-down bench format clean fuzz-kustomize fuzz

all: build

bootstrap:
	@scripts/bootstrap

configure: bootstrap
	@cmake --preset $(PRESET) >/dev/null

build: configure
	@cmake --build --preset $(PRESET)

test: build
	@ctest --preset $(PRESET) -j2

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
	@git ls-files '*.cpp' '*.h' | xargs clang-format -i

clean:
	@rm -rf $(BUILD_DIR)
