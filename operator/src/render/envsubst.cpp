#include "render/envsubst.h"

#include <algorithm>
#include <charconv>
#include <clocale>
#include <cwctype>
#include <memory>
#include <vector>

#include "core/error.h"
#include "core/go_unicode.h"
#include "render/envsubst_functions.h"

// A port of github.com/drone/envsubst v1.0.3 (parse/scan.go, parse/parse.go, template.go,
// funcs.go, path/match.go). The structure follows the original closely on purpose: its
// quirks (how "$$" and "\/" are dropped, how a multi-byte rune after ':' is stepped back over)
// are part of what Flux users' manifests see.
namespace sluice::render {
namespace {

using goyaml::decode_rune;

constexpr char32_t kEndRune = 0;  // as in envsubst, a NUL byte ends the input
// Bound on `${a:-${b:-...}}` nesting, so hostile input cannot exhaust the stack.
constexpr int kMaxNesting = 64;

enum class Token { kIllegal, kEof, kIdent, kLbrack, kRbrack };
enum Mode : unsigned { kScanIdent = 1, kScanLbrack = 2, kScanRbrack = 4, kScanEscape = 8 };
using Accept = bool (*)(char32_t rune, std::size_t index);

bool accept_rune(char32_t, std::size_t) {
  return true;
}
bool accept_ident(char32_t r, std::size_t) {
  return goyaml::is_letter(r) || goyaml::is_digit(r) || r == '_';
}
bool accept_colon(char32_t r, std::size_t) {
  return r == ':';
}
bool accept_one_hash(char32_t r, std::size_t i) {
  return r == '#' && i == 1;
}
bool accept_not_closing(char32_t r, std::size_t) {
  return r != '}';
}
bool accept_hash_func(char32_t r, std::size_t i) {
  return r == '#' && i < 3;
}
bool accept_percent_func(char32_t r, std::size_t i) {
  return r == '%' && i < 3;
}
bool accept_default_func(char32_t r, std::size_t i) {
  return (i == 1 && r == ':') || (i == 2 && (r == '=' || r == '-' || r == '?' || r == '+'));
}
bool accept_replace_func(char32_t r, std::size_t i) {
  return (i == 1 && r == '/') || (i == 2 && (r == '/' || r == '#' || r == '%'));
}
bool accept_one_equal(char32_t r, std::size_t i) {
  return i == 1 && r == '=';
}
bool accept_one_colon(char32_t r, std::size_t i) {
  return i == 1 && r == ':';
}
bool reject_colon_close(char32_t r, std::size_t) {
  return r != ':' && r != '}';
}
bool accept_slash(char32_t r, std::size_t) {
  return r == '/';
}
bool accept_not_slash(char32_t r, std::size_t) {
  return r != '/';
}
bool accept_casing_func(char32_t r, std::size_t i) {
  return (r == ',' || r == '^') && i < 3;
}

class Scanner {
 public:
  explicit Scanner(std::string_view text) : buf_(text) {}

  unsigned mode = 0;
  Accept accept = accept_rune;

  char32_t read() {
    if (pos_ >= buf_.size()) {
      width_ = 0;
      return kEndRune;
    }
    const goyaml::DecodedRune decoded = decode_rune(std::string_view(buf_).substr(pos_));
    width_ = decoded.size;
    pos_ += width_;
    return decoded.rune;
  }
  void unread() { pos_ -= width_; }
  char32_t peek() {
    const char32_t r = read();
    unread();
    return r;
  }
  std::string text() const { return buf_.substr(start_, pos_ - start_); }

  Token scan() {
    start_ = pos_;
    const char32_t r = read();
    if (r == kEndRune) return Token::kEof;
    if (scan_lbrack(r)) return Token::kLbrack;
    if (scan_rbrack(r)) return Token::kRbrack;
    if (scan_ident(r)) return Token::kIdent;
    return Token::kIllegal;
  }

 private:
  // Drops the byte just read (the escaping '$' or '\'); the escaped one after it is kept.
  void skip() { buf_.erase(pos_ - 1, 1); }

