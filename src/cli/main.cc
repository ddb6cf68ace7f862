// ferry: the command-line client of a Ferry server (src/cli/README.md).

#include <pthread.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <atomic>
#include <iostream>
#include <memory>
#include <thread>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "http_client/http_client.h"

namespace {

// Ctrl-C while watching: SIGINT is blocked in every thread and taken by sigwait on a
// thread of its own, which sets a flag the watch loop polls (no handler, no global).
// SIGUSR2 sent by the destructor ends that thread.
class InterruptCatcher {
 public:
  InterruptCatcher() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGUSR2);
    pthread_sigmask(SIG_BLOCK, &set_, nullptr);
    thread_ = std::thread([this] {
      int sig = 0;
      while (sigwait(&set_, &sig) == 0 && sig == SIGINT) interrupted_ = true;
    });
  }
  ~InterruptCatcher() {
    pthread_kill(thread_.native_handle(), SIGUSR2);
    thread_.join();
  }
  InterruptCatcher(const InterruptCatcher&) = delete;
  InterruptCatcher& operator=(const InterruptCatcher&) = delete;
  bool interrupted() const { return interrupted_; }

 private:
  sigset_t set_;
  std::atomic<bool> interrupted_{false};
  std::thread thread_;
};

ferry::cli::Terminal DetectTerminal() {
  ferry::cli::Terminal t;
  t.tty = isatty(STDOUT_FILENO) == 1;
  winsize size{};
  if (t.tty && ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col >= 40) {
    t.width = size.ws_col;
  }
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  ferry::http_client::CurlGlobal curl;
  if (!curl.ok()) {
    std::cerr << "error: libcurl failed to initialize\n";
    return ferry::cli::kExitUnreachable;
  }
  const ferry::http_client::HttpClient http(ferry::http_client::ClientOptions{
      .user_agent = "ferry-cli/1", .error_context = "request failed"});
  std::unique_ptr<InterruptCatcher> catcher;
  const ferry::cli::CliEnv env{
      .http = http,
      .terminal = DetectTerminal(),
      .catch_interrupts =
          [&catcher] {
            catcher = std::make_unique<InterruptCatcher>();
            return [raw = catcher.get()] { return raw->interrupted(); };
          },
      .out = std::cout,
      .err = std::cerr,
  };
  const int code = ferry::cli::RunCli(argc, argv, env);
  std::cout.flush();
  return code;
}
