# Newcomer's entry. `make run` and `make test` install what is missing
# (Debian 12 packages, through apt-get as root or sudo), build, and go.
BUILD      ?= build
BUILD_ASAN ?= build-asan
BUILD_TYPE ?= RelWithDebInfo
JOBS       ?= $(shell nproc)
PORT       ?= 8080
BIND       ?= 127.0.0.1

.PHONY: all deps build build-asan run test test-fast bench fuzz image-check clean

all: build

deps:
	@sh scripts/install-deps.sh

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

build-asan: deps
	cmake -S . -B $(BUILD_ASAN) -DCMAKE_BUILD_TYPE=Debug -DTERMIN_SANITIZE=ON >/dev/null
	cmake --build $(BUILD_ASAN) -j $(JOBS)

# Starts the main job: the API with the embedded store and the demo city.
run: build
	sh scripts/build-web.sh
	sh scripts/run.sh $(BUILD) $(PORT) $(BIND)

# Every test: unit and property tests, black-box API tests with real servers,
# the contract checks; then the same tests under ASan + UBSan.
test: build build-asan
	sh scripts/test.sh $(BUILD) $(BUILD_ASAN)

# Only the normal build's tests (quicker, for development).
test-fast: build
	sh scripts/test.sh $(BUILD)

bench: deps
	@sh scripts/install-bench-deps.sh
	cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release >/dev/null
	cmake --build build-bench -j $(JOBS)
	sh scripts/build-web.sh
	sh scripts/bench.sh build-bench

# The Dockerfile's runtime stage as a debootstrap root (tests/image/image_check.sh): only
# deploy/runtime-packages.txt, read-only, user 65534; books once, the confirmation mail
# reaches an SMTP sink; prints the root's size. Needs root and the Debian mirror (about a
# minute the first time; the base root is then cached by package list).
image-check: build
	sh scripts/build-web.sh
	sh tests/image/image_check.sh $(BUILD)

# The fuzzer (#17) for FUZZ_SECONDS under ASan + UBSan (make test runs it 20 s).
FUZZ_SECONDS ?= 600
fuzz: build-asan
	$(BUILD_ASAN)/bin/termin-fuzz --seconds $(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD) $(BUILD_ASAN) build-bench
