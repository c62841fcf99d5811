#include "core/yaml_reader.h"

#include <algorithm>
#include <istream>
#include <map>
#include <optional>
#include <set>
#include <streambuf>
#include <string>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include "core/error.h"
#include "core/goyaml_resolve.h"
#include "core/json.h"
#include "core/yaml_folded.h"
#include "core/yaml_resolve.h"

namespace sluice {
namespace {

using json = sluice::Json;

constexpr std::string_view kTagPrefix = "tag:yaml.org,2002:";
constexpr std::string_view kPlainTag = "?";     // yaml-cpp: untagged plain scalar
constexpr std::string_view kNonPlainTag = "!";  // yaml-cpp: untagged quoted/block scalar

std::string position(const YAML::Mark& mark) {
  return "line " + std::to_string(mark.line + 1) + ", column " + std::to_string(mark.column + 1);
}

// Reads a string_view through std::istream without copying it (yaml-cpp only takes streams).
class ViewStreamBuf : public std::streambuf {
 public:
  explicit ViewStreamBuf(std::string_view text) {
    char* begin = const_cast<char*>(text.data());  // the get area is never written through
    setg(begin, begin, begin + text.size());
  }
};

// A finished node: its JSON value, how many JSON nodes it holds (for the alias budget) and, for
// scalars, the source text (mapping keys use the text, as yaml.v3 does for string-keyed maps).
struct Built {
  json value;
  std::size_t nodes = 1;
  std::optional<std::string> scalar_text;
  bool plain = false;
};

// A collection being built.
struct Frame {
  bool is_map = false;
  json value;
  std::size_t nodes = 1;
  YAML::anchor_t anchor = YAML::NullAnchor;
  YAML::Mark start;
  // Mapping state.
  std::optional<std::string> pending_key;
  bool pending_merge = false;
  bool pending_drop = false;
  std::map<std::string, YAML::Mark, std::less<>> key_marks;
  std::vector<json> merges;  // in source order; the first one wins on a shared key
};

// Builds JSON directly from parser events: yaml-cpp's own node graph shares aliased subtrees,
// and expanding an alias bomb from it would be unbounded; here every alias copy is paid for
// from YamlLimits::max_alias_nodes before it is made.
// The offset of the first byte that does not start a valid UTF-8 sequence (no overlong forms,
// surrogates or code points past U+10FFFF) or is an ASCII control character YAML does not
// allow (unless `controls_allowed`: escapes put them into scalars), or npos. go-yaml refuses such
// input, and nlohmann cannot dump a string holding invalid UTF-8 (its type_error would escape every
// caller).
std::size_t invalid_utf8_offset(std::string_view text, bool controls_allowed = false) noexcept {
  const auto byte = [&text](std::size_t at) { return static_cast<unsigned char>(text[at]); };
  std::size_t i = 0;
  while (i < text.size()) {
    const unsigned char lead = byte(i);
    std::size_t length = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xBF;  // bounds of the second byte
    if (lead < 0x80) {
      // Control characters other than tab and line breaks are not printable in YAML; NULs
      // would also make yaml-cpp guess UTF-16 or UTF-32 and decode garbage.
      const bool control =
          (lead < 0x20 && lead != '\t' && lead != '\n' && lead != '\r') || lead == 0x7F;
      if (control && !controls_allowed) return i;
      ++i;
      continue;
    }
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) low = 0xA0;
      if (lead == 0xED) high = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) low = 0x90;
      if (lead == 0xF4) high = 0x8F;
    } else {
      return i;
    }
    if (i + length > text.size() || byte(i + 1) < low || byte(i + 1) > high) return i;
    for (std::size_t k = 2; k < length; ++k) {
      if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return i;
    }
    i += length;
  }
  return std::string_view::npos;
}

// yaml-cpp unescapes "\\N" and "\\_" in double-quoted scalars to the single bytes 0x85 and 0xA0,
// not to U+0085 and U+00A0 in UTF-8 (found by fuzz_yaml_reader). The input is valid UTF-8
// (checked before parsing), so such bytes where UTF-8 breaks come from those escapes and are
// written as the characters they mean; anything else invalid is refused.
std::string with_escapes_repaired(const YAML::Mark& mark, const std::string& value) {
  std::size_t bad = invalid_utf8_offset(value, /*controls_allowed=*/true);
  if (bad == std::string_view::npos) return value;
  std::string repaired;
  std::size_t done = 0;
  while (bad != std::string_view::npos) {
    const auto byte = static_cast<unsigned char>(value[done + bad]);
    if (byte != 0x85 && byte != 0xA0) {
      throw invalid_argument(position(mark) + ": scalar is not valid UTF-8");
    }
    repaired.append(value, done, bad);
    repaired += '\xC2';
    repaired += static_cast<char>(byte);
    done += bad + 1;
    bad = invalid_utf8_offset(std::string_view(value).substr(done), /*controls_allowed=*/true);
  }
  repaired.append(value, done);
  return repaired;
}

