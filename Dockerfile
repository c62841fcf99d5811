# The sluice image, in two stages.
#
# build: Debian 12 (bookworm) with the packages scripts/bootstrap installs, as on a developer's
# machine and in CI; builds build/bin/sluice and assembles the runtime file set in /rootfs with
# scripts/image-rootfs: the stripped executable, exactly the shared libraries it loads (the
# dynamic loader included), CA certificates, /etc/passwd and /etc/group with the nonroot user,
# /tmp. tests/image runs the same script and then sluice inside its output, so what the tests
# check is what this image holds.
#
# runtime: that folder alone on scratch: no shell, no package manager, user 65532.
FROM debian:bookworm AS build
COPY scripts/bootstrap /tmp/bootstrap
RUN /tmp/bootstrap && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cmake --preset default -DBUILD_TESTING=OFF \
 && cmake --build --preset default --target sluice \
 && scripts/image-rootfs /rootfs build/bin/sluice

FROM scratch
COPY --from=build /rootfs/ /
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/sluice"]
CMD ["run"]
