# Thin wrapper over CMake + Ninja. README names `make demo` and `make test`.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
DEBIAN_PACKAGES := cmake ninja-build g++ pkg-config ccache \
  libeigen3-dev libnlopt-cxx-dev libboost-dev libboost-system-dev libsqlitecpp-dev libsqlite3-dev \
  nlohmann-json3-dev libyaml-cpp-dev libcli11-dev libssl-dev catch2 \
  python3 python3-sklearn python3-numpy python3-optuna python3-cmaes libxgboost-dev python3-xgboost \
  python3-protobuf
# The dashboard: Chromium for its browser tests; Node.js and npm for its chart library, unless an
# npm is already installed (Debian's npm package would conflict with NodeSource's nodejs).
DEBIAN_PACKAGES += chromium $(shell command -v npm >/dev/null 2>&1 || echo nodejs npm)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: deps configure build test demo bench clean

# Installs only what is missing; a no-op when everything is there.
deps:
	@missing=$$(for p in $(DEBIAN_PACKAGES); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing: $$missing"; \
	  $(SUDO) apt-get update && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends $$missing; \
	else echo "deps: all Debian packages present"; fi

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo

configure: deps $(BUILD_DIR)/build.ninja

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 600

demo: build
	./examples/run_demo.sh $(BUILD_DIR)/sextant

bench: build
	./bench/run_all.sh $(BUILD_DIR)

clean:
	rm -rf $(BUILD_DIR)
