#include "core/yaml_writer.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/go_format.h"
#include "core/go_unicode.h"
#include "core/json.h"
#include "core/yaml_emitter.h"
#include "core/yaml_scalar_style.h"

namespace sluice {
namespace {

using goyaml::ScalarStyle;

// go-yaml v2 (reading the JSON text) allows this many nested flow collections.
constexpr std::size_t kMaxDepth = 10000;
// go-yaml v2 drops a flow mapping key whose ':' is more than 1024 characters past the key's
// opening quote, and then fails: so a key may take at most 1022 characters of JSON text.
constexpr std::size_t kMaxKeyJsonChars = 1022;
// Longer keys (in bytes) are written as complex keys.
constexpr std::size_t kMaxSimpleKeyBytes = 128;

constexpr std::string_view kNel = "\xC2\x85";

Error invalid(std::string message) {
  return {ErrorCode::kInvalidArgument, std::move(message)};
}

std::string describe_rune(char32_t rune) {
  static constexpr std::string_view kHex = "0123456789ABCDEF";
  std::string out = "U+";
  for (int shift = 12; shift >= 0; shift -= 4) out += kHex[(rune >> shift) & 0x0F];
  return out;
}

// How many characters Go's json.Marshal spends on `rune` inside a string.
std::size_t json_escaped_length(char32_t rune) {
  switch (rune) {
    case '"':
    case '\\':
    case '\n':
    case '\r':
    case '\t':
    case '\b':
    case '\f':
      return 2;
    case '<':
    case '>':
    case '&':
    case 0x2028:
    case 0x2029:
      return 6;  // \u003c, ...
    default:
      return rune < 0x20 ? 6 : 1;
  }
}

// go-yaml's scanner reads a raw U+0085 in a double-quoted JSON string as a line break and
// folds it: the spaces around a run of breaks vanish, and a run of n breaks reads as one space
// (n == 1) or n - 1 newlines. Only spaces and U+0085 reach the JSON text raw; every other
// space-like character is escaped there and survives.
std::string fold_nel(std::string_view text) {
  const auto is_nel = [&](std::size_t i) { return text.substr(i, 2) == kNel; };
  std::string out;
  bool line_start = false;  // just after a U+0085, i.e. at column 0 of the JSON text
  for (std::size_t i = 0; i < text.size();) {
    if (line_start && (text.substr(i, 3) == "---" || text.substr(i, 3) == "...") &&
        i + 3 < text.size() && (text[i + 3] == ' ' || is_nel(i + 3))) {
      throw invalid("kustomize cannot print a string where U+0085 is followed by \"" +
                    std::string(text.substr(i, 3)) + "\" and a space (a YAML document marker)");
    }
    for (; i < text.size() && text[i] != ' ' && !is_nel(i); ++i) {
      out += text[i];
      line_start = false;
    }
    std::string spaces;
    std::size_t breaks = 0;
    for (; i < text.size() && (text[i] == ' ' || is_nel(i));) {
      if (text[i] == ' ') {
        if (breaks == 0) spaces += ' ';
        line_start = false;
        ++i;
      } else {
        ++breaks;
        line_start = true;
        i += kNel.size();
      }
    }
    if (breaks == 0) {
      out += spaces;
    } else if (breaks == 1) {
      out += ' ';
    } else {
      out.append(breaks - 1, '\n');
    }
  }
  return out;
}

// The string as kustomize holds it when printing: written by Go's json.Marshal (bad UTF-8
// bytes become U+FFFD) and read back by go-yaml v2 (which refuses some characters and folds
// U+0085).
std::string reread_string(std::string_view raw, bool is_key) {
  std::string text;
  text.reserve(raw.size());
  std::size_t json_chars = 0;
  for (std::size_t i = 0; i < raw.size();) {
    auto [rune, size] = goyaml::decode_rune(raw.substr(i));
    i += size;
    const bool bad_byte = rune == goyaml::kRuneError && size == 1;
    json_chars += bad_byte ? 6 : json_escaped_length(rune);
    // go-yaml's reader rejects these ("control characters are not allowed").
    if (rune == 0x7F || (rune >= 0x80 && rune <= 0x9F && rune != 0x85) || rune == 0xFFFE ||
        rune == 0xFFFF) {
      throw invalid("kustomize cannot print a string containing " + describe_rune(rune));
    }
    goyaml::append_rune(text, rune);
  }
  if (is_key && json_chars > kMaxKeyJsonChars) {
    throw invalid("kustomize cannot print a mapping key of " + std::to_string(json_chars) +
                  " characters as JSON text (at most " + std::to_string(kMaxKeyJsonChars) + ")");
  }
  if (text.find(kNel) == std::string::npos) return text;
  if (is_key) throw invalid("kustomize cannot print a mapping key containing U+0085");
  return fold_nel(text);
}

// go-yaml v2's keyList.Less for two string keys, as runes.
bool key_less(const std::u32string& a, const std::u32string& b) {
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (a[i] == b[i]) continue;
    const bool a_letter = goyaml::is_letter(a[i]);
    const bool b_letter = goyaml::is_letter(b[i]);
    if (a_letter && b_letter) return a[i] < b[i];
    if (a_letter || b_letter) return b_letter;
    // Digit runs from here compare by value; Go's int64 arithmetic wraps on overflow. A '0'
    // inside a number (after a non-zero digit) makes leading zeros count.
    std::uint64_t a_number = 0;
    std::uint64_t b_number = 0;
    if (a[i] == '0' || b[i] == '0') {
      for (std::size_t j = i; j > 0 && goyaml::is_digit(a[j - 1]); --j) {
        if (a[j - 1] != '0') {
          a_number = 1;
          b_number = 1;
          break;
        }
      }
    }
    std::size_t a_end = i;
    for (; a_end < a.size() && goyaml::is_digit(a[a_end]); ++a_end) {
      a_number = a_number * 10 + static_cast<std::uint64_t>(a[a_end] - U'0');
    }
    std::size_t b_end = i;
    for (; b_end < b.size() && goyaml::is_digit(b[b_end]); ++b_end) {
      b_number = b_number * 10 + static_cast<std::uint64_t>(b[b_end] - U'0');
    }
    if (a_number != b_number) {
      return static_cast<std::int64_t>(a_number) < static_cast<std::int64_t>(b_number);
    }
    if (a_end != b_end) return a_end < b_end;
    return a[i] < b[i];
  }
  return a.size() < b.size();
}

std::u32string runes_of(std::string_view text) {
  std::u32string runes;
  for (std::size_t i = 0; i < text.size();) {
    const auto decoded = goyaml::decode_rune(text.substr(i));
    runes.push_back(decoded.rune);
    i += decoded.size;
  }
  return runes;
}

struct Entry {
  std::string key;
  std::u32string runes;
  const Json* value;
};

// go-yaml's order is not a strict weak ordering for some key sets, so std::sort's
// precondition does not hold; a plain merge sort is safe with any comparator.
void sort_entries(std::vector<Entry>& entries) {
  std::vector<Entry> buffer;
  buffer.reserve(entries.size());
  for (std::size_t width = 1; width < entries.size(); width *= 2) {
    buffer.clear();
    for (std::size_t lo = 0; lo < entries.size(); lo += 2 * width) {
      const std::size_t mid = std::min(lo + width, entries.size());
      const std::size_t hi = std::min(lo + 2 * width, entries.size());
      std::size_t left = lo;
      std::size_t right = mid;
      while (left < mid || right < hi) {
        const bool take_right =
            left == mid || (right < hi && key_less(entries[right].runes, entries[left].runes));
        buffer.push_back(std::move(entries[take_right ? right++ : left++]));
      }
    }
    entries.swap(buffer);
  }
}

struct Frame {
  const Json* node;
  std::vector<Entry> entries;  // mappings only, in output order
  std::size_t next = 0;        // the child being written is next - 1
};

class DocumentWriter {
 public:
  std::string write(const Json& root) {
    node(root, false);
    while (!stack_.empty()) {
      Frame& frame = stack_.back();
      const bool is_map = frame.node->is_object();
      const std::size_t size = is_map ? frame.entries.size() : frame.node->size();
      if (frame.next == size) {
        emitter_.end_block_collection();
        stack_.pop_back();
        continue;
      }
      const std::size_t index = frame.next++;
      if (is_map) {
        const Entry& entry = frame.entries[index];
        const Json& value = *entry.value;
        key(entry.key);
        node(value, true);  // may grow stack_, so `frame` is not used past here
      } else {
        const Json& value = (*frame.node)[index];
        emitter_.item_prefix();
        node(value, false);
      }
    }
    return emitter_.finish();
  }

