#include "git/signature.h"

#include <array>

#include "git/libgit2.h"

namespace sluice::git {
namespace {

using detail::check;

detail::RepositoryPtr open_repository(const std::filesystem::path& repository) {
  detail::ensure_libgit2();
  git_repository* raw = nullptr;
  check(git_repository_open_bare(&raw, repository.c_str()), "opening the cached repository");
  return detail::RepositoryPtr(raw);
}

struct Buffer {
  git_buf buf = GIT_BUF_INIT;
  Buffer() = default;
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
  ~Buffer() { git_buf_dispose(&buf); }
  std::string str() const {
    return buf.ptr == nullptr ? std::string() : std::string(buf.ptr, buf.size);
  }
};

bool opens_signature(std::string_view line) {
  static constexpr std::array<std::string_view, 4> kArmors{
      "-----BEGIN PGP SIGNATURE-----", "-----BEGIN PGP MESSAGE-----",
      "-----BEGIN SSH SIGNATURE-----", "-----BEGIN SIGNED MESSAGE-----"};
  for (const std::string_view armor : kArmors) {
    if (line.starts_with(armor)) return true;
  }
  return false;
}

}  // namespace

std::optional<SignedObject> split_tag_signature(std::string_view raw_tag) {
  std::size_t match = std::string_view::npos;
  for (std::size_t at = 0; at < raw_tag.size();) {
    if (opens_signature(raw_tag.substr(at))) match = at;
    const std::size_t eol = raw_tag.find('\n', at);
    at = eol == std::string_view::npos ? raw_tag.size() : eol + 1;
  }
  if (match == std::string_view::npos) return std::nullopt;
  return SignedObject{std::string(raw_tag.substr(match)), std::string(raw_tag.substr(0, match))};
}

std::optional<SignedObject> commit_signature(const std::filesystem::path& repository,
                                             std::string_view commit) {
  const detail::RepositoryPtr repo = open_repository(repository);
  git_oid oid = detail::parse_oid(commit);
  git_commit* raw = nullptr;
  check(git_commit_lookup(&raw, repo.get(), &oid), "looking up commit " + std::string(commit));
  git_commit_free(raw);
  Buffer signature;
  Buffer payload;
  const int rc =
      git_commit_extract_signature(&signature.buf, &payload.buf, repo.get(), &oid, nullptr);
  if (rc == GIT_ENOTFOUND) return std::nullopt;
  check(rc, "reading the signature of commit " + std::string(commit));
  return SignedObject{signature.str(), payload.str()};
}

std::optional<SignedObject> tag_signature(const std::filesystem::path& repository,
                                          std::string_view tag) {
  const detail::RepositoryPtr repo = open_repository(repository);
  const std::string name = "refs/tags/" + std::string(tag);
  git_oid oid;
  check(git_reference_name_to_id(&oid, repo.get(), name.c_str()),
        "looking up tag " + std::string(tag));
  git_odb* odb_raw = nullptr;
  check(git_repository_odb(&odb_raw, repo.get()), "opening the object database");
  const UniqueCPtr<git_odb, git_odb_free> odb(odb_raw);
  git_odb_object* object_raw = nullptr;
  check(git_odb_read(&object_raw, odb.get(), &oid), "reading tag " + std::string(tag));
  const UniqueCPtr<git_odb_object, git_odb_object_free> object(object_raw);
  if (git_odb_object_type(object.get()) != GIT_OBJECT_TAG) return std::nullopt;  // lightweight
  const std::string_view raw_tag(static_cast<const char*>(git_odb_object_data(object.get())),
                                 git_odb_object_size(object.get()));
  return split_tag_signature(raw_tag);
}

}  // namespace sluice::git
