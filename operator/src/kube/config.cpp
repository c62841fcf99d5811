#include "kube/config.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <system_error>

#include <cpprest/asyncrt_utils.h>

#include "core/error.h"
#include "core/json.h"
#include "core/yaml_reader.h"

namespace sluice::kube {
namespace {

namespace fs = std::filesystem;
using json = sluice::Json;

constexpr std::size_t kMaxFileBytes =
    std::size_t{4} * 1024 * 1024;  // kubeconfigs, certificates, tokens

std::string read_small_file(const fs::path& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw invalid_argument("cannot read " + what + " " + path.string());
  std::string content;
  char buffer[8192];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    content.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (content.size() > kMaxFileBytes) {
      throw resource_exhausted(what + " " + path.string() + " is larger than 4 MiB");
    }
  }
  return content;
}

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

// A named entry of kubeconfig's `clusters`, `users` or `contexts` lists.
const json& find_named(const json& root, const char* list, const std::string& name,
                       const char* field, const std::string& origin) {
  const auto it = root.find(list);
  if (it != root.end() && !it->is_null()) {
    if (!it->is_array()) throw invalid_argument(origin + ": " + list + " is not a list");
    for (const auto& entry : *it) {
      if (entry.is_object() && entry.value("name", json()) == name) {
        const auto body = entry.find(field);
        if (body == entry.end() || body->is_null()) return entry;  // fields may be absent
        if (!body->is_object()) {
          throw invalid_argument(origin + ": " + list + "[" + name + "]." + field +
                                 " is not a mapping");
        }
        return *body;
      }
    }
  }
  throw not_found(origin + ": no " + field + " named \"" + name + "\" in " + list);
}

std::string string_field(const json& object, const char* key, const std::string& where) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return {};
  if (!it->is_string()) throw invalid_argument(where + "." + key + " is not a string");
  return it->get<std::string>();
}

bool bool_field(const json& object, const char* key, const std::string& where) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return false;
  if (!it->is_boolean()) throw invalid_argument(where + "." + key + " is not a boolean");
  return it->get<bool>();
}

std::string decode_base64(const std::string& data, const std::string& where) {
  std::string compact;
  for (const char c : data) {
    if (c != '\n' && c != '\r' && c != ' ' && c != '\t') compact.push_back(c);
  }
  try {
    const auto bytes = utility::conversions::from_base64(compact);
    return {bytes.begin(), bytes.end()};
  } catch (const std::exception&) {
    throw invalid_argument(where + " is not valid base64");
  }
}

fs::path resolve(const fs::path& base_dir, const std::string& path) {
  const fs::path p(path);
  return p.is_absolute() ? p : base_dir / p;
}

// `<name>-data` (base64) wins over `<name>` (a file), as in clientcmd.
std::string pem_field(const json& object, const std::string& name, const fs::path& base_dir,
                      const std::string& where) {
  const std::string data = string_field(object, (name + "-data").c_str(), where);
  if (!data.empty()) return decode_base64(data, where + "." + name + "-data");
  const std::string file = string_field(object, name.c_str(), where);
  if (file.empty()) return {};
  return read_small_file(resolve(base_dir, file), where + "." + name);
}

}  // namespace

TokenFile::TokenFile(fs::path path, std::chrono::seconds max_age)
    : path_(std::move(path)), max_age_(max_age) {}

std::string TokenFile::token() {
  const std::lock_guard lock(mu_);
  std::error_code ec;
  const auto mtime = fs::last_write_time(path_, ec);
  const auto now = std::chrono::steady_clock::now();
  const bool changed = ec || !mtime_ || *mtime_ != mtime;
  if (token_.empty() || changed || now - read_at_ >= max_age_) {
    std::string fresh = trim(read_small_file(path_, "token file"));
    if (fresh.empty()) throw invalid_argument("token file " + path_.string() + " is empty");
    token_ = std::move(fresh);
    if (!ec) mtime_ = mtime;
    read_at_ = now;
  }
  return token_;
}

Impersonation Impersonation::service_account(const std::string& ns, const std::string& name) {
  return Impersonation{.user = "system:serviceaccount:" + ns + ":" + name, .groups = {}};
}

std::optional<std::string> ClusterConfig::bearer_token() const {
  if (!token.empty()) return token;
  if (token_file) return token_file->token();
  return std::nullopt;
}

