#include "apply/result.h"

#include <algorithm>

namespace sluice::apply {

std::string_view to_string(Action action) {
  switch (action) {
    case Action::kCreated:
      return "created";
    case Action::kConfigured:
      return "configured";
    case Action::kUnchanged:
      return "unchanged";
    case Action::kRecreated:
      return "recreated";
    case Action::kPruned:
      return "pruned";
    case Action::kSkipped:
      return "skipped";
    case Action::kFailed:
      return "failed";
  }
  return "failed";
}

std::size_t Results::count(Action action) const {
  return static_cast<std::size_t>(std::count_if(
      objects.begin(), objects.end(), [&](const ObjectResult& r) { return r.action == action; }));
}

std::vector<const ObjectResult*> Results::failures() const {
  std::vector<const ObjectResult*> out;
  for (const ObjectResult& result : objects) {
    if (result.action == Action::kFailed) out.push_back(&result);
  }
  return out;
}

std::string Results::summary() const {
  std::string text;
  for (const Action action : {Action::kCreated, Action::kConfigured, Action::kRecreated,
                              Action::kPruned, Action::kFailed, Action::kSkipped}) {
    if (const std::size_t n = count(action); n > 0) {
      text += (text.empty() ? "" : ", ") + std::to_string(n) + " " + std::string(to_string(action));
    }
  }
  return text.empty() ? "no changes" : text;
}

std::string Results::failure_message(std::size_t max) const {
  const auto failed = failures();
  std::string text;
  for (std::size_t i = 0; i < failed.size() && i < max; ++i) {
    text += (text.empty() ? "" : "; ") + describe(failed[i]->id) + ": " +
            (failed[i]->error ? failed[i]->error->message() : std::string("failed"));
  }
  if (failed.size() > max) text += "; and " + std::to_string(failed.size() - max) + " more";
  return text;
}

std::string describe(const ObjectId& id) {
  return id.group_kind.kind + "/" + (id.namespace_.empty() ? "" : id.namespace_ + "/") + id.name;
}

}  // namespace sluice::apply
