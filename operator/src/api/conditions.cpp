#include "api/conditions.h"

#include <algorithm>

#include "core/object.h"

namespace sluice::api {
namespace {

constexpr std::size_t kMaxMessageBytes = 32768;

bool continues_a_character(char byte) {
  return (static_cast<unsigned char>(byte) & 0xC0U) == 0x80U;
}

// Keeps the head and the tail: an error's cause is usually last ("...: must be no more than 253
// characters"), after the objects and requests it names, which can be long themselves (a
// 10,000-character name, quoted twice by the API server). Never splits a UTF-8 sequence: the
// API refuses invalid UTF-8.
std::string cut_message(std::string_view message) {
  if (message.size() <= kMaxMessageBytes) return std::string(message);
  constexpr std::string_view kMarker = " [...] ";
  std::size_t head = (kMaxMessageBytes - kMarker.size()) / 2;
  while (head > 0 && continues_a_character(message[head])) --head;
  std::size_t tail = message.size() - (kMaxMessageBytes - kMarker.size() - head);
  while (tail < message.size() && continues_a_character(message[tail])) ++tail;
  std::string cut(message.substr(0, head));
  cut += kMarker;
  cut += message.substr(tail);
  return cut;
}

}  // namespace

std::string_view to_string(ConditionStatus status) {
  switch (status) {
    case ConditionStatus::kTrue:
      return "True";
    case ConditionStatus::kFalse:
      return "False";
    case ConditionStatus::kUnknown:
      return "Unknown";
  }
  return "Unknown";
}

Json Condition::to_json() const {
  Json out{{"type", type},
           {"status", to_string(status)},
           {"reason", reason},
           {"message", message},
           {"lastTransitionTime", last_transition_time}};
  if (observed_generation > 0) out["observedGeneration"] = observed_generation;
  return out;
}

std::optional<Condition> Condition::from_json(const Json& json) {
  if (!json.is_object()) return std::nullopt;
  Condition condition;
  condition.type = string_member(json, {"type"});
  if (condition.type.empty()) return std::nullopt;
  const std::string status = string_member(json, {"status"});
  condition.status = status == "True"    ? ConditionStatus::kTrue
                     : status == "False" ? ConditionStatus::kFalse
                                         : ConditionStatus::kUnknown;
  condition.reason = string_member(json, {"reason"});
  condition.message = string_member(json, {"message"});
  condition.last_transition_time = string_member(json, {"lastTransitionTime"});
  if (const auto it = json.find("observedGeneration");
      it != json.end() && it->is_number_integer()) {
    condition.observed_generation = it->get<std::int64_t>();
  }
  return condition;
}

Conditions Conditions::from_json(const Json* list) {
  Conditions conditions;
  if (list == nullptr || !list->is_array()) return conditions;
  for (const Json& item : *list) {
    if (auto condition = Condition::from_json(item)) {
      conditions.items_.push_back(std::move(*condition));
    }
  }
  return conditions;
}

Json Conditions::to_json() const {
  Json list = Json::array();
  for (const Condition& condition : items_) list.push_back(condition.to_json());
  return list;
}

const Condition* Conditions::find(std::string_view type) const {
  const auto it = std::find_if(items_.begin(), items_.end(),
                               [&](const Condition& c) { return c.type == type; });
  return it == items_.end() ? nullptr : &*it;
}

bool Conditions::is_true(std::string_view type) const {
  const Condition* condition = find(type);
  return condition != nullptr && condition->status == ConditionStatus::kTrue;
}

void Conditions::set(std::string_view type, ConditionStatus status, std::string_view reason,
                     std::string_view message, std::int64_t generation, const std::string& now) {
  Condition next{std::string(type),    status,     std::string(reason),
                 cut_message(message), generation, now};
  const auto it = std::find_if(items_.begin(), items_.end(),
                               [&](const Condition& c) { return c.type == type; });
  if (it == items_.end()) {
    items_.push_back(std::move(next));
    return;
  }
  if (it->status == status) next.last_transition_time = it->last_transition_time;
  *it = std::move(next);
}

void Conditions::remove(std::string_view type) {
  std::erase_if(items_, [&](const Condition& c) { return c.type == type; });
}

Schema conditions_schema() {
  return Schema::array(
             Schema::object({
                 required("type", Schema::string()
                                      .pattern("^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-"
                                               "a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-"
                                               "9_.]*)?[A-Za-z0-9])$")
                                      .length(std::nullopt, 316)
                                      .describe("Type of condition in CamelCase.")),
                 required("status", Schema::string()
                                        .one_of_values({"True", "False", "Unknown"})
                                        .describe("Status of the condition.")),
                 field("observedGeneration",
                       Schema::integer()
                           .range(0, std::nullopt)
                           .format("int64")
                           .describe("The .metadata.generation the condition was set for.")),
                 required(
                     "lastTransitionTime",
                     Schema::string()
                         .format("date-time")
                         .describe("When the condition last changed from one status to another.")),
                 required("reason", Schema::string()
                                        .pattern("^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$")
                                        .length(1, 1024)
                                        .describe("Why, in CamelCase: one constant per cause.")),
                 required(
                     "message",
                     Schema::string().length(std::nullopt, 32768).describe("Details for people.")),
             }))
      .describe(
          "The object's state in the kstatus convention (Ready, Reconciling, Stalled, "
          "and for Applications Verified and Healthy).");
}

}  // namespace sluice::api
