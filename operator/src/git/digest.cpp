#include "git/digest.h"

#include <algorithm>
#include <array>
#include <memory>

#include "core/error.h"
#include "core/sha256.h"

namespace sluice::git {
namespace {

std::string to_octal(std::uint32_t value) {
  std::string text;
  do {
    text.insert(text.begin(), static_cast<char>('0' + (value & 7U)));
    value >>= 3U;
  } while (value != 0);
  return text;
}

}  // namespace

void TreeDigest::add(std::string path, std::uint32_t mode, std::string_view bytes) {
  Sha256 hash;
  hash.update(bytes);
  entries_.push_back(Entry{std::move(path), mode, hash.finish_raw(), bytes.size()});
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
  return "sha256:" + to_hex(hash.finish_raw());
}

}  // namespace sluice::git
