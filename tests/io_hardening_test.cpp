// Issue #15, items 10-15: what hotcheck reads and writes — checkpoints, the `check` cache,
// output files, litmus input and flags — each refused or reported with a clear message, never
// trusted blindly, wrapped or lost. Every case runs the command line and asserts the exit code
// and the message (under --jobs 1 and 2 where the exploration is involved).
#include <doctest/doctest.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run_command.hpp"

#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include <hotcheck/hotcheck.hpp>

#include "litmus/parser.hpp"

namespace fs = std::filesystem;
using hotcheck::testing::Command;
using hotcheck::testing::run_cli;

namespace {

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

/// A scratch directory of the test's own (0700, removed at the end).
struct Dir {
    fs::path path;
    Dir() {
        std::string tmpl = (fs::temp_directory_path() / "hotcheck-io-XXXXXX").string();
        REQUIRE(mkdtemp(tmpl.data()) != nullptr);
        path = tmpl;
    }
    ~Dir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    std::string operator/(const std::string& name) const { return (path / name).string(); }
    std::string write(const std::string& name, const std::string& text) const {
        std::ofstream(path / name, std::ios::binary) << text;
        return (path / name).string();
    }
};

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

/// Standard output only (stderr dropped), and the exit code.
Command run_stdout(const std::string& args) {
    return hotcheck::testing::run_shell(std::string(HOTCHECK_TEST_CLI) + " " + args + " 2>/dev/null");
}

const char* kBuggy = "examples/shapes/mp-relaxed-buggy";  // a violation, as declared
const char* kFine = "examples/shapes/mp-release-acquire";

}  // namespace

