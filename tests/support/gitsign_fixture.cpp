#include "gitsign_fixture.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include <openssl/cms.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "core/base64.h"
#include "core/object.h"
#include "core/sha256.h"
#include "core/unique_c_ptr.h"
#include "protobuf_writer.h"
#include "verify/gitsign_cms.h"
#include "verify/sigstore/crypto.h"
#include "verify/sigstore/merkle.h"

namespace sluice::testing {
namespace {

void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("gitsign fixture: ") + what + " failed");
}

std::string sign_bytes(EVP_PKEY* key, std::string_view message) {
  UniqueCPtr<EVP_MD_CTX, EVP_MD_CTX_free> context(EVP_MD_CTX_new());
  std::size_t size = 0;
  const auto* data = reinterpret_cast<const unsigned char*>(message.data());
  check(EVP_DigestSignInit(context.get(), nullptr, EVP_sha256(), nullptr, key) == 1 &&
            EVP_DigestSign(context.get(), nullptr, &size, data, message.size()) == 1,
        "EVP_DigestSign");
  std::string signature(size, '\0');
  check(EVP_DigestSign(context.get(), reinterpret_cast<unsigned char*>(signature.data()), &size,
                       data, message.size()) == 1,
        "EVP_DigestSign");
  signature.resize(size);
  return signature;
}

void add_extension(X509* certificate, X509* issuer, int nid, const char* value) {
  X509V3_CTX context;
  X509V3_set_ctx(&context, issuer, certificate, nullptr, nullptr, 0);
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value);
  check(extension != nullptr, "X509V3_EXT_conf_nid");
  X509_add_ext(certificate, extension, -1);
  X509_EXTENSION_free(extension);
}

CertPtr make_certificate(EVP_PKEY* key, const std::string& common_name, X509* issuer,
                         EVP_PKEY* issuer_key, std::int64_t not_before, std::int64_t not_after,
                         bool is_ca) {
  CertPtr certificate(X509_new(), X509_free);
  X509_set_version(certificate.get(), 2);
  static long serial = 1000;
  ASN1_INTEGER_set(X509_get_serialNumber(certificate.get()), ++serial);
  X509_NAME* name = X509_get_subject_name(certificate.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("sluice test"), -1, -1, 0);
  if (!common_name.empty()) {
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                               0);
  }
  X509* signer = issuer != nullptr ? issuer : certificate.get();
  X509_set_issuer_name(certificate.get(), X509_get_subject_name(signer));
  ASN1_TIME_set(X509_getm_notBefore(certificate.get()), static_cast<time_t>(not_before));
  ASN1_TIME_set(X509_getm_notAfter(certificate.get()), static_cast<time_t>(not_after));
  X509_set_pubkey(certificate.get(), key);
  add_extension(certificate.get(), signer, NID_subject_key_identifier, "hash");
  if (is_ca) {
    add_extension(certificate.get(), signer, NID_basic_constraints, "critical,CA:TRUE");
    add_extension(certificate.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    add_extension(certificate.get(), signer, NID_authority_key_identifier, "keyid");
    add_extension(certificate.get(), signer, NID_basic_constraints, "critical,CA:FALSE");
    add_extension(certificate.get(), signer, NID_key_usage, "critical,digitalSignature");
    add_extension(certificate.get(), signer, NID_ext_key_usage, "codeSigning");
  }
  check(X509_sign(certificate.get(), issuer_key != nullptr ? issuer_key : key, EVP_sha256()) > 0,
        "X509_sign");
  return certificate;
}

