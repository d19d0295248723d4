# The image the Helm chart runs: termin-api and termin-worker on Debian 12, built with the same
# install script and CMake build as `make`. One stage for now: the Debian -dev packages stay in
# the image (about 700 MB); a slimmer runtime stage is a later step.
# (Not built in CI: the machines here have no Docker engine.)
FROM debian:bookworm
WORKDIR /src
COPY . .
RUN sh scripts/install-deps.sh \
 && cmake -S . -B build -DCMAKE_BUILD_TYPE=Release \
 && cmake --build build -j"$(nproc)" --target termin-api termin-worker termin-slots \
 && install -m 0755 build/bin/termin-api build/bin/termin-worker build/bin/termin-slots /usr/local/bin/ \
 && rm -rf build
USER nobody
EXPOSE 8080
CMD ["termin-api", "--seed", "/src/data/demo-city.json"]
