#pragma once

// go-yaml v2's emitter (emitterc.go), reduced to what kustomize's output uses: block mappings
// and sequences, the empty flow collections `{}` and `[]`, and scalars in plain, single-quoted,
// double-quoted and literal style; indent 2, line width 80, unicode output. It keeps the same
// column / indent / "whitespace" / "indention" state as the original, because that state is
// what decides where long scalars fold, how sequences indent under keys, and where spaces go.
//
// The caller drives it in document order, like go-yaml's event stream:
//   mapping:  begin_block_mapping, then per entry key_prefix, scalar(key), value_prefix,
//             <value>, and finally end_block_collection
//   sequence: begin_block_sequence, then per item item_prefix, <item>, end_block_collection
//   empty collections: empty_flow("{}") / empty_flow("[]")

#include <string>
#include <string_view>
#include <vector>

#include "core/yaml_scalar_style.h"

namespace sluice::goyaml {

class Emitter {
 public:
  void begin_block_mapping();
  // `mapping_value`: the sequence is the value of a mapping entry, where it is written
  // without extra indentation ("key:\n- a") unless the key was a complex ("? ") one.
  void begin_block_sequence(bool mapping_value);
  void end_block_collection();

  // `simple`: the key is written as "key: value"; otherwise as "? key\n: value" (keys that
  // span lines or are longer than 128 bytes).
  void key_prefix(bool simple);
  void value_prefix(bool simple);
  void item_prefix();

  // `brackets` is "{}" or "[]".
  void empty_flow(std::string_view brackets);

  // Writes a scalar in `style`, which must be one go-yaml's select_style would pick for it.
  // `simple_key`: the scalar is a simple mapping key (it then never folds).
  void scalar(std::string_view text, ScalarStyle style, bool simple_key);

  // Ends the document and returns its text (ending in a newline).
  std::string finish();

 private:
  void put(char c);
  void put_break();
  void write(std::string_view text, std::size_t& i);
  void write_break(std::string_view text, std::size_t& i);
  void write_indent();
  void write_indicator(std::string_view indicator, bool need_whitespace, bool is_whitespace,
                       bool is_indention);
  void increase_indent(bool flow, bool indentless);
  void pop_indent();

  void write_plain(std::string_view text, bool allow_breaks);
  void write_single_quoted(std::string_view text, bool allow_breaks);
  void write_double_quoted(std::string_view text, bool allow_breaks);
  void write_literal(std::string_view text);
  void write_escape(std::string_view text, std::size_t& i);

  std::string out_;
  int column_ = 0;
  int indent_ = -1;
  std::vector<int> indents_;
  bool whitespace_ = true;  // the last character written was whitespace (or nothing yet)
  bool indention_ = true;   // only indentation has been written on this line so far
};

}  // namespace sluice::goyaml
