#pragma once
// Container image references, read and normalised as the container runtime does (containerd and
// the kubelet use github.com/distribution/reference's ParseDockerRef):
//   reference := name [":" tag] ["@" digest]
//   name      := [domain "/"] path        domain: host[:port], host = dot-separated [A-Za-z0-9-]
//                                          labels not starting or ending with '-'
//   path      := component ("/" component)*, component = [a-z0-9]+ joined by ".", "_", "__"
//                or runs of "-"
//   tag       := [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}
//   digest    := "sha256:" 64 | "sha384:" 96 | "sha512:" 128 lower-case hex digits
// Normalisation: the first path element is a registry domain only if it contains '.' or ':',
// is "localhost", or holds an upper-case letter; otherwise the domain is "docker.io". A
// "docker.io" path with one component gets "library/" ("nginx" is docker.io/library/nginx),
// "index.docker.io" is spelt "docker.io", a reference with neither tag nor digest gets the tag
// "latest", and one with both loses its tag (ParseDockerRef: the runtime pulls by the digest
// and ignores the tag). The name is at most 255 characters; 64-hex-digit names are refused
// (they read as image ids).

#include <string>
#include <string_view>

namespace sluice {

struct ImageReference {
  std::string domain;  // "docker.io", "registry.example.com:5000"
  std::string path;    // "library/nginx"
  std::string tag;     // "latest" when there was neither tag nor digest; empty with a digest
  std::string digest;  // "sha256:<hex>", or empty

  std::string name() const { return domain + "/" + path; }  // what image globs match
  std::string to_string() const;  // name[":" tag]["@" digest], the normalised reference

  bool operator==(const ImageReference&) const = default;
};

// True for a digest this grammar accepts ("sha256:<64 hex>", ...), as registries name content.
bool is_digest(std::string_view text);

// Throws Error(kInvalidArgument) "invalid image reference \"...\": <why>".
ImageReference parse_image_reference(std::string_view text);

}  // namespace sluice
