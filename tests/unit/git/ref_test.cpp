#include "git/ref.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace sluice::git {
namespace {

constexpr const char* kSha = "0123456789abcdef0123456789abcdef01234567";

TEST(RefTest, FormatsRevisionsTheWayFluxDoes) {
  EXPECT_EQ(format_revision(Ref::branch("main"), kSha), std::string("main@sha1:") + kSha);
  EXPECT_EQ(format_revision(Ref::tag("v1.2.0"), kSha), std::string("v1.2.0@sha1:") + kSha);
  EXPECT_EQ(format_revision(Ref::commit(kSha), kSha), std::string("sha1:") + kSha);
}

TEST(RefTest, CommitOnABranch) {
  const Ref ref = Ref::commit_on_branch("0123456789ABCDEF0123456789abcdef01234567", "release/1");
  EXPECT_EQ(ref.kind, RefKind::kCommit);
  EXPECT_EQ(ref.name, kSha);
  EXPECT_EQ(ref.branch_name, "release/1");
  EXPECT_EQ(format_revision(ref, kSha), std::string("release/1@sha1:") + kSha);
  EXPECT_NO_THROW(validate(ref));
  EXPECT_THROW(validate(Ref::commit_on_branch(kSha, "a..b")), Error);
  EXPECT_THROW(validate(Ref::commit_on_branch("abc", "main")), Error);
  EXPECT_NE(ref, Ref::commit(kSha));
}

TEST(RefTest, RemoteRefNames) {
  EXPECT_EQ(remote_ref_name(Ref::branch("feature/x")), "refs/heads/feature/x");
  EXPECT_EQ(remote_ref_name(Ref::tag("v1")), "refs/tags/v1");
  EXPECT_EQ(remote_ref_name(Ref::commit(kSha)), "");
}

TEST(RefTest, CommitIsLoweredAndMustBeFull) {
  EXPECT_EQ(Ref::commit("ABCDEF0123456789ABCDEF0123456789ABCDEF01").name,
            "abcdef0123456789abcdef0123456789abcdef01");
  EXPECT_NO_THROW(validate(Ref::commit(kSha)));
  for (const char* bad :
       {"", "abc123", "0123456789abcdef0123456789abcdef0123456",
        "0123456789abcdef0123456789abcdef012345678", "g123456789abcdef0123456789abcdef01234567"}) {
    try {
      validate(Ref::commit(bad));
      ADD_FAILURE() << "accepted " << bad;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    }
  }
}

TEST(RefTest, BranchAndTagNamesFollowCheckRefFormat) {
  for (const char* good : {"main", "feature/x", "release-1.0", "v1.2.3", "a_b", "x@y"}) {
    EXPECT_NO_THROW(validate(Ref::branch(good))) << good;
    EXPECT_NO_THROW(validate(Ref::tag(good))) << good;
  }
  for (const char* bad : {"",     "@",       "-x",   "/x",     "x/",       "x.",  "a..b", "a@{b",
                          "a//b", "a b",     "a~b",  "a^b",    "a:b",      "a?b", "a*b",  "a[b",
                          "a\\b", ".hidden", "x/.y", "x.lock", "x.lock/y", "a\tb"}) {
    EXPECT_THROW(validate(Ref::branch(bad)), Error) << bad;
  }
}

}  // namespace
}  // namespace sluice::git
