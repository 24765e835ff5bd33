// See check.hpp. The cache: <cache_dir>/<key>.so and <key>.d (the compiler's dependency list),
// key = FNV-1a 64 of (the file's content and path, the flags, the compiler and its identity,
// hotcheck's version, the content of every API header). A cached build is reused unless a
// header the file includes (other than hotcheck's own, which are in the key) changed since.
//
// The compiler reads a private copy of the bytes that were hashed (<cache>/src-XXXXXX/), so a
// file edited during a compile is never cached under its old content's key. The cache is the
// user's own: created 0700, and refused (with its .so) when another user owns it or may write
// to it, since a swapped .so would run as the user.
#include "cli/check.hpp"

#include <dlfcn.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "hotcheck_build_config.hpp"

namespace fs = std::filesystem;

namespace hotcheck::cli {

namespace {

struct Hasher {
    std::uint64_t h = 14695981039346656037ull;
    void bytes(std::string_view s) {
        for (unsigned char c : s) {
            h ^= c;
            h *= 1099511628211ull;
        }
    }
    /// A field: its length first, so that ("ab","c") and ("a","bc") differ.
    void field(std::string_view s) {
        bytes(std::to_string(s.size()));
        bytes(":");
        bytes(s);
    }
    std::string hex() const { return fmt::format("{:016x}", h); }
};

std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) throw std::runtime_error(fmt::format("cannot read {}", p.string()));
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v ? v : "";
}

bool has_api_headers(const fs::path& dir) {
    std::error_code ec;
    return !dir.empty() && fs::exists(dir / "hotcheck" / "hotcheck.hpp", ec);
}

/// The content of every file under <include>/hotcheck, in a fixed order.
void hash_headers(Hasher& h, const fs::path& include) {
    std::vector<fs::path> files;
    for (const auto& e : fs::recursive_directory_iterator(include / "hotcheck"))
        if (e.is_regular_file()) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
        h.field(fs::relative(f, include).string());
        h.field(read_file(f));
    }
}

/// The compiler's identity beyond its name: where it resolves to, its size and time stamp.
void hash_compiler(Hasher& h, const std::string& cxx) {
    h.field(cxx);
    fs::path resolved = cxx;
    if (cxx.find('/') == std::string::npos) {
        std::string path = env("PATH");
        std::istringstream dirs(path);
        for (std::string d; std::getline(dirs, d, ':');)
            if (!d.empty() && access((fs::path(d) / cxx).c_str(), X_OK) == 0) {
                resolved = fs::path(d) / cxx;
                break;
            }
    }
    std::error_code ec;
    fs::path canonical = fs::canonical(resolved, ec);
    struct stat st {};
    if (!ec && stat(canonical.c_str(), &st) == 0) {
        h.field(canonical.string());
        h.field(std::to_string(st.st_size));
        h.field(std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec));
    }
}

/// The prerequisites of a make rule as written by -MMD -MF.
std::vector<std::string> parse_depfile(const std::string& text) {
    std::vector<std::string> deps;
    std::size_t colon = text.find(": ");
    if (colon == std::string::npos) return deps;
    std::string word;
    for (std::size_t i = colon + 2; i < text.size(); ++i) {
        char c = text[i];
        if (c == '\\' && i + 1 < text.size()) {
            char next = text[i + 1];
            if (next == '\n') { ++i; continue; }
            if (next == ' ' || next == '#' || next == '\\') { word += next; ++i; continue; }
            word += c;
        } else if (c == '$' && i + 1 < text.size() && text[i + 1] == '$') {
            word += '$';
            ++i;
        } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            if (!word.empty()) deps.push_back(std::move(word));
            word.clear();
            if (c == '\n' && i + 1 < text.size() && text[i + 1] != ' ') break;  // end of the rule
        } else {
            word += c;
        }
    }
    if (!word.empty()) deps.push_back(std::move(word));
    return deps;
}