// ---- item 15: flags ---------------------------------------------------------------------------
TEST_SUITE("cli") {
    TEST_CASE("negative, NaN and infinite numbers and an empty --replay are refused, naming the flag") {
        struct Bad {
            const char* args;
            const char* flag;
        };
        for (const Bad& b : {Bad{"--max-executions -1", "--max-executions"}, Bad{"--max-executions=-1", "--max-executions"},
                             Bad{"--max-events -1", "--max-events"}, Bad{"--max-events 4294967296", "--max-events"},
                             Bad{"--checkpoint-every -1", "--checkpoint-every"}, Bad{"--timeout -1", "--timeout"},
                             Bad{"--timeout nan", "--timeout"}, Bad{"--timeout inf", "--timeout"},
                             Bad{"--timeout 1e999", "--timeout"}, Bad{"--max-executions 1x", "--max-executions"},
                             Bad{"--replay ''", "--replay"}}) {
            for (const char* jobs : {"1", "2"}) {
                Command c = run_cli(fmt::format("run {} --jobs {} {}", kFine, jobs, b.args));
                INFO(b.args, " --jobs ", jobs, ": ", c.output);
                CHECK(c.exit_code == 2);
                CHECK(contains(c.output, b.flag));
                CHECK_FALSE(contains(c.output, "PASS"));
            }
        }
        // Well-formed values still work.
        Command ok = run_cli(fmt::format("run {} --timeout 30.5 --max-executions 100 --max-events 500", kFine));
        INFO(ok.output);
        CHECK(ok.exit_code == 0);
    }

    TEST_CASE("directories given as files get a message saying so") {
        Dir d;
        const std::string dir = d.path.string();
        for (const std::string& args :
             {"run scale/fetch-add-7 --resume " + dir, "merge " + dir, "check " + dir, "litmus " + dir,
              fmt::format("run {} --json {}", kBuggy, dir), fmt::format("run {} --junit {}", kBuggy, dir),
              fmt::format("run {} --dot {}", kBuggy, dir)}) {
            Command c = run_cli(args);
            INFO(args, ": ", c.output);
            CHECK(c.exit_code == 2);
            CHECK(contains(c.output, "is a directory"));
        }
    }

    TEST_CASE("merge refuses negative or out-of-range counts and names the file of every error") {
        Dir d;
        const std::string good = d / "good.json";
        REQUIRE(run_cli(fmt::format("run scale/fetch-add-7 --shard 1/2 --json {}", good)).exit_code == 0);
        const std::string other = d / "other.json";
        REQUIRE(run_cli(fmt::format("run scale/fetch-add-7 --shard 2/2 --json {}", other)).exit_code == 0);
        REQUIRE(run_cli(fmt::format("merge {} {}", good, other)).exit_code == 0);
        const nlohmann::json doc = nlohmann::json::parse(slurp(other));
        struct Edit {
            const char* what;
            std::function<void(nlohmann::json&)> apply;
        };
        for (const Edit& e : std::vector<Edit>{
                 {"negative executions", [](nlohmann::json& m) { m["executions"] = -1; }},
                 {"2^64-1 executions", [](nlohmann::json& m) { m["executions"] = UINT64_MAX; }},
                 {"fractional blocked", [](nlohmann::json& m) { m["blocked"] = 1.5; }},
                 {"negative events", [](nlohmann::json& m) { m["events"] = -5; }},
                 {"string executions", [](nlohmann::json& m) { m["executions"] = "many"; }},
                 {"negative shard", [](nlohmann::json& m) { m["shard"]["index"] = -1; }},
                 {"unknown verdict", [](nlohmann::json& m) { m["verdict"] = "maybe"; }},
                 {"other memory model", [](nlohmann::json& m) { m["memory_model"] = "sc"; }},
                 {"no outcomes", [](nlohmann::json& m) { m.erase("outcomes"); }},
             }) {
            nlohmann::json bad = doc;
            e.apply(bad["models"][0]);
            const std::string path = d.write("bad.json", bad.dump());
            Command c = run_cli(fmt::format("merge {} {}", good, path));
            INFO(e.what, ": ", c.output);
            CHECK(c.exit_code == 2);
            CHECK(contains(c.output, path));
            CHECK_FALSE(contains(c.output, "PASS"));
        }
    }

    // ---- item 13: outputs --------------------------------------------------------------------
    TEST_CASE("output paths are checked before the run; write errors fail the run") {
        Dir d;
        for (const char* flag : {"--json", "--junit", "--dot"}) {
            const std::string path = d / "no-such-dir/out";
            Command c = run_cli(fmt::format("run {} {} {}", kBuggy, flag, path));
            INFO(flag, ": ", c.output);
            CHECK(c.exit_code == 2);
            CHECK(contains(c.output, "no such directory"));
            CHECK_FALSE(contains(c.output, "PASS"));  // refused before anything ran
        }
        for (const char* flag : {"--json", "--junit", "--dot"})
            for (const char* jobs : {"1", "2"}) {
                Command c = run_cli(fmt::format("run {} --jobs {} {} /dev/full", kBuggy, jobs, flag));
                INFO(flag, " --jobs ", jobs, ": ", c.output);
                CHECK(c.exit_code == 2);
                CHECK(contains(c.output, "cannot write /dev/full"));
            }
        const std::string shard = d / "shard.json";
        REQUIRE(run_cli(fmt::format("run scale/fetch-add-7 --json {}", shard)).exit_code == 0);
        Command merged = run_cli(fmt::format("merge {} --json /dev/full", shard));
        CHECK(merged.exit_code == 2);
        CHECK(contains(merged.output, "cannot write /dev/full"));
    }

    TEST_CASE("--json - prints one JSON document on stdout, with the replay token") {
        for (const char* jobs : {"1", "2"}) {
            Command c = run_stdout(fmt::format("run {} {} --jobs {} --json -", kBuggy, kFine, jobs));
            INFO("--jobs ", jobs, ": ", c.output);
            CHECK(c.exit_code == 0);
            nlohmann::json doc;
            REQUIRE_NOTHROW(doc = nlohmann::json::parse(c.output));  // nothing else on stdout
            REQUIRE(doc["models"].size() == 2);
            const auto& v = doc["models"][0]["violation"];
            REQUIRE(v.contains("replay_token"));
            const std::string token = v["replay_token"];
            // The token replays the violation.
            Command replay = run_cli(fmt::format("run {} --replay '{}'", kBuggy, token));
            INFO(replay.output);
            CHECK(replay.exit_code == 0);
            CHECK(contains(replay.output, "violation ("));
        }
        Dir d;
        const std::string shard = d / "shard.json";
        REQUIRE(run_cli(fmt::format("run scale/fetch-add-7 --json {}", shard)).exit_code == 0);
        Command merged = run_stdout(fmt::format("merge {} --json -", shard));
        CHECK(merged.exit_code == 0);
        nlohmann::json merged_doc;
        CHECK_NOTHROW(merged_doc = nlohmann::json::parse(merged.output));
    }

    // ---- item 10: checkpoints ----------------------------------------------------------------
    TEST_CASE("an edited checkpoint is refused on resume (checksum)") {
        Dir d;
        for (const char* jobs : {"1", "2"}) {
            const std::string ckpt = d / fmt::format("ckpt-{}", jobs);
            Command first = run_cli(fmt::format("run scale/fetch-add-7 --jobs {} --max-executions 100 --checkpoint {}", jobs, ckpt));
            INFO(first.output);
            REQUIRE(first.exit_code == 3);
            nlohmann::json j = nlohmann::json::parse(slurp(ckpt));
            // Mark every subtree done: before the checksum, a resume reported "verified".
            std::vector<std::uint32_t> all;
            for (std::uint32_t i = 0; i < j["subtrees"].get<std::uint32_t>(); ++i) all.push_back(i);
            j["done"] = all;
            d.write(fmt::format("ckpt-{}", jobs), j.dump());
            Command resumed = run_cli(fmt::format("run scale/fetch-add-7 --jobs {} --resume {}", jobs, ckpt));
            INFO(resumed.output);
            CHECK(resumed.exit_code == 2);
            CHECK(contains(resumed.output, "checksum does not match"));
            CHECK(contains(resumed.output, ckpt));
            // An untouched checkpoint still resumes to the full count.
            std::remove(ckpt.c_str());
            REQUIRE(run_cli(fmt::format("run scale/fetch-add-7 --jobs {} --max-executions 100 --checkpoint {}", jobs, ckpt)).exit_code == 3);
            Command good = run_cli(fmt::format("run scale/fetch-add-7 --jobs {} --resume {}", jobs, ckpt));
            INFO(good.output);
            CHECK(good.exit_code == 0);
            CHECK(contains(good.output, "verified (5040 executions"));
        }
    }

    TEST_CASE("--checkpoint refuses symbolic links and device nodes, and leaves them alone") {
        Dir d;
        const std::string target = d.write("target", "precious\n");
        const std::string link = d / "link";
        REQUIRE(symlink(target.c_str(), link.c_str()) == 0);
        for (const char* jobs : {"1", "2"}) {
            Command c = run_cli(fmt::format("run scale/fetch-add-7 --jobs {} --checkpoint {}", jobs, link));
            INFO(c.output);
            CHECK(c.exit_code == 2);
            CHECK(contains(c.output, "symbolic link"));
            CHECK(fs::is_symlink(link));
            CHECK(slurp(target) == "precious\n");
            Command dev = run_cli(fmt::format("run scale/fetch-add-7 --jobs {} --checkpoint /dev/null", jobs));
            INFO(dev.output);
            CHECK(dev.exit_code == 2);
            CHECK(contains(dev.output, "not a regular file"));
            struct stat st {};
            REQUIRE(stat("/dev/null", &st) == 0);
            CHECK(S_ISCHR(st.st_mode));
        }
    }
}