 private:
  void key(const std::string& text) {
    const goyaml::ScalarAnalysis analysis = goyaml::analyze_scalar(text);
    const bool simple = !analysis.multiline && text.size() <= kMaxSimpleKeyBytes;
    emitter_.key_prefix(simple);
    emitter_.scalar(
        text, goyaml::select_style(goyaml::requested_style(text), analysis, text, simple), simple);
    emitter_.value_prefix(simple);
  }

  void string_value(const std::string& raw) {
    const std::string text = reread_string(raw, false);
    const goyaml::ScalarAnalysis analysis = goyaml::analyze_scalar(text);
    emitter_.scalar(
        text, goyaml::select_style(goyaml::requested_style(text), analysis, text, false), false);
  }

  void node(const Json& value, bool mapping_value) {
    try {
      switch (value.type()) {
        case Json::value_t::null:
          emitter_.scalar("null", ScalarStyle::kPlain, false);
          return;
        case Json::value_t::boolean:
          emitter_.scalar(value.get<bool>() ? "true" : "false", ScalarStyle::kPlain, false);
          return;
        case Json::value_t::number_integer:
          emitter_.scalar(std::to_string(value.get<std::int64_t>()), ScalarStyle::kPlain, false);
          return;
        case Json::value_t::number_unsigned:
          emitter_.scalar(std::to_string(value.get<std::uint64_t>()), ScalarStyle::kPlain, false);
          return;
        case Json::value_t::number_float:
          emitter_.scalar(goyaml::float_scalar(value.get<double>()), ScalarStyle::kPlain, false);
          return;
        case Json::value_t::string:
          string_value(value.get_ref<const std::string&>());
          return;
        case Json::value_t::array:
        case Json::value_t::object:
          collection(value, mapping_value);
          return;
        case Json::value_t::binary:
        case Json::value_t::discarded:
          break;
      }
      throw invalid(std::string("cannot write a JSON ") + value.type_name() + " value as YAML");
    } catch (const Error& error) {
      throw error.with_context("at " + path());
    }
  }

