#pragma once
// Image globs, as spec.images[].glob and spec.rules.allowedRegistries use them. A glob matches
// an image's normalised repository name (ImageReference::name(), e.g.
// "docker.io/library/nginx"); tags and digests are never matched, so a glob whose last
// segment holds ':' or '@' is refused.
//
// Normalisation: a glob is normalised like an image name (see image_reference.h), so "nginx"
// means "docker.io/library/nginx", "bitnami/*" means "docker.io/bitnami/*" and
// "index.docker.io/x/y" means "docker.io/x/y". The first segment names a registry only if it
// contains '.' or ':', is "localhost" or holds an upper-case letter — so "*.example.com/**" names
// registries while "*/app" means "docker.io/*/app". The one exception: a glob whose first segment
// is "**" is not normalised and spans registries ("**" matches every image, "**/nginx" any
// registry's nginx).
//
// Matching, segment by segment ('/' separates segments):
//   "*"  inside a segment matches any run of characters except '/', including none
//        ("app-*" matches "app-" and "app-web"; "*.example.com" does not match "example.com")
//   "**" must be a whole segment and matches zero or more whole segments
//        ("reg.io/**" matches "reg.io/a" and "reg.io/a/b/c"; "reg.io/a/**/b" matches "reg.io/a/b")
//   anything else matches itself, case-sensitively.
// A glob may hold only the characters of image names plus '*'; "***", an empty glob or an
// empty segment is refused.

#include <string>
#include <string_view>
#include <vector>

namespace sluice::policy {

class ImageGlob {
 public:
  // Throws Error(kInvalidArgument) "invalid image glob \"...\": <why>".
  static ImageGlob parse(std::string_view glob);

  // `name` is an ImageReference::name().
  bool matches(std::string_view name) const;

  const std::string& text() const { return text_; }  // as written
  const std::string& normalised() const { return normalised_; }

 private:
  std::string text_;
  std::string normalised_;
  std::vector<std::string> segments_;
};

}  // namespace sluice::policy
