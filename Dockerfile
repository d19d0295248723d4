# The image the Helm chart runs (docs/deploy.md). Two stages:
#  - build: Debian 12 with the build packages (scripts/install-deps.sh), the C++ binaries
#    (Release, stripped) and the web clients;
#  - runtime: Debian 12 slim with only deploy/runtime-packages.txt (the one list that
#    tests/image/check_runtime_list.sh holds against the binaries' libraries), the stripped
#    binaries, the web files and the message templates; numeric user 65534; works with a
#    read-only root (nothing is written outside /tmp, and nothing needs /tmp).
# Not built here (no container engine on these machines); see docs/deploy.md.
FROM debian:bookworm AS build
WORKDIR /src
COPY scripts/install-deps.sh scripts/
RUN sh scripts/install-deps.sh
COPY . .
RUN cmake -S . -B /tmp/build -DCMAKE_BUILD_TYPE=Release \
 && cmake --build /tmp/build -j"$(nproc)" --target termin-api termin-worker termin-slots \
 && install -d /out/bin \
 && install -s -m 0755 /tmp/build/bin/termin-api /tmp/build/bin/termin-worker /tmp/build/bin/termin-slots /out/bin/ \
 && sh scripts/build-web.sh

FROM debian:bookworm-slim AS runtime
COPY deploy/runtime-packages.txt /tmp/runtime-packages.txt
RUN apt-get update \
 && grep -v '^#' /tmp/runtime-packages.txt | grep -v '^ *$' \
    | xargs apt-get install -y --no-install-recommends \
 && rm -rf /var/lib/apt/lists/* /tmp/runtime-packages.txt
COPY --from=build /out/bin/ /usr/local/bin/
COPY --from=build /src/clients/web/dist/ /usr/share/termin/web/
COPY --from=build /src/service/templates/ /usr/share/termin/service/templates/
COPY --from=build /src/data/demo-city.json /usr/share/termin/data/demo-city.json
# Relative defaults (--templates service/templates) resolve here.
WORKDIR /usr/share/termin
USER 65534:65534
EXPOSE 8080 9090 9100
CMD ["termin-api", "--seed", "/usr/share/termin/data/demo-city.json", "--web-root", "/usr/share/termin/web"]