/// Why `path` (the cache directory or a cached file) must not be trusted, or "": it must be
/// owned by us and writable by nobody else. A symbolic link must be ours too (another user
/// could point it elsewhere later), and then its target is judged.
std::string untrusted(const fs::path& path) {
    struct stat st {};
    if (lstat(path.c_str(), &st) != 0) return "";
    if (S_ISLNK(st.st_mode)) {
        if (st.st_uid != geteuid())
            return fmt::format("{} is a symbolic link owned by another user (uid {})", path.string(), st.st_uid);
        if (stat(path.c_str(), &st) != 0) return "";
    }
    if (st.st_uid != geteuid())
        return fmt::format("{} is owned by another user (uid {})", path.string(), st.st_uid);
    if (st.st_mode & (S_IWGRP | S_IWOTH))
        return fmt::format("{} is writable by other users (mode {:o})", path.string(), st.st_mode & 07777);
    return "";
}

/// The cache directory, created 0700 when missing, refused when it cannot be trusted.
void prepare_cache_dir(const fs::path& dir) {
    std::error_code ec;
    if (!fs::exists(dir, ec)) {
        if (!dir.parent_path().empty()) fs::create_directories(dir.parent_path(), ec);
        if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
            throw std::runtime_error(
                fmt::format("cannot create the cache directory {}: {}", dir.string(), std::strerror(errno)));
    }
    if (auto why = untrusted(dir); !why.empty())
        throw std::runtime_error(fmt::format(
            "refusing the cache directory: {} (a shared object in it would run as you); set "
            "HOTCHECK_CACHE_DIR to a directory of your own",
            why));
    if (!fs::is_directory(dir, ec))
        throw std::runtime_error(fmt::format("the cache directory {} is not a directory", dir.string()));
}

bool is_under(const fs::path& p, const fs::path& dir) {
    auto rel = p.lexically_relative(dir);
    return !rel.empty() && *rel.begin() != "..";
}

/// A cached build is stale when a file it included (outside the key) changed after it was made.
bool cache_is_fresh(const fs::path& so, const fs::path& dep, const fs::path& source,
                    const fs::path& include, const fs::path& cache) {
    std::error_code ec;
    auto built = fs::last_write_time(so, ec);
    if (ec) return false;
    std::string text;
    try {
        text = read_file(dep);
    } catch (const std::exception&) {
        return false;
    }
    for (const auto& d : parse_depfile(text)) {
        fs::path p = fs::absolute(d, ec).lexically_normal();
        // In the key already: the source (compiled from its private copy in the cache) and
        // hotcheck's headers.
        if (p == source || is_under(p, include) || is_under(p, cache)) continue;
        auto t = fs::last_write_time(p, ec);
        if (ec || t > built) return false;
    }
    return true;
}

/// Runs argv with the child's stdout sent to our stderr (the compiler's diagnostics stay on
/// stderr, results on stdout). Returns the exit status, or -1 when the program did not start.
int run_process(const std::vector<std::string>& argv) {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    std::cout.flush();
    std::cerr.flush();
    int ready[2];
    if (pipe(ready) != 0) return -1;
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        close(ready[0]);
        fcntl(ready[1], F_SETFD, FD_CLOEXEC);
        dup2(STDERR_FILENO, STDOUT_FILENO);
        execvp(args[0], args.data());
        int err = errno;
        (void)!write(ready[1], &err, sizeof err);
        _exit(127);
    }
    close(ready[1]);
    int exec_errno = 0;
    bool failed_to_start = read(ready[0], &exec_errno, sizeof exec_errno) == sizeof exec_errno;
    close(ready[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (failed_to_start) {
        errno = exec_errno;
        return -1;
    }
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

}  // namespace

std::vector<std::string> split_flags(std::string_view text) {
    std::vector<std::string> words;
    std::string word;
    bool in_word = false;
    char quote = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (quote) {
            if (c == quote) quote = 0;
            else if (c == '\\' && quote == '"' && i + 1 < text.size()) word += text[++i];
            else word += c;
        } else if (c == '\'' || c == '"') {
            quote = c;
            in_word = true;
        } else if (c == '\\' && i + 1 < text.size()) {
            word += text[++i];
            in_word = true;
        } else if (c == ' ' || c == '\t' || c == '\n') {
            if (in_word) words.push_back(std::move(word));
            word.clear();
            in_word = false;
        } else {
            word += c;
            in_word = true;
        }
    }
    if (quote) throw std::runtime_error(fmt::format("--cxx-flags: unterminated {} quote", quote));
    if (in_word) words.push_back(std::move(word));
    return words;
}