// ---- items 11, 12 and 15: `hotcheck check` ----------------------------------------------------
namespace {

struct Scratch : Dir {
    std::string cache = (path / "cache").string();
    Command hotcheck(const std::string& args, const std::string& env = "") const {
        return run_cli(args, "HOTCHECK_CACHE_DIR='" + cache + "' " + env);
    }
};

const char* kToggle = R"(#include <hotcheck/hotcheck.hpp>
using namespace hotcheck;
#define BUGGY 0
HOTCHECK_MODEL("toggle/model") {
    atomic<int> x{0, "x"};
    auto t = spawn([&] { x.store(1, relaxed); });
    t.join();
    check(BUGGY == 0, "the model is buggy");
}
)";

}  // namespace

TEST_SUITE("sdk") {
    TEST_CASE("check compiles the bytes it hashed: a file edited during the compile is not cached under the old key") {
        Scratch s;
        const std::string file = s.write("toggle.cpp", kToggle);
        // A compiler that edits the model (to the buggy version) just before it compiles.
        const std::string cxx = s.write("cxx.sh", fmt::format("#!/bin/sh\nsed -i 's/BUGGY 0/BUGGY 1/' '{}'\nexec {} \"$@\"\n",
                                                              file, HOTCHECK_TEST_CXX));
        REQUIRE(chmod(cxx.c_str(), 0755) == 0);
        Command first = s.hotcheck("check " + file, "HOTCHECK_CXX='" + cxx + "'");
        INFO(first.output);
        CHECK(first.exit_code == 0);  // the content that was hashed: not buggy
        CHECK(contains(first.output, "PASS  toggle/model"));
        CHECK(contains(slurp(file), "BUGGY 1"));  // the edit happened
        // The edited file has another key: compiled afresh, and buggy.
        Command second = s.hotcheck("check " + file);
        INFO(second.output);
        CHECK(second.exit_code == 1);
        CHECK(contains(second.output, "the model is buggy"));
        CHECK(contains(second.output, "toggle.cpp:8"));  // the user's file and line, not the copy
    }

    TEST_CASE("the cache directory is 0700 and must be the user's own; so must its shared objects") {
        Scratch s;
        const std::string file = s.write("toggle.cpp", kToggle);
        Command first = s.hotcheck("check " + file);
        INFO(first.output);
        REQUIRE(first.exit_code == 0);
        struct stat st {};
        REQUIRE(stat(s.cache.c_str(), &st) == 0);
        CHECK((st.st_mode & 0777) == 0700);

        // A .so others may write: refused, never loaded.
        std::string so;
        for (const auto& e : fs::directory_iterator(s.cache))
            if (e.path().extension() == ".so") so = e.path().string();
        REQUIRE(!so.empty());
        REQUIRE(chmod(so.c_str(), 0666) == 0);
        Command swapped = s.hotcheck("check " + file);
        INFO(swapped.output);
        CHECK(swapped.exit_code == 2);
        CHECK(contains(swapped.output, "writable by other users"));
        REQUIRE(chmod(so.c_str(), 0700) == 0);

        // A symbolic link of the user's own to the cache is fine.
        const std::string link = s / "cache-link";
        REQUIRE(symlink(s.cache.c_str(), link.c_str()) == 0);
        Command linked = run_cli("check " + file, "HOTCHECK_CACHE_DIR='" + link + "'");
        INFO(linked.output);
        CHECK(linked.exit_code == 0);
        CHECK(contains(linked.output, "cached build"));

        // A cache others may write to, or owned by someone else: refused.
        REQUIRE(chmod(s.cache.c_str(), 0777) == 0);
        Command open_dir = s.hotcheck("check " + file);
        INFO(open_dir.output);
        CHECK(open_dir.exit_code == 2);
        CHECK(contains(open_dir.output, "refusing the cache directory"));
        REQUIRE(chmod(s.cache.c_str(), 0700) == 0);
        if (geteuid() == 0) {
            REQUIRE(chown(s.cache.c_str(), 65534, 65534) == 0);
            Command foreign = s.hotcheck("check " + file);
            INFO(foreign.output);
            CHECK(foreign.exit_code == 2);
            CHECK(contains(foreign.output, "owned by another user"));
        }
    }

    TEST_CASE("a model file whose name starts with '-' is not an option to the compiler") {
        Scratch s;
        s.write("-model.cpp", kToggle);
        Command c = run_cli(fmt::format("check -- -model.cpp"), fmt::format("cd '{}' && HOTCHECK_CACHE_DIR='{}'", s.path.string(), s.cache));
        INFO(c.output);
        CHECK(c.exit_code == 0);
        CHECK(contains(c.output, "PASS  toggle/model"));
    }

    TEST_CASE("check takes shell patterns as run does; duplicate model names are refused") {
        Scratch s;
        const std::string file = s.write("two.cpp", R"(#include <hotcheck/hotcheck.hpp>
using namespace hotcheck;
HOTCHECK_MODEL("pat/one") { check(true, "fine"); }
HOTCHECK_MODEL("pat/two") { check(true, "fine"); }
HOTCHECK_MODEL("other/three") { check(true, "fine"); }
)");
        Command c = s.hotcheck("check " + file + " 'pat/*'");
        INFO(c.output);
        CHECK(c.exit_code == 0);
        CHECK(contains(c.output, "PASS  pat/one"));
        CHECK(contains(c.output, "PASS  pat/two"));
        CHECK_FALSE(contains(c.output, "other/three"));
        CHECK(contains(c.output, "2 passed"));
        Command none = s.hotcheck("check " + file + " 'nope/*'");
        CHECK(none.exit_code == 2);
        CHECK(contains(none.output, "registers no model 'nope/*'"));

        const std::string dup = s.write("dup.cpp", R"(#include <hotcheck/hotcheck.hpp>
using namespace hotcheck;
HOTCHECK_MODEL("dup/model") { check(true, "fine"); }
HOTCHECK_MODEL("dup/model") { check(false, "the other one"); }
)");
        Command d = s.hotcheck("check " + dup);
        INFO(d.output);
        CHECK(d.exit_code == 2);
        CHECK(contains(d.output, "'dup/model' is registered twice"));
        CHECK(contains(d.output, "dup.cpp:3"));
        CHECK(contains(d.output, "dup.cpp:4"));
        CHECK_FALSE(contains(d.output, "PASS"));
    }

    TEST_CASE("alloc_array refuses a size that does not fit in 32 bits, naming the line") {
        Scratch s;
        const std::string file = s.write("big.cpp", R"(#include <hotcheck/hotcheck.hpp>
using namespace hotcheck;
HOTCHECK_MODEL("big/array") {
    auto p = alloc_array<int>(std::size_t{1} << 32);
    free(p);
}
)");
        for (const char* jobs : {"1", "2"}) {
            Command c = s.hotcheck(fmt::format("check {} --jobs {}", file, jobs));
            INFO(c.output);
            CHECK(c.exit_code == 2);
            CHECK(contains(c.output, "does not fit in 32 bits"));
            CHECK(contains(c.output, "big.cpp:4"));
        }
    }
}

