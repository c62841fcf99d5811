#include "git/repository_cache.h"

#include <algorithm>
#include <optional>
#include <sstream>
#include <system_error>
#include <utility>
#include <vector>

#include <fnmatch.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "core/base64.h"
#include "core/openssh_pattern.h"
#include "core/sha256.h"
#include "git/deadline.h"
#include "git/digest.h"
#include "git/libgit2.h"
#include "git/semver.h"
#include "git/tls_verify.h"

namespace sluice::git {
namespace {

using detail::check;
using detail::redact_url;
using Clock = std::chrono::steady_clock;

struct Endpoint {
  std::string scheme;  // https, http, ssh, git, file
  std::string host;
  int port = 0;
};

Endpoint parse_endpoint(const std::string& url) {
  Endpoint endpoint;
  const std::size_t sep = url.find("://");
  std::string authority;
  if (sep == std::string::npos) {
    // scp-like "user@host:path" is ssh; an absolute local path is file.
    const std::size_t colon = url.find(':');
    if (!url.empty() && url.front() == '/') {
      endpoint.scheme = "file";
      return endpoint;
    }
    if (colon == std::string::npos || url.find('/') < colon) {
      throw invalid_argument("unsupported git URL \"" + redact_url(url) + "\"");
    }
    endpoint.scheme = "ssh";
    authority = url.substr(0, colon);
    endpoint.port = 22;
  } else {
    endpoint.scheme = url.substr(0, sep);
    const std::size_t start = sep + 3;
    authority = url.substr(start, url.find('/', start) - start);
  }
  static const std::map<std::string, int> default_ports = {
      {"https", 443}, {"http", 80}, {"ssh", 22}, {"git", 9418}, {"file", 0}};
  const auto known = default_ports.find(endpoint.scheme);
  if (known == default_ports.end()) {
    throw invalid_argument("unsupported git URL scheme \"" + endpoint.scheme +
                           "\" (want https, http, ssh, git or file)");
  }
  if (endpoint.scheme == "file") return endpoint;
  if (const std::size_t at = authority.rfind('@'); at != std::string::npos) {
    authority.erase(0, at + 1);
  }
  endpoint.port = known->second;
  std::string port_text;
  if (authority.starts_with('[')) {
    const std::size_t close = authority.find(']');
    if (close == std::string::npos) throw invalid_argument("bad host in git URL");
    endpoint.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size() && authority[close + 1] == ':') {
      port_text = authority.substr(close + 2);
    }
  } else if (const std::size_t colon = authority.find(':'); colon != std::string::npos) {
    endpoint.host = authority.substr(0, colon);
    port_text = authority.substr(colon + 1);
  } else {
    endpoint.host = authority;
  }
  if (!port_text.empty()) {
    try {
      endpoint.port = std::stoi(port_text);
    } catch (const std::exception&) {
      throw invalid_argument("bad port in git URL \"" + redact_url(url) + "\"");
    }
  }
  if (endpoint.host.empty()) {
    throw invalid_argument("git URL \"" + redact_url(url) + "\" has no host");
  }
  return endpoint;
}

// One host pattern of a known_hosts line against "host" or "[host]:port".
bool host_matches(const std::string& pattern, const std::string& target) {
  if (pattern.starts_with("|1|")) {  // hashed: |1|base64(salt)|base64(hmac-sha1(salt, host))
    const std::size_t bar = pattern.find('|', 3);
    if (bar == std::string::npos) return false;
    const auto salt = decode_base64(std::string_view(pattern).substr(3, bar - 3));
    const auto hash = decode_base64(std::string_view(pattern).substr(bar + 1));
    if (!salt || !hash) return false;
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_size = 0;
    if (HMAC(EVP_sha1(), salt->data(), static_cast<int>(salt->size()),
             reinterpret_cast<const unsigned char*>(target.data()), target.size(), mac,
             &mac_size) == nullptr) {
      return false;
    }
    return std::string(reinterpret_cast<const char*>(mac), mac_size) == *hash;
  }
  return match_openssh_pattern(pattern, target);
}

enum class HostKeyVerdict { kMatch, kUnknownHost, kMismatch, kRevoked };

HostKeyVerdict check_known_hosts(const std::string& known_hosts, const std::string& target,
                                 std::string_view key) {
  bool host_known = false;
  std::istringstream lines(known_hosts);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string marker;
    std::string hosts;
    std::string type;
    std::string blob;
    fields >> hosts;
    if (hosts.empty() || hosts.starts_with('#')) continue;
    if (hosts.starts_with('@')) {
      marker = hosts;
      fields >> hosts;
    }
    fields >> type >> blob;
    if (marker == "@cert-authority") continue;  // host certificates are not supported
    bool matched = false;
    bool negated = false;
    std::size_t start = 0;
    while (start <= hosts.size()) {
      std::size_t end = hosts.find(',', start);
      if (end == std::string::npos) end = hosts.size();
      std::string pattern = hosts.substr(start, end - start);
      const bool negate = pattern.starts_with('!');
      if (negate) pattern.erase(0, 1);
      if (!pattern.empty() && host_matches(pattern, target)) {
        (negate ? negated : matched) = true;
      }
      start = end + 1;
    }
    if (!matched || negated) continue;
    const auto decoded = decode_base64(blob);
    const bool same = decoded && *decoded == key;
    if (marker == "@revoked") {
      if (same) return HostKeyVerdict::kRevoked;
      continue;
    }
    host_known = true;
    if (same) return HostKeyVerdict::kMatch;
  }
  return host_known ? HostKeyVerdict::kMismatch : HostKeyVerdict::kUnknownHost;
}