class JsonBuilder : public YAML::EventHandler {
 public:
  JsonBuilder(std::string_view text, const YamlLimits& limits, YamlSchema schema,
              std::vector<json>& out)
      : text_(text), limits_(limits), schema_(schema), out_(out) {}

  void OnDocumentStart(const YAML::Mark& mark) override {
    // yaml-cpp 0.7 reports a stray ',' (or other token no node can start with) at the start
    // of a document as a null document without consuming it, so the next document starts at
    // the same place, forever (jbeder/yaml-cpp#1040, fixed upstream after 0.8).
    if (documents_started_ > 0 && static_cast<std::size_t>(mark.pos) == document_start_) {
      throw invalid_argument(position(mark) + ": unexpected character \"" +
                             std::string(text_.substr(document_start_, 1)) + "\"");
    }
    ++documents_started_;
    // The previous document ended where this one starts.
    check_size(mark, 0);
    document_start_ = static_cast<std::size_t>(mark.pos);
    root_.reset();
    anchors_.clear();
  }

  void OnDocumentEnd() override {
    if (root_ && !root_->value.is_null()) out_.push_back(std::move(root_->value));
    root_.reset();
  }

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    check_size(mark, 0);
    Built built{nullptr, 1, std::string(), true};
    finish(std::move(built), anchor, mark);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    check_size(mark, 0);
    const auto it = anchors_.find(anchor);
    if (it == anchors_.end()) throw invalid_argument(position(mark) + ": unknown alias");
    alias_nodes_ += it->second.nodes;
    if (alias_nodes_ > limits_.max_alias_nodes) {
      throw resource_exhausted(position(mark) + ": aliases expand to more than " +
                               std::to_string(limits_.max_alias_nodes) + " nodes (an alias bomb?)");
    }
    finish(Built(it->second), YAML::NullAnchor, mark);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& unescaped) override {
    const std::string value = with_escapes_repaired(mark, unescaped);
    check_size(mark, value.size());
    Built built;
    built.scalar_text = value;
    built.plain = tag == kPlainTag;
    built.value = typed_scalar(mark, tag, value);
    if (built.value.is_string() && schema_ == YamlSchema::kGoYamlV3) {
      if (const auto chomping = folded_chomping(mark)) {
        built.value = yaml_folded::kustomize_folded_value(value, *chomping == '+');
      }
    }
    finish(std::move(built), anchor, mark);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value /*style*/) override {
    open(mark, anchor, false);
  }
  void OnSequenceEnd() override { close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value /*style*/) override {
    open(mark, anchor, true);
  }
  void OnMapEnd() override { close(); }

  std::size_t document_start() const noexcept { return document_start_; }

 private:
  void check_size(const YAML::Mark& mark, std::size_t extra) const {
    const auto end = static_cast<std::size_t>(mark.pos) + extra;
    if (end - document_start_ > limits_.max_document_bytes) {
      throw resource_exhausted(position(mark) + ": document is larger than " +
                               std::to_string(limits_.max_document_bytes) + " bytes");
    }
  }

  // For a folded block scalar (`>`, possibly after a tag and an anchor), its chomping indicator
  // ('+', '-' or ' '); nullopt for any other style.
  std::optional<char> folded_chomping(const YAML::Mark& mark) const {
    auto pos = static_cast<std::size_t>(mark.pos);
    while (pos < text_.size() && (text_[pos] == '!' || text_[pos] == '&')) {
      while (pos < text_.size() && text_[pos] != ' ' && text_[pos] != '\t') ++pos;
      while (pos < text_.size() && (text_[pos] == ' ' || text_[pos] == '\t')) ++pos;
    }
    if (pos >= text_.size() || text_[pos] != '>') return std::nullopt;
    for (++pos; pos < text_.size() && text_[pos] >= '0' && text_[pos] <= '9'; ++pos) {
    }
    if (pos < text_.size() && (text_[pos] == '+' || text_[pos] == '-')) return text_[pos];
    // The indentation indicator may also follow the chomping one (">+2").
    return ' ';
  }

  json resolve(const YAML::Mark& mark, std::string_view text) const {
    if (schema_ == YamlSchema::kGoYamlV3) return yaml_resolve::resolve_plain(text);
    try {
      return goyaml::resolve_plain_v2(text);
    } catch (const Error& e) {
      throw e.with_context(position(mark));
    }
  }

  json typed_scalar(const YAML::Mark& mark, std::string_view tag, const std::string& text) const {
    if (tag == kPlainTag) return resolve(mark, text);
    if (tag == kNonPlainTag || !tag.starts_with(kTagPrefix)) return text;  // quoted or custom tag
    const std::string_view core = tag.substr(kTagPrefix.size());
    if (core == "str" || core == "binary" || core == "timestamp") return text;
    json resolved = resolve(mark, text);
    const bool ok = (core == "null" && resolved.is_null()) ||
                    (core == "bool" && resolved.is_boolean()) ||
                    (core == "int" && resolved.is_number_integer()) ||
                    (core == "float" && resolved.is_number());
    if (!ok) {
      throw invalid_argument(position(mark) + ": cannot decode \"" + text + "\" as !!" +
                             std::string(core));
    }
    if (core == "float") return resolved.get<double>();
    return resolved;
  }

  void open(const YAML::Mark& mark, YAML::anchor_t anchor, bool is_map) {
    check_size(mark, 0);
    if (stack_.size() >= limits_.max_depth) {
      throw resource_exhausted(position(mark) + ": nesting is deeper than " +
                               std::to_string(limits_.max_depth) + " levels");
    }
    Frame frame;
    frame.is_map = is_map;
    frame.value = is_map ? json::object() : json::array();
    frame.anchor = anchor;
    frame.start = mark;
    stack_.push_back(std::move(frame));
  }

  void close() {
    Frame frame = std::move(stack_.back());
    stack_.pop_back();
    for (json& merged : frame.merges) {
      for (auto& [key, value] : merged.items()) {
        if (!frame.value.contains(key)) frame.value[key] = std::move(value);
      }
    }
    // Members are vectors grown by doubling; a parsed tree is mostly read from here on, and a
    // rendered overlay holds every resource at once.
    if (frame.value.is_object()) {
      frame.value.get_ref<json::object_t&>().shrink_to_fit();
    } else {
      frame.value.get_ref<json::array_t&>().shrink_to_fit();
    }
    Built built{std::move(frame.value), frame.nodes, std::nullopt, false};
    finish(std::move(built), frame.anchor, frame.start);
  }

  // Hands a finished node to its parent (or makes it the document root).
  void finish(Built built, YAML::anchor_t anchor, const YAML::Mark& mark) {
    if (anchor != YAML::NullAnchor) anchors_[anchor] = built;
    if (stack_.empty()) {
      root_ = std::move(built);
      return;
    }
    Frame& parent = stack_.back();
    parent.nodes += built.nodes;
    if (!parent.is_map) {
      parent.value.push_back(std::move(built.value));
      return;
    }
    if (!parent.pending_key) {
      accept_key(parent, std::move(built), mark);
      return;
    }
    std::string key = std::move(*parent.pending_key);
    parent.pending_key.reset();
    if (parent.pending_drop) {
      parent.pending_drop = false;
      return;
    }
    if (parent.pending_merge) {
      parent.pending_merge = false;
      add_merge(parent, std::move(built.value), mark);
      return;
    }
    parent.value[key] = std::move(built.value);
  }

  void accept_key(Frame& map, Built key, const YAML::Mark& mark) const {
    if (!key.scalar_text) {
      throw invalid_argument(position(mark) + ": mapping keys must be scalars");
    }
    if (*key.scalar_text == "<<") {
      // A plain << merges; kustomize drops every other "<<" key with its value when it loads a
      // resource, so it never reaches the output.
      map.pending_key = "<<";
      (key.plain ? map.pending_merge : map.pending_drop) = true;
      return;
    }
    // A null key (`? ` or `~:`) is spelled as its text, as yaml.v3 does for string-keyed maps.
    std::string text = key.value.is_null() && key.scalar_text->empty() ? "" : *key.scalar_text;
    // sigs.k8s.io/yaml spells non-string keys as JSON does.
    if (schema_ == YamlSchema::kGoYamlV2 && key.plain &&
        (key.value.is_null() || key.value.is_boolean() || key.value.is_number_integer())) {
      text = key.value.dump();
    }
    // sigs.k8s.io/yaml decodes with go-yaml v2 leniently: a repeated key replaces the earlier
    // value (finish() overwrites it).
    const auto [it, inserted] = map.key_marks.emplace(text, mark);
    if (!inserted && schema_ == YamlSchema::kGoYamlV3) {
      throw invalid_argument(position(mark) + ": mapping key \"" + text + "\" already defined at " +
                             position(it->second));
    }
    map.pending_key = std::move(text);
  }

  void add_merge(Frame& map, json value, const YAML::Mark& mark) const {
    if (schema_ == YamlSchema::kGoYamlV2) {
      apply_merge_in_place(map, std::move(value), mark);
      return;
    }
    if (value.is_object()) {
      map.merges.push_back(std::move(value));
      return;
    }
    if (value.is_array()) {
      for (json& item : value) {
        if (!item.is_object()) {
          throw invalid_argument(position(mark) + ": merge key << takes maps only");
        }
        map.merges.push_back(std::move(item));
      }
      return;
    }
    throw invalid_argument(position(mark) + ": merge key << takes a map or a list of maps");
  }

  // go-yaml v2 merges where the << stands: its keys replace those before it and are replaced by
  // those after it; in a list of maps, an earlier map wins over a later one.
  static void apply_merge_in_place(Frame& map, json value, const YAML::Mark& mark) {
    std::vector<json> sources;
    if (value.is_object()) {
      sources.push_back(std::move(value));
    } else if (value.is_array()) {
      for (auto it = value.rbegin(); it != value.rend(); ++it) {
        if (!it->is_object()) {
          throw invalid_argument(position(mark) + ": merge key << takes maps only");
        }
        sources.push_back(std::move(*it));
      }
    } else {
      throw invalid_argument(position(mark) + ": merge key << takes a map or a list of maps");
    }
    for (json& source : sources) {
      for (auto& [key, item] : source.items()) map.value[key] = std::move(item);
    }
  }

  std::string_view text_;
  const YamlLimits& limits_;
  YamlSchema schema_;
  std::vector<json>& out_;
  std::vector<Frame> stack_;
  std::optional<Built> root_;
  std::map<YAML::anchor_t, Built> anchors_;
  std::size_t alias_nodes_ = 0;
  std::size_t document_start_ = 0;
  std::size_t documents_started_ = 0;
};

}  // namespace