CertPtr make_leaf(EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key, const LeafOptions& options) {
  CertPtr leaf =
      make_certificate(key, "", issuer, issuer_key, options.not_before, options.not_after, false);
  // Re-sign after adding the Fulcio extensions.
  const std::string san =
      (options.identity.find("://") != std::string::npos ? "critical,URI:" : "critical,email:") +
      options.identity;
  add_extension(leaf.get(), issuer, NID_subject_alt_name, san.c_str());
  // 1.3.6.1.4.1.57264.1.8 holds a DER UTF8String.
  const std::string value =
      "\x0c" + std::string(1, static_cast<char>(options.issuer.size())) + options.issuer;
  UniqueCPtr<ASN1_OCTET_STRING, ASN1_OCTET_STRING_free> octets(ASN1_OCTET_STRING_new());
  ASN1_OCTET_STRING_set(octets.get(), reinterpret_cast<const unsigned char*>(value.data()),
                        static_cast<int>(value.size()));
  UniqueCPtr<ASN1_OBJECT, ASN1_OBJECT_free> oid(OBJ_txt2obj("1.3.6.1.4.1.57264.1.8", 1));
  X509_EXTENSION* extension = X509_EXTENSION_create_by_OBJ(nullptr, oid.get(), 0, octets.get());
  X509_add_ext(leaf.get(), extension, -1);
  X509_EXTENSION_free(extension);
  check(X509_sign(leaf.get(), issuer_key, EVP_sha256()) > 0, "X509_sign");
  return leaf;
}

std::string der(X509* certificate) {
  return verify::sigstore::certificate_der(certificate);
}

std::string pem(X509* certificate) {
  return "-----BEGIN CERTIFICATE-----\n" + [&] {
    const std::string text = encode_base64(der(certificate));
    std::string lines;
    for (std::size_t i = 0; i < text.size(); i += 64) lines += text.substr(i, 64) + "\n";
    return lines;
  }() + "-----END CERTIFICATE-----\n";
}

std::string int_field(int number, std::int64_t value) {
  return testing::protobuf::int_field(number, static_cast<std::uint64_t>(value));
}
using testing::protobuf::bytes_field;

std::string node(const std::string& left, const std::string& right) {
  return verify::sigstore::sha256_raw("\x01" + left + right);
}

std::string tlog_entry_proto(const EntryFields& entry, EVP_PKEY* log_key) {
  const std::string log_id =
      verify::sigstore::sha256_raw(verify::sigstore::public_key_der(log_key));
  const Json set_payload = {{"body", encode_base64(entry.body)},
                            {"integratedTime", entry.integrated_time},
                            {"logID", to_hex(log_id)},
                            {"logIndex", entry.log_index}};
  const std::string set = sign_bytes(log_key, set_payload.dump() + entry.set_payload_suffix);
  std::string proto = int_field(1, entry.log_index) + bytes_field(2, bytes_field(1, log_id)) +
                      bytes_field(3, bytes_field(1, entry.kind) + bytes_field(2, entry.version)) +
                      int_field(4, entry.integrated_time) + bytes_field(5, bytes_field(1, set));
  if (entry.with_proof) {
    const std::string leaf0 = verify::sigstore::merkle_leaf_hash("leaf 0");
    const std::string leaf1 = verify::sigstore::merkle_leaf_hash("leaf 1");
    const std::string root =
        node(node(leaf0, leaf1), verify::sigstore::merkle_leaf_hash(entry.body));
    const std::string host = "rekor.example.dev";
    const std::string note = host + " - 42\n3\n" + encode_base64(root) + "\n";
    const std::string checkpoint = note + "\n\xE2\x80\x94 " + host + " " +
                                   encode_base64(log_id.substr(0, 4) + sign_bytes(log_key, note)) +
                                   "\n";
    proto += bytes_field(
        6, int_field(1, entry.log_index) + bytes_field(2, root) + int_field(3, 3) +
               bytes_field(4, entry.wrong_proof_hash ? node(leaf1, leaf0) : node(leaf0, leaf1)) +
               bytes_field(5, bytes_field(1, checkpoint)));
  }
  if (entry.embed_body) proto += bytes_field(7, entry.body);
  return proto;
}