// State shared with libgit2's callbacks for one fetch.
struct Session {
  const FetchOptions* options = nullptr;
  std::string display_url;
  Endpoint endpoint;
  Clock::time_point deadline;
  int credential_attempts = 0;
  bool interrupted = false;  // the deadline watchdog interrupted a libgit2 call
  std::optional<Error> error;

  int fail(Error e) {
    if (!error) error = std::move(e);
    return GIT_EUSER;
  }
  Error timeout_error() const {
    return Error(
        ErrorCode::kDeadlineExceeded,
        "timed out after " + format_duration(options->timeout) + " fetching " + display_url);
  }
  bool expired() {
    if (Clock::now() < deadline) return false;
    fail(timeout_error());
    return true;
  }
  // Runs one libgit2 call that may block on the network, interrupted at the deadline.
  template <class Call>
  int guarded(Call call) {
    const DeadlineScope scope(deadline);
    const int rc = call();
    if (scope.interrupted()) interrupted = true;
    return rc;
  }
  // Throws the callback's error if one was recorded, a timeout when the deadline interrupted
  // the call, else translates `rc`.
  void check(int rc, std::string_view what) const {
    if (rc >= 0) return;
    if (error) throw *error;
    if (interrupted || Clock::now() >= deadline) throw timeout_error();
    detail::throw_git_error(rc, std::string(what) + " " + display_url);
  }
};

// Disconnects a remote inside a deadline scope however fetch() ends (before the remote is
// freed): closing an ssh channel waits for the server's answer, which a stalled server never
// sends.
class GuardedDisconnect {
 public:
  GuardedDisconnect(Session& session, git_remote* remote) : session_(session), remote_(remote) {}
  ~GuardedDisconnect() {
    session_.guarded([this] { return git_remote_disconnect(remote_); });
  }
  GuardedDisconnect(const GuardedDisconnect&) = delete;
  GuardedDisconnect& operator=(const GuardedDisconnect&) = delete;

 private:
  Session& session_;
  git_remote* remote_;
};

int credentials_cb(git_credential** out, const char* /*url*/, const char* username_from_url,
                   unsigned int allowed, void* payload) {
  auto& session = *static_cast<Session*>(payload);
  if (session.expired()) return GIT_EUSER;
  const Credentials& credentials = session.options->credentials;
  if (++session.credential_attempts > 1) {
    return session.fail(
        Error(ErrorCode::kUnauthenticated, "authentication to " + session.display_url + " failed"));
  }
  const std::string user = username_from_url != nullptr && *username_from_url != '\0'
                               ? username_from_url
                               : credentials.username.value_or("git");
  if ((allowed & GIT_CREDENTIAL_SSH_KEY) != 0U && credentials.identity) {
    return git_credential_ssh_key_memory_new(out, user.c_str(), nullptr,
                                             credentials.identity->c_str(), nullptr);
  }
  if ((allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) != 0U && credentials.username &&
      credentials.password) {
    return git_credential_userpass_plaintext_new(out, credentials.username->c_str(),
                                                 credentials.password->c_str());
  }
  if ((allowed & GIT_CREDENTIAL_USERNAME) != 0U) {
    --session.credential_attempts;  // asking for the user name is not an attempt
    return git_credential_username_new(out, user.c_str());
  }
  const char* missing = (allowed & GIT_CREDENTIAL_SSH_KEY) != 0U ? "an identity (ssh key)"
                                                                 : "a username and password";
  return session.fail(Error(ErrorCode::kUnauthenticated, session.display_url +
                                                             " requires credentials: the secret "
                                                             "has no " +
                                                             std::string(missing)));
}

