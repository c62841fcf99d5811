#include "policy/signing_policy.h"

#include <algorithm>

#include "core/value_matcher.h"
#include "policy/json_fields.h"

namespace sluice::policy {
namespace {

using detail::expect_array;
using detail::expect_bool;
using detail::expect_non_empty_string;
using detail::expect_object;
using detail::expect_string_list;
using detail::item_path;
using detail::member;

constexpr std::string_view kApiVersion = "sluice.dev/v1alpha1";
constexpr std::string_view kKind = "SigningPolicy";

Mode parse_mode(const Json& value, const std::string& path) {
  const std::string text = detail::expect_string(value, path);
  if (text == "Enforce") return Mode::kEnforce;
  if (text == "Audit") return Mode::kAudit;
  throw invalid_argument(path + ": must be Enforce or Audit, not \"" + text + "\"");
}

Match parse_match(const Json& json, const std::string& path) {
  expect_object(json, path, {"namespaces", "applicationSelector"});
  Match match;
  if (const Json* namespaces = member(json, "namespaces")) {
    match.namespaces = expect_string_list(*namespaces, path + ".namespaces");
  }
  if (const Json* selector = member(json, "applicationSelector")) {
    match.application_selector = LabelSelector::parse(*selector, path + ".applicationSelector");
  }
  return match;
}

SecretKeyRef parse_secret_ref(const Json& json, const std::string& path,
                              std::string_view default_key) {
  expect_object(json, path, {"name", "namespace", "key"});
  SecretKeyRef ref;
  const Json* name = member(json, "name");
  if (name == nullptr) throw invalid_argument(path + ".name: required");
  ref.name = expect_non_empty_string(*name, path + ".name");
  if (const Json* ns = member(json, "namespace")) {
    ref.namespace_ = expect_non_empty_string(*ns, path + ".namespace");
  }
  ref.key = std::string(default_key);
  if (const Json* key = member(json, "key")) ref.key = expect_non_empty_string(*key, path + ".key");
  return ref;
}

KeylessIdentity parse_identity(const Json& json, const std::string& path) {
  expect_object(json, path, {"issuer", "subject", "subjectRegExp"});
  KeylessIdentity identity;
  const Json* issuer = member(json, "issuer");
  if (issuer == nullptr) throw invalid_argument(path + ".issuer: required");
  identity.issuer = expect_non_empty_string(*issuer, path + ".issuer");
  const Json* subject = member(json, "subject");
  const Json* regexp = member(json, "subjectRegExp");
  if ((subject == nullptr) == (regexp == nullptr)) {
    throw invalid_argument(path + ": exactly one of subject and subjectRegExp is required");
  }
  if (subject != nullptr) identity.subject = expect_non_empty_string(*subject, path + ".subject");
  if (regexp != nullptr) {
    identity.subject_regexp = expect_non_empty_string(*regexp, path + ".subjectRegExp");
    // Compiled as the verifiers will match it (bounded length, ECMAScript, no backreferences).
    ValueMatcher::by_regexp(identity.subject_regexp, path + ".subjectRegExp");
  }
  return identity;
}

KeylessPolicy parse_keyless(const Json& json, const std::string& path) {
  expect_object(json, path, {"identities", "trustedRootSecretRef"});
  KeylessPolicy keyless;
  const Json* identities = member(json, "identities");
  if (identities == nullptr) throw invalid_argument(path + ".identities: required");
  const Json& list = expect_array(*identities, path + ".identities");
  if (list.empty()) throw invalid_argument(path + ".identities: must not be empty");
  for (std::size_t i = 0; i < list.size(); ++i) {
    keyless.identities.push_back(parse_identity(list[i], item_path(path + ".identities", i)));
  }
  if (const Json* root = member(json, "trustedRootSecretRef")) {
    keyless.trusted_root = parse_secret_ref(*root, path + ".trustedRootSecretRef", kTrustedRootKey);
  }
  return keyless;
}

SshPolicy parse_ssh(const Json& json, const std::string& path) {
  expect_object(json, path, {"allowedSigners", "allowedSignersSecretRef"});
  SshPolicy ssh;
  const Json* inline_text = member(json, "allowedSigners");
  const Json* secret = member(json, "allowedSignersSecretRef");
  if ((inline_text == nullptr) == (secret == nullptr)) {
    throw invalid_argument(
        path + ": exactly one of allowedSigners and allowedSignersSecretRef is required");
  }
  if (inline_text != nullptr) {
    ssh.allowed_signers = expect_non_empty_string(*inline_text, path + ".allowedSigners");
  } else {
    ssh.allowed_signers_secret =
        parse_secret_ref(*secret, path + ".allowedSignersSecretRef", kAllowedSignersKey);
  }
  return ssh;
}

CommitPolicy parse_commits(const Json& json, const std::string& path) {
  expect_object(json, path, {"required", "ssh", "keyless"});
  CommitPolicy commits;
  if (const Json* required = member(json, "required")) {
    commits.required = expect_bool(*required, path + ".required");
  }
  if (const Json* ssh = member(json, "ssh")) commits.ssh = parse_ssh(*ssh, path + ".ssh");
  if (const Json* keyless = member(json, "keyless")) {
    commits.keyless = parse_keyless(*keyless, path + ".keyless");
  }
  if (commits.required && !commits.ssh && !commits.keyless) {
    throw invalid_argument(path +
                           ": required is true but neither ssh nor keyless says who may sign");
  }
  return commits;
}

ImageKey parse_image_key(const Json& json, const std::string& path) {
  expect_object(json, path, {"secretRef", "pem"});
  ImageKey key;
  const Json* secret = member(json, "secretRef");
  const Json* pem = member(json, "pem");
  if ((secret == nullptr) == (pem == nullptr)) {
    throw invalid_argument(path + ": exactly one of secretRef and pem is required");
  }
  if (secret != nullptr) {
    key.secret = parse_secret_ref(*secret, path + ".secretRef", kCosignPublicKeyKey);
  } else {
    key.pem = expect_non_empty_string(*pem, path + ".pem");
    if (key.pem->find("-----BEGIN PUBLIC KEY-----") == std::string::npos) {
      throw invalid_argument(path + ".pem: must hold a \"-----BEGIN PUBLIC KEY-----\" block");
    }
  }
  return key;
}

ImageGlob parse_glob(const Json& value, const std::string& path) {
  try {
    return ImageGlob::parse(expect_non_empty_string(value, path));
  } catch (const Error& e) {
    throw e.with_context(path);
  }
}

ImagePolicy parse_image_policy(const Json& json, const std::string& path) {
  expect_object(json, path, {"glob", "keys", "keyless", "ignoreTlog"});
  const Json* glob = member(json, "glob");
  if (glob == nullptr) throw invalid_argument(path + ".glob: required");
  ImagePolicy image{parse_glob(*glob, path + ".glob"), {}, {}, false};
  if (const Json* keys = member(json, "keys")) {
    const Json& list = expect_array(*keys, path + ".keys");
    for (std::size_t i = 0; i < list.size(); ++i) {
      image.keys.push_back(parse_image_key(list[i], item_path(path + ".keys", i)));
    }
  }
  if (const Json* keyless = member(json, "keyless")) {
    image.keyless = parse_keyless(*keyless, path + ".keyless");
  }
  if (image.keys.empty() && !image.keyless) {
    throw invalid_argument(path + ": needs keys or keyless: who must have signed the images");
  }
  if (const Json* ignore = member(json, "ignoreTlog")) {
    image.ignore_tlog = expect_bool(*ignore, path + ".ignoreTlog");
    // Keyless signatures always need the log: a policy must not seem to say otherwise.
    if (image.ignore_tlog && image.keys.empty()) {
      throw invalid_argument(path + ".ignoreTlog: applies to keys, and this entry has none");
    }
  }
  return image;
}

Rules parse_rules(const Json& json, const std::string& path) {
  expect_object(json, path,
                {"allowedRegistries", "deniedKinds", "requiredLabels", "denyPrivileged",
                 "denyHostPath", "denyHostNetwork", "allowedNamespaces"});
  Rules rules;
  if (const Json* registries = member(json, "allowedRegistries")) {
    const Json& list = expect_array(*registries, path + ".allowedRegistries");
    rules.allowed_registries.emplace();
    for (std::size_t i = 0; i < list.size(); ++i) {
      rules.allowed_registries->push_back(
          parse_glob(list[i], item_path(path + ".allowedRegistries", i)));
    }
  }
  if (const Json* kinds = member(json, "deniedKinds")) {
    rules.denied_kinds = expect_string_list(*kinds, path + ".deniedKinds");
  }
  if (const Json* labels = member(json, "requiredLabels")) {
    rules.required_labels = expect_string_list(*labels, path + ".requiredLabels");
  }
  const auto flag = [&](const char* field, bool& out) {
    if (const Json* value = member(json, field)) out = expect_bool(*value, path + "." + field);
  };
  flag("denyPrivileged", rules.deny_privileged);
  flag("denyHostPath", rules.deny_host_path);
  flag("denyHostNetwork", rules.deny_host_network);
  if (const Json* namespaces = member(json, "allowedNamespaces")) {
    rules.allowed_namespaces = expect_string_list(*namespaces, path + ".allowedNamespaces");
  }
  return rules;
}

std::string policy_name(const Object& object) {
  const Json* name = object.find(Json::json_pointer("/metadata/name"));
  return name != nullptr && name->is_string() ? name->get<std::string>() : std::string();
}

const Json& spec_of(const Object& object) {
  const Json* spec = object.find(Json::json_pointer("/spec"));
  if (spec == nullptr) throw invalid_argument("spec: required");
  expect_object(*spec, "spec", {"mode", "match", "commits", "images", "rules"});
  return *spec;
}

SigningPolicy parse_unnamed(const Object& object) {
  const Json& root = object.json();
  const Json* api_version = member(root, "apiVersion");
  const Json* kind = member(root, "kind");
  if (api_version == nullptr || *api_version != kApiVersion || kind == nullptr || *kind != kKind) {
    throw invalid_argument("not a " + std::string(kApiVersion) + " " + std::string(kKind));
  }
  SigningPolicy policy;
  policy.name = policy_name(object);
  if (policy.name.empty()) throw invalid_argument("metadata.name: required");
  const Json& spec = spec_of(object);
  if (const Json* mode = member(spec, "mode")) policy.mode = parse_mode(*mode, "spec.mode");
  if (const Json* match = member(spec, "match")) policy.match = parse_match(*match, "spec.match");
  if (const Json* commits = member(spec, "commits")) {
    policy.commits = parse_commits(*commits, "spec.commits");
  }
  if (const Json* images = member(spec, "images")) {
    const Json& list = expect_array(*images, "spec.images");
    for (std::size_t i = 0; i < list.size(); ++i) {
      policy.images.push_back(parse_image_policy(list[i], item_path("spec.images", i)));
    }
  }
  if (const Json* rules = member(spec, "rules")) policy.rules = parse_rules(*rules, "spec.rules");
  return policy;
}

}  // namespace

std::string_view to_string(Mode mode) {
  return mode == Mode::kAudit ? "Audit" : "Enforce";
}

std::string SecretKeyRef::to_string() const {
  return "secret " + (namespace_.empty() ? name : namespace_ + "/" + name) + " key " + key;
}

bool KeylessIdentity::matches(std::string_view certificate_issuer,
                              std::string_view certificate_subject) const {
  if (certificate_issuer != issuer || (subject.empty() && subject_regexp.empty())) return false;
  // The same matcher as cosign's --certificate-identity[-regexp] (core/value_matcher.h).
  return ValueMatcher(subject, subject_regexp, "subjectRegExp").matches(certificate_subject);
}

std::string KeylessIdentity::to_string() const {
  return "issuer=" + issuer +
         (subject_regexp.empty() ? " subject=" + subject : " subjectRegExp=" + subject_regexp);
}

bool Match::matches(const Object& application) const {
  if (namespaces) {
    const std::string ns = application.namespace_name();
    if (std::find(namespaces->begin(), namespaces->end(), ns) == namespaces->end()) return false;
  }
  return !application_selector || application_selector->matches(application.labels());
}

SigningPolicy parse_signing_policy(const Object& object) {
  try {
    return parse_unnamed(object);
  } catch (const Error& e) {
    throw e.with_context("SigningPolicy \"" + policy_name(object) + "\"");
  }
}

LoadedPolicy load_signing_policy(const Object& object) noexcept {
  LoadedPolicy loaded;
  loaded.name = policy_name(object);
  try {
    loaded.policy = parse_signing_policy(object);
    loaded.mode = loaded.policy->mode;
    loaded.match = loaded.policy->match;
    return loaded;
  } catch (...) {
    loaded.error = Error::from_current_exception();
  }
  // Salvage what can be read, so a broken Audit policy does not block and a broken policy for
  // one namespace does not block all of them; anything unreadable stays at the strict default.
  const Json* spec = object.find(Json::json_pointer("/spec"));
  if (spec == nullptr || !spec->is_object()) return loaded;
  if (const Json* mode = member(*spec, "mode"); mode != nullptr && *mode == "Audit") {
    loaded.mode = Mode::kAudit;
  }
  try {
    if (const Json* match = member(*spec, "match")) {
      loaded.match = parse_match(*match, "spec.match");
    } else {
      loaded.match = Match{};
    }
  } catch (...) {
    loaded.match.reset();
  }
  return loaded;
}

}  // namespace sluice::policy
