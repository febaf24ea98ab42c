# The two commands a new user needs. Each installs what is missing first, so a fresh
# Debian 12 machine goes from clone to running server (or full test run) in one step.
.PHONY: run test build setup format format-check bench clean

PRESET ?= default
BUILD_DIR := build/$(PRESET)
DATA_DIR ?= ./data
LISTEN ?= 127.0.0.1:8080

run: build
	@scripts/first-run-hint.sh "$(LISTEN)" "$(DATA_DIR)"
	$(BUILD_DIR)/parley serve --data "$(DATA_DIR)" --listen "$(LISTEN)"

test: build
	@scripts/setup-node.sh
	@scripts/format-check.sh
	ctest --preset $(PRESET) -j2

build: setup
	@[ -f $(BUILD_DIR)/build.ninja ] || cmake --preset $(PRESET) > /dev/null
	cmake --build --preset $(PRESET)
	@scripts/setup-node.sh
	@scripts/build-web.sh

setup:
	@scripts/setup.sh

format:
	@clang-format -i $$(git ls-files '*.cpp' '*.hpp')
	@cd tests && node_modules/.bin/prettier --write --log-level warn "**/*.mjs"
	@cd web && node_modules/.bin/prettier --write --log-level warn .

format-check:
	@scripts/format-check.sh

bench: build
	@bench/run.sh
	@bench/realtime.sh
	@bench/web.sh

clean:
	rm -rf build
