# Multi-stage build: compile on Debian 12 (the same packages scripts/bootstrap installs), then copy
# the two executables and the shared libraries sluice-full needs into a distroless image: no
# shell, no package manager, non-root. `sluice` (the static front end) renders by itself and
# hands every other command, `run` included, to sluice-full next to it.
FROM debian:12 AS build
COPY scripts/bootstrap /tmp/bootstrap
RUN /tmp/bootstrap && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cmake --preset default -DBUILD_TESTING=OFF \
 && cmake --build --preset default --target sluice sluice-full \
 && mkdir -p /out/lib /out/bin \
 && ldd build/bin/sluice-full | awk '/=> \// {print $3}' \
    | grep -vE '/(libc|libm|libstdc\+\+|libgcc_s|ld-linux[^/]*)\.so' \
    | xargs -r -I{} cp -L {} /out/lib/ \
 && cp build/bin/sluice build/bin/sluice-full /out/bin/

# distroless/cc already carries glibc, libstdc++ and libgcc from Debian 12.
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /out/lib/ /usr/local/lib/sluice/
COPY --from=build /out/bin/ /usr/local/bin/
ENV LD_LIBRARY_PATH=/usr/local/lib/sluice
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/sluice"]
CMD ["run"]