// ---- item 14: litmus --------------------------------------------------------------------------
namespace {
const char* kSB = R"(C SB
{ x = 0; y = 0; }
P0(atomic_int* x, atomic_int* y) {
  atomic_store_explicit(x, 1, memory_order_relaxed);
  int r0 = atomic_load_explicit(y, memory_order_relaxed);
}
P1(atomic_int* x, atomic_int* y) {
  atomic_store_explicit(y, 1, memory_order_relaxed);
  int r0 = atomic_load_explicit(x, memory_order_relaxed);
}
exists (0:r0=0 /\ 1:r0=0)
)";
}  // namespace

TEST_SUITE("litmus") {
    TEST_CASE("an init block of 200k entries parses in linear time") {
        std::string text = "C Big\n{ ";
        for (int i = 0; i < 200000; ++i) text += fmt::format("v{} = {}; ", i, i % 7);
        text += "}\nP0(int* v0) { int r0 = *v0; }\nexists (0:r0=0)\n";
        const auto start = std::chrono::steady_clock::now();
        auto parsed = hotcheck::litmus::parse(text, "big.litmus");
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        REQUIRE(std::holds_alternative<hotcheck::litmus::Test>(parsed));
        CHECK(std::get<hotcheck::litmus::Test>(parsed).init.size() == 200000);
        // A hang guard, not a speed measurement (bench/ measures speed): a linear parse takes
        // about a second even on a loaded machine, the quadratic one took over 60 s, so no
        // load makes one pass for the other.
        CHECK(s < 30.0);
        // Duplicates are still found.
        auto dup = hotcheck::litmus::parse("C D\n{ x = 0; y = 1; x = 2; }\nP0(int* x) { *x = 1; }\nexists (x=1)\n", "d.litmus");
        REQUIRE(std::holds_alternative<hotcheck::litmus::ParseError>(dup));
        CHECK(contains(std::get<hotcheck::litmus::ParseError>(dup).format(), "duplicate initialisation of 'x'"));
    }

    TEST_CASE("invalid UTF-8 in a name does not break --format json; the other files' results are kept") {
        Dir d;
        const std::string good = d.write("sb.litmus", kSB);
        std::string weird = kSB;
        weird.replace(weird.find("C SB"), 4, "C S\xff\xfe");
        const std::string bad = d.write("weird.litmus", weird);
        Command c = run_stdout(fmt::format("litmus {} {} --format json", bad, good));
        INFO(c.output);
        CHECK(c.exit_code == 0);
        nlohmann::json doc;
        REQUIRE_NOTHROW(doc = nlohmann::json::parse(c.output));
        REQUIRE(doc["results"].size() == 2);
        CHECK(doc["results"][1]["test"] == "SB");
        CHECK(doc["results"][0]["test"] == "S\xEF\xBF\xBD\xEF\xBF\xBD");  // U+FFFD twice
    }

    TEST_CASE("litmus takes --timeout and --max-events; the event bound names the litmus line") {
        Dir d;
        const std::string sb = d.write("sb.litmus", kSB);
        // Thread 0 sets the test up (locations, spawns, joins, final reads) and meets a small
        // bound first: it is named by the line it was at (the header, a thread, the condition).
        for (int bound_events : {1, 2, 3, 4}) {
            Command bound = run_cli(fmt::format("litmus {} --max-events {}", sb, bound_events));
            INFO(bound.output);
            CHECK(bound.exit_code == 3);
            CHECK_FALSE(contains(bound.output, "interpreter.cpp"));
            bool named = false;  // who met the bound, at which line of the test
            for (const char* who : {"the set-up of the test", "P0", "P1"})
                for (int line : {2, 3, 7, 11})
                    named = named || contains(bound.output,
                                              fmt::format("sb.litmus: test SB: incomplete: {} exceeded {} events at line {}:",
                                                          who, bound_events, line));
            CHECK(named);
        }
        // A long thread: the statement of the event past the bound (index 0 is the thread's start).
        std::string text = "C Long\n{ x = 0; }\nP0(int *x) {\n";
        for (int i = 1; i <= 12; ++i) text += fmt::format("  WRITE_ONCE(*x, {});\n", i);
        text += "}\nexists (x=12)\n";
        const std::string long_test = d.write("long.litmus", text);
        Command long_bound = run_cli(fmt::format("litmus {} --max-events 5", long_test));
        INFO(long_bound.output);
        CHECK(long_bound.exit_code == 3);
        CHECK(contains(long_bound.output, "long.litmus: test Long: incomplete: P0 exceeded 5 events at line 8:3"));
        Command ok = run_cli(fmt::format("litmus {} --timeout 60 --max-events 100", sb));
        INFO(ok.output);
        CHECK(ok.exit_code == 0);
        for (const char* bad : {"--timeout -1", "--timeout nan", "--timeout inf", "--max-events -1"}) {
            Command c = run_cli(fmt::format("litmus {} {}", sb, bad));
            INFO(bad, ": ", c.output);
            CHECK(c.exit_code == 2);
            CHECK(contains(c.output, std::string(bad).substr(0, std::string(bad).find(' '))));
        }
    }
}

