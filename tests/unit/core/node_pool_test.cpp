#include "core/node_pool.h"

#include <cstdint>
#include <cstring>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "core/json.h"

namespace sluice {
namespace {

TEST(NodePoolTest, AFreedBlockIsTheNextOneHandedOut) {
  void* first = node_pool::allocate(32);
  node_pool::deallocate(first, 32);
  void* again = node_pool::allocate(32);
  if (node_pool::recycles()) {
    EXPECT_EQ(again, first);
  } else {
    EXPECT_NE(again, first);  // AddressSanitizer quarantines what was freed
  }
  node_pool::deallocate(again, 32);
}

TEST(NodePoolTest, LiveBlocksAreDistinctAlignedAndKeepTheirBytes) {
  for (const std::size_t size :
       {std::size_t{8}, std::size_t{16}, std::size_t{24}, std::size_t{32}}) {
    std::vector<char*> blocks;
    // More than one 64 KiB slab's worth, so a second slab is cut too.
    for (std::size_t i = 0; i < 70'000 / size; ++i) {
      auto* block = static_cast<char*>(node_pool::allocate(size));
      ASSERT_EQ(reinterpret_cast<std::uintptr_t>(block) % 8, 0U);
      std::memset(block, static_cast<int>(i % 251), size);
      blocks.push_back(block);
    }
    const std::set<char*> distinct(blocks.begin(), blocks.end());
    EXPECT_EQ(distinct.size(), blocks.size());
    for (std::size_t i = 0; i < blocks.size(); ++i) {
      for (std::size_t byte = 0; byte < size; ++byte) {
        ASSERT_EQ(blocks[i][byte], static_cast<char>(i % 251)) << "size " << size;
      }
    }
    for (char* block : blocks) node_pool::deallocate(block, size);
  }
}

TEST(NodePoolTest, ThreadsAllocatingAndFreeingAtOnceNeverShareABlock) {
  constexpr int kThreads = 4;
  constexpr int kRounds = 20'000;
  std::vector<std::thread> threads;
  std::vector<int> failures(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t, &failures] {
      std::vector<std::uint64_t*> held;
      for (int round = 0; round < kRounds; ++round) {
        auto* block = static_cast<std::uint64_t*>(node_pool::allocate(24));
        block[0] = block[1] = block[2] = static_cast<std::uint64_t>(t) << 32 | round;
        held.push_back(block);
        if (round % 3 == 2) {
          for (std::uint64_t* mine : held) {
            if (mine[0] >> 32 != static_cast<std::uint64_t>(t) || mine[2] != mine[0]) {
              ++failures[t];
            }
            node_pool::deallocate(mine, 24);
          }
          held.clear();
        }
      }
      for (std::uint64_t* mine : held) node_pool::deallocate(mine, 24);
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(failures[t], 0) << "thread " << t;
}

TEST(NodePoolTest, JsonTreesBuiltAndDestroyedOnPooledHandles) {
  for (int round = 0; round < 3; ++round) {
    Json tree = Json::object();
    for (int i = 0; i < 1'000; ++i) {
      const std::string key = "key-" + std::to_string(i);
      tree[key] = {{"name", "a string longer than fifteen bytes " + key},
                   {"list", Json::array({i, std::to_string(i), Json::object()})}};
    }
    const Json copy = tree;
    EXPECT_EQ(copy, tree);
    EXPECT_EQ(tree["key-999"]["list"][1], "999");
    EXPECT_EQ(Json::parse(tree.dump()), tree);
  }
}

}  // namespace
}  // namespace sluice