int certificate_cb(git_cert* cert, int valid, const char* host, void* payload) {
  auto& session = *static_cast<Session*>(payload);
  if (session.expired()) return GIT_EUSER;
  const Endpoint& endpoint = session.endpoint;
  if (cert->cert_type == GIT_CERT_HOSTKEY_LIBSSH2) {
    const auto* hostkey = reinterpret_cast<const git_cert_hostkey*>(cert);
    const std::string target = endpoint.port == 22
                                   ? endpoint.host
                                   : "[" + endpoint.host + "]:" + std::to_string(endpoint.port);
    const auto& known_hosts = session.options->credentials.known_hosts;
    if (!known_hosts) {
      return session.fail(
          Error(ErrorCode::kVerificationFailed,
                "ssh host key of " + target + " cannot be checked: the secret has no known_hosts"));
    }
    if ((hostkey->type & GIT_CERT_SSH_RAW) == 0U) {
      return session.fail(Error(ErrorCode::kVerificationFailed,
                                "ssh host key of " + target + " is not available to check"));
    }
    switch (check_known_hosts(*known_hosts, target,
                              std::string_view(hostkey->hostkey, hostkey->hostkey_len))) {
      case HostKeyVerdict::kMatch:
        return 0;
      case HostKeyVerdict::kUnknownHost:
        return session.fail(
            Error(ErrorCode::kVerificationFailed, "ssh host " + target + " is not in known_hosts"));
      case HostKeyVerdict::kMismatch:
        return session.fail(Error(ErrorCode::kVerificationFailed,
                                  "ssh host key of " + target +
                                      " does not match known_hosts (possible man-in-the-middle)"));
      case HostKeyVerdict::kRevoked:
        return session.fail(Error(ErrorCode::kVerificationFailed,
                                  "ssh host key of " + target + " is revoked in known_hosts"));
    }
  }
  const std::string server = host != nullptr && *host != '\0' ? host : endpoint.host;
  const auto& ca_cert = session.options->credentials.ca_cert;
  if (ca_cert && cert->cert_type == GIT_CERT_X509) {
    // The source's own CA replaces the system's trust store for this fetch.
    const auto* x509 = reinterpret_cast<const git_cert_x509*>(cert);
    try {
      const auto problem = verify_server_certificate(
          std::string_view(static_cast<const char*>(x509->data), x509->len), *ca_cert, server);
      if (!problem) return 0;
      return session.fail(Error(ErrorCode::kVerificationFailed,
                                "TLS certificate of " + server + " is not trusted by the " +
                                    "secret's ca.crt: " + *problem));
    } catch (...) {
      return session.fail(Error::from_current_exception());
    }
  }
  if (valid != 0) return 0;
  return session.fail(
      Error(ErrorCode::kVerificationFailed, "TLS certificate of " + server + " is not trusted"));
}

int transfer_cb(const git_indexer_progress* stats, void* payload) {
  auto& session = *static_cast<Session*>(payload);
  if (session.expired()) return GIT_EUSER;
  if (stats->received_bytes > session.options->max_repository_bytes) {
    return session.fail(resource_exhausted(
        "repository " + session.display_url + " is larger than the limit of " +
        std::to_string(session.options->max_repository_bytes) + " bytes (received " +
        std::to_string(stats->received_bytes) + " bytes, fetch aborted)"));
  }
  return 0;
}

int sideband_cb(const char* /*text*/, int /*len*/, void* payload) {
  return static_cast<Session*>(payload)->expired() ? GIT_EUSER : 0;
}

struct StrArray {
  std::vector<std::string> values;
  std::vector<char*> pointers;
  git_strarray array{};

  explicit StrArray(std::vector<std::string> v) : values(std::move(v)) {
    for (std::string& value : values) pointers.push_back(value.data());
    array.strings = pointers.data();
    array.count = pointers.size();
  }
  StrArray(const StrArray&) = delete;
  StrArray& operator=(const StrArray&) = delete;
};

bool has_object(git_repository* repo, const git_oid& oid) {
  git_odb* odb = nullptr;
  if (git_repository_odb(&odb, repo) < 0) return false;
  const bool exists = git_odb_exists(odb, &oid) != 0;
  git_odb_free(odb);
  return exists;
}

