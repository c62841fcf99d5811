#pragma once

// Where the cluster is and how to authenticate to it: ClusterConfig, loaded from a kubeconfig
// file or from the in-cluster service-account mount.
//
// Follows client-go's clientcmd for the fields sluice supports: certificate-authority(-data),
// client-certificate(-data), client-key(-data), token, tokenFile, insecure-skip-tls-verify and
// the user's `as`/`as-groups` impersonation. File paths in a kubeconfig are relative to the
// kubeconfig's own directory. Auth plugins (exec, auth-provider) and basic auth are refused
// with kUnimplemented rather than silently ignored.
//
// Token values are secrets: nothing here logs them, and error messages name the file, never
// the content.

#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace sluice::kube {

// A bearer token read from a file that may be rotated underneath us (projected
// service-account tokens are). The file is re-read when its mtime changes, and at least once
// a minute whatever the mtime says (a rename-into-place may keep it). Thread-safe.
class TokenFile {
 public:
  explicit TokenFile(std::filesystem::path path,
                     std::chrono::seconds max_age = std::chrono::seconds(60));

  // The current token (surrounding whitespace trimmed). Throws kInvalidArgument if the file
  // cannot be read or is empty.
  std::string token();

  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
  std::chrono::seconds max_age_;
  std::mutex mu_;
  std::string token_;
  std::optional<std::filesystem::file_time_type> mtime_;
  std::chrono::steady_clock::time_point read_at_{};
};

struct Impersonation {
  std::string user;  // Impersonate-User; empty: no impersonation
  std::vector<std::string> groups;

  // The user name Kubernetes gives a ServiceAccount.
  static Impersonation service_account(const std::string& ns, const std::string& name);
};

struct ClusterConfig {
  std::string server;  // https://host:port, no trailing slash
  std::string ca_pem;  // empty: the system trust store
  std::string client_cert_pem;
  std::string client_key_pem;
  std::string token;  // a static bearer token; empty when token_file is used
  std::shared_ptr<TokenFile> token_file;
  bool insecure_skip_tls_verify = false;
  Impersonation impersonate;
  std::string ns;  // the context's (or the pod's) namespace; "default" if none given

  // The bearer token to send, if any: the static one, else the file's current content.
  std::optional<std::string> bearer_token() const;
};

struct KubeconfigOptions {
  std::string context;  // empty: current-context
};

// Loads `path`. Throws kInvalidArgument naming the file and field for malformed input,
// kNotFound for a missing context/cluster/user, kUnimplemented for unsupported auth.
ClusterConfig load_kubeconfig(const std::filesystem::path& path,
                              const KubeconfigOptions& options = {});

// Same, for kubeconfig text; relative paths resolve against `base_dir`.
ClusterConfig parse_kubeconfig(const std::string& text, const std::filesystem::path& base_dir,
                               const KubeconfigOptions& options = {},
                               const std::string& origin = "kubeconfig");

inline constexpr const char* kServiceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount";

// In-cluster config: KUBERNETES_SERVICE_HOST/PORT and `sa_dir`/{token,ca.crt,namespace}.
// The token is a TokenFile (rotated by the kubelet). Throws kFailedPrecondition when not
// running in a cluster.
ClusterConfig in_cluster_config(const std::filesystem::path& sa_dir = kServiceAccountDir);

}  // namespace sluice::kube
