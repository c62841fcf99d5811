#include "core/unified_diff.h"

#include <algorithm>
#include <vector>

namespace sluice {
namespace {

// Lines with their terminating '\n' (the last one may lack it), so "x" and "x\n" differ as
// they do for diff.
std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    const std::size_t next = end == std::string_view::npos ? text.size() : end + 1;
    lines.push_back(text.substr(start, next - start));
    start = next;
  }
  return lines;
}

enum class OpKind { kEqual, kDelete, kInsert };

// One line of the edit script: for kEqual and kDelete `before` is its index in the old text,
// for kEqual and kInsert `after` in the new one; the other index is where it would stand.
struct Op {
  OpKind kind;
  std::size_t before;
  std::size_t after;
};

constexpr std::size_t kMinEditBudget = 64;
constexpr std::size_t kMaxEditBudget = 2000;
constexpr std::size_t kWorkBudget = 50'000'000;

// Myers' greedy algorithm over a[0, n) and b[0, m), appending the script (indices offset by
// `a0`, `b0`) to `ops`. Past `budget` edits, writes every line of a as removed and every line
// of b as added instead.
void myers(const std::vector<std::string_view>& a, std::size_t a0, std::size_t n,
           const std::vector<std::string_view>& b, std::size_t b0, std::size_t m,
           std::size_t budget, std::vector<Op>& ops) {
  const auto max_d = static_cast<long>(std::min(budget, n + m));
  const auto ln = static_cast<long>(n);
  const auto lm = static_cast<long>(m);
  const long offset = max_d + 1;
  std::vector<long> v(static_cast<std::size_t>(2 * max_d + 3), 0);
  const auto at = [&](long k) -> long& { return v[static_cast<std::size_t>(k + offset)]; };
  // trace[d] holds v[-d..d] after step d, for walking back.
  std::vector<std::vector<long>> trace;
  long found = -1;
  for (long d = 0; d <= max_d && found < 0; ++d) {
    for (long k = -d; k <= d; k += 2) {
      long x = (k == -d || (k != d && at(k - 1) < at(k + 1))) ? at(k + 1) : at(k - 1) + 1;
      long y = x - k;
      while (x < ln && y < lm &&
             a[a0 + static_cast<std::size_t>(x)] == b[b0 + static_cast<std::size_t>(y)]) {
        ++x;
        ++y;
      }
      at(k) = x;
      if (x >= ln && y >= lm) {
        found = d;
        break;
      }
    }
    trace.emplace_back(v.begin() + (offset - d), v.begin() + (offset + d + 1));
  }
  if (found < 0) {
    for (std::size_t i = 0; i < n; ++i) ops.push_back({OpKind::kDelete, a0 + i, b0});
    for (std::size_t j = 0; j < m; ++j) ops.push_back({OpKind::kInsert, a0 + n, b0 + j});
    return;
  }
  std::vector<Op> reversed;
  long x = ln;
  long y = lm;
  for (long d = found; d > 0; --d) {
    const std::vector<long>& previous = trace[static_cast<std::size_t>(d - 1)];
    const auto prev_at = [&](long k) { return previous[static_cast<std::size_t>(k + d - 1)]; };
    const long k = x - y;
    const long prev_k = (k == -d || (k != d && prev_at(k - 1) < prev_at(k + 1))) ? k + 1 : k - 1;
    const long prev_x = prev_at(prev_k);
    const long prev_y = prev_x - prev_k;
    while (x > prev_x && y > prev_y) {
      --x;
      --y;
      reversed.push_back(
          {OpKind::kEqual, a0 + static_cast<std::size_t>(x), b0 + static_cast<std::size_t>(y)});
    }
    if (x == prev_x) {
      reversed.push_back({OpKind::kInsert, a0 + static_cast<std::size_t>(x),
                          b0 + static_cast<std::size_t>(prev_y)});
    } else {
      reversed.push_back({OpKind::kDelete, a0 + static_cast<std::size_t>(prev_x),
                          b0 + static_cast<std::size_t>(y)});
    }
    x = prev_x;
    y = prev_y;
  }
  while (x > 0 && y > 0) {
    --x;
    --y;
    reversed.push_back(
        {OpKind::kEqual, a0 + static_cast<std::size_t>(x), b0 + static_cast<std::size_t>(y)});
  }
  ops.insert(ops.end(), reversed.rbegin(), reversed.rend());
}

