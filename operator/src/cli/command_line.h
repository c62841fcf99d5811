#pragma once
// Small pieces every subcommand's argument parsing shares.

#include <cstddef>
#include <filesystem>
#include <functional>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cli/app.h"
#include "verify/sigstore/certificate.h"
#include "verify/sigstore/trusted_root.h"

namespace sluice::cli {

// How a subcommand runs: `parse` turns its arguments into Args (an Error there is a usage
// problem: report_argument_error decides the exit code), then `work` does the job and returns
// the exit code; anything it throws becomes one "Error: ..." line on stderr (after what it
// printed on stdout) and kExitFailure.
template <typename Args>
int run_command_with_code(const CommandContext& context,
                          Args (*parse)(std::span<const std::string>),
                          const std::function<int(Args&)>& work) {
  Args args;
  try {
    args = parse(context.args);
  } catch (const Error& e) {
    return report_argument_error(context, e);
  }
  try {
    return work(args);
  } catch (...) {
    context.out.flush();
    report_error(context.err, Error::from_current_exception());
    return kExitFailure;
  }
}

// The same for work that either succeeds (kExitOk) or throws.
template <typename Args>
int run_command(const CommandContext& context, Args (*parse)(std::span<const std::string>),
                const std::function<void(Args&)>& work) {
  return run_command_with_code<Args>(context, parse, [&work](Args& args) {
    work(args);
    return kExitOk;
  });
}

// cosign's certificate identity flags (--certificate-identity[-regexp],
// --certificate-oidc-issuer[-regexp]), which verify-commit, verify-bundle and verify-image share.
struct IdentityFlags {
  std::string identity;
  std::string identity_regexp;
  std::string issuer;
  std::string issuer_regexp;

  // Records `value` when `flag` is one of the four; returns whether it was.
  bool take(const std::string& flag, const std::string& value);
  bool any() const;
  // Throws Error(kInvalidArgument) naming the flags when the identity or the issuer is missing
  // or a regexp is invalid.
  verify::sigstore::CertificateIdentityMatcher matcher() const;
};

// A trusted_root.json file, parsed; errors name the file.
verify::sigstore::TrustedRoot read_trusted_root(const std::string& path);

// A small file (keys, allowed signers, passwords) read whole: kNotFound when it cannot be read,
// kResourceExhausted when it is larger than `max_bytes`; `what` names it in both.
std::string read_small_file(const std::string& path, const std::string& what,
                            std::size_t max_bytes = std::size_t{1024} * 1024);

// Walks `args`: "--flag value" and "--flag=value" call on_flag(flag, value) (a flag without a
// value is an error), anything else calls on_positional(arg). A lone "-" is positional; other
// "-x" arguments are unknown flags. Errors are Error(kInvalidArgument).
void for_each_argument(
    std::span<const std::string> args,
    const std::function<void(const std::string& flag, const std::string& value)>& on_flag,
    const std::function<void(const std::string& arg)>& on_positional);

// Boolean flags may stand alone ("--insecure-ignore-tlog"); for_each_argument wants a value for
// every flag, so this spells each of `boolean_flags` given alone as "--flag=true".
std::vector<std::string> with_boolean_values(std::span<const std::string> args,
                                             std::initializer_list<std::string_view> boolean_flags);

// A boolean flag's value: "true" or "false"; anything else is Error(kInvalidArgument).
bool parse_bool_flag(const std::string& flag, const std::string& value);

// A fresh directory path under the system temp directory, removed with everything in it when
// this goes out of scope (the directory itself is created by whoever uses it).
class TempDir {
 public:
  explicit TempDir(std::string_view prefix);
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();
  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace sluice::cli