  void collection(const Json& value, bool mapping_value) {
    if (stack_.size() + 1 > kMaxDepth) {
      throw invalid("kustomize cannot print collections nested deeper than " +
                    std::to_string(kMaxDepth));
    }
    if (value.empty()) {
      emitter_.empty_flow(value.is_object() ? "{}" : "[]");
      return;
    }
    Frame frame{&value, {}, 0};
    if (value.is_object()) {
      frame.entries = entries_of(value);
      emitter_.begin_block_mapping();
    } else {
      emitter_.begin_block_sequence(mapping_value);
    }
    stack_.push_back(std::move(frame));
  }

  static std::vector<Entry> entries_of(const Json& object) {
    std::vector<Entry> entries;
    entries.reserve(object.size());
    bool rewritten = false;
    for (const auto& [raw_key, child] : object.items()) {
      std::string key;
      try {
        key = reread_string(raw_key, true);
      } catch (const Error& error) {
        throw error.with_context("key \"" + raw_key + "\"");
      }
      rewritten = rewritten || key != raw_key;
      std::u32string runes = runes_of(key);
      entries.push_back(Entry{std::move(key), std::move(runes), &child});
    }
    if (rewritten) drop_duplicate_keys(entries);
    sort_entries(entries);
    return entries;
  }

  // Keys that differed only in bad UTF-8 are equal now. json.Marshal wrote them in byte order
  // of the original keys (the order of `entries`) and go-yaml keeps the last duplicate.
  static void drop_duplicate_keys(std::vector<Entry>& entries) {
    std::map<std::string_view, std::size_t> last;
    for (std::size_t i = 0; i < entries.size(); ++i) last[entries[i].key] = i;
    std::vector<bool> keep(entries.size(), false);
    for (const auto& [key, index] : last) keep[index] = true;
    std::vector<Entry> unique;
    unique.reserve(last.size());
    for (std::size_t i = 0; i < entries.size(); ++i) {
      if (keep[i]) unique.push_back(std::move(entries[i]));
    }
    entries.swap(unique);
  }

  std::string path() const {
    std::string out;
    for (const Frame& frame : stack_) {
      if (frame.next == 0) continue;
      if (frame.node->is_object()) {
        out += "." + frame.entries[frame.next - 1].key;
      } else {
        out += "[" + std::to_string(frame.next - 1) + "]";
      }
    }
    return out.empty() ? "the document root" : out;
  }

  goyaml::Emitter emitter_;
  std::vector<Frame> stack_;
};

}  // namespace

std::string write_yaml(const Json& document) {
  return DocumentWriter().write(document);
}

std::string write_yaml_documents(std::span<const Json> documents) {
  std::string out;
  for (std::size_t i = 0; i < documents.size(); ++i) {
    if (i > 0) out += "---\n";
    try {
      out += write_yaml(documents[i]);
    } catch (const Error& error) {
      throw error.with_context("document " + std::to_string(i + 1));
    }
  }
  return out;
}

}  // namespace sluice
