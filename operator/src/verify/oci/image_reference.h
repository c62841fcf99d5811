#pragma once
// Container image references as the container runtimes and registries read them
// (distribution/reference's grammar): [registry[:port]/]path[:tag][@algorithm:hex].
//
// Defaults as Docker applies them: no registry means docker.io, and a one-component path on
// docker.io gets "library/". A first component is a registry when it contains '.' or ':' or is
// "localhost". Path components are lower case [a-z0-9] separated by '.', '_', '__' or runs of
// '-'; tags are [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}; digests are sha256 (64 hex) or sha512
// (128 hex). Anything else is Error(kInvalidArgument) naming the reference.

#include <optional>
#include <string>
#include <string_view>

namespace sluice::verify::oci {

struct ImageReference {
  std::string registry;    // "docker.io", "ghcr.io", "127.0.0.1:5000"
  std::string repository;  // "library/nginx", "org/app"
  std::optional<std::string> tag;
  std::optional<std::string> digest;  // "sha256:<hex>"

  static ImageReference parse(std::string_view text);

  // registry/repository, e.g. "docker.io/library/nginx" (cosign's docker-reference).
  std::string name() const;
  // name plus ":tag" and/or "@digest"; "latest" is not filled in.
  std::string to_string() const;
  // What to ask the registry for: the digest when there is one, else the tag ("latest" when
  // neither is given, as docker pull does).
  std::string manifest_reference() const;
  // The host the registry API lives on: docker.io's is registry-1.docker.io.
  std::string api_host() const;
};

// True for a "sha256:<64 lower-case hex>" or "sha512:<128 lower-case hex>" digest.
bool is_digest(std::string_view text);

}  // namespace sluice::verify::oci