  bool scan_ident(char32_t r) {
    if ((mode & kScanIdent) == 0) return false;
    if (scan_escaped(r)) {
      skip();
    } else if (!accept(r, pos_ - start_)) {
      return false;
    }
    for (;;) {
      const char32_t next = read();
      if (next == kEndRune) {
        unread();
        break;
      }
      if (scan_lbrack(next)) {
        unread();
        unread();
        break;
      }
      if (scan_escaped(next)) {
        skip();
        continue;
      }
      if (!accept(next, pos_ - start_)) {
        unread();
        break;
      }
    }
    return true;
  }

  bool scan_lbrack(char32_t r) {
    if ((mode & kScanLbrack) == 0 || r != '$') return false;
    if (read() == '{') return true;
    unread();
    return false;
  }

  bool scan_rbrack(char32_t r) const { return (mode & kScanRbrack) != 0 && r == '}'; }

  bool scan_escaped(char32_t r) {
    if ((mode & kScanEscape) == 0) return false;
    if (r == '$' && peek() == '$') return true;
    if (r != '\\') return false;
    const char32_t next = peek();
    return next == '/' || next == '\\';
  }

  std::string buf_;
  std::size_t pos_ = 0;
  std::size_t start_ = 0;
  std::size_t width_ = 0;
};

// A parsed expression: literal text, or a function of a variable with argument expressions.
struct Node {
  bool is_text = true;
  std::string text;   // text nodes
  std::string param;  // the variable
  std::string name;   // the function: "", ":-", "#", "//", ...
  std::vector<std::unique_ptr<Node>> args;
};
using NodePtr = std::unique_ptr<Node>;

NodePtr text_node(std::string text) {
  auto node = std::make_unique<Node>();
  node->text = std::move(text);
  return node;
}

NodePtr func_node(std::string param) {
  auto node = std::make_unique<Node>();
  node->is_text = false;
  node->param = std::move(param);
  return node;
}

[[noreturn]] void fail(std::string_view reason) {
  throw invalid_argument("variable substitution failed: " + std::string(reason));
}

class Parser {
 public:
  explicit Parser(std::string_view text) : scanner_(text) {}

  // envsubst's parseAny, as a loop: its right-recursive list is just a sequence.
  std::vector<NodePtr> parse_all() {
    std::vector<NodePtr> nodes;
    for (;;) {
      scanner_.accept = accept_rune;
      scanner_.mode = kScanIdent | kScanLbrack | kScanEscape;
      switch (scanner_.scan()) {
        case Token::kIdent:
          nodes.push_back(text_node(scanner_.text()));
          break;
        case Token::kEof:
          return nodes;
        case Token::kLbrack:
          nodes.push_back(parse_func());
          break;
        default:
          fail("bad substitution");
      }
    }
  }

 private:
  NodePtr parse_func() {
    if (++depth_ > kMaxNesting) fail("substitutions nested too deeply");
    NodePtr node = parse_func_body();
    --depth_;
    return node;
  }

  NodePtr parse_func_body() {
    if (scanner_.peek() == '#') return parse_len_func();
    scanner_.accept = accept_ident;
    scanner_.mode = kScanIdent;
    if (scanner_.scan() != Token::kIdent) fail("unable to parse variable name");
    std::string name = scanner_.text();
    switch (scanner_.peek()) {
      case ':':
        return parse_default_or_substr(std::move(name));
      case '=':
        return parse_default_func(std::move(name));
      case ',':
      case '^':
        return parse_casing_func(std::move(name));
      case '/':
        return parse_replace_func(std::move(name));
      case '#':
        return parse_remove_func(std::move(name), accept_hash_func);
      case '%':
        return parse_remove_func(std::move(name), accept_percent_func);
      default:
        break;
    }
    scanner_.accept = accept_ident;
    scanner_.mode = kScanRbrack;
    if (scanner_.scan() != Token::kRbrack) fail("missing closing brace");
    return func_node(std::move(name));
  }

  NodePtr parse_param(Accept accept, unsigned mode) {
    scanner_.accept = accept;
    scanner_.mode = mode | kScanLbrack;
    switch (scanner_.scan()) {
      case Token::kLbrack:
        return parse_func();
      case Token::kIdent:
      case Token::kRbrack:
        return text_node(scanner_.text());
      default:
        fail("unable to parse substitution within function");
    }
  }

