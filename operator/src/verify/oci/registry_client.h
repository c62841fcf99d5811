#pragma once
// Reading from an OCI registry over the distribution HTTP API (/v2/): manifests, blobs and
// OCI 1.1 referrers, anonymously or with basic or bearer-token authentication.
//
// Everything read is checked against its digest (sha256): a manifest fetched by digest must
// hash to it, one fetched by tag must hash to the Docker-Content-Digest the registry names (when
// it names one), and a blob must hash to the digest asked for. Sizes are bounded. A 401 answer
// with a WWW-Authenticate challenge is answered once per request: "Basic" with the configured
// credentials, "Bearer" by fetching a token from the challenge's realm (with the credentials
// when there are any) for the requested scope; tokens are cached per scope.
// Registries are untrusted: every answer is parsed defensively and refusals carry the reason.

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/json.h"

namespace web::http::client {
class http_client;
}

namespace sluice::verify::oci {

struct RegistryCredentials {
  std::string username;
  std::string password;  // or an identity token; never logged
};

struct RegistryOptions {
  bool plain_http = false;  // http:// instead of https:// (cosign's --allow-http-registry)
  std::string ca_pem;       // when set, the only trust anchors for the registry's certificate
  std::optional<RegistryCredentials> credentials;
  std::chrono::seconds timeout = std::chrono::seconds(30);
  std::size_t max_manifest_bytes = std::size_t{4} * 1024 * 1024;  // distribution's own limit
};

struct Descriptor {
  std::string media_type;
  std::string digest;
  long long size = 0;
  std::string artifact_type;
  std::map<std::string, std::string> annotations;
};

struct Manifest {
  std::string media_type;
  std::string digest;  // sha256 of `bytes`
  std::string bytes;
  Json json;

  // The "layers" (image manifests) or "manifests" (indexes) descriptors.
  std::vector<Descriptor> descriptors(const char* field) const;
};

class RegistryClient {
 public:
  // `host` is the registry's API host[:port] (registry_api_host() in verify/oci/cosign.h).
  RegistryClient(std::string host, RegistryOptions options);
  ~RegistryClient();
  RegistryClient(const RegistryClient&) = delete;
  RegistryClient& operator=(const RegistryClient&) = delete;

  // The manifest (image manifest or index, OCI or Docker v2) at a tag or digest; nullopt when
  // the registry has none (404).
  std::optional<Manifest> manifest(const std::string& repository, const std::string& reference);

  // A blob's bytes (at most `max_bytes`).
  std::string blob(const std::string& repository, const std::string& digest, std::size_t max_bytes);

  // The OCI 1.1 referrers of `digest` whose artifactType is `artifact_type`: from the
  // referrers API, or, when the registry lacks it (404), from the referrers tag schema's
  // index at the tag "sha256-<hex>".
  std::vector<Descriptor> referrers(const std::string& repository, const std::string& digest,
                                    const std::string& artifact_type);

 private:
  struct Answer;
  Answer get(const std::string& repository, const std::string& path, const std::string& accept,
             std::size_t max_bytes);
  std::optional<std::string> authorization_for(const std::string& challenge,
                                               const std::string& repository);

  std::string host_;
  RegistryOptions options_;
  std::shared_ptr<web::http::client::http_client> http_;
  std::map<std::string, std::string> tokens_;  // scope -> "Bearer <token>"
};

}  // namespace sluice::verify::oci