std::string iso_time(std::int64_t seconds) {
  const auto value = static_cast<time_t>(seconds);
  std::tm parts{};
  gmtime_r(&value, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return text;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::string key_pem(EVP_PKEY* key) {
  UniqueCPtr<BIO, BIO_free> out(BIO_new(BIO_s_mem()));
  check(PEM_write_bio_PrivateKey(out.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1,
        "PEM_write_bio_PrivateKey");
  char* data = nullptr;
  const long size = BIO_get_mem_data(out.get(), &data);
  return {data, static_cast<std::size_t>(size)};
}

KeyPtr read_key(const std::filesystem::path& path) {
  const std::string text = read_file(path);
  UniqueCPtr<BIO, BIO_free> in(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(in.get(), nullptr, nullptr, nullptr);
  check(key != nullptr, "PEM_read_bio_PrivateKey");
  return {key, EVP_PKEY_free};
}

CertPtr read_certificate(const std::filesystem::path& path) {
  return verify::sigstore::parse_certificate_pem(read_file(path), ErrorCode::kInternal,
                                                 path.string());
}

}  // namespace

KeyPtr generate_p256_key() {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  check(key != nullptr, "EVP_PKEY_Q_keygen");
  return {key, EVP_PKEY_free};
}

GitsignFixture::GitsignFixture(const LeafOptions& leaf) {
  root_key_ = generate_p256_key();
  intermediate_key_ = generate_p256_key();
  log_key_ = generate_p256_key();
  constexpr std::int64_t kFrom = 1577836800;  // 2020-01-01
  constexpr std::int64_t kTo = 2524608000;    // 2050-01-01
  root_ = make_certificate(root_key_.get(), "test fulcio root", nullptr, nullptr, kFrom, kTo, true);
  intermediate_ = make_certificate(intermediate_key_.get(), "test fulcio intermediate", root_.get(),
                                   root_key_.get(), kFrom, kTo, true);
  reissue_leaf(leaf);
}

void GitsignFixture::reissue_leaf(const LeafOptions& leaf) {
  leaf_key_ = generate_p256_key();
  leaf_ = make_leaf(leaf_key_.get(), intermediate_.get(), intermediate_key_.get(), leaf);
}

std::string GitsignFixture::sign(std::string_view payload, const SignOptions& options) const {
  UniqueCPtr<BIO, BIO_free> content(
      BIO_new_mem_buf(payload.data(), static_cast<int>(payload.size())));
  const unsigned flags = CMS_DETACHED | CMS_BINARY | CMS_PARTIAL | CMS_NOSMIMECAP;
  UniqueCPtr<CMS_ContentInfo, CMS_ContentInfo_free> cms(
      CMS_sign(nullptr, nullptr, nullptr, nullptr, flags));
  check(cms != nullptr, "CMS_sign");
  CMS_SignerInfo* signer =
      CMS_add1_signer(cms.get(), leaf_.get(), leaf_key_.get(), EVP_sha256(), flags);
  check(signer != nullptr, "CMS_add1_signer");
  UniqueCPtr<ASN1_TIME, ASN1_TIME_free> time(
      ASN1_TIME_set(nullptr, static_cast<time_t>(options.signing_time)));
  check(CMS_signed_add1_attr_by_NID(signer, NID_pkcs9_signingTime, time->type, time.get(), -1) == 1,
        "signing-time");
  check(CMS_final(cms.get(), content.get(), nullptr, CMS_BINARY) == 1, "CMS_final");
  const auto armor = [&] {
    unsigned char* der = nullptr;
    const int size = i2d_CMS_ContentInfo(cms.get(), &der);
    check(size > 0, "i2d_CMS_ContentInfo");
    const std::string text = encode_base64(
        std::string_view(reinterpret_cast<char*>(der), static_cast<std::size_t>(size)));
    OPENSSL_free(der);
    std::string armored = "-----BEGIN SIGNED MESSAGE-----\n";
    for (std::size_t i = 0; i < text.size(); i += 64) armored += text.substr(i, 64) + "\n";
    return armored + "-----END SIGNED MESSAGE-----\n";
  };
  if (!options.with_tlog) return armor();

  const verify::CmsSignature parts = verify::parse_cms_signature(armor());
  EntryFields entry;
  entry.integrated_time = options.signing_time;
  const Json body = {
      {"apiVersion", "0.0.1"},
      {"kind", "hashedrekord"},
      {"spec",
       {{"data",
         {{"hash", {{"algorithm", "sha256"}, {"value", sha256_hex(parts.signed_attributes)}}}}},
        {"signature",
         {{"content", encode_base64(parts.signature)},
          {"publicKey", {{"content", encode_base64(pem(leaf_.get()))}}}}}}}};
  entry.body = body.dump();
  if (options.edit_entry) options.edit_entry(entry);
  const std::string proto = tlog_entry_proto(entry, log_key_.get());
  UniqueCPtr<ASN1_OBJECT, ASN1_OBJECT_free> oid(
      OBJ_txt2obj(verify::kRekorTransparencyLogEntryOid, 1));
  check(CMS_unsigned_add1_attr_by_OBJ(signer, oid.get(), V_ASN1_OCTET_STRING, proto.data(),
                                      static_cast<int>(proto.size())) == 1,
        "CMS_unsigned_add1_attr_by_OBJ");
  return armor();
}

std::string GitsignFixture::trusted_root_json() const {
  const std::string log_der = verify::sigstore::public_key_der(log_key_.get());
  const Json root = {
      {"mediaType", "application/vnd.dev.sigstore.trustedroot+json;version=0.1"},
      {"tlogs",
       Json::array(
           {{{"baseUrl", "https://rekor.example.dev"},
             {"hashAlgorithm", "SHA2_256"},
             {"publicKey",
              {{"rawBytes", encode_base64(log_der)},
               {"keyDetails", "PKIX_ECDSA_P256_SHA_256"},
               {"validFor", {{"start", iso_time(1577836800)}}}}},
             {"logId", {{"keyId", encode_base64(verify::sigstore::sha256_raw(log_der))}}}}})},
      {"certificateAuthorities",
       Json::array({{{"subject", {{"organization", "sluice test"}, {"commonName", "test fulcio"}}},
                     {"uri", "https://fulcio.example.dev"},
                     {"certChain",
                      {{"certificates",
                        Json::array({{{"rawBytes", encode_base64(der(intermediate_.get()))}},
                                     {{"rawBytes", encode_base64(der(root_.get()))}}})}}},
                     {"validFor", {{"start", iso_time(1577836800)}}}}})},
      {"ctlogs", Json::array()},
      {"timestampAuthorities", Json::array()}};
  return root.dump(2);
}

void GitsignFixture::save(const std::filesystem::path& folder) const {
  std::filesystem::create_directories(folder);
  write_file(folder / "root.key", key_pem(root_key_.get()));
  write_file(folder / "intermediate.key", key_pem(intermediate_key_.get()));
  write_file(folder / "leaf.key", key_pem(leaf_key_.get()));
  write_file(folder / "log.key", key_pem(log_key_.get()));
  write_file(folder / "root.pem", pem(root_.get()));
  write_file(folder / "intermediate.pem", pem(intermediate_.get()));
  write_file(folder / "leaf.pem", pem(leaf_.get()));
  write_file(folder / "trusted_root.json", trusted_root_json());
}

GitsignFixture GitsignFixture::load(const std::filesystem::path& folder) {
  GitsignFixture fixture{Empty{}};
  fixture.root_key_ = read_key(folder / "root.key");
  fixture.intermediate_key_ = read_key(folder / "intermediate.key");
  fixture.leaf_key_ = read_key(folder / "leaf.key");
  fixture.log_key_ = read_key(folder / "log.key");
  fixture.root_ = read_certificate(folder / "root.pem");
  fixture.intermediate_ = read_certificate(folder / "intermediate.pem");
  fixture.leaf_ = read_certificate(folder / "leaf.pem");
  return fixture;
}

}  // namespace sluice::testing