  // Reads the function's operator ("#", ":-", "//", ...) into node->name.
  void scan_operator(Node& node, Accept accept, std::string_view error = "bad substitution") {
    scanner_.accept = accept;
    scanner_.mode = kScanIdent;
    if (scanner_.scan() != Token::kIdent) fail(error);
    node.name = scanner_.text();
  }

  NodePtr parse_default_or_substr(std::string name) {
    scanner_.read();
    const char32_t next = scanner_.peek();
    scanner_.unread();
    if (next == '=' || next == '-' || next == '?' || next == '+') {
      return parse_default_func(std::move(name));
    }
    return parse_substr_func(std::move(name));
  }

  NodePtr parse_substr_func(std::string name) {
    NodePtr node = func_node(std::move(name));
    scan_operator(*node, accept_one_colon);
    node->args.push_back(parse_param(reject_colon_close, kScanIdent));
    scanner_.accept = accept_colon;
    scanner_.mode = kScanIdent | kScanRbrack;
    switch (scanner_.scan()) {
      case Token::kRbrack:
        return node;
      case Token::kIdent:
        break;
      default:
        fail("bad substitution");
    }
    node->args.push_back(parse_param(accept_not_closing, kScanIdent));
    consume_rbrack();
    return node;
  }

  NodePtr parse_remove_func(std::string name, Accept accept) {
    NodePtr node = func_node(std::move(name));
    scan_operator(*node, accept);
    node->args.push_back(parse_param(accept_not_closing, kScanIdent));
    consume_rbrack();
    return node;
  }

  NodePtr parse_replace_func(std::string name) {
    NodePtr node = func_node(std::move(name));
    scan_operator(*node, accept_replace_func);
    node->args.push_back(parse_param(accept_not_slash, kScanIdent | kScanEscape));
    scanner_.accept = accept_slash;
    scanner_.mode = kScanIdent;
    if (scanner_.scan() != Token::kIdent) fail("bad substitution");
    if (scanner_.peek() != '}') {
      node->args.push_back(parse_param(accept_not_closing, kScanIdent | kScanEscape));
    }
    consume_rbrack();
    return node;
  }

  NodePtr parse_default_func(std::string name) {
    NodePtr node = func_node(std::move(name));
    scan_operator(*node, scanner_.peek() == '=' ? accept_one_equal : accept_default_func,
                  "unable to parse default function");
    while (scanner_.peek() != '}') {
      node->args.push_back(parse_param(accept_not_closing, kScanIdent));
    }
    consume_rbrack();
    return node;
  }

  NodePtr parse_casing_func(std::string name) {
    NodePtr node = func_node(std::move(name));
    scan_operator(*node, accept_casing_func);
    consume_rbrack();
    return node;
  }

  NodePtr parse_len_func() {
    NodePtr node = func_node("");
    scan_operator(*node, accept_one_hash);
    scanner_.accept = accept_ident;
    scanner_.mode = kScanIdent;
    if (scanner_.scan() != Token::kIdent) fail("bad substitution");
    node->param = scanner_.text();
    consume_rbrack();
    return node;
  }

  void consume_rbrack() {
    scanner_.mode = kScanRbrack;
    if (scanner_.scan() != Token::kRbrack) fail("bad substitution");
  }

  Scanner scanner_;
  int depth_ = 0;
};

void evaluate(const Node& node, const VariableLookup& lookup, std::string& out) {
  if (node.is_text) {
    out += node.text;
    return;
  }
  std::vector<std::string> args;
  args.reserve(node.args.size());
  for (const NodePtr& arg : node.args) {
    std::string text;
    evaluate(*arg, lookup, text);
    args.push_back(std::move(text));
  }
  out += apply_function(node.name, lookup(node.param), args);
}

}  // namespace

std::string expand_variables(std::string_view text, const VariableLookup& lookup) {
  std::string out;
  for (const NodePtr& node : Parser(text).parse_all()) evaluate(*node, lookup, out);
  return out;
}

}  // namespace sluice::render
