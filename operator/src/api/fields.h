#pragma once

// FieldReader: typed reads from a spec that its Schema has already validated (schema.h), with
// every field it reads recorded by path when a recorder is attached. Tests parse a Schema's
// example() with a recorder and require every declared property to have been read, which keeps
// the C++ types and the CRDs' schemas one and the same (crds/ is printed from the Schemas).
//
// Because validation ran first, a field holds the declared type or is absent; a read of a field
// with another type (a bug: reading without validating) throws Error(kInternal).

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/duration.h"
#include "core/object.h"

namespace sluice::api {

class Schema;

class FieldReader {
 public:
  // `path` names `value` in messages and recordings ("spec"); `seen`, when given, collects
  // the path of every field read ("spec.ref.branch", "spec.dependsOn[].name").
  FieldReader(const Json& value, const std::string& path, std::set<std::string>* seen = nullptr);

  // Whether `key` is present and not null.
  bool has(std::string_view key) const;

  std::optional<std::string> string(std::string_view key) const;
  std::string string_or(std::string_view key, std::string fallback) const;
  bool boolean_or(std::string_view key, bool fallback) const;
  std::optional<std::int64_t> integer(std::string_view key) const;
  // A field validated by duration_schema().
  std::optional<Duration> duration(std::string_view key) const;
  std::vector<std::string> strings(std::string_view key) const;
  StringMap string_map(std::string_view key) const;
  std::optional<FieldReader> object(std::string_view key) const;
  // A list of objects; each reader's path is "<path>.<key>[]" for recording and
  // "<path>.<key>[i]" in messages.
  std::vector<FieldReader> objects(std::string_view key) const;

  // Where `key` is, for error messages: "spec.interval".
  std::string path_of(std::string_view key) const { return path_ + "." + std::string(key); }

 private:
  FieldReader(const Json& value, std::string path, std::string recorded_path,
              std::set<std::string>* seen);
  const Json* get(std::string_view key) const;

  const Json* value_;
  std::string path_;           // with indices, for messages
  std::string recorded_path_;  // with [] for indices, for the recorder
  std::set<std::string>* seen_;
};

// The spec of `object`, validated against `schema`, as a reader. Throws
// Error(kInvalidArgument) "spec: required" or the schema's refusal.
FieldReader validated_spec(const Object& object, const Schema& schema, std::set<std::string>* seen);

}  // namespace sluice::api