// The commit `oid` (a commit or a tag pointing at one, possibly through more tags) names.
std::string peel_to_commit(git_repository* repo, const git_oid& oid, const std::string& what) {
  git_object* raw = nullptr;
  check(git_object_lookup(&raw, repo, &oid, GIT_OBJECT_ANY), "looking up " + what);
  const detail::ObjectPtr object(raw);
  git_object* peeled_raw = nullptr;
  if (git_object_peel(&peeled_raw, object.get(), GIT_OBJECT_COMMIT) < 0) {
    throw invalid_argument(what + " does not point at a commit");
  }
  const detail::ObjectPtr peeled(peeled_raw);
  return detail::oid_hex(*git_object_id(peeled.get()));
}

}  // namespace

RepositoryCache::RepositoryCache(std::filesystem::path root) : root_(std::move(root)) {}

std::filesystem::path RepositoryCache::repository_path(const std::string& url,
                                                       const Credentials& credentials) const {
  // The whole URL (userinfo included: credentials may live there too) and every credential
  // field, each length-prefixed so no two different inputs hash alike. Only the digest is kept.
  Sha256 key;
  const auto add = [&key](std::string_view field) {
    key.update(std::to_string(field.size()) + ":");
    key.update(field);
  };
  const auto add_optional = [&](const std::optional<std::string>& field) {
    key.update(field ? "+" : "-");
    if (field) add(*field);
  };
  add(url);
  add_optional(credentials.username);
  add_optional(credentials.password);
  add_optional(credentials.bearer_token);
  add_optional(credentials.identity);
  add_optional(credentials.known_hosts);
  add_optional(credentials.ca_cert);
  return root_ / (to_hex(key.finish_raw()).substr(0, 32) + ".git");
}

std::mutex& RepositoryCache::lock_for(const std::filesystem::path& repository) {
  const std::lock_guard<std::mutex> guard(locks_mu_);
  auto& slot = locks_[repository];
  if (!slot) slot = std::make_unique<std::mutex>();
  return *slot;
}

