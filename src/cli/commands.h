#pragma once
// The command line of `ferry`: CLI11 definitions of the global options and commands, and
// their dispatch to the API. main.cc builds the process-wide pieces and hands them in.

#include <functional>
#include <iosfwd>

#include "http_client/http_client.h"

namespace ferry::cli {

struct Terminal {
  bool tty = false;  // stdout is a terminal
  int width = 100;
};

struct CliEnv {
  const http_client::HttpClient& http;
  Terminal terminal;
  // Installs Ctrl-C handling for `watch` and returns the "was Ctrl-C pressed" predicate.
  std::function<std::function<bool()>()> catch_interrupts;
  std::ostream& out;
  std::ostream& err;
};

// Parses argv and runs the command; the process's exit code (exit_codes.h).
int RunCli(int argc, const char* const* argv, const CliEnv& env);

}  // namespace ferry::cli
