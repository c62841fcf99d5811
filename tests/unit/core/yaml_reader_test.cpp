#include "core/yaml_reader.h"

#include <string>

#include <gtest/gtest.h>

#include "core/error.h"
#include "core/json.h"
#include "test_helpers.h"

namespace sluice {
namespace {

using json = sluice::Json;

using sluice::testing::error_of;

ErrorCode code_of(const std::function<void()>& body) {
  return error_of(body).code();
}
std::string message_of(const std::function<void()>& body) {
  return error_of(body).message();
}

TEST(YamlReaderTest, TypesScalarsTheWayKustomizeDecodesThem) {
  const json doc = parse_yaml(R"(
int: 42
negative: -7
hex: 0x1F
octal_legacy: 017
octal: 0o17
binary: 0b101
underscores: 1_000
big: 12345678901234567890
float: 1.5
leading_dot: .5
exp: 1e3
inf: .inf
yes_word: yes
on_word: on
true_word: true
True_word: True
null_word: null
tilde: ~
empty:
quoted_int: "42"
quoted_bool: 'true'
literal: |
  line1
  line2
date: 2001-12-14
version: 1.10
)");
  EXPECT_EQ(doc["int"], 42);
  EXPECT_TRUE(doc["int"].is_number_integer());
  EXPECT_EQ(doc["negative"], -7);
  EXPECT_EQ(doc["hex"], 31);
  EXPECT_EQ(doc["octal_legacy"], 15);
  EXPECT_EQ(doc["octal"], 15);
  EXPECT_EQ(doc["binary"], 5);
  EXPECT_EQ(doc["underscores"], 1000);
  EXPECT_TRUE(doc["big"].is_number_unsigned());
  EXPECT_EQ(doc["big"].get<std::uint64_t>(), 12345678901234567890ULL);
  EXPECT_TRUE(doc["float"].is_number_float());
  EXPECT_DOUBLE_EQ(doc["float"].get<double>(), 1.5);
  EXPECT_DOUBLE_EQ(doc["leading_dot"].get<double>(), 0.5);
  EXPECT_TRUE(doc["exp"].is_number_float());
  EXPECT_TRUE(std::isinf(doc["inf"].get<double>()));
  EXPECT_EQ(doc["yes_word"], "yes");
  EXPECT_EQ(doc["on_word"], "on");
  EXPECT_EQ(doc["true_word"], true);
  EXPECT_EQ(doc["True_word"], true);
  EXPECT_TRUE(doc["null_word"].is_null());
  EXPECT_TRUE(doc["tilde"].is_null());
  EXPECT_TRUE(doc["empty"].is_null());
  EXPECT_EQ(doc["quoted_int"], "42");
  EXPECT_EQ(doc["quoted_bool"], "true");
  EXPECT_EQ(doc["literal"], "line1\nline2\n");
  EXPECT_EQ(doc["date"], "2001-12-14T00:00:00Z");  // kustomize normalises timestamps
  EXPECT_DOUBLE_EQ(doc["version"].get<double>(), 1.1);
}

TEST(YamlReaderTest, GoYamlV2SchemaReadsYaml11LikeSigsK8sIoYaml) {
  const json doc = parse_yaml(
      "a: yes\nb: off\nc: y\nd: N\ne: 2001-12-14\nf: 0x1F\ng: 0777\nh: 1_000\ni: ~\n"
      "j: 1e3\nk: \"yes\"\nl: >\n  folded\n  text\n",
      {}, YamlSchema::kGoYamlV2);
  EXPECT_EQ(doc["a"], true);
  EXPECT_EQ(doc["b"], false);
  EXPECT_EQ(doc["c"], true);
  EXPECT_EQ(doc["d"], false);
  EXPECT_EQ(doc["e"], "2001-12-14");  // v2.4 keeps timestamps as text
  EXPECT_EQ(doc["f"], 31);
  EXPECT_EQ(doc["g"], 511);
  EXPECT_EQ(doc["h"], 1000);
  EXPECT_TRUE(doc["i"].is_null());
  EXPECT_EQ(doc["j"], 1000.0);
  EXPECT_EQ(doc["k"], "yes");
  EXPECT_EQ(doc["l"], "folded text\n");
  // Keys that read as non-strings are spelled as JSON spells them.
  const json keys = parse_yaml("on: 1\n~: 2\n7: 3\n'on': 4\n", {}, YamlSchema::kGoYamlV2);
  EXPECT_EQ(keys, json::parse(R"({"true": 1, "null": 2, "7": 3, "on": 4})"));
  EXPECT_EQ(code_of([] { (void)parse_yaml("a: .inf\n", {}, YamlSchema::kGoYamlV2); }),
            ErrorCode::kInvalidArgument);
  // The default schema is yaml.v3's.
  EXPECT_EQ(parse_yaml("a: yes\n")["a"], "yes");
}

// Found by fuzz_yaml_reader (corpus: invalid-utf8): yaml-cpp passed stray bytes into strings,
// and dumping them threw nlohmann's type_error. go-yaml refuses such input; so does sluice.
TEST(YamlReaderTest, RefusesInvalidUtf8WithItsPosition) {
  for (const std::string& text : {std::string("a: \xDE\xDE\n"), std::string("a: \xC0\xAF\n"),
                                  std::string("a: \xED\xA0\x80\n"),
                                  std::string("a: \xF4\x90\x80\x80"), std::string("a: \xE2\x82")}) {
    try {
      (void)parse_yaml_documents(text);
      ADD_FAILURE() << "accepted " << text;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
      EXPECT_NE(
          std::string(e.what()).find("line 1, column 4: invalid UTF-8 or a control character"),
          std::string::npos)
          << e.what();
    }
  }
  EXPECT_EQ(code_of([] { parse_yaml("ok: 1\nbad: \xFF\n"); }), ErrorCode::kInvalidArgument);
  // Found by fuzz_yaml_reader (corpus: nul-in-key): NULs made yaml-cpp decode as UTF-32.
  EXPECT_EQ(code_of([] { parse_yaml(std::string("a\0\0\0 : 12\n", 10)); }),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of([] { parse_yaml("a: \x01\n"); }), ErrorCode::kInvalidArgument);
  // Corpus utf16-bom: yaml-cpp's UTF-16 decoding let broken surrogates through. UTF-8 only.
  EXPECT_EQ(code_of([] { parse_yaml(std::string("\xFE\xFF\0a\0:\0 \0b", 10)); }),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(parse_yaml("\xEF\xBB\xBF"
                       "a: b\n")["a"],
            "b");  // a UTF-8 byte order mark is fine
  // Corpus escaped-nel: yaml-cpp unescaped "\N" and "\_" to lone bytes; they are U+0085 and
  // U+00A0. Escaped control characters stay allowed.
  EXPECT_EQ(parse_yaml(R"(a: "x\Ny\_z\x01\0")")["a"], std::string("x\xC2\x85y\xC2\xA0z\x01\0", 9));
  EXPECT_NO_THROW((void)parse_yaml(R"(a: "\N\_")").dump());
  EXPECT_EQ(parse_yaml("a: b\t\r\n")["a"], "b");
  EXPECT_EQ(parse_yaml("a: \"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\"\n")["a"].dump(),
            "\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\"");
}

TEST(YamlReaderTest, ExplicitTagsWin) {
  const json doc = parse_yaml("a: !!str 42\nb: !!float 3\nc: !custom text\n");
  EXPECT_EQ(doc["a"], "42");
  EXPECT_TRUE(doc["b"].is_number_float());
  EXPECT_EQ(doc["c"], "text");
  EXPECT_EQ(code_of([] { parse_yaml("a: !!int hello\n"); }), ErrorCode::kInvalidArgument);
}

TEST(YamlReaderTest, KeepsDocumentOrderAndSkipsEmptyDocuments) {
  const auto docs = parse_yaml_documents(R"(---
kind: A
---
# only a comment
---
kind: B
---
---
kind: C
...
)");
  ASSERT_EQ(docs.size(), 3u);
  EXPECT_EQ(docs[0]["kind"], "A");
  EXPECT_EQ(docs[1]["kind"], "B");
  EXPECT_EQ(docs[2]["kind"], "C");
}

TEST(YamlReaderTest, ParseYamlRefusesSeveralDocuments) {
  EXPECT_EQ(code_of([] { parse_yaml("a: 1\n---\nb: 2\n"); }), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(parse_yaml("").is_null());
}

TEST(YamlReaderTest, ExpandsAnchorsAliasesAndMergeKeys) {
  const json doc = parse_yaml(R"(
base: &base {a: 1, b: 2}
other: &other {b: 20, c: 30}
copy: *base
merged:
  <<: [*base, *other]
  b: 99
list: [&x hello, *x]
)");
  EXPECT_EQ(doc["copy"], json({{"a", 1}, {"b", 2}}));
  EXPECT_EQ(doc["merged"], json({{"a", 1}, {"b", 99}, {"c", 30}}));
  EXPECT_EQ(doc["list"], json({"hello", "hello"}));
}

TEST(YamlReaderTest, QuotedMergeKeysAreDroppedLikeKustomizeDoes) {
  const json doc = parse_yaml("a:\n  \"<<\": {x: 1}\n  b: 2\nc: {'<<': y, d: 3}\n");
  EXPECT_EQ(doc, json({{"a", {{"b", 2}}}, {"c", {{"d", 3}}}}));
  EXPECT_EQ(code_of([] { parse_yaml("a:\n  <<: scalar\n"); }), ErrorCode::kInvalidArgument);
}

TEST(YamlReaderTest, DuplicateKeysAreAnErrorWithBothLines) {
  const std::string message = message_of([] { parse_yaml("a: 1\nb: 2\na: 3\n"); });
  EXPECT_NE(message.find("mapping key \"a\" already defined at line 1"), std::string::npos)
      << message;
  EXPECT_NE(message.find("line 3"), std::string::npos) << message;
}

TEST(YamlReaderTest, MalformedYamlNamesTheLine) {
  const std::string message = message_of([] { parse_yaml("a: 1\nb: [1, 2\nc: 3\n"); });
  EXPECT_NE(message.find("line "), std::string::npos) << message;
}

TEST(YamlReaderTest, StrayCommaAtDocumentStartIsAnErrorNotAHang) {
  // yaml-cpp 0.7 loops forever on these (jbeder/yaml-cpp#1040); found by fuzz_signing_policy.
  for (const char* text : {",", ",}", ",a: 3}", "---\n,\n", "- a\n,", ",]"}) {
    EXPECT_EQ(code_of([&] { parse_yaml_documents(text); }), ErrorCode::kInvalidArgument) << text;
  }
  EXPECT_EQ(message_of([] { parse_yaml_documents("- a\n,"); }),
            "line 2, column 1: unexpected character \",\"");
}

TEST(YamlReaderTest, CollectionKeysAreRefused) {
  EXPECT_EQ(code_of([] { parse_yaml("? [a, b]\n: value\n"); }), ErrorCode::kInvalidArgument);
}

TEST(YamlReaderTest, AliasBombFailsFast) {
  // The classic "billion laughs": 9 levels of 9 aliases each would expand to 9^9 strings.
  std::string bomb = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (char level = 'b'; level <= 'i'; ++level) {
    const char prev = static_cast<char>(level - 1);
    bomb += std::string(1, level) + ": &" + level + " [";
    for (int i = 0; i < 9; ++i) bomb += std::string(i ? ", *" : "*") + prev;
    bomb += "]\n";
  }
  const std::string message = message_of([&] { parse_yaml(bomb); });
  EXPECT_NE(message.find("alias bomb"), std::string::npos) << message;
  EXPECT_EQ(code_of([&] { parse_yaml(bomb); }), ErrorCode::kResourceExhausted);
}

std::string nested_lists(std::size_t depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

TEST(YamlReaderTest, NestingIsLimitedToOneHundredLevels) {
  EXPECT_NO_THROW(parse_yaml(nested_lists(100)));
  EXPECT_EQ(code_of([] { parse_yaml(nested_lists(101)); }), ErrorCode::kResourceExhausted);
  // Far deeper input still fails with our error, not a crash in the parser.
  EXPECT_NE(code_of([] { parse_yaml(nested_lists(100'000)); }), ErrorCode::kInternal);
}

TEST(YamlReaderTest, DocumentsOverEightMebibytesAreRefused) {
  const std::string big(std::size_t{9} << 20, 'x');
  EXPECT_EQ(code_of([&] { parse_yaml("data: " + big + "\n"); }), ErrorCode::kResourceExhausted);
  // The same bytes spread over two documents of 4.5 MiB each are fine.
  const std::string half(std::size_t{9} << 19, 'x');
  EXPECT_EQ(parse_yaml_documents("a: " + half + "\n---\nb: " + half + "\n").size(), 2u);
  // A large document that is not the last one is caught too.
  EXPECT_EQ(code_of([&] { parse_yaml_documents("a: " + big + "\n---\nb: 1\n"); }),
            ErrorCode::kResourceExhausted);
}

TEST(YamlReaderTest, InputOverSixtyFourMebibytesIsRefusedBeforeParsing) {
  const std::string huge((std::size_t{64} << 20) + 1, '#');
  EXPECT_EQ(code_of([&] { parse_yaml_documents(huge); }), ErrorCode::kResourceExhausted);
}

TEST(YamlReaderTest, LimitsAreConfigurable) {
  YamlLimits limits;
  limits.max_depth = 3;
  EXPECT_NO_THROW(parse_yaml("a: {b: {c: 1}}", limits));
  EXPECT_EQ(code_of([&] { parse_yaml("a: {b: {c: {d: 1}}}", limits); }),
            ErrorCode::kResourceExhausted);
}

}  // namespace
}  // namespace sluice
