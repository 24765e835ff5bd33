// `hotcheck check FILE.cpp` on model files outside the tree: compiled with the configured
// compiler, cached by content hash, loaded into the CLI; compile errors exit 2 with the
// compiler's own message. And the manual pages of `hotcheck help COMMAND`.
#include <doctest/doctest.h>

#include "run_command.hpp"

#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

using hotcheck::testing::Command;
using hotcheck::testing::run_cli;

/// A scratch directory outside the source tree, with its own model cache.
struct Scratch {
    fs::path dir, cache;
    Scratch() {
        std::string tmpl = (fs::temp_directory_path() / "hotcheck-sdk-XXXXXX").string();
        REQUIRE(mkdtemp(tmpl.data()) != nullptr);
        dir = tmpl;
        cache = dir / "cache";
    }
    ~Scratch() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
    fs::path write(const std::string& name, const std::string& text) const {
        fs::path p = dir / name;
        std::ofstream(p) << text;
        return p;
    }
    Command hotcheck(const std::string& args) const {
        return run_cli(args, "HOTCHECK_CACHE_DIR='" + cache.string() + "'");
    }
    std::vector<fs::path> cached_objects() const {
        std::vector<fs::path> sos;
        std::error_code ec;
        if (fs::is_directory(cache, ec))
            for (const auto& e : fs::directory_iterator(cache))
                if (e.path().extension() == ".so") sos.push_back(e.path());
        return sos;
    }
};

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

// Message passing, correct (release/acquire) and broken (relaxed flag, declared as a violation).
const char* kMessagePassing = R"(#include <hotcheck/hotcheck.hpp>
using namespace hotcheck;

HOTCHECK_MODEL("outside/mp-release-acquire") {
    atomic<int> data{0, "data"}, flag{0, "flag"};
    auto writer = spawn([&] { data.store(42, relaxed); flag.store(1, release); });
    auto reader = spawn([&] {
        if (flag.load(acquire) == 1) check(data.load(relaxed) == 42, "data arrives with the flag");
    });
    writer.join();
    reader.join();
}

HOTCHECK_MODEL("outside/mp-relaxed", .expect = Verdict::violation) {
    atomic<int> data{0, "data"}, flag{0, "flag"};
    auto writer = spawn([&] { data.store(42, relaxed); flag.store(1, relaxed); });
    auto reader = spawn([&] {
        if (flag.load(acquire) == 1) check(data.load(relaxed) == 42, "data arrives with the flag");
    });
    writer.join();
    reader.join();
}
)";

}  // namespace

