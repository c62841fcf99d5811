// main() of every integration test binary: GoogleTest plus the test environment.
#include <gtest/gtest.h>

#include "test_env.h"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new sluice::testing::TestEnvironment);
  return RUN_ALL_TESTS();
}
