#include "runtime/task.h"

#include <memory>

#include <gtest/gtest.h>

namespace sluice::runtime {
namespace {

TEST(Task, EmptyByDefault) {
  Task task;
  EXPECT_FALSE(task);
}

TEST(Task, RunsAMoveOnlyCallable) {
  auto value = std::make_unique<int>(41);
  int seen = 0;
  Task task([v = std::move(value), &seen] { seen = *v + 1; });
  ASSERT_TRUE(task);
  Task moved = std::move(task);
  EXPECT_FALSE(task);  // NOLINT(bugprone-use-after-move): moved-from state is documented
  moved();
  EXPECT_EQ(seen, 42);
}

TEST(Task, DiscardsTheResult) {
  int calls = 0;
  Task task([&calls] { return ++calls; });
  task();
  task();
  EXPECT_EQ(calls, 2);
}

}  // namespace
}  // namespace sluice::runtime
