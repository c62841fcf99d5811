#include "api/schema.h"

#include <algorithm>

#include "core/duration.h"
#include "core/error.h"

namespace sluice::api {
namespace {

std::string_view type_name(Schema::Type type) {
  switch (type) {
    case Schema::Type::kObject:
    case Schema::Type::kStringMap:
      return "object";
    case Schema::Type::kArray:
      return "array";
    case Schema::Type::kString:
      return "string";
    case Schema::Type::kInteger:
      return "integer";
    case Schema::Type::kBoolean:
      return "boolean";
  }
  return "object";
}

std::string_view what_it_must_be(Schema::Type type) {
  switch (type) {
    case Schema::Type::kObject:
    case Schema::Type::kStringMap:
      return "an object";
    case Schema::Type::kArray:
      return "a list";
    case Schema::Type::kString:
      return "a string";
    case Schema::Type::kInteger:
      return "an integer";
    case Schema::Type::kBoolean:
      return "true or false";
  }
  return "an object";
}

// OpenAPI's maxLength counts characters, not bytes.
std::int64_t utf8_length(const std::string& text) {
  return std::count_if(text.begin(), text.end(),
                       [](char c) { return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U; });
}

[[noreturn]] void refuse(const std::string& path, const std::string& problem) {
  throw invalid_argument(path + ": " + problem);
}

std::string quoted_list(const std::vector<std::string>& values) {
  std::string text;
  for (const std::string& value : values) {
    text += text.empty() ? "" : ", ";
    text += "\"" + value + "\"";
  }
  return text;
}

}  // namespace

Schema::Schema(Type type) : type_(type) {}
Schema::Schema(const Schema&) = default;
Schema& Schema::operator=(const Schema&) = default;
Schema::Schema(Schema&&) noexcept = default;
Schema& Schema::operator=(Schema&&) noexcept = default;
Schema::~Schema() = default;

Schema Schema::object(std::vector<Property> properties) {
  Schema schema(Type::kObject);
  schema.properties_ = std::move(properties);
  return schema;
}

Schema Schema::string_map() {
  return Schema(Type::kStringMap);
}

Schema Schema::array(Schema items) {
  Schema schema(Type::kArray);
  schema.items_ = std::make_shared<const Schema>(std::move(items));
  return schema;
}

Schema Schema::string() {
  return Schema(Type::kString);
}
Schema Schema::integer() {
  return Schema(Type::kInteger);
}
Schema Schema::boolean() {
  return Schema(Type::kBoolean);
}

Schema& Schema::describe(std::string text) {
  description_ = std::move(text);
  return *this;
}

Schema& Schema::one_of_values(std::vector<std::string> values) {
  enum_ = std::move(values);
  return *this;
}

Schema& Schema::pattern(std::string regex) {
  compiled_ = std::make_shared<const std::regex>(regex, std::regex::ECMAScript);
  pattern_ = std::move(regex);
  return *this;
}

Schema& Schema::length(std::optional<std::int64_t> min, std::optional<std::int64_t> max) {
  min_length_ = min;
  max_length_ = max;
  return *this;
}

Schema& Schema::range(std::optional<std::int64_t> minimum, std::optional<std::int64_t> maximum) {
  minimum_ = minimum;
  maximum_ = maximum;
  return *this;
}

Schema& Schema::max_items(std::int64_t count) {
  max_items_ = count;
  return *this;
}

Schema& Schema::format(std::string name) {
  format_ = std::move(name);
  return *this;
}

Schema& Schema::default_value(Json value) {
  default_ = std::move(value);
  return *this;
}

Schema& Schema::example_value(Json value) {
  example_ = std::move(value);
  return *this;
}

Schema& Schema::rule(Rule rule) {
  rules_.push_back(std::move(rule));
  return *this;
}

const Schema* Schema::property(std::string_view name) const {
  for (const Property& property : properties_) {
    if (property.name == name) return &property.schema;
  }
  return nullptr;
}

Json Schema::to_openapi() const {
  Json out = Json::object();
  out["type"] = type_name(type_);
  if (!description_.empty()) out["description"] = description_;
  if (type_ == Type::kObject) {
    Json properties = Json::object();
    Json required = Json::array();
    for (const Property& property : properties_) {
      properties[property.name] = property.schema.to_openapi();
      if (property.required) required.push_back(property.name);
    }
    out["properties"] = std::move(properties);
    if (!required.empty()) out["required"] = std::move(required);
  }
  if (type_ == Type::kStringMap) out["additionalProperties"] = Json{{"type", "string"}};
  if (items_) out["items"] = items_->to_openapi();
  if (!enum_.empty()) {
    out["enum"] = Json::array();
    for (const std::string& value : enum_) out["enum"].push_back(value);
  }
  if (!pattern_.empty()) out["pattern"] = pattern_;
  if (min_length_) out["minLength"] = *min_length_;
  if (max_length_) out["maxLength"] = *max_length_;
  if (minimum_) out["minimum"] = *minimum_;
  if (maximum_) out["maximum"] = *maximum_;
  if (max_items_) out["maxItems"] = *max_items_;
  if (!format_.empty()) out["format"] = format_;
  if (default_) out["default"] = *default_;
  if (!rules_.empty()) {
    Json rules = Json::array();
    for (const Rule& rule : rules_)
      rules.push_back(Json{{"rule", rule.cel}, {"message", rule.message}});
    out["x-kubernetes-validations"] = std::move(rules);
  }
  return out;
}

void Schema::validate(const Json& value, const std::string& path) const {
  const bool type_ok = [&] {
    switch (type_) {
      case Type::kObject:
      case Type::kStringMap:
        return value.is_object();
      case Type::kArray:
        return value.is_array();
      case Type::kString:
        return value.is_string();
      case Type::kInteger:
        return value.is_number_integer();
      case Type::kBoolean:
        return value.is_boolean();
    }
    return false;
  }();
  if (!type_ok) {
    refuse(path, "must be " + std::string(what_it_must_be(type_)) + ", not " + value.type_name());
  }

  switch (type_) {
    case Type::kObject: {
      for (const auto& [key, member] : value.items()) {
        if (member.is_null()) continue;
        const Schema* schema = property(key);
        if (schema == nullptr) refuse(path, "unknown field \"" + key + "\"");
        schema->validate(member, path + "." + key);
      }
      for (const Property& property : properties_) {
        const auto it = value.find(property.name);
        if (property.required && (it == value.end() || it->is_null())) {
          refuse(path + "." + property.name, "required");
        }
      }
      break;
    }
    case Type::kStringMap:
      for (const auto& [key, member] : value.items()) {
        if (!member.is_string()) refuse(path + "." + key, "must be a string");
      }
      break;
    case Type::kArray: {
      if (max_items_ && static_cast<std::int64_t>(value.size()) > *max_items_) {
        refuse(path, "at most " + std::to_string(*max_items_) + " items");
      }
      for (std::size_t i = 0; i < value.size(); ++i) {
        items_->validate(value[i], path + "[" + std::to_string(i) + "]");
      }
      break;
    }
    case Type::kString: {
      const auto& text = value.get_ref<const std::string&>();
      if (!enum_.empty() && std::find(enum_.begin(), enum_.end(), text) == enum_.end()) {
        refuse(path, "\"" + text + "\" is not one of " + quoted_list(enum_));
      }
      const std::int64_t length = utf8_length(text);
      if (min_length_ && length < *min_length_) {
        refuse(path, "must have at least " + std::to_string(*min_length_) + " characters");
      }
      if (max_length_ && length > *max_length_) {
        refuse(path, "must have at most " + std::to_string(*max_length_) + " characters");
      }
      if (compiled_ && !std::regex_search(text, *compiled_)) {
        refuse(path, "\"" + text + "\" does not match " + pattern_);
      }
      break;
    }
    case Type::kInteger: {
      const auto number = value.get<std::int64_t>();
      if (minimum_ && number < *minimum_)
        refuse(path, "must be at least " + std::to_string(*minimum_));
      if (maximum_ && number > *maximum_)
        refuse(path, "must be at most " + std::to_string(*maximum_));
      break;
    }
    case Type::kBoolean:
      break;
  }
  for (const Rule& rule : rules_) {
    if (!rule.holds(value)) refuse(path, rule.message);
  }
}

std::vector<std::string> Schema::property_paths(const std::string& prefix) const {
  std::vector<std::string> paths{prefix};
  if (type_ == Type::kObject) {
    for (const Property& property : properties_) {
      auto below = property.schema.property_paths(prefix + "." + property.name);
      paths.insert(paths.end(), below.begin(), below.end());
    }
  } else if (type_ == Type::kArray) {
    auto below = items_->property_paths(prefix + "[]");
    paths.insert(paths.end(), below.begin(), below.end());
  }
  return paths;
}

Json Schema::example() const {
  if (default_) return *default_;
  if (example_) return *example_;
  switch (type_) {
    case Type::kObject: {
      Json out = Json::object();
      for (const Property& property : properties_) out[property.name] = property.schema.example();
      return out;
    }
    case Type::kStringMap:
      return Json{{"KEY", "value"}};
    case Type::kArray:
      return Json::array({items_->example()});
    case Type::kString:
      return enum_.empty() ? Json("example") : Json(enum_.front());
    case Type::kInteger:
      return minimum_ ? Json(*minimum_) : Json(1);
    case Type::kBoolean:
      return true;
  }
  return nullptr;
}

Schema duration_schema(std::string description) {
  // Go's time.ParseDuration units; at least one number-unit pair, no sign (negative intervals
  // make no sense anywhere sluice takes a duration).
  // The length bound keeps the CEL rule's estimated cost within the API server's budget.
  return Schema::string()
      .pattern("^([0-9]+(\\.[0-9]+)?(ns|us|ms|s|m|h))+$")
      .length(std::nullopt, 32)
      .example_value("30s")
      .rule(Rule{"duration(self) > duration('0s')", "must be longer than 0s",
                 [](const Json& value) {
                   try {
                     return parse_duration(value.get<std::string>()) > Duration::zero();
                   } catch (const Error&) {
                     return false;
                   }
                 }})
      .describe(std::move(description));
}

Schema name_schema(std::string description) {
  return Schema::string()
      .pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
      .length(1, 253)
      .describe(std::move(description));
}

Schema namespace_schema(std::string description) {
  return Schema::string()
      .pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
      .length(1, 63)
      .describe(std::move(description));
}

Rule exactly_one_of(std::vector<std::string> keys) {
  std::string cel = "[";
  std::string names;
  for (const std::string& key : keys) {
    cel += (cel.size() > 1 ? ", " : "") + std::string("has(self.") + key + ")";
    names += (names.empty() ? "" : ", ") + key;
  }
  cel += "].filter(x, x).size() == 1";
  return Rule{std::move(cel), "exactly one of " + names + " must be set",
              [keys = std::move(keys)](const Json& value) {
                return std::count_if(keys.begin(), keys.end(), [&](const std::string& key) {
                         const auto it = value.find(key);
                         return it != value.end() && !it->is_null();
                       }) == 1;
              }};
}

}  // namespace sluice::api
