#include "server/status_page_view.h"

#include <algorithm>
#include <array>
#include <utility>

#include "core/error.h"
#include "core/object.h"

namespace sluice::server {
namespace {

// A string member cut to kMaxText; "" when absent or not a string.
std::string text_at(const Json& json, std::initializer_list<std::string_view> keys) {
  return cut_text(string_member(json, keys));
}

bool bool_at(const Json& json, std::initializer_list<std::string_view> keys) {
  const Json* value = find_member(json, keys);
  return value != nullptr && value->is_boolean() && value->get<bool>();
}

std::string key_of(const Json& object) {
  const std::string ns = string_member(object, {"metadata", "namespace"});
  const std::string name = string_member(object, {"metadata", "name"});
  return ns.empty() ? name : ns + "/" + name;
}

// Ready first, then the other kstatus and sluice conditions, then the rest by type.
int condition_rank(const std::string& type) {
  static constexpr std::array<std::string_view, 5> kOrder{"Ready", "Reconciling", "Stalled",
                                                          "Verified", "Healthy"};
  const auto at = std::find(kOrder.begin(), kOrder.end(), type);
  return static_cast<int>(at - kOrder.begin());
}

Json conditions_of(const Json& object) {
  Json out = Json::array();
  const Json* list = find_member(object, {"status"});
  if (list != nullptr) list = find_member(*list, {"conditions"});
  if (list == nullptr || !list->is_array()) return out;
  for (const Json& condition : *list) {
    if (!condition.is_object() || out.size() >= 16) continue;
    out.push_back(Json{{"type", text_at(condition, {"type"})},
                       {"status", text_at(condition, {"status"})},
                       {"reason", text_at(condition, {"reason"})},
                       {"message", text_at(condition, {"message"})},
                       {"lastTransitionTime", text_at(condition, {"lastTransitionTime"})}});
  }
  std::stable_sort(out.begin(), out.end(), [](const Json& a, const Json& b) {
    const std::string& ta = a["type"].get_ref<const std::string&>();
    const std::string& tb = b["type"].get_ref<const std::string&>();
    const int ra = condition_rank(ta);
    const int rb = condition_rank(tb);
    return ra != rb ? ra < rb : ta < tb;
  });
  return out;
}

// {"status", "reason", "message"} of condition `type`; status "Unknown" when it is absent.
Json condition_summary(const Json& conditions, std::string_view type) {
  for (const Json& condition : conditions) {
    if (condition["type"] == type) {
      return Json{{"status", condition["status"]},
                  {"reason", condition["reason"]},
                  {"message", condition["message"]}};
    }
  }
  return Json{{"status", "Unknown"}, {"reason", ""}, {"message", ""}};
}

// The latest of the conditions' transitions and the history's entries (RFC 3339 texts in UTC,
// which sort as times).
std::string last_reconcile(const Json& object, const Json& conditions) {
  std::string latest;
  for (const Json& condition : conditions) {
    latest = std::max(latest, condition["lastTransitionTime"].get<std::string>());
  }
  const Json* history = find_member(object, {"status"});
  if (history != nullptr) history = find_member(*history, {"history"});
  if (history != nullptr && history->is_array()) {
    for (const Json& entry : *history) latest = std::max(latest, text_at(entry, {"time"}));
  }
  return latest;
}

// Up to kMaxListed strings of `list` (each cut), as {"count", "items"}.
Json capped_strings(const Json* list, const char* member) {
  Json items = Json::array();
  std::size_t count = 0;
  if (list != nullptr && list->is_array()) {
    count = list->size();
    for (const Json& entry : *list) {
      if (items.size() >= kMaxListed) break;
      if (entry.is_string()) {
        items.push_back(cut_text(entry.get_ref<const std::string&>()));
      } else if (member != nullptr && entry.is_object()) {
        items.push_back(text_at(entry, {member}));
      }
    }
  }
  return Json{{"count", count}, {"items", std::move(items)}};
}

Json drift_of(const Json& object) {
  const Json* drift = find_member(object, {"status", "drift"});
  if (drift == nullptr || !drift->is_object()) return nullptr;
  const Json* count = find_member(*drift, {"count"});
  Json fields = Json::array();
  if (const Json* list = find_member(*drift, {"fields"}); list != nullptr && list->is_array()) {
    for (const Json& entry : *list) {
      if (fields.size() >= kMaxListed || !entry.is_object()) break;
      fields.push_back(Json{{"object", text_at(entry, {"object"})},
                            {"paths", capped_strings(find_member(entry, {"paths"}), nullptr)}});
    }
  }
  return Json{{"action", text_at(*drift, {"action"})},
              {"count", count != nullptr && count->is_number_integer() ? *count : Json(0)},
              {"time", text_at(*drift, {"time"})},
              {"objects", capped_strings(find_member(*drift, {"objects"}), nullptr)},
              {"fields", std::move(fields)}};
}

// What a GitSource's status says about the signature of its revision.
Json source_verification(const Json& source) {
  const Json* verification = find_member(source, {"status", "verification"});
  if (verification == nullptr) return nullptr;
  return Json{{"method", text_at(*verification, {"method"})},
              {"signer", text_at(*verification, {"signer"})},
              {"fingerprint", text_at(*verification, {"fingerprint"})}};
}

Json source_view(const Json& source) {
  const Json conditions = conditions_of(source);
  Json view{{"key", key_of(source)},
            {"namespace", text_at(source, {"metadata", "namespace"})},
            {"name", text_at(source, {"metadata", "name"})},
            {"url", cut_text(redact_url(string_member(source, {"spec", "url"})))},
            {"suspended", bool_at(source, {"spec", "suspend"})},
            {"secretRef", text_at(source, {"spec", "secretRef", "name"})},
            {"revision", text_at(source, {"status", "artifact", "revision"})},
            {"lastUpdate", text_at(source, {"status", "artifact", "lastUpdateTime"})},
            {"ready", condition_summary(conditions, "Ready")},
            {"conditions", conditions},
            {"verification", source_verification(source)}};
  Json ref = Json::object();
  for (const char* kind : {"branch", "tag", "semver", "commit", "name"}) {
    const std::string value = text_at(source, {"spec", "ref", kind});
    if (!value.empty()) ref[kind] = value;
  }
  view["ref"] = std::move(ref);
  return view;
}

Json application_view(const Json& app, const std::vector<Json>& sources) {
  const Json conditions = conditions_of(app);
  const std::string ns = string_member(app, {"metadata", "namespace"});
  std::string source_ns = string_member(app, {"spec", "sourceRef", "namespace"});
  if (source_ns.empty()) source_ns = ns;
  const std::string source_name = string_member(app, {"spec", "sourceRef", "name"});
  const std::string source_key = source_ns.empty() ? source_name : source_ns + "/" + source_name;
  Json source_signature = nullptr;
  for (const Json& source : sources) {
    if (key_of(source) == source_key) source_signature = source_verification(source);
  }
  const Json* entries = find_member(app, {"status", "inventory"});
  if (entries != nullptr) entries = find_member(*entries, {"entries"});
  const Json* health = find_member(app, {"status", "health"});
  return Json{
      {"key", key_of(app)},
      {"namespace", cut_text(ns)},
      {"name", text_at(app, {"metadata", "name"})},
      {"suspended", bool_at(app, {"spec", "suspend"})},
      {"source",
       Json{{"kind", text_at(app, {"spec", "sourceRef", "kind"})}, {"key", cut_text(source_key)}}},
      {"path", text_at(app, {"spec", "path"})},
      {"serviceAccountName", text_at(app, {"spec", "serviceAccountName"})},
      {"revision", text_at(app, {"status", "lastAppliedRevision"})},
      {"attemptedRevision", text_at(app, {"status", "lastAttemptedRevision"})},
      {"lastReconcile", last_reconcile(app, conditions)},
      {"ready", condition_summary(conditions, "Ready")},
      {"conditions", conditions},
      {"inventory", capped_strings(entries, "id")},
      {"drift", drift_of(app)},
      {"health", health == nullptr ? Json(nullptr)
                                   : Json{{"status", text_at(*health, {"status"})},
                                          {"message", text_at(*health, {"message"})}}},
      {"verification", Json{{"condition", condition_summary(conditions, "Verified")},
                            {"source", std::move(source_signature)}}},
  };
}

Json policy_view(const Json& policy) {
  const Json conditions = conditions_of(policy);
  return Json{{"key", key_of(policy)},
              {"name", text_at(policy, {"metadata", "name"})},
              {"mode", text_at(policy, {"spec", "mode"})},
              {"ready", condition_summary(conditions, "Ready")}};
}

// `objects` sorted by namespace and name, at most kMaxObjects; sets `truncated` past that.
std::vector<const Json*> sorted(const std::vector<Json>& objects, bool& truncated) {
  std::vector<std::pair<std::pair<std::string, std::string>, const Json*>> keyed;
  keyed.reserve(objects.size());
  for (const Json& object : objects) {
    keyed.push_back({{string_member(object, {"metadata", "namespace"}),
                      string_member(object, {"metadata", "name"})},
                     &object});
  }
  std::sort(keyed.begin(), keyed.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  if (keyed.size() > kMaxObjects) {
    keyed.resize(kMaxObjects);
    truncated = true;
  }
  std::vector<const Json*> out;
  out.reserve(keyed.size());
  for (const auto& entry : keyed) out.push_back(entry.second);
  return out;
}

}  // namespace

RecentEvents::RecentEvents(std::size_t capacity) : capacity_(std::max<std::size_t>(1, capacity)) {}

void RecentEvents::add(StatusEvent event) {
  for (std::string* field : {&event.time, &event.type, &event.reason, &event.action, &event.note,
                             &event.kind, &event.ns, &event.name}) {
    if (field->size() > kMaxText) *field = cut_text(*field);
  }
  std::lock_guard lock(mu_);
  if (events_.size() >= capacity_) events_.pop_front();
  events_.push_back(std::move(event));
}

std::vector<StatusEvent> RecentEvents::newest_first(std::size_t max) const {
  std::lock_guard lock(mu_);
  std::vector<StatusEvent> out;
  out.reserve(std::min(max, events_.size()));
  for (auto it = events_.rbegin(); it != events_.rend() && out.size() < max; ++it) {
    out.push_back(*it);
  }
  return out;
}

Json status_view(const StatusInputs& inputs) {
  bool truncated = false;
  Json applications = Json::array();
  std::size_t ready = 0;
  for (const Json* app : sorted(inputs.applications, truncated)) {
    applications.push_back(application_view(*app, inputs.sources));
    if (applications.back()["ready"]["status"] == "True") ++ready;
  }
  Json sources = Json::array();
  for (const Json* source : sorted(inputs.sources, truncated)) {
    sources.push_back(source_view(*source));
  }
  Json policies = Json::array();
  for (const Json* policy : sorted(inputs.policies, truncated)) {
    policies.push_back(policy_view(*policy));
  }
  Json events = Json::array();
  for (const StatusEvent& event : inputs.events) {
    events.push_back(Json{{"time", cut_text(event.time)},
                          {"type", cut_text(event.type)},
                          {"reason", cut_text(event.reason)},
                          {"action", cut_text(event.action)},
                          {"note", cut_text(event.note)},
                          {"object", Json{{"kind", cut_text(event.kind)},
                                          {"namespace", cut_text(event.ns)},
                                          {"name", cut_text(event.name)}}}});
  }
  return Json{{"summary", Json{{"applications", inputs.applications.size()},
                               {"ready", ready},
                               {"notReady", applications.size() - ready},
                               {"sources", inputs.sources.size()}}},
              {"truncated", truncated},
              {"applications", std::move(applications)},
              {"sources", std::move(sources)},
              {"policies", std::move(policies)},
              {"events", std::move(events)}};
}

std::string redact_url(std::string_view url) {
  const std::size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) {
    // scp-like "user@host:path": the user is a login name, not a secret, but keep the rule
    // simple and uniform: nothing before '@' is shown.
    const std::size_t at = url.find('@');
    const std::size_t colon = url.find(':');
    if (at != std::string_view::npos && colon != std::string_view::npos && at < colon) {
      return std::string(url.substr(at + 1));
    }
    return std::string(url);
  }
  const std::size_t authority = scheme + 3;
  const std::size_t end = url.find_first_of("/?#", authority);
  const std::string_view host_part = url.substr(authority, end - authority);
  const std::size_t at = host_part.rfind('@');
  if (at == std::string_view::npos) return std::string(url);
  return std::string(url.substr(0, authority)) + std::string(host_part.substr(at + 1)) +
         std::string(end == std::string_view::npos ? "" : url.substr(end));
}

std::string cut_text(std::string_view text, std::size_t max) {
  if (text.size() <= max) return std::string(text);
  std::size_t end = max;
  // Back off continuation bytes (10xxxxxx) so the cut falls before a sequence's first byte.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0U) == 0x80U) --end;
  return std::string(text.substr(0, end)) + "\u2026";
}

std::string status_json(const Json& view) {
  const std::string text = view.dump(-1, ' ', false, Json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    // Only inside strings can these occur in JSON text, where a \u escape means the same.
    if (c == '<') {
      out += "\\u003c";
    } else if (c == '>') {
      out += "\\u003e";
    } else if (c == '&') {
      out += "\\u0026";
    } else {
      out += c;
    }
  }
  return out;
}

std::string sse_event(std::string_view event, std::string_view data, std::uint64_t id) {
  if (event.find_first_of("\r\n") != std::string_view::npos) {
    throw invalid_argument("a server-sent event's name cannot hold a line break");
  }
  std::string out = "id: " + std::to_string(id) + "\nevent: " + std::string(event) + "\n";
  std::size_t start = 0;
  for (;;) {
    const std::size_t end = data.find_first_of("\r\n", start);
    out += "data: ";
    out += data.substr(start, end - start);
    out += '\n';
    if (end == std::string_view::npos) break;
    start = end + (data[end] == '\r' && end + 1 < data.size() && data[end + 1] == '\n' ? 2 : 1);
  }
  out += '\n';
  return out;
}

std::string sse_comment(std::string_view text) {
  std::string out = ": ";
  for (const char c : text) out += (c == '\r' || c == '\n') ? ' ' : c;
  out += "\n\n";
  return out;
}

}  // namespace sluice::server
