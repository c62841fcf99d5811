#include "git/digest.h"

#include <algorithm>
#include <array>
#include <memory>

#include <openssl/evp.h>

#include "core/error.h"

namespace sluice::git {
namespace {

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

class Sha256 {
 public:
  Sha256() : ctx_(EVP_MD_CTX_new()) {
    if (!ctx_ || EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr) != 1) {
      throw internal_error("sha256: EVP_DigestInit_ex failed");
    }
  }
  void update(std::string_view bytes) {
    if (EVP_DigestUpdate(ctx_.get(), bytes.data(), bytes.size()) != 1) {
      throw internal_error("sha256: EVP_DigestUpdate failed");
    }
  }
  std::string raw() {
    std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
    unsigned int size = 0;
    if (EVP_DigestFinal_ex(ctx_.get(), out.data(), &size) != 1) {
      throw internal_error("sha256: EVP_DigestFinal_ex failed");
    }
    return {reinterpret_cast<const char*>(out.data()), size};
  }

 private:
  std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx_;
};

std::string to_hex(std::string_view raw) {
  static constexpr std::string_view kDigits = "0123456789abcdef";
  std::string hex;
  hex.reserve(raw.size() * 2);
  for (const char c : raw) {
    const auto u = static_cast<unsigned char>(c);
    hex.push_back(kDigits[u >> 4U]);
    hex.push_back(kDigits[u & 0xFU]);
  }
  return hex;
}

std::string to_octal(std::uint32_t value) {
  std::string text;
  do {
    text.insert(text.begin(), static_cast<char>('0' + (value & 7U)));
    value >>= 3U;
  } while (value != 0);
  return text;
}

}  // namespace

std::string sha256_hex(std::string_view bytes) {
  Sha256 hash;
  hash.update(bytes);
  return to_hex(hash.raw());
}

void TreeDigest::add(std::string path, std::uint32_t mode, std::string_view bytes) {
  Sha256 hash;
  hash.update(bytes);
  entries_.push_back(Entry{std::move(path), mode, hash.raw(), bytes.size()});
}

std::string TreeDigest::finish() const {
  std::vector<const Entry*> sorted;
  sorted.reserve(entries_.size());
  for (const Entry& entry : entries_) sorted.push_back(&entry);
  std::sort(sorted.begin(), sorted.end(),
            [](const Entry* a, const Entry* b) { return a->path < b->path; });
  Sha256 hash;
  const std::string_view nul("\0", 1);
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    const Entry& entry = *sorted[i];
    if (i > 0 && sorted[i - 1]->path == entry.path) {
      throw invalid_argument("digest: path \"" + entry.path + "\" given twice");
    }
    hash.update(entry.path);
    hash.update(nul);
    hash.update(to_octal(entry.mode));
    hash.update(nul);
    hash.update(std::to_string(entry.size));
    hash.update(nul);
    hash.update(entry.sha256);
  }
  return "sha256:" + to_hex(hash.raw());
}

}  // namespace sluice::git
