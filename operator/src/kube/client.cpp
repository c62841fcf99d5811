#include "kube/client.h"

#include <exception>
#include <utility>

#include <boost/asio/ssl.hpp>
#include <cpprest/http_client.h>
#include <cpprest/uri.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "core/error.h"
#include "http/exchange.h"
#include "kube/rate_limit.h"
#include "kube/status.h"
#include "kube/watch.h"
#include "runtime/abort_source.h"

namespace sluice::kube {
namespace {

namespace web_http = web::http;

std::string encode(const std::string& value) {
  return web::uri::encode_data_string(value);
}

void check_segment(const std::string& value, const char* what) {
  if (value.empty() || value == "." || value == ".." ||
      value.find_first_of("/?#%") != std::string::npos) {
    throw invalid_argument(std::string("invalid ") + what + " \"" + value + "\"");
  }
}

// Appends "name=value" to a query string being built.
void add_query(std::string& query, const std::string& name, const std::string& value) {
  query += query.empty() ? '?' : '&';
  query += name + "=" + encode(value);
}

void configure_tls(boost::asio::ssl::context& ctx, const ClusterConfig& config) {
  if (!config.ca_pem.empty() && !config.insecure_skip_tls_verify) {
    SSL_CTX_set_cert_store(ctx.native_handle(), sluice::http::x509_store_from_pem(
                                                    config.ca_pem, "certificate-authority"));
  }
  if (!config.client_cert_pem.empty()) {
    ctx.use_certificate_chain(
        boost::asio::buffer(config.client_cert_pem.data(), config.client_cert_pem.size()));
    ctx.use_private_key(
        boost::asio::buffer(config.client_key_pem.data(), config.client_key_pem.size()),
        boost::asio::ssl::context::pem);
  }
}

// Fails at construction, naming the field, rather than on every connection attempt.
void validate_tls_material(const ClusterConfig& config) {
  if (!config.ca_pem.empty()) {
    X509_STORE_free(sluice::http::x509_store_from_pem(config.ca_pem, "certificate-authority"));
  }
  if (!config.client_cert_pem.empty()) {
    boost::asio::ssl::context probe(boost::asio::ssl::context::tls_client);
    try {
      configure_tls(probe, config);
    } catch (const boost::system::system_error& e) {
      throw invalid_argument(std::string("client certificate or key is unusable: ") + e.what());
    }
  }
}

std::string propagation_name(PropagationPolicy policy) {
  switch (policy) {
    case PropagationPolicy::kOrphan:
      return "Orphan";
    case PropagationPolicy::kBackground:
      return "Background";
    case PropagationPolicy::kForeground:
      return "Foreground";
    case PropagationPolicy::kDefault:
      break;
  }
  return {};
}

// Requests whose repetition cannot change the outcome: reads, and server-side apply (the same
// applied configuration converges to the same object and ownership).
bool is_idempotent(const std::string& method, const std::string& content_type) {
  return method == "GET" || method == "HEAD" ||
         (method == "PATCH" && content_type == "application/apply-patch+yaml");
}

bool is_retryable_status(int status) {
  return status == 429 || (status >= 500 && status <= 599);
}

}  // namespace

std::string Resource::collection_path(const std::string& ns) const {
  check_segment(version, "API version");
  check_segment(resource, "resource");
  std::string path = group.empty() ? "/api/" + version : "/apis/" + group + "/" + version;
  if (!group.empty()) check_segment(group, "API group");
  if (namespaced && !ns.empty()) {
    check_segment(ns, "namespace");
    path += "/namespaces/" + ns;
  } else if (!namespaced && !ns.empty()) {
    throw invalid_argument(resource + " is cluster-scoped; got namespace \"" + ns + "\"");
  }
  return path + "/" + resource;
}

std::string Resource::object_path(const std::string& ns, const std::string& name) const {
  if (namespaced) check_segment(ns, "namespace");
  check_segment(name, "name");
  return collection_path(ns) + "/" + name;
}

Resource configmaps() {
  return {.group = "", .version = "v1", .resource = "configmaps"};
}
Resource secrets() {
  return {.group = "", .version = "v1", .resource = "secrets"};
}
Resource service_accounts() {
  return {.group = "", .version = "v1", .resource = "serviceaccounts"};
}
Resource namespaces() {
  return {.group = "", .version = "v1", .resource = "namespaces", .namespaced = false};
}

Client::Client(ClusterConfig config, ClientOptions options)
    : config_(std::make_shared<const ClusterConfig>(std::move(config))),
      options_(std::move(options)),
      impersonate_(config_->impersonate) {
  if (!options_.clock) options_.clock = runtime::SystemClock::instance();
  if (!options_.random) options_.random = runtime::default_random_source();
  limiter_ = std::make_shared<TokenBucket>(options_.qps, options_.burst, options_.clock);
  if (config_->server.rfind("https://", 0) != 0 && config_->server.rfind("http://", 0) != 0) {
    throw invalid_argument("server \"" + config_->server + "\" is not an http(s) URL");
  }
  validate_tls_material(*config_);
  http_ = new_http_client(options_.timeout);
}

Client::Client(std::shared_ptr<const ClusterConfig> config,
               std::shared_ptr<web_http::client::http_client> http, ClientOptions options,
               Impersonation impersonate, std::shared_ptr<TokenBucket> limiter)
    : config_(std::move(config)),
      http_(std::move(http)),
      options_(std::move(options)),
      impersonate_(std::move(impersonate)),
      limiter_(std::move(limiter)) {}

Client Client::impersonating(Impersonation who) const {
  if (who.groups.size() > 1) {
    throw unimplemented("impersonating more than one group is not supported yet");
  }
  return Client(config_, http_, options_, std::move(who), limiter_);
}

Response Client::request(const std::string& method, const std::string& path_and_query,
                         const std::string& body, const std::string& content_type) const {
  const std::string what = method + " " + path_and_query.substr(0, path_and_query.find('?'));
  const bool retry = is_idempotent(method, content_type);
  runtime::Clock& clock = *options_.clock;
  const auto give_up_at = clock.now() + options_.retry.deadline;
  runtime::Backoff backoff(options_.retry.backoff, options_.random);
  for (int attempt = 1;; ++attempt) {
    limiter_->acquire();
    std::optional<std::chrono::seconds> retry_after;
    std::optional<Error> failure;
    try {
      Response response = send_once(method, path_and_query, body, content_type, retry_after);
      if (response.status >= 200 && response.status <= 299) return response;
      failure = error_from_response(response.status, response.body, what);
      // Any verb is sent again when the server asked for it (429/5xx *with* Retry-After, as
      // client-go does): it refused the request before acting on it (priority and fairness,
      // max in flight), so a repeat cannot apply it twice.
      const bool asked_to_retry = retry_after.has_value();
      if (!(retry || asked_to_retry) || !is_retryable_status(response.status)) throw *failure;
    } catch (const Error& e) {
      if (failure) throw;
      // Transport failures: only a connection-level kUnavailable is worth another attempt.
      if (!retry || e.code() != ErrorCode::kUnavailable) throw;
      failure = e;
    }
    if (attempt >= options_.retry.max_attempts) throw *failure;
    const runtime::Clock::Duration wait =
        retry_after ? std::chrono::duration_cast<runtime::Clock::Duration>(*retry_after)
                    : std::chrono::duration_cast<runtime::Clock::Duration>(backoff.next());
    if (clock.now() + wait > give_up_at) throw *failure;
    runtime::AbortSource never;  // bounded by the retry deadline
    runtime::sleep_for(wait, never, clock);
  }
}

Response Client::send_once(const std::string& method, const std::string& path_and_query,
                           const std::string& body, const std::string& content_type,
                           std::optional<std::chrono::seconds>& retry_after) const {
  const std::string what = method + " " + path_and_query.substr(0, path_and_query.find('?'));
  web_http::http_request req = new_request(method, path_and_query);
  if (!content_type.empty()) req.set_body(body, content_type);
  sluice::http::Response answer =
      sluice::http::exchange(*http_, req, options_.max_response_bytes, what);
  // Only the delta-seconds form; an HTTP date falls back to backoff.
  long long seconds = -1;
  if (answer.headers.match("Retry-After", seconds) && seconds >= 0) {
    retry_after = std::chrono::seconds(seconds);
  }
  return Response{.status = answer.status,
                  .body = std::move(answer.body),
                  .content_type = answer.headers.content_type()};
}

web_http::http_request Client::new_request(const std::string& method,
                                           const std::string& path_and_query) const {
  web_http::http_request req(method);
  req.set_request_uri(path_and_query);
  auto& headers = req.headers();
  headers.add("Accept", "application/json");
  headers.add("User-Agent", options_.user_agent);
  if (const auto token = config_->bearer_token()) headers.add("Authorization", "Bearer " + *token);
  if (!impersonate_.user.empty()) {
    if (impersonate_.groups.size() > 1) {
      throw unimplemented("impersonating more than one group is not supported yet");
    }
    headers.add("Impersonate-User", impersonate_.user);
    for (const auto& group : impersonate_.groups) headers.add("Impersonate-Group", group);
  }
  return req;
}

std::shared_ptr<web_http::client::http_client> Client::new_http_client(
    std::chrono::seconds timeout) const {
  web_http::client::http_client_config http_config = sluice::http::client_config(timeout);
  http_config.set_validate_certificates(!config_->insecure_skip_tls_verify);
  std::shared_ptr<const ClusterConfig> tls_config = config_;
  http_config.set_ssl_context_callback(
      [tls_config](boost::asio::ssl::context& ctx) { configure_tls(ctx, *tls_config); });
  try {
    return std::make_shared<web_http::client::http_client>(web::uri(config_->server), http_config);
  } catch (const std::exception& e) {
    throw invalid_argument("server \"" + config_->server + "\": " + e.what());
  }
}

Json Client::request_json(const std::string& method, const std::string& path_and_query,
                          const std::string& body, const std::string& content_type) const {
  const Response response = request(method, path_and_query, body, content_type);
  // Objects come from whoever may write them (a tenant's custom resource with a schema that
  // keeps unknown fields can nest thousands of levels): bounded as watch events are.
  if (json_nests_deeper_than(response.body, kMaxResponseDepth)) {
    throw resource_exhausted(method + " " + path_and_query + ": the answer nests deeper than " +
                             std::to_string(kMaxResponseDepth) + " levels");
  }
  auto parsed = Json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    throw Error(ErrorCode::kUnavailable,
                method + " " + path_and_query + ": the server answered with invalid JSON");
  }
  return parsed;
}