std::vector<json> parse_yaml_documents(std::string_view text, const YamlLimits& limits,
                                       YamlSchema schema) {
  if (text.size() > limits.max_input_bytes) {
    throw resource_exhausted("input is larger than " + std::to_string(limits.max_input_bytes) +
                             " bytes");
  }
  // UTF-8 only: go-yaml would also read UTF-16 with a byte order mark, but yaml-cpp's decoding
  // of it passes broken surrogates through as invalid UTF-8 (found by fuzz_yaml_reader).
  if (const std::size_t bad = invalid_utf8_offset(text); bad != std::string_view::npos) {
    const std::size_t line_start = text.rfind('\n', bad == 0 ? 0 : bad - 1);
    const std::size_t line = 1 + static_cast<std::size_t>(std::count(
                                     text.begin(), text.begin() + static_cast<long>(bad), '\n'));
    const std::size_t column = line_start == std::string_view::npos ? bad + 1 : bad - line_start;
    throw invalid_argument("line " + std::to_string(line) + ", column " + std::to_string(column) +
                           ": invalid UTF-8 or a control character");
  }
  std::vector<json> documents;
  ViewStreamBuf buffer(text);
  std::istream stream(&buffer);
  JsonBuilder builder(text, limits, schema, documents);
  try {
    YAML::Parser parser(stream);
    while (parser.HandleNextDocument(builder)) {
    }
  } catch (const YAML::Exception& e) {
    throw invalid_argument(position(e.mark) + ": " + e.msg);
  }
  if (text.size() - std::min(text.size(), builder.document_start()) > limits.max_document_bytes) {
    throw resource_exhausted("document is larger than " +
                             std::to_string(limits.max_document_bytes) + " bytes");
  }
  return documents;
}

json parse_yaml(std::string_view text, const YamlLimits& limits, YamlSchema schema) {
  std::vector<json> documents = parse_yaml_documents(text, limits, schema);
  if (documents.size() > 1) {
    throw invalid_argument("expected one YAML document, found " + std::to_string(documents.size()));
  }
  return documents.empty() ? json() : std::move(documents.front());
}

}  // namespace sluice
