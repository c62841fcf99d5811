#include "core/base64.h"

#include <array>
#include <cstdint>

namespace sluice {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<std::int8_t, 256> make_values() {
  std::array<std::int8_t, 256> values{};
  values.fill(-1);
  for (std::size_t i = 0; i < kAlphabet.size(); ++i) {
    values[static_cast<unsigned char>(kAlphabet[i])] = static_cast<std::int8_t>(i);
  }
  return values;
}
constexpr std::array<std::int8_t, 256> kValues = make_values();

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

}  // namespace

std::optional<std::string> decode_base64(std::string_view text, Base64Whitespace whitespace) {
  std::string compact;
  if (whitespace == Base64Whitespace::kSkip) {
    compact.reserve(text.size());
    for (const char c : text) {
      if (!is_space(c)) compact.push_back(c);
    }
    text = compact;
  }
  if (text.size() % 4 != 0) return std::nullopt;
  std::size_t padding = 0;
  if (text.ends_with("==")) {
    padding = 2;
  } else if (text.ends_with('=')) {
    padding = 1;
  }
  std::string out;
  out.reserve(text.size() / 4 * 3);
  std::uint32_t bits = 0;
  const std::size_t data_chars = text.size() - padding;
  for (std::size_t i = 0; i < data_chars; ++i) {
    const std::int8_t value = kValues[static_cast<unsigned char>(text[i])];
    if (value < 0) return std::nullopt;
    bits = (bits << 6U) | static_cast<std::uint32_t>(value);
    if (i % 4 == 3) {
      out.push_back(static_cast<char>((bits >> 16U) & 0xFFU));
      out.push_back(static_cast<char>((bits >> 8U) & 0xFFU));
      out.push_back(static_cast<char>(bits & 0xFFU));
      bits = 0;
    }
  }
  if (padding == 2) {  // 2 characters: 12 bits, one byte and 4 bits that must be zero
    if ((bits & 0xFU) != 0) return std::nullopt;
    out.push_back(static_cast<char>((bits >> 4U) & 0xFFU));
  } else if (padding == 1) {  // 3 characters: 18 bits, two bytes and 2 zero bits
    if ((bits & 0x3U) != 0) return std::nullopt;
    out.push_back(static_cast<char>((bits >> 10U) & 0xFFU));
    out.push_back(static_cast<char>((bits >> 2U) & 0xFFU));
  }
  return out;
}

std::string encode_base64(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  const auto byte = [&bytes](std::size_t at) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at]));
  };
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t bits = (byte(i) << 16U) | (byte(i + 1) << 8U) | byte(i + 2);
    out.push_back(kAlphabet[(bits >> 18U) & 0x3FU]);
    out.push_back(kAlphabet[(bits >> 12U) & 0x3FU]);
    out.push_back(kAlphabet[(bits >> 6U) & 0x3FU]);
    out.push_back(kAlphabet[bits & 0x3FU]);
  }
  if (bytes.size() - i == 1) {
    const std::uint32_t bits = byte(i) << 16U;
    out.push_back(kAlphabet[(bits >> 18U) & 0x3FU]);
    out.push_back(kAlphabet[(bits >> 12U) & 0x3FU]);
    out.append("==");
  } else if (bytes.size() - i == 2) {
    const std::uint32_t bits = (byte(i) << 16U) | (byte(i + 1) << 8U);
    out.push_back(kAlphabet[(bits >> 18U) & 0x3FU]);
    out.push_back(kAlphabet[(bits >> 12U) & 0x3FU]);
    out.push_back(kAlphabet[(bits >> 6U) & 0x3FU]);
    out.push_back('=');
  }
  return out;
}

}  // namespace sluice