ListPage decode_list_page(Json list) {
  ListPage page;
  if (!list.is_object()) return page;
  const auto string_member = [](const Json& map, const char* name) {
    const auto member = map.find(name);
    return member != map.end() && member->is_string() ? member->get<std::string>() : std::string();
  };
  const auto metadata = list.find("metadata");
  if (metadata != list.end() && metadata->is_object()) {
    page.resource_version = string_member(*metadata, "resourceVersion");
    page.continue_token = string_member(*metadata, "continue");
  }
  const auto items = list.find("items");
  if (items != list.end() && items->is_array()) {
    page.items.reserve(items->size());
    for (auto& item : *items) page.items.push_back(std::move(item));
  }
  return page;
}

Json Client::get(const Resource& resource, const std::string& ns, const std::string& name) const {
  return request_json("GET", resource.object_path(ns, name));
}

ListPage Client::list(const Resource& resource, const std::string& ns,
                      const ListOptions& options) const {
  std::string query;
  if (!options.label_selector.empty()) add_query(query, "labelSelector", options.label_selector);
  if (!options.field_selector.empty()) add_query(query, "fieldSelector", options.field_selector);
  if (options.limit) add_query(query, "limit", std::to_string(*options.limit));
  if (!options.continue_token.empty()) add_query(query, "continue", options.continue_token);
  return decode_list_page(request_json("GET", resource.collection_path(ns) + query));
}

