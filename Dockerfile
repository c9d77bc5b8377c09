# syntax=docker/dockerfile:1
# Build: docker build -t ghcr.io/batonhq/baton .
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/baton ./cmd/baton \
 && mkdir -p /out/data /out/etc

# Static binary on distroless: no shell, no package manager, runs as nonroot (65532).
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/baton /usr/local/bin/baton
COPY --from=build --chown=65532:65532 /out/data /var/lib/baton
COPY --from=build --chown=65532:65532 /out/etc /etc/baton
USER 65532:65532
WORKDIR /var/lib/baton
# Mount the configuration at /etc/baton/baton.yaml with listen: 0.0.0.0:9464 and
# storage.path under /var/lib/baton (a volume).
ENV BATON_CONFIG=/etc/baton/baton.yaml
VOLUME ["/var/lib/baton"]
EXPOSE 9464
ENTRYPOINT ["baton"]
CMD ["serve"]