std::vector<Op> edit_script(const std::vector<std::string_view>& a,
                            const std::vector<std::string_view>& b) {
  std::size_t head = 0;
  while (head < a.size() && head < b.size() && a[head] == b[head]) ++head;
  std::size_t tail = 0;
  while (tail < a.size() - head && tail < b.size() - head &&
         a[a.size() - 1 - tail] == b[b.size() - 1 - tail]) {
    ++tail;
  }
  std::vector<Op> ops;
  ops.reserve(a.size() + b.size());
  for (std::size_t i = 0; i < head; ++i) ops.push_back({OpKind::kEqual, i, i});
  const std::size_t n = a.size() - head - tail;
  const std::size_t m = b.size() - head - tail;
  const std::size_t budget =
      std::clamp(kWorkBudget / std::max<std::size_t>(1, n + m), kMinEditBudget, kMaxEditBudget);
  myers(a, head, n, b, head, m, budget, ops);
  for (std::size_t i = 0; i < tail; ++i) {
    ops.push_back({OpKind::kEqual, head + n + i, head + m + i});
  }
  return ops;
}

std::string range(std::size_t start, std::size_t count) {
  // GNU diff: a one-line range is just its number; an empty one names the line before it.
  if (count == 1) return std::to_string(start + 1);
  return std::to_string(count == 0 ? start : start + 1) + "," + std::to_string(count);
}

void append_line(std::string& out, char mark, std::string_view line) {
  out += mark;
  out += line;
  if (line.empty() || line.back() != '\n') out += "\n\\ No newline at end of file\n";
}

}  // namespace

std::string unified_diff(std::string_view before, std::string_view after,
                         const UnifiedDiffOptions& options) {
  if (before == after) return "";
  const std::vector<std::string_view> a = split_lines(before);
  const std::vector<std::string_view> b = split_lines(after);
  const std::vector<Op> ops = edit_script(a, b);

  // Hunks: the ranges of ops within `context` of a change, joined when they touch.
  std::vector<std::pair<std::size_t, std::size_t>> hunks;
  for (std::size_t i = 0; i < ops.size(); ++i) {
    if (ops[i].kind == OpKind::kEqual) continue;
    const std::size_t lo = i >= options.context ? i - options.context : 0;
    const std::size_t hi = std::min(ops.size(), i + 1 + options.context);
    if (!hunks.empty() && lo <= hunks.back().second) {
      hunks.back().second = hi;
    } else {
      hunks.emplace_back(lo, hi);
    }
  }

  std::string out = "--- " + options.from_label + "\n+++ " + options.to_label + "\n";
  for (const auto& [lo, hi] : hunks) {
    std::size_t old_count = 0;
    std::size_t new_count = 0;
    for (std::size_t i = lo; i < hi; ++i) {
      if (ops[i].kind != OpKind::kInsert) ++old_count;
      if (ops[i].kind != OpKind::kDelete) ++new_count;
    }
    out += "@@ -" + range(ops[lo].before, old_count) + " +" + range(ops[lo].after, new_count) +
           " @@\n";
    for (std::size_t i = lo; i < hi; ++i) {
      switch (ops[i].kind) {
        case OpKind::kEqual:
          append_line(out, ' ', a[ops[i].before]);
          break;
        case OpKind::kDelete:
          append_line(out, '-', a[ops[i].before]);
          break;
        case OpKind::kInsert:
          append_line(out, '+', b[ops[i].after]);
          break;
      }
    }
  }
  return out;
}

}  // namespace sluice