std::vector<Json> Client::list_all(const Resource& resource, const std::string& ns,
                                   ListOptions options, long long page_size) const {
  options.limit = page_size;
  options.continue_token.clear();
  std::vector<Json> all;
  for (;;) {
    ListPage page = list(resource, ns, options);
    for (auto& item : page.items) all.push_back(std::move(item));
    if (page.continue_token.empty()) return all;
    options.continue_token = std::move(page.continue_token);
  }
}

Json Client::create(const Resource& resource, const std::string& ns, const Json& object,
                    const WriteOptions& options) const {
  std::string query;
  if (options.dry_run) add_query(query, "dryRun", "All");
  if (!options.field_manager.empty()) add_query(query, "fieldManager", options.field_manager);
  return request_json("POST", resource.collection_path(ns) + query, object.dump(),
                      "application/json");
}

Json Client::apply(const Resource& resource, const std::string& ns, const std::string& name,
                   const Json& object, const ApplyOptions& options) const {
  if (options.field_manager.empty())
    throw invalid_argument("server-side apply needs a field manager");
  std::string query;
  add_query(query, "fieldManager", options.field_manager);
  if (options.force) add_query(query, "force", "true");
  if (options.dry_run) add_query(query, "dryRun", "All");
  // JSON is YAML, so the object goes as it is.
  return request_json("PATCH", resource.object_path(ns, name) + query, object.dump(),
                      "application/apply-patch+yaml");
}