TEST_SUITE("sdk") {
    TEST_CASE("check compiles a model file from outside the tree, then reuses the cached build") {
        Scratch s;
        fs::path file = s.write("mp_model.cpp", kMessagePassing);

        Command first = s.hotcheck("check " + file.string());
        INFO(first.output);
        CHECK(first.exit_code == 0);
        CHECK(contains(first.output, "compiled in"));
        CHECK(contains(first.output, "PASS  outside/mp-release-acquire"));
        CHECK(contains(first.output, "PASS  outside/mp-relaxed"));
        CHECK(contains(first.output, "data arrives with the flag"));  // the expected counterexample
        CHECK(contains(first.output, "mp_model.cpp"));
        CHECK(contains(first.output, "2 passed, 0 failed"));
        CHECK_FALSE(contains(first.output, "examples/shapes"));  // only the file's models run
        auto sos = s.cached_objects();
        REQUIRE(sos.size() == 1);
        const auto built = fs::last_write_time(sos[0]);

        Command second = s.hotcheck("check " + file.string());
        INFO(second.output);
        CHECK(second.exit_code == 0);
        CHECK(contains(second.output, "cached build"));
        CHECK_FALSE(contains(second.output, "compiled in"));
        CHECK(contains(second.output, "2 passed, 0 failed"));
        CHECK(s.cached_objects().size() == 1);
        CHECK(fs::last_write_time(sos[0]) == built);
    }

    TEST_CASE("check takes every run option, and model names; they do not invalidate the cache") {
        Scratch s;
        fs::path file = s.write("mp_model.cpp", kMessagePassing);
        REQUIRE(s.hotcheck("check " + file.string() + " --cxx-flags=-O0").exit_code == 0);

        // Under SC the relaxed version is correct: its declared violation does not happen.
        Command sc = s.hotcheck("check " + file.string() + " --cxx-flags=-O0 --model sc");
        INFO(sc.output);
        CHECK(sc.exit_code == 1);
        CHECK(contains(sc.output, "cached build"));
        CHECK(contains(sc.output, "FAIL  outside/mp-relaxed"));
        CHECK(contains(sc.output, "[expected violation]"));

        Command one = s.hotcheck("check " + file.string() + " outside/mp-release-acquire --cxx-flags=-O0 -q");
        CHECK(one.exit_code == 0);
        CHECK_FALSE(contains(one.output, "mp-relaxed"));

        Command json = s.hotcheck("check " + file.string() + " --cxx-flags=-O0 --json - -q");
        CHECK(json.exit_code == 0);
        CHECK(contains(json.output, "\"schema\": \"hotcheck-result\""));
        CHECK(contains(json.output, "\"name\": \"outside/mp-relaxed\""));

        CHECK(s.hotcheck("check " + file.string() + " --cxx-flags=-O0 --max-executions 1").exit_code == 3);
        Command unknown = s.hotcheck("check " + file.string() + " --cxx-flags=-O0 no/such");
        CHECK(unknown.exit_code == 2);
        CHECK(contains(unknown.output, "registers no model 'no/such'"));
        CHECK(s.cached_objects().size() == 1);
    }

    TEST_CASE("a compile error: the compiler's own message, exit 2, nothing cached") {
        Scratch s;
        fs::path file = s.write("broken_model.cpp", R"(#include <hotcheck/hotcheck.hpp>
using namespace hotcheck;
HOTCHECK_MODEL("outside/broken") {
    atomic<int> x{0};
    x.store(undeclared_thing, relaxed);
}
)");
        Command c = s.hotcheck("check " + file.string());
        INFO(c.output);
        CHECK(c.exit_code == 2);
        CHECK(contains(c.output, "broken_model.cpp:5:"));
        CHECK(contains(c.output, "error:"));
        CHECK(contains(c.output, "undeclared_thing"));
        CHECK(contains(c.output, "compilation failed"));
        CHECK(s.cached_objects().empty());
    }

    TEST_CASE("--cxx-flags reach the compiler and the cache key; included headers are tracked") {
        Scratch s;
        s.write("flag_order.hpp", "constexpr auto kFlagStore = hotcheck::release;\n");
        fs::path file = s.write("mp_flags.cpp", R"(#include <hotcheck/hotcheck.hpp>
using namespace hotcheck;
#include "flag_order.hpp"
HOTCHECK_MODEL("outside/mp-flags") {
    atomic<int> data{0, "data"}, flag{0, "flag"};
#ifdef BUGGY
    constexpr auto order = relaxed;
#else
    constexpr auto order = kFlagStore;
#endif
    auto writer = spawn([&] { data.store(42, relaxed); flag.store(1, order); });
    if (flag.load(acquire) == 1) check(data.load(relaxed) == 42, "data arrives with the flag");
    writer.join();
}
)");
        CHECK(s.hotcheck("check " + file.string() + " --cxx-flags=-O0").exit_code == 0);
        Command buggy = s.hotcheck("check " + file.string() + " --cxx-flags '-O0 -DBUGGY'");
        INFO(buggy.output);
        CHECK(buggy.exit_code == 1);
        CHECK(contains(buggy.output, "compiled in"));
        CHECK(contains(buggy.output, "FAIL  outside/mp-flags"));
        CHECK(contains(buggy.output, "data arrives with the flag"));
        CHECK(s.cached_objects().size() == 2);

        // A header the model includes changes: the cached build is stale.
        fs::path header = s.write("flag_order.hpp", "constexpr auto kFlagStore = hotcheck::relaxed;\n");
        fs::last_write_time(header, fs::file_time_type::clock::now() + std::chrono::seconds(5));
        Command changed = s.hotcheck("check " + file.string() + " --cxx-flags=-O0");
        INFO(changed.output);
        CHECK(changed.exit_code == 1);
        CHECK(contains(changed.output, "compiled in"));
    }

    TEST_CASE("check: a file without models, a missing file, no file: exit 2") {
        Scratch s;
        fs::path empty = s.write("no_models.cpp", "#include <hotcheck/hotcheck.hpp>\nint helper() { return 1; }\n");
        Command c = s.hotcheck("check " + empty.string() + " --cxx-flags=-O0");
        CHECK(c.exit_code == 2);
        CHECK(contains(c.output, "registers no models"));
        c = s.hotcheck("check " + (s.dir / "nowhere.cpp").string());
        CHECK(c.exit_code == 2);
        CHECK(contains(c.output, "no such file"));
        c = s.hotcheck("check");
        CHECK(c.exit_code == 2);
        CHECK(contains(c.output, "name a model file"));
    }

    TEST_CASE("help COMMAND prints a manual page; COMMAND --help too") {
        Scratch s;
        for (const char* cmd : {"list", "run", "check", "merge", "litmus", "help"}) {
            Command c = s.hotcheck(std::string("help ") + cmd);
            INFO(cmd);
            CHECK(c.exit_code == 0);
            CHECK(contains(c.output, "NAME\n    hotcheck " + std::string(cmd) + " - "));
            CHECK(contains(c.output, "SYNOPSIS"));
            CHECK(contains(c.output, "EXIT STATUS"));
        }
        CHECK(s.hotcheck("check --help").output == s.hotcheck("help check").output);
        CHECK(contains(s.hotcheck("help check").output, "--cxx-flags"));
        Command c = s.hotcheck("help frobnicate");
        CHECK(c.exit_code == 2);
        CHECK(contains(c.output, "no help for 'frobnicate'"));
        CHECK(s.hotcheck("help").exit_code == 0);
    }
}
