#include "verify/oci/registry_client.h"

#include <boost/asio/ssl.hpp>
#include <cpprest/http_client.h>
#include <openssl/ssl.h>

#include "core/base64.h"
#include "core/error.h"
#include "core/image_reference.h"
#include "core/json.h"
#include "core/sha256.h"
#include "http/exchange.h"

namespace sluice::verify::oci {
namespace {

namespace web_http = web::http;

constexpr int kMaxRedirects = 5;
constexpr std::size_t kMaxTokenBytes = std::size_t{1024} * 1024;
constexpr std::size_t kMaxReferrersBytes = std::size_t{4} * 1024 * 1024;
constexpr std::size_t kMaxReferrers = 64;  // bounds the manifests fetched for one image
constexpr std::string_view kEmptyMediaType = "application/vnd.oci.empty.v1+json";

const char* const kManifestTypes =
    "application/vnd.oci.image.manifest.v1+json,application/vnd.oci.image.index.v1+json,"
    "application/vnd.docker.distribution.manifest.v2+json,"
    "application/vnd.docker.distribution.manifest.list.v2+json";

std::string sha256_digest(const std::string& bytes) {
  return "sha256:" + sha256_hex(bytes);
}

void check_digest_algorithm(const std::string& digest) {
  if (!is_digest(digest)) throw invalid_argument("invalid digest \"" + digest + "\"");
  if (!digest.starts_with("sha256:")) {
    throw unimplemented("only sha256 digests are supported, not " + digest.substr(0, 7));
  }
}

std::shared_ptr<web_http::client::http_client> make_client(const std::string& base,
                                                           const RegistryOptions& options) {
  web_http::client::http_client_config config = http::client_config(options.timeout);
  if (!options.ca_pem.empty()) {
    X509_STORE_free(http::x509_store_from_pem(options.ca_pem, "the registry CA"));  // validate now
    const std::string pem = options.ca_pem;
    config.set_ssl_context_callback([pem](boost::asio::ssl::context& ctx) {
      SSL_CTX_set_cert_store(ctx.native_handle(), http::x509_store_from_pem(pem, "registry CA"));
    });
  }
  try {
    return std::make_shared<web_http::client::http_client>(web::uri(base), config);
  } catch (const std::exception& e) {
    throw invalid_argument("registry \"" + base + "\": " + e.what());
  }
}

// The parameters of a WWW-Authenticate challenge: scheme, and key="value" pairs.
struct Challenge {
  std::string scheme;
  std::map<std::string, std::string> params;
};

Challenge parse_challenge(const std::string& header) {
  Challenge challenge;
  const std::size_t space = header.find(' ');
  challenge.scheme = header.substr(0, space);
  for (char& c : challenge.scheme)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::size_t at = space == std::string::npos ? header.size() : space + 1;
  while (at < header.size()) {
    while (at < header.size() && (header[at] == ' ' || header[at] == ',')) ++at;
    const std::size_t eq = header.find('=', at);
    if (eq == std::string::npos) break;
    const std::string key = header.substr(at, eq - at);
    std::string value;
    at = eq + 1;
    if (at < header.size() && header[at] == '"') {
      const std::size_t close = header.find('"', at + 1);
      if (close == std::string::npos) break;
      value = header.substr(at + 1, close - at - 1);
      at = close + 1;
    } else {
      const std::size_t comma = header.find(',', at);
      value = header.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
      at = comma == std::string::npos ? header.size() : comma;
    }
    challenge.params[key] = value;
  }
  return challenge;
}

Descriptor descriptor_from(const Json& json) {
  Descriptor d;
  if (!json.is_object()) return d;
  if (json.contains("mediaType") && json.at("mediaType").is_string()) {
    d.media_type = json.at("mediaType").get<std::string>();
  }
  if (json.contains("digest") && json.at("digest").is_string()) {
    d.digest = json.at("digest").get<std::string>();
  }
  if (json.contains("size") && json.at("size").is_number_integer()) {
    d.size = json.at("size").get<long long>();
  }
  if (json.contains("artifactType") && json.at("artifactType").is_string()) {
    d.artifact_type = json.at("artifactType").get<std::string>();
  }
  if (json.contains("annotations") && json.at("annotations").is_object()) {
    for (const auto& [key, value] : json.at("annotations").items()) {
      if (value.is_string()) d.annotations[key] = value.get<std::string>();
    }
  }
  return d;
}

}  // namespace

struct RegistryClient::Answer {
  int status = 0;
  std::string body;
  std::string content_type;
  std::string docker_content_digest;
};

std::vector<Descriptor> Manifest::descriptors(const char* field) const {
  std::vector<Descriptor> out;
  if (!json.is_object() || !json.contains(field) || !json.at(field).is_array()) return out;
  for (const auto& entry : json.at(field)) out.push_back(descriptor_from(entry));
  return out;
}

RegistryClient::RegistryClient(std::string host, RegistryOptions options)
    : host_(std::move(host)), options_(std::move(options)) {
  http_ = make_client((options_.plain_http ? "http://" : "https://") + host_, options_);
}

RegistryClient::~RegistryClient() = default;

std::optional<std::string> RegistryClient::authorization_for(const std::string& header,
                                                             const std::string& repository) {
  const Challenge challenge = parse_challenge(header);
  const auto basic = [this]() -> std::optional<std::string> {
    if (!options_.credentials) return std::nullopt;
    return "Basic " +
           encode_base64(options_.credentials->username + ":" + options_.credentials->password);
  };
  if (challenge.scheme == "basic") return basic();
  if (challenge.scheme != "bearer") return std::nullopt;
  const std::string scope = "repository:" + repository + ":pull";
  if (const auto cached = tokens_.find(scope); cached != tokens_.end()) return cached->second;
  const auto realm = challenge.params.find("realm");
  if (realm == challenge.params.end() ||
      !(realm->second.starts_with("https://") ||
        (options_.plain_http && realm->second.starts_with("http://")))) {
    throw Error(ErrorCode::kUnauthenticated,
                "registry " + host_ + " asks for a token from an unusable realm");
  }
  std::string query = (realm->second.find('?') == std::string::npos ? "?scope=" : "&scope=") +
                      web::uri::encode_data_string(scope);
  if (const auto service = challenge.params.find("service"); service != challenge.params.end()) {
    query += "&service=" + web::uri::encode_data_string(service->second);
  }
  const std::string realm_url = realm->second;
  const std::size_t path_at = realm_url.find('/', realm_url.find("://") + 3);
  const auto token_client = make_client(realm_url.substr(0, path_at), options_);
  web_http::http_request request(web_http::methods::GET);
  request.set_request_uri((path_at == std::string::npos ? "/" : realm_url.substr(path_at)) + query);
  if (const auto credentials = basic()) request.headers().add("Authorization", *credentials);
  const http::Response response =
      http::exchange(*token_client, request, kMaxTokenBytes, "token request to " + realm_url);
  if (response.status != 200) {
    throw Error(ErrorCode::kUnauthenticated, "registry token request to " + realm_url +
                                                 " answered " + std::to_string(response.status));
  }
  const auto json = Json::parse(response.body, nullptr, false);
  std::string token;
  for (const char* key : {"token", "access_token"}) {
    if (json.is_object() && json.contains(key) && json.at(key).is_string()) {
      token = json.at(key).get<std::string>();
      break;
    }
  }
  if (token.empty()) {
    throw Error(ErrorCode::kUnauthenticated,
                "registry token answer from " + realm_url + " holds no token");
  }
  return tokens_[scope] = "Bearer " + token;
}

RegistryClient::Answer RegistryClient::get(const std::string& repository, const std::string& path,
                                           const std::string& accept, std::size_t max_bytes) {
  const std::string what = "GET " + host_ + path;
  std::optional<std::string> authorization;
  if (const auto cached = tokens_.find("repository:" + repository + ":pull");
      cached != tokens_.end()) {
    authorization = cached->second;
  }
  std::shared_ptr<web_http::client::http_client> client = http_;
  std::string target = path;
  bool challenged = false;
  for (int redirects = 0;;) {
    web_http::http_request request(web_http::methods::GET);
    request.set_request_uri(target);
    if (!accept.empty()) request.headers().add("Accept", accept);
    if (authorization && client == http_) request.headers().add("Authorization", *authorization);
    const http::Response response = http::exchange(*client, request, max_bytes, what);
    if (response.status == 401 && !challenged && client == http_) {
      challenged = true;
      authorization = authorization_for(response.header("WWW-Authenticate"), repository);
      if (authorization) continue;
    }
    if (response.status >= 300 && response.status <= 399 && response.status != 304) {
      const std::string location = response.header("Location");
      if (location.empty() || ++redirects > kMaxRedirects) {
        throw Error(ErrorCode::kUnavailable, what + ": bad or too many redirects");
      }
      if (location.starts_with("/")) {
        target = location;  // same host: credentials still apply
      } else {
        // Elsewhere, but never down to plain HTTP from HTTPS: a man in the middle could then
        // answer in the registry's name (docs/security.md, F6).
        if (!location.starts_with("https://") &&
            !(options_.plain_http && location.starts_with("http://"))) {
          throw Error(ErrorCode::kPermissionDenied,
                      what + (location.starts_with("http://")
                                  ? ": refused a redirect from HTTPS to plain HTTP"
                                  : ": refused a redirect to a URL that is not https://"));
        }
        const std::size_t path_at = location.find('/', location.find("://") + 3);
        client = make_client(location.substr(0, path_at), options_);
        target = path_at == std::string::npos ? "/" : location.substr(path_at);
      }
      continue;
    }
    Answer answer{response.status, response.body, response.header("Content-Type"),
                  response.header("Docker-Content-Digest")};
    if (response.status == 401 || response.status == 403) {
      throw Error(
          response.status == 401 ? ErrorCode::kUnauthenticated : ErrorCode::kPermissionDenied,
          what + ": the registry refused access (" + std::to_string(response.status) + ")");
    }
    if (response.status != 200 && response.status != 404) {
      throw Error(ErrorCode::kUnavailable,
                  what + ": the registry answered " + std::to_string(response.status));
    }
    return answer;
  }
}

std::optional<Manifest> RegistryClient::manifest(const std::string& repository,
                                                 const std::string& reference) {
  const bool by_digest = reference.find(':') != std::string::npos;
  if (by_digest) check_digest_algorithm(reference);
  const Answer answer = get(repository, "/v2/" + repository + "/manifests/" + reference,
                            kManifestTypes, options_.max_manifest_bytes);
  if (answer.status == 404) return std::nullopt;
  Manifest manifest;
  manifest.bytes = answer.body;
  manifest.digest = sha256_digest(answer.body);
  const std::string& expected = by_digest ? reference : answer.docker_content_digest;
  if (!expected.empty() && expected != manifest.digest) {
    throw Error(ErrorCode::kVerificationFailed, "manifest " + repository + "@" + reference +
                                                    " does not match its digest " + expected +
                                                    " (got " + manifest.digest + ")");
  }
  manifest.json = Json::parse(answer.body, nullptr, false);
  if (!manifest.json.is_object()) {
    throw Error(ErrorCode::kUnavailable,
                "manifest " + repository + "@" + reference + " is not a JSON object");
  }
  manifest.media_type = answer.content_type;
  if (manifest.json.contains("mediaType") && manifest.json.at("mediaType").is_string()) {
    manifest.media_type = manifest.json.at("mediaType").get<std::string>();
  }
  return manifest;
}

std::string RegistryClient::blob(const std::string& repository, const std::string& digest,
                                 std::size_t max_bytes) {
  check_digest_algorithm(digest);
  const Answer answer = get(repository, "/v2/" + repository + "/blobs/" + digest, "", max_bytes);
  if (answer.status == 404) throw not_found("blob " + repository + "@" + digest + " not found");
  if (sha256_digest(answer.body) != digest) {
    throw Error(ErrorCode::kVerificationFailed,
                "blob " + repository + "@" + digest + " does not match its digest");
  }
  return answer.body;
}

std::vector<Descriptor> RegistryClient::referrers(const std::string& repository,
                                                  const std::string& digest,
                                                  const std::string& artifact_type) {
  check_digest_algorithm(digest);
  const Answer answer = get(repository, "/v2/" + repository + "/referrers/" + digest,
                            "application/vnd.oci.image.index.v1+json", kMaxReferrersBytes);
  Manifest index;
  if (answer.status == 200) {
    index.json = Json::parse(answer.body, nullptr, false);
  } else {
    // The referrers tag schema (OCI distribution-spec 1.1): an index at tag sha256-<hex>.
    std::optional<Manifest> tagged = manifest(repository, "sha256-" + digest.substr(7));
    if (!tagged) return {};
    index = std::move(*tagged);
  }
  std::vector<Descriptor> matching;
  std::vector<Descriptor> entries = index.descriptors("manifests");
  if (entries.size() > kMaxReferrers) entries.resize(kMaxReferrers);
  for (Descriptor& d : entries) {
    if (!is_digest(d.digest)) continue;
    if (d.artifact_type.empty() || d.artifact_type == kEmptyMediaType) {
      // Some writers (cosign 2.6 through go-containerregistry's tag-schema fallback) put the
      // empty config's media type in the index; the manifest itself says what it is.
      const std::optional<Manifest> referrer = manifest(repository, d.digest);
      if (!referrer || !referrer->json.contains("artifactType") ||
          !referrer->json.at("artifactType").is_string()) {
        continue;
      }
      d.artifact_type = referrer->json.at("artifactType").get<std::string>();
    }
    if (d.artifact_type == artifact_type) matching.push_back(std::move(d));
  }
  return matching;
}

}  // namespace sluice::verify::oci
