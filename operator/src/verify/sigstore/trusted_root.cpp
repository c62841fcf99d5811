#include "verify/sigstore/trusted_root.h"

#include "verify/sigstore/json_fields.h"

namespace sluice::verify::sigstore {
namespace {

constexpr ErrorCode kCode = ErrorCode::kInvalidArgument;
constexpr std::string_view kMediaTypePrefix = "application/vnd.dev.sigstore.trustedroot";

TimeWindow parse_window(const JsonFields& fields) {
  const JsonFields window = fields.object("validFor");
  TimeWindow parsed;
  parsed.start = window.timestamp("start", /*round_up=*/true);
  if (window.has("end")) {
    parsed.end = window.timestamp("end", /*round_up=*/false);
    if (*parsed.end < parsed.start) throw window.error("end", "is before its start");
  }
  return parsed;
}

TransparencyLog parse_log(const JsonFields& fields) {
  TransparencyLog log;
  log.base_url = fields.optional_string("baseUrl").value_or("");
  log.log_id = fields.object("logId").base64("keyId");
  const JsonFields key = fields.object("publicKey");
  const std::string details = key.optional_string("keyDetails").value_or("");
  log.key = details.starts_with("PKCS1_RSA_")
                ? parse_rsa_public_key_der(key.base64("rawBytes"), kCode, key.where() + ".rawBytes")
                : parse_public_key_der(key.base64("rawBytes"), kCode, key.where() + ".rawBytes");
  log.valid_for = parse_window(key);
  return log;
}

CertificateAuthority parse_authority(const JsonFields& fields) {
  CertificateAuthority authority;
  authority.uri = fields.optional_string("uri").value_or("");
  const JsonFields chain = fields.object("certChain");
  const Json& certificates = chain.array("certificates");
  if (certificates.empty()) throw chain.error("certificates", "is empty");
  for (std::size_t i = 0; i < certificates.size(); ++i) {
    const JsonFields certificate(certificates[i],
                                 chain.where() + ".certificates[" + std::to_string(i) + "]", kCode);
    authority.chain.push_back(parse_certificate_der(certificate.base64("rawBytes"), kCode,
                                                    certificate.where() + ".rawBytes"));
  }
  authority.valid_for = parse_window(fields);
  return authority;
}

template <typename T, typename Parse>
std::vector<T> parse_list(const JsonFields& root, std::string_view key, Parse parse) {
  std::vector<T> items;
  if (!root.has(key)) return items;
  const Json& list = root.array(key);
  for (std::size_t i = 0; i < list.size(); ++i) {
    items.push_back(parse(JsonFields(
        list[i], root.where() + "." + std::string(key) + "[" + std::to_string(i) + "]", kCode)));
  }
  return items;
}

}  // namespace

std::string TransparencyLog::host() const {
  // As Go's url.Hostname(): no scheme, user information, port or path.
  std::string_view url = base_url;
  const std::size_t scheme = url.find("://");
  if (scheme != std::string_view::npos) url.remove_prefix(scheme + 3);
  url = url.substr(0, url.find_first_of("/?#"));
  const std::size_t at = url.rfind('@');
  if (at != std::string_view::npos) url.remove_prefix(at + 1);
  if (url.starts_with('[')) return std::string(url.substr(1, url.find(']') - 1));
  return std::string(url.substr(0, url.find(':')));
}

const TransparencyLog* TrustedRoot::find_tlog(std::string_view log_id) const {
  for (const TransparencyLog& log : tlogs) {
    if (log.log_id == log_id) return &log;
  }
  return nullptr;
}

TrustedRoot parse_trusted_root(std::string_view json_text) {
  if (json_text.size() > kMaxTrustedRootBytes) {
    throw resource_exhausted("trusted root is larger than 4 MiB");
  }
  const Json document = parse_json_document(json_text, "trusted root", kCode);
  const JsonFields root(document, "trusted root", kCode);
  const std::string media_type = root.string("mediaType");
  if (!media_type.starts_with(kMediaTypePrefix)) {
    throw root.error("mediaType", "is not a sigstore trusted root: \"" + media_type + "\"");
  }
  TrustedRoot trusted;
  trusted.tlogs = parse_list<TransparencyLog>(root, "tlogs", parse_log);
  trusted.ctlogs = parse_list<TransparencyLog>(root, "ctlogs", parse_log);
  trusted.certificate_authorities =
      parse_list<CertificateAuthority>(root, "certificateAuthorities", parse_authority);
  trusted.timestamp_authorities =
      parse_list<CertificateAuthority>(root, "timestampAuthorities", parse_authority);
  return trusted;
}

}  // namespace sluice::verify::sigstore