// ---- item 15: documentation -------------------------------------------------------------------
TEST_SUITE("cli") {
    TEST_CASE("every model docs/scale.md and README.md name in a command exists") {
        std::set<std::string> names;
        for (const char* doc : {"docs/scale.md", "README.md", "docs/replay.md", "docs/sdk.md"}) {
            const std::string text = slurp(std::string(HOTCHECK_SOURCE_DIR) + "/" + doc);
            REQUIRE(!text.empty());
            // Each `hotcheck run hotplug/...` (or examples/, models/): the name's characters.
            // (A scan, not std::regex: <regex> costs this file seconds of compile time per build.)
            const std::string command = "hotcheck run ";
            for (auto at = text.find(command); at != std::string::npos; at = text.find(command, at + 1)) {
                const std::size_t from = at + command.size();
                std::size_t to = from;
                while (to < text.size() && (std::isalnum(static_cast<unsigned char>(text[to])) ||
                                            std::string_view("_./*-").find(text[to]) != std::string_view::npos))
                    ++to;
                const std::string name = text.substr(from, to - from);
                for (const char* folder : {"hotplug/", "examples/", "models/"})
                    if (name.starts_with(folder) && name.size() > std::string_view(folder).size()) names.insert(name);
            }
        }
        REQUIRE(!names.empty());
        for (const auto& n : names) {
            Command c = run_cli("run '" + n + "' --max-executions 1");
            INFO(n, ": ", c.output);
            CHECK_FALSE(contains(c.output, "unknown model"));
        }
    }
}

// ---- item 10, from the API: the engine refuses the target too (not only the CLI) ------------
TEST_SUITE("scale") {
    TEST_CASE("explore() refuses a checkpoint target that is not a regular file") {
        Dir d;
        const std::string target = d.write("target", "precious\n");
        const std::string link = d / "link";
        REQUIRE(symlink(target.c_str(), link.c_str()) == 0);
        for (const std::string& path : {link, std::string("/dev/null"), d.path.string()})
            for (std::uint32_t jobs : {1u, 2u}) {
                hotcheck::Options o;
                o.jobs = jobs;
                o.checkpoint_path = path;
                hotcheck::Result r = hotcheck::explore(o, [] {
                    hotcheck::atomic<int> x{0, "x"};
                    auto t = hotcheck::spawn([&] { x.store(1, hotcheck::relaxed); });
                    (void)x.load(hotcheck::relaxed);
                    t.join();
                });
                INFO(path, " jobs ", jobs, ": ", r.error);
                CHECK(r.verdict == hotcheck::Verdict::error);
                CHECK(contains(r.error, path));
            }
        CHECK(fs::is_symlink(link));
        CHECK(slurp(target) == "precious\n");
    }
}
