#include "cli/report.h"

#include <string>

namespace sluice::cli {

void report_error(std::ostream& err, const Error& error) {
  std::string message = error.message();
  for (char& c : message) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  err << "Error: " << message << "\n";
}

int report_argument_error(std::ostream& err, const Error& error) {
  report_error(err, error);
  return error.code() == ErrorCode::kUnimplemented ? kExitFailure : kExitUsage;
}

}  // namespace sluice::cli
