#include "git/signature.h"

#include <array>
#include <charconv>

#include "core/error.h"
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

// The object's header block (up to the blank line before the message).
std::string_view header_block(std::string_view raw) {
  const std::size_t end = raw.find("\n\n");
  return end == std::string_view::npos ? raw : raw.substr(0, end + 1);
}

// The seconds of a "committer"/"tagger" header: "<name> <<email>> <seconds> <+zone>".
std::optional<std::int64_t> header_time(std::string_view raw, std::string_view field) {
  const std::string_view headers = header_block(raw);
  for (std::size_t at = 0; at < headers.size();) {
    const std::size_t eol = headers.find('\n', at);
    const std::string_view line = headers.substr(at, eol - at);
    at = eol == std::string_view::npos ? headers.size() : eol + 1;
    if (!line.starts_with(field) || line.size() <= field.size() || line[field.size()] != ' ') {
      continue;
    }
    const std::size_t email_end = line.rfind('>');
    if (email_end == std::string_view::npos) return std::nullopt;
    std::string_view rest = line.substr(email_end + 1);
    while (rest.starts_with(' ')) rest.remove_prefix(1);
    std::int64_t seconds = 0;
    const auto [end, error] = std::from_chars(rest.data(), rest.data() + rest.size(), seconds);
    if (error != std::errc() || end == rest.data()) return std::nullopt;
    return seconds;
  }
  return std::nullopt;
}

git_object_t read_raw_object(git_repository* repo, const git_oid& oid, std::string& raw) {
  git_odb* odb_raw = nullptr;
  check(git_repository_odb(&odb_raw, repo), "opening the object database");
  const UniqueCPtr<git_odb, git_odb_free> odb(odb_raw);
  git_odb_object* object_raw = nullptr;
  check(git_odb_read(&object_raw, odb.get(), &oid), "reading object " + detail::oid_hex(oid));
  const UniqueCPtr<git_odb_object, git_odb_object_free> object(object_raw);
  raw.assign(static_cast<const char*>(git_odb_object_data(object.get())),
             git_odb_object_size(object.get()));
  return git_odb_object_type(object.get());
}

std::optional<SignedObject> signed_tag(std::string_view raw_tag) {
  std::optional<SignedObject> split = split_tag_signature(raw_tag);
  if (split) split->signed_at = header_time(raw_tag, "tagger");
  return split;
}

}  // namespace

std::optional<SignedObject> split_commit_signature(std::string_view raw_commit) {
  constexpr std::string_view kField = "gpgsig ";
  const std::string_view headers = header_block(raw_commit);
  SignedObject split;
  bool found = false;
  bool in_signature = false;
  for (std::size_t at = 0; at < headers.size();) {
    const std::size_t eol = headers.find('\n', at);
    const std::size_t next = eol == std::string_view::npos ? headers.size() : eol + 1;
    const std::string_view line = headers.substr(at, next - at);  // with its newline
    at = next;
    if (in_signature && line.starts_with(' ')) {
      split.signature.append(line.substr(1));
      continue;
    }
    in_signature = false;
    if (line.starts_with(kField)) {
      if (found) {
        throw Error(ErrorCode::kVerificationFailed, "commit has more than one gpgsig header");
      }
      found = in_signature = true;
      split.signature.append(line.substr(kField.size()));
      continue;
    }
    split.payload.append(line);
  }
  if (!found) return std::nullopt;
  split.payload.append(raw_commit.substr(headers.size()));
  split.signed_at = header_time(raw_commit, "committer");
  return split;
}

std::optional<SignedObject> split_tag_signature(std::string_view raw_tag) {
  std::size_t match = std::string_view::npos;
  for (std::size_t at = 0; at < raw_tag.size();) {
    if (opens_signature(raw_tag.substr(at))) match = at;
    const std::size_t eol = raw_tag.find('\n', at);
    at = eol == std::string_view::npos ? raw_tag.size() : eol + 1;
  }
  if (match == std::string_view::npos) return std::nullopt;
  return SignedObject{std::string(raw_tag.substr(match)), std::string(raw_tag.substr(0, match)),
                      std::nullopt};
}

std::optional<SignedObject> commit_signature(const std::filesystem::path& repository,
                                             std::string_view commit) {
  const detail::RepositoryPtr repo = open_repository(repository);
  const git_oid oid = detail::parse_oid(commit);
  std::string raw;
  if (read_raw_object(repo.get(), oid, raw) != GIT_OBJECT_COMMIT) {
    throw not_found(std::string(commit) + " is not a commit");
  }
  return split_commit_signature(raw);
}

std::optional<SignedObject> tag_signature(const std::filesystem::path& repository,
                                          std::string_view tag) {
  const detail::RepositoryPtr repo = open_repository(repository);
  const std::string name = "refs/tags/" + std::string(tag);
  git_oid oid;
  check(git_reference_name_to_id(&oid, repo.get(), name.c_str()),
        "looking up tag " + std::string(tag));
  std::string raw;
  if (read_raw_object(repo.get(), oid, raw) != GIT_OBJECT_TAG) return std::nullopt;  // lightweight
  return signed_tag(raw);
}

RevisionSignature revision_signature(const std::filesystem::path& repository,
                                     std::string_view rev) {
  detail::ensure_libgit2();
  git_repository* repo_raw = nullptr;
  check(git_repository_open_ext(&repo_raw, repository.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH,
                                nullptr),
        "opening repository " + repository.string());
  const detail::RepositoryPtr repo(repo_raw);
  git_object* object_raw = nullptr;
  const std::string spec(rev);
  const int rc = git_revparse_single(&object_raw, repo.get(), spec.c_str());
  if (rc == GIT_ENOTFOUND) throw not_found("revision \"" + spec + "\" not found");
  check(rc, "resolving revision \"" + spec + "\"");
  const detail::ObjectPtr object(object_raw);
  RevisionSignature result;
  const git_oid oid = *git_object_id(object.get());
  result.object_id = detail::oid_hex(oid);
  std::string raw;
  switch (read_raw_object(repo.get(), oid, raw)) {
    case GIT_OBJECT_TAG:
      result.is_tag = true;
      result.signature = signed_tag(raw);
      break;
    case GIT_OBJECT_COMMIT:
      result.signature = split_commit_signature(raw);
      break;
    default:
      throw invalid_argument("\"" + spec + "\" names neither a commit nor an annotated tag");
  }
  return result;
}

}  // namespace sluice::git