std::string cache_dir() {
    if (std::string d = env("HOTCHECK_CACHE_DIR"); !d.empty()) return d;
    if (std::string d = env("XDG_CACHE_HOME"); !d.empty()) return (fs::path(d) / "hotcheck").string();
    if (std::string home = env("HOME"); !home.empty())
        return (fs::path(home) / ".cache" / "hotcheck").string();
    return (fs::temp_directory_path() / fmt::format("hotcheck-cache-{}", getuid())).string();
}

std::string include_dir() {
    if (std::string d = env("HOTCHECK_INCLUDE_DIR"); !d.empty()) {
        if (!has_api_headers(d))
            throw std::runtime_error(fmt::format("HOTCHECK_INCLUDE_DIR={}: no hotcheck/hotcheck.hpp there", d));
        return d;
    }
    std::error_code ec;
    fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        // <prefix>/bin/hotcheck -> <prefix>/include
        fs::path bin = exe.parent_path();
        fs::path prefix = bin.parent_path();
        if (bin.filename() == fs::path(build::install_bin_rel).filename() &&
            has_api_headers(prefix / build::install_include_rel))
            return (prefix / build::install_include_rel).string();
    }
    if (has_api_headers(build::source_include_dir)) return build::source_include_dir;
    throw std::runtime_error(
        "cannot find hotcheck's headers (hotcheck/hotcheck.hpp): neither installed next to this "
        "executable nor in the source tree it was built from; set HOTCHECK_INCLUDE_DIR");
}

std::string compiler() {
    if (std::string c = env("HOTCHECK_CXX"); !c.empty()) return c;
    return build::cxx_compiler;
}