FetchResult RepositoryCache::fetch(const std::string& url, const Ref& ref,
                                   const FetchOptions& options) {
  detail::ensure_libgit2();
  validate(ref);
  Session session;
  session.options = &options;
  session.display_url = redact_url(url);
  session.endpoint = parse_endpoint(url);
  session.deadline = Clock::now() + options.timeout;

  FetchResult result;
  result.resolved = ref;
  result.repository = repository_path(url, options.credentials);
  const std::lock_guard<std::mutex> guard(lock_for(result.repository));

  std::error_code ec;
  std::filesystem::create_directories(root_, ec);
  if (ec) {
    throw Error(ErrorCode::kUnavailable,
                "cannot create git cache " + root_.string() + ": " + ec.message());
  }
  git_repository* repo_raw = nullptr;
  if (git_repository_open_bare(&repo_raw, result.repository.c_str()) < 0) {
    std::filesystem::remove_all(result.repository, ec);
    check(git_repository_init(&repo_raw, result.repository.c_str(), 1),
          "creating cache repository");
  }
  const detail::RepositoryPtr repo(repo_raw);

  // A commit on a branch always lists the remote: the branch may have moved away from it.
  const bool on_branch = ref.kind == RefKind::kCommit && !ref.branch_name.empty();
  if (ref.kind == RefKind::kCommit && !on_branch) {
    const git_oid oid = detail::parse_oid(ref.name);
    git_commit* commit = nullptr;
    if (git_commit_lookup(&commit, repo.get(), &oid) == 0) {
      git_commit_free(commit);
      result.commit = ref.name;
      return result;
    }
  }

  git_remote* remote_raw = nullptr;
  session.check(git_remote_create_anonymous(&remote_raw, repo.get(), url.c_str()),
                "opening remote");
  const detail::RemotePtr remote(remote_raw);
  const GuardedDisconnect disconnect_at_exit(session, remote.get());

  git_remote_callbacks callbacks;
  check(git_remote_init_callbacks(&callbacks, GIT_REMOTE_CALLBACKS_VERSION), "init callbacks");
  callbacks.credentials = credentials_cb;
  callbacks.certificate_check = certificate_cb;
  callbacks.transfer_progress = transfer_cb;
  callbacks.sideband_progress = sideband_cb;
  callbacks.payload = &session;

  std::vector<std::string> header_values;
  if (options.credentials.bearer_token) {
    header_values.push_back("Authorization: Bearer " + *options.credentials.bearer_token);
  }
  const StrArray headers(std::move(header_values));
  git_proxy_options proxy;
  check(git_proxy_options_init(&proxy, GIT_PROXY_OPTIONS_VERSION), "init proxy options");

  session.check(session.guarded([&] {
    return git_remote_connect(remote.get(), GIT_DIRECTION_FETCH, &callbacks, &proxy,
                              &headers.array);
  }),
                "connecting to");
  lists_.fetch_add(1);

  git_fetch_options fetch_options;
  check(git_fetch_options_init(&fetch_options, GIT_FETCH_OPTIONS_VERSION), "init fetch options");
  fetch_options.callbacks = callbacks;
  fetch_options.custom_headers = headers.array;
  fetch_options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
  fetch_options.prune = GIT_FETCH_NO_PRUNE;
  fetch_options.update_fetchhead = 0;

  if (ref.kind == RefKind::kCommit && !on_branch) {
    const StrArray refspecs({"+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"});
    downloads_.fetch_add(1);
    session.check(session.guarded([&] {
      return git_remote_download(remote.get(), &refspecs.array, &fetch_options);
    }),
                  "fetching");
    session.check(session.guarded([&] {
      return git_remote_update_tips(remote.get(), &callbacks, 0, GIT_REMOTE_DOWNLOAD_TAGS_NONE,
                                    nullptr);
    }),
                  "updating refs from");
    session.guarded([&] { return git_remote_disconnect(remote.get()); });
    const git_oid oid = detail::parse_oid(ref.name);
    git_commit* commit = nullptr;
    if (git_commit_lookup(&commit, repo.get(), &oid) != 0) {
      throw not_found("commit " + ref.name + " is not on any branch or tag of " +
                      session.display_url);
    }
    git_commit_free(commit);
    result.commit = ref.name;
    result.downloaded = true;
    return result;
  }

  const git_remote_head** heads = nullptr;
  std::size_t count = 0;
  session.check(git_remote_ls(&heads, &count, remote.get()), "listing refs of");
  if (ref.kind == RefKind::kSemver) {
    std::vector<std::string> tags;
    for (std::size_t i = 0; i < count; ++i) {
      const std::string_view head_name = heads[i]->name;
      if (head_name.starts_with("refs/tags/") && !head_name.ends_with("^{}")) {
        tags.emplace_back(head_name.substr(10));
      }
    }
    const auto tag = highest_matching_tag(tags, VersionRange::parse(ref.name));
    if (!tag) {
      throw not_found("no tag of " + session.display_url + " matches semver range \"" + ref.name +
                      "\"");
    }
    result.resolved = Ref::tag(*tag);
  }
  const Ref concrete = on_branch ? Ref::branch(ref.branch_name) : result.resolved;
  const std::string name = remote_ref_name(concrete);
  const git_remote_head* head = nullptr;
  for (std::size_t i = 0; i < count; ++i) {
    if (name == heads[i]->name) head = heads[i];
  }
  const std::string what = (concrete.kind == RefKind::kBranch ? "branch " : "tag ") + concrete.name;
  if (head == nullptr) throw not_found(what + " not found in " + session.display_url);
  const git_oid target = head->oid;

  git_oid local;
  const bool up_to_date = git_reference_name_to_id(&local, repo.get(), name.c_str()) == 0 &&
                          git_oid_equal(&local, &target) != 0 && has_object(repo.get(), target);
  if (!up_to_date) {
    const StrArray refspecs({"+" + name + ":" + name});
    downloads_.fetch_add(1);
    session.check(session.guarded([&] {
      return git_remote_download(remote.get(), &refspecs.array, &fetch_options);
    }),
                  "fetching");
    result.downloaded = true;
  }
  session.guarded([&] { return git_remote_disconnect(remote.get()); });
  if (!has_object(repo.get(), target)) {
    throw Error(ErrorCode::kUnavailable,
                "fetching " + session.display_url + " did not bring " + what);
  }
  result.commit = peel_to_commit(repo.get(), target, what);
  if (!up_to_date) {
    git_reference* updated = nullptr;
    check(git_reference_create(&updated, repo.get(), name.c_str(), &target, 1, "sluice fetch"),
          "updating " + name + " in the cache");
    git_reference_free(updated);
  }
  if (on_branch) {
    const git_oid tip = detail::parse_oid(result.commit);
    const git_oid wanted = detail::parse_oid(ref.name);
    if (git_oid_equal(&tip, &wanted) == 0 &&
        git_graph_descendant_of(repo.get(), &tip, &wanted) != 1) {
      throw not_found("commit " + ref.name + " is not on " + what + " of " + session.display_url);
    }
    result.commit = ref.name;
  }
  return result;
}

}  // namespace sluice::git
