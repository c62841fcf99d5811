#include "git/ref.h"

#include <algorithm>
#include <cctype>

#include "core/error.h"
#include "git/semver.h"

namespace sluice::git {
namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// git-check-ref-format rules for one short name (refs/heads/ or refs/tags/ is prefixed).
void validate_name(std::string_view kind, const std::string& name) {
  const auto bad = [&](std::string_view why) {
    return invalid_argument(std::string(kind) + " name \"" + name +
                            "\" is invalid: " + std::string(why));
  };
  if (name.empty()) throw bad("empty");
  if (name.size() > 1024) throw bad("longer than 1024 characters");
  if (name == "@") throw bad("\"@\" is not a ref name");
  if (name.front() == '-') throw bad("starts with '-'");
  if (name.front() == '/' || name.back() == '/') throw bad("starts or ends with '/'");
  if (name.back() == '.') throw bad("ends with '.'");
  if (name.find("..") != std::string::npos) throw bad("contains \"..\"");
  if (name.find("@{") != std::string::npos) throw bad("contains \"@{\"");
  if (name.find("//") != std::string::npos) throw bad("contains \"//\"");
  for (const char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F || std::string_view(" ~^:?*[\\").find(c) != std::string_view::npos) {
      throw bad("contains a forbidden character");
    }
  }
  std::size_t start = 0;
  while (start <= name.size()) {
    std::size_t end = name.find('/', start);
    if (end == std::string::npos) end = name.size();
    const std::string_view component(name.data() + start, end - start);
    if (component.starts_with('.')) throw bad("a component starts with '.'");
    if (component.ends_with(".lock")) throw bad("a component ends with \".lock\"");
    start = end + 1;
  }
}

}  // namespace

Ref Ref::branch(std::string name) {
  return {RefKind::kBranch, std::move(name), {}};
}
Ref Ref::tag(std::string name) {
  return {RefKind::kTag, std::move(name), {}};
}
Ref Ref::semver(std::string range) {
  return {RefKind::kSemver, std::move(range), {}};
}
Ref Ref::commit(std::string sha) {
  return {RefKind::kCommit, lower(std::move(sha)), {}};
}
Ref Ref::commit_on_branch(std::string sha, std::string branch) {
  return {RefKind::kCommit, lower(std::move(sha)), std::move(branch)};
}

bool is_full_sha(std::string_view text) {
  return text.size() == 40 &&
         std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isxdigit(c); });
}

void validate(const Ref& ref) {
  switch (ref.kind) {
    case RefKind::kBranch:
      validate_name("branch", ref.name);
      return;
    case RefKind::kTag:
      validate_name("tag", ref.name);
      return;
    case RefKind::kSemver:
      static_cast<void>(VersionRange::parse(ref.name));
      return;
    case RefKind::kCommit:
      if (!is_full_sha(ref.name)) {
        throw invalid_argument("commit \"" + ref.name + "\" is not a full 40-hex sha1");
      }
      if (!ref.branch_name.empty()) validate_name("branch", ref.branch_name);
      return;
  }
}

std::string remote_ref_name(const Ref& ref) {
  switch (ref.kind) {
    case RefKind::kBranch:
      return "refs/heads/" + ref.name;
    case RefKind::kTag:
      return "refs/tags/" + ref.name;
    case RefKind::kSemver:
    case RefKind::kCommit:
      break;
  }
  return {};
}

std::string format_revision(const Ref& ref, std::string_view sha) {
  if (ref.kind == RefKind::kCommit) {
    const std::string revision = "sha1:" + std::string(sha);
    return ref.branch_name.empty() ? revision : ref.branch_name + "@" + revision;
  }
  return ref.name + "@sha1:" + std::string(sha);
}

}  // namespace sluice::git
