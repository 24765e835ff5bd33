// See outputs.hpp.
#include "report/outputs.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <ostream>
#include <sstream>

#include "report/trace.hpp"

extern char** environ;

namespace hotcheck::report {

std::optional<TraceLayout> parse_trace_layout(std::string_view name) {
    if (name == "list") return TraceLayout::list;
    if (name == "columns") return TraceLayout::columns;
    return std::nullopt;
}

std::string find_graphviz_dot() {
    const char* path = std::getenv("PATH");
    std::istringstream dirs(path ? path : "/usr/local/bin:/usr/bin:/bin");
    for (std::string d; std::getline(dirs, d, ':');) {
        std::string candidate = (d.empty() ? std::string(".") : d) + "/dot";
        if (access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    return "";
}

std::string render_svg(const std::string& dot_text, const std::string& svg_path) {
    const std::string dot = find_graphviz_dot();
    if (dot.empty()) return "--svg needs Graphviz's dot (apt-get install graphviz)";
    int in[2];
    if (pipe(in) != 0) return fmt::format("cannot run {}: {}", dot, std::strerror(errno));
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
    posix_spawn_file_actions_addclose(&actions, in[0]);
    posix_spawn_file_actions_addclose(&actions, in[1]);
    std::string tsvg = "-Tsvg", o = "-o";
    std::string out = svg_path;
    char* argv[] = {const_cast<char*>(dot.c_str()), tsvg.data(), o.data(), out.data(), nullptr};
    pid_t pid = 0;
    const int rc = posix_spawn(&pid, dot.c_str(), &actions, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    close(in[0]);
    if (rc != 0) {
        close(in[1]);
        return fmt::format("cannot run {}: {}", dot, std::strerror(rc));
    }
    // dot reads all its input before it writes, so one writer without a reader thread is fine;
    // a dot that dies early must not kill us with SIGPIPE.
    struct sigaction ignore {}, old {};
    ignore.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ignore, &old);
    const char* p = dot_text.data();
    std::size_t left = dot_text.size();
    while (left) {
        ssize_t n = write(in[1], p, left);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        p += n;
        left -= static_cast<std::size_t>(n);
    }
    close(in[1]);
    sigaction(SIGPIPE, &old, nullptr);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return fmt::format("{} -Tsvg failed (exit status {}); {} not written", dot,
                           WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), svg_path);
    return "";
}

std::optional<std::string> OutputWriter::problem() const {
    if (!options_.svg_path.empty() && find_graphviz_dot().empty())
        return std::string("--svg needs Graphviz's dot (apt-get install graphviz)");
    return std::nullopt;
}

void OutputWriter::add(const std::string& name, const ModelSpec& spec, Result& r, bool as_expected) {
    if (r.violation && options_.trace_layout == TraceLayout::columns)
        r.violation->trace_text = trace_columns(*r.violation);
    if (r.violation && (!options_.dot_path.empty() || !options_.svg_path.empty())) {
        if (!first_) first_ = *r.violation;
        if (!as_expected && !first_unexpected_) first_unexpected_ = *r.violation;
    }
    if (!options_.junit_path.empty()) cases_.push_back({name, spec, r, as_expected});
}

namespace {
bool write_file(const std::string& path, const std::string& text, std::ostream& err) {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    if (f) {
        f << text;
        f.close();  // a full disk shows at the close
    }
    if (!f) {
        err << fmt::format("hotcheck: cannot write {}: {}\n", path, std::strerror(errno));
        return false;
    }
    return true;
}
}  // namespace

bool OutputWriter::finish(std::ostream& err) {
    bool ok = true;
    if (!options_.dot_path.empty() || !options_.svg_path.empty()) {
        const std::optional<Violation>& v = first_unexpected_ ? first_unexpected_ : first_;
        if (!v || v->dot.empty()) {
            err << "hotcheck: no violation, so no execution graph to draw ("
                << (options_.dot_path.empty() ? "--svg" : "--dot") << " not written)\n";
        } else {
            if (!options_.dot_path.empty()) ok = write_file(options_.dot_path, v->dot, err) && ok;
            if (!options_.svg_path.empty()) {
                std::string problem = render_svg(v->dot, options_.svg_path);
                if (!problem.empty()) {
                    err << "hotcheck: " << problem << '\n';
                    ok = false;
                }
            }
        }
    }
    if (!options_.junit_path.empty()) ok = write_file(options_.junit_path, junit_xml(cases_), err) && ok;
    return ok;
}

}  // namespace hotcheck::report