ClusterConfig parse_kubeconfig(const std::string& text, const fs::path& base_dir,
                               const KubeconfigOptions& options, const std::string& origin) {
  json root;
  try {
    root = parse_yaml(text);
  } catch (const Error& e) {
    throw e.with_context(origin);
  }
  if (!root.is_object()) throw invalid_argument(origin + ": not a kubeconfig mapping");

  std::string context_name = options.context;
  if (context_name.empty()) context_name = string_field(root, "current-context", origin);
  if (context_name.empty()) {
    throw invalid_argument(origin + ": no current-context set and no context given");
  }
  const json& context = find_named(root, "contexts", context_name, "context", origin);
  const std::string context_where = origin + ": context " + context_name;
  const std::string cluster_name = string_field(context, "cluster", context_where);
  const std::string user_name = string_field(context, "user", context_where);
  if (cluster_name.empty()) throw invalid_argument(context_where + " names no cluster");

  ClusterConfig config;
  config.ns = string_field(context, "namespace", context_where);
  if (config.ns.empty()) config.ns = "default";

  const json& cluster = find_named(root, "clusters", cluster_name, "cluster", origin);
  const std::string cluster_where = origin + ": cluster " + cluster_name;
  config.server = string_field(cluster, "server", cluster_where);
  while (!config.server.empty() && config.server.back() == '/') config.server.pop_back();
  if (config.server.empty()) throw invalid_argument(cluster_where + " has no server");
  config.ca_pem = pem_field(cluster, "certificate-authority", base_dir, cluster_where);
  config.insecure_skip_tls_verify = bool_field(cluster, "insecure-skip-tls-verify", cluster_where);
  if (config.insecure_skip_tls_verify && !config.ca_pem.empty()) {
    // client-go refuses this combination too: the two settings contradict each other.
    throw invalid_argument(cluster_where +
                           ": certificate-authority and insecure-skip-tls-verify are both set");
  }

  if (!user_name.empty()) {
    const json& user = find_named(root, "users", user_name, "user", origin);
    const std::string user_where = origin + ": user " + user_name;
    for (const char* unsupported : {"exec", "auth-provider", "username", "password"}) {
      if (user.contains(unsupported) && !user[unsupported].is_null()) {
        throw unimplemented(user_where + ": " + unsupported + " is not supported");
      }
    }
    config.client_cert_pem = pem_field(user, "client-certificate", base_dir, user_where);
    config.client_key_pem = pem_field(user, "client-key", base_dir, user_where);
    if (config.client_cert_pem.empty() != config.client_key_pem.empty()) {
      throw invalid_argument(user_where + ": client-certificate and client-key go together");
    }
    config.token = trim(string_field(user, "token", user_where));
    const std::string token_file = string_field(user, "tokenFile", user_where);
    if (config.token.empty() && !token_file.empty()) {
      config.token_file = std::make_shared<TokenFile>(resolve(base_dir, token_file));
    }
    config.impersonate.user = string_field(user, "as", user_where);
    if (const auto groups = user.find("as-groups"); groups != user.end() && !groups->is_null()) {
      if (!groups->is_array()) throw invalid_argument(user_where + ".as-groups is not a list");
      for (const auto& group : *groups) {
        if (!group.is_string()) throw invalid_argument(user_where + ".as-groups: not a string");
        config.impersonate.groups.push_back(group.get<std::string>());
      }
    }
  }
  return config;
}

ClusterConfig load_kubeconfig(const fs::path& path, const KubeconfigOptions& options) {
  const std::string text = read_small_file(path, "kubeconfig");
  fs::path base_dir = path.parent_path();
  if (base_dir.empty()) base_dir = ".";
  return parse_kubeconfig(text, base_dir, options, path.string());
}

ClusterConfig in_cluster_config(const fs::path& sa_dir) {
  const char* host = std::getenv("KUBERNETES_SERVICE_HOST");
  const char* port = std::getenv("KUBERNETES_SERVICE_PORT");
  if (host == nullptr || *host == '\0' || port == nullptr || *port == '\0') {
    throw Error(ErrorCode::kFailedPrecondition,
                "not running in a cluster: KUBERNETES_SERVICE_HOST/PORT are not set");
  }
  ClusterConfig config;
  const std::string host_name(host);
  // An IPv6 service address needs brackets in a URL.
  const bool ipv6 = host_name.find(':') != std::string::npos;
  config.server = "https://" + (ipv6 ? "[" + host_name + "]" : host_name) + ":" + port;
  config.token_file = std::make_shared<TokenFile>(sa_dir / "token");
  config.token_file->token();  // fail now, naming the file, rather than on the first request
  config.ca_pem = read_small_file(sa_dir / "ca.crt", "service-account CA");
  std::error_code ec;
  if (fs::exists(sa_dir / "namespace", ec)) {
    config.ns = trim(read_small_file(sa_dir / "namespace", "service-account namespace"));
  }
  if (config.ns.empty()) config.ns = "default";
  return config;
}

}  // namespace sluice::kube