Json Client::merge_patch(const Resource& resource, const std::string& ns, const std::string& name,
                         const Json& patch, const WriteOptions& options) const {
  return merge_patch_at(resource.object_path(ns, name), patch, options);
}

Json Client::patch_status(const Resource& resource, const std::string& ns, const std::string& name,
                          const Json& patch, const WriteOptions& options) const {
  return merge_patch_at(resource.object_path(ns, name) + "/status", patch, options);
}

Json Client::merge_patch_at(const std::string& object_path, const Json& patch,
                            const WriteOptions& options) const {
  std::string query;
  if (options.dry_run) add_query(query, "dryRun", "All");
  if (!options.field_manager.empty()) add_query(query, "fieldManager", options.field_manager);
  return request_json("PATCH", object_path + query, patch.dump(), "application/merge-patch+json");
}

Json Client::remove(const Resource& resource, const std::string& ns, const std::string& name,
                    const DeleteOptions& options) const {
  Json body = {{"apiVersion", "v1"}, {"kind", "DeleteOptions"}};
  if (const auto policy = propagation_name(options.propagation); !policy.empty()) {
    body["propagationPolicy"] = policy;
  }
  if (options.precondition_uid) body["preconditions"]["uid"] = *options.precondition_uid;
  if (options.precondition_resource_version) {
    body["preconditions"]["resourceVersion"] = *options.precondition_resource_version;
  }
  if (options.dry_run) body["dryRun"] = Json::array({"All"});
  return request_json("DELETE", resource.object_path(ns, name), body.dump(), "application/json");
}

// --- whole-object writes (leases, events; issue 6) ---

Json Client::replace(const Resource& resource, const std::string& ns, const std::string& name,
                     const Json& object, const WriteOptions& options) const {
  std::string query;
  if (options.dry_run) add_query(query, "dryRun", "All");
  if (!options.field_manager.empty()) add_query(query, "fieldManager", options.field_manager);
  // PUT is not in is_idempotent(), so request() sends it exactly once.
  return request_json("PUT", resource.object_path(ns, name) + query, object.dump(),
                      "application/json");
}

// ---- watches (kube/watch.h) ----

WatchStream Client::watch(const Resource& resource, const std::string& ns,
                          const WatchOptions& options) const {
  std::chrono::seconds timeout;
  if (options.timeout) {
    timeout = *options.timeout;
  } else {  // client-go: minWatchTimeout * (1 + rand), spreading reconnects over 5-10 minutes
    timeout = std::chrono::seconds(300 + static_cast<long long>(options_.random() * 300));
  }
  const std::string path = resource.collection_path(ns);
  const std::string what = "WATCH " + path;
  limiter_->acquire();

  web_http::http_request req =
      new_request(web_http::methods::GET, path + watch_query(options, timeout));
  // The server ends the watch after `timeout`; the margin covers a slow last flush.
  auto http = new_http_client(timeout + std::chrono::seconds(30));
  return WatchStream::start(std::move(http), req, what, options.max_event_bytes);
}

}  // namespace sluice::kube
