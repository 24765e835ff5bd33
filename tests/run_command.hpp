// Running the command-line tool from a test: its exit code and everything it printed.
#pragma once
#include <doctest/doctest.h>
#include <sys/wait.h>

#include <cstdio>
#include <memory>
#include <string>

namespace hotcheck::testing {

struct Command {
    int exit_code;
    std::string output;  ///< stdout and stderr together
};

/// Runs a shell command line: its exit code and its standard output.
inline Command run_shell(const std::string& cmd) {
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
    REQUIRE(pipe);
    std::string out;
    char buf[4096];
    while (std::size_t n = std::fread(buf, 1, sizeof buf, pipe.get())) out.append(buf, n);
    int status = pclose(pipe.release());
    return {WEXITSTATUS(status), out};
}

/// Runs `HOTCHECK_TEST_CLI args` through the shell, with `env` (e.g. "VAR=x") in front.
inline Command run_cli(const std::string& args, const std::string& env = "") {
    return run_shell(env + (env.empty() ? "" : " ") + std::string(HOTCHECK_TEST_CLI) + " " + args + " 2>&1");
}

}  // namespace hotcheck::testing