CompiledModel compile_model_file(const CompileRequest& request) {
    const auto start = std::chrono::steady_clock::now();
    auto seconds = [&] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };
    std::error_code ec;
    if (fs::is_directory(request.file, ec))
        throw std::runtime_error(fmt::format("{}: is a directory, not a model file", request.file));
    if (!fs::is_regular_file(request.file, ec))
        throw std::runtime_error(fmt::format("{}: no such file", request.file));
    const fs::path source = fs::absolute(request.file).lexically_normal();
    const fs::path include = fs::absolute(include_dir()).lexically_normal();
    const std::string cxx = compiler();

    std::vector<std::string> flags = {"-std=c++20", "-O2", "-fPIC", "-shared"};
    for (const auto& f : split_flags(build::abi_flags)) flags.push_back(f);
    flags.insert(flags.end(), {"-I", include.string(), "-I", source.parent_path().string()});
    flags.insert(flags.end(), request.cxx_flags.begin(), request.cxx_flags.end());

    Hasher h;
    h.field("hotcheck-check-1");
    h.field(build::version);
    const std::string content = read_file(source);  // hashed, then compiled: the same bytes
    h.field(content);
    h.field(source.string());
    h.field(request.file);
    for (const auto& f : flags) h.field(f);
    hash_compiler(h, cxx);
    hash_headers(h, include);

    CompiledModel result;
    result.key = h.hex();
    const fs::path given_dir = fs::absolute(cache_dir()).lexically_normal();
    prepare_cache_dir(given_dir);
    // Resolved, so that the dependency lists name the private copies the way it is spelt.
    const fs::path dir = fs::canonical(given_dir);
    const fs::path so = dir / (result.key + ".so"), dep = dir / (result.key + ".d");
    result.shared_object = so.string();
    if (auto why = untrusted(so); !why.empty())
        throw std::runtime_error(fmt::format("refusing the cached build: {} (delete it, or check who wrote it)", why));
    if (!request.rebuild && cache_is_fresh(so, dep, source, include, dir)) {
        result.cached = true;
        result.seconds = seconds();
        return result;
    }

    // The private copy keeps the file's name (the compiler's messages and the #line below name
    // the original) in a directory of its own; its absolute path never starts with '-', so a
    // file named "-x.cpp" is not read as an option.
    std::string src_dir = (dir / "src-XXXXXX").string();
    if (!::mkdtemp(src_dir.data()))
        throw std::runtime_error(fmt::format("cannot create a temporary directory in {}: {}", dir.string(),
                                             std::strerror(errno)));
    struct RemoveDir {
        fs::path p;
        ~RemoveDir() {
            std::error_code e;
            fs::remove_all(p, e);
        }
    } remove_src{src_dir};
    const fs::path copy = fs::path(src_dir) / source.filename();
    {
        std::string quoted;  // a string literal for #line
        for (char c : request.file) {
            if (c == '"' || c == '\\') quoted += '\\';
            quoted += c;
        }
        std::ofstream out(copy, std::ios::binary);
        // Diagnostics and std::source_location name the user's file and lines, not the copy.
        out << "#line 1 \"" << quoted << "\"\n" << content;
        out.close();
        if (!out) throw std::runtime_error(fmt::format("cannot write {}", copy.string()));
    }
    const std::string tmp = fmt::format(".tmp{}", getpid());
    const fs::path so_tmp = so.string() + tmp, dep_tmp = dep.string() + tmp;
    result.command = {cxx};
    result.command.insert(result.command.end(), flags.begin(), flags.end());
    result.command.insert(result.command.end(),
                          {"-MMD", "-MF", dep_tmp.string(), "-o", so_tmp.string(), copy.string()});
    if (request.verbose) {
        std::string line;
        for (const auto& a : result.command) line += (line.empty() ? "" : " ") + a;
        std::cerr << "hotcheck: " << line << '\n';
    }
    int status = run_process(result.command);
    if (status != 0) {
        fs::remove(so_tmp, ec);
        fs::remove(dep_tmp, ec);
        if (status < 0)
            throw std::runtime_error(fmt::format("cannot run the compiler {}: {}", cxx, std::strerror(errno)));
        throw CompileFailed(fmt::format("{}: compilation failed ({} exited with {})", request.file, cxx, status));
    }
    ::chmod(so_tmp.c_str(), 0700);  // whatever the umask: the cache refuses a group-writable .so
    fs::rename(dep_tmp, dep, ec);
    if (!ec) fs::rename(so_tmp, so, ec);
    if (ec) throw std::runtime_error(fmt::format("cannot write {}: {}", so.string(), ec.message()));
    result.seconds = seconds();
    return result;
}

std::vector<const RegisteredModel*> load_models(const std::string& shared_object) {
    const std::size_t before = registered_models().size();
    void* handle = dlopen(shared_object.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        std::string why = dlerror();
        std::string hint;
        if (why.find("undefined symbol") != std::string::npos)
            hint = " (a function the model file declares but does not define, or a library it "
                   "needs: pass it with --cxx-flags, e.g. --cxx-flags='-lfoo')";
        throw std::runtime_error(fmt::format("cannot load the compiled model: {}{}", why, hint));
    }
    // Deliberately never dlclose()d: the registry holds pointers to the model bodies in it.
    std::vector<const RegisteredModel*> models;
    const auto& all = registered_models();
    for (std::size_t i = before; i < all.size(); ++i) models.push_back(&all[i]);
    return models;
}

}  // namespace hotcheck::cli
