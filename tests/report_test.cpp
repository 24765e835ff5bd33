// The reports of a counterexample: the execution graph in Graphviz DOT, JUnit XML, the trace in
// columns, and the CLI options that write them (--dot, --svg, --junit, --trace).
#include <doctest/doctest.h>

#include "run_command.hpp"

#include <hotcheck/hotcheck.hpp>

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "report/junit.hpp"
#include "report/trace.hpp"

using namespace hotcheck;

namespace {

const RegisteredModel& model(const std::string& name) {
    for (const auto& m : registered_models())
        if (m.name == name) return m;
    FAIL("no model " << name);
    throw;
}

Result run_model(const std::string& name) {
    const RegisteredModel& m = model(name);
    return explore({}, [&] { m.body(); });
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

/// The DOT line that declares node `id` (its attributes), or "".
std::string node_line(const std::string& dot, const std::string& id) {
    std::istringstream in(dot);
    for (std::string line; std::getline(in, line);) {
        auto start = line.find_first_not_of(' ');
        if (start != std::string::npos && line.compare(start, id.size() + 2, id + " [") == 0) return line;
    }
    return "";
}

/// The DOT lines of the edges from `from` to `to`.
std::vector<std::string> edge_lines(const std::string& dot, const std::string& from, const std::string& to) {
    std::vector<std::string> out;
    std::istringstream in(dot);
    for (std::string line; std::getline(in, line);)
        if (contains(line, " " + from + " -> " + to + " [")) out.push_back(line);
    return out;
}

/// A small XML well-formedness check: balanced tags, quoted attributes without raw '<' or '&',
/// only the five predefined entities and character references, no raw '<' or '&' in text.
bool well_formed_xml(const std::string& x, std::string& why) {
    auto entity_ok = [&](std::size_t i) {
        for (const char* e : {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"})
            if (x.compare(i, std::strlen(e), e) == 0) return true;
        if (x.compare(i, 2, "&#") != 0) return false;
        std::size_t j = i + 2;
        while (j < x.size() && std::isdigit(static_cast<unsigned char>(x[j]))) ++j;
        return j > i + 2 && j < x.size() && x[j] == ';';
    };
    std::vector<std::string> open;
    std::size_t i = 0;
    if (x.compare(0, 5, "<?xml") == 0) i = x.find("?>") + 2;
    bool root_seen = false;
    while (i < x.size()) {
        if (x[i] == '&') {
            if (!entity_ok(i)) return why = "bad entity at " + std::to_string(i), false;
            ++i;
            continue;
        }
        if (x[i] != '<') {
            if (open.empty() && !std::isspace(static_cast<unsigned char>(x[i])))
                return why = "text outside the root", false;
            ++i;
            continue;
        }
        const bool closing = i + 1 < x.size() && x[i + 1] == '/';
        std::size_t j = i + (closing ? 2 : 1), name_start = j;
        while (j < x.size() && (std::isalnum(static_cast<unsigned char>(x[j])) || x[j] == '-' || x[j] == '_')) ++j;
        const std::string name = x.substr(name_start, j - name_start);
        if (name.empty()) return why = "bad tag at " + std::to_string(i), false;
        if (closing) {
            if (open.empty() || open.back() != name) return why = "unbalanced </" + name + ">", false;
            open.pop_back();
            j = x.find('>', j);
            if (j == std::string::npos) return why = "unterminated tag", false;
            i = j + 1;
            continue;
        }
        if (open.empty() && root_seen) return why = "two roots", false;
        root_seen = true;
        // attributes
        for (;;) {
            while (j < x.size() && std::isspace(static_cast<unsigned char>(x[j]))) ++j;
            if (j >= x.size()) return why = "unterminated tag", false;
            if (x[j] == '>' || x.compare(j, 2, "/>") == 0) break;
            std::size_t a = j;
            while (j < x.size() && (std::isalnum(static_cast<unsigned char>(x[j])) || x[j] == '-' || x[j] == '_')) ++j;
            if (j == a || j + 1 >= x.size() || x[j] != '=' || x[j + 1] != '"')
                return why = "bad attribute in <" + name + ">", false;
            j += 2;
            for (; j < x.size() && x[j] != '"'; ++j) {
                if (x[j] == '<') return why = "raw < in an attribute of <" + name + ">", false;
                if (x[j] == '&' && !entity_ok(j)) return why = "bad entity in <" + name + ">", false;
            }
            if (j >= x.size()) return why = "unterminated attribute", false;
            ++j;
        }
        if (x[j] == '>') {
            open.push_back(name);
            i = j + 1;
        } else {
            i = j + 2;
        }
    }
    if (!open.empty()) return why = "unclosed <" + open.back() + ">", false;
    return root_seen || (why = "no root", false);
}

std::size_t display_width(const std::string& s) {
    std::size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
}

using hotcheck::testing::Command;
using hotcheck::testing::run_cli;


std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string temp_path(const std::string& name) {
    return "/tmp/hotcheck-report-test-" + std::to_string(getpid()) + "-" + name;
}

}  // namespace

TEST_SUITE("report") {
    TEST_CASE("the DOT of mp-relaxed-buggy: threads, the flag's rf edge, the failing load in red") {
        Result r = run_model("examples/shapes/mp-relaxed-buggy");
        REQUIRE(r.violation);
        const std::string& dot = r.violation->dot;
        INFO(dot);
        CHECK(dot.rfind("digraph hotcheck {", 0) == 0);
        for (const char* cluster : {"subgraph cluster_t0 {", "subgraph cluster_t1 {", "subgraph cluster_t2 {"})
            CHECK(contains(dot, cluster));
        // T1 (the writer): #1 store data, #2 store flag; T2 (the reader): #1 load flag, #2 load data.
        CHECK(contains(node_line(dot, "t1_2"), "store rlx"));
        CHECK(contains(node_line(dot, "t1_2"), "flag = 1"));
        CHECK(contains(node_line(dot, "t1_2"), "message_passing.cpp:"));
        CHECK(contains(node_line(dot, "t2_1"), "load acq"));
        auto rf = edge_lines(dot, "t1_2", "t2_1");
        REQUIRE(rf.size() == 1);
        CHECK(contains(rf[0], "label=\"rf"));
        CHECK(contains(rf[0], "no sw (store is rlx)"));  // half a release/acquire pair
        // The failing load: red and bold, tied to the note, reading the initial value.
        const std::string failing = node_line(dot, "t2_2");
        CHECK(contains(failing, "load rlx"));
        CHECK(contains(failing, "data = 0"));
        CHECK(contains(failing, "color=\"#d62728\""));
        CHECK(contains(failing, "penwidth=2.5"));
        CHECK(edge_lines(dot, "t2_2", "violation").size() == 1);
        CHECK(contains(node_line(dot, "violation"), "assertion fails"));
        bool rf_from_init = false;
        std::istringstream in(dot);
        for (std::string line; std::getline(in, line);)
            rf_from_init |= contains(line, "init_") && contains(line, "-> t2_2 [") && contains(line, "label=\"rf\"");
        CHECK(rf_from_init);
        // ... and the write it did not see, data = 42, by an fr edge; spawn and join synchronise.
        CHECK(edge_lines(dot, "t2_2", "t1_1").size() == 1);
        CHECK(edge_lines(dot, "t0_1", "t1_0").size() == 1);
        CHECK(edge_lines(dot, "t1_3", "t0_3").size() == 1);
        // Only the failing load is highlighted.
        CHECK_FALSE(contains(node_line(dot, "t2_1"), "penwidth=2.5"));
    }

    TEST_CASE("DOT: synchronising rf is blue and dotted; labels are escaped") {
        Result r = explore({}, [] {
            atomic<int> flag{0, "f<&>"};
            auto t = spawn([&] { flag.store(1, release); });
            check(flag.load(acquire) == 0, "sees the initial flag");
            t.join();
        });
        REQUIRE(r.violation);
        const std::string& dot = r.violation->dot;
        INFO(dot);
        CHECK(contains(dot, "f&lt;&amp;&gt; = 1"));
        CHECK_FALSE(contains(dot, "f<&>"));
        auto rf = edge_lines(dot, "t1_1", "t0_2");
        REQUIRE(rf.size() == 1);
        CHECK(contains(rf[0], "rf+sw"));
        CHECK(contains(rf[0], "style=dotted"));
    }

    TEST_CASE("a location_name's parts are put together in the trace and the picture") {
        Result r = explore({}, [] {
            atomic<int> plain{0, "plain"};
            atomic<int> indexed{0, location_name{"mask", 3u}};
            atomic<int> suffixed{0, location_name{"sem", ".readers_block"}};
            atomic<int> framed{0, location_name{"pool", "[cpu", 2, "].disassociated"}};
            auto t = spawn([&] { framed.store(1, relaxed); });
            plain.store(1, relaxed);
            indexed.store(1, relaxed);
            suffixed.store(1, relaxed);
            check(framed.load(relaxed) == 0, "sees the initial value");
            t.join();
        });
        REQUIRE(r.violation);
        std::vector<std::string> names;
        for (const auto& e : r.violation->trace) names.push_back(e.location);
        for (const char* name : {"plain", "mask[3]", "sem.readers_block", "pool[cpu2].disassociated"}) {
            INFO(name);
            CHECK(std::find(names.begin(), names.end(), name) != names.end());
            CHECK(contains(r.violation->dot, name));
        }
        CHECK(location_name{"slot", -1}.str() == "slot[-1]");
        CHECK(location_name{"slot", 0}.str() == "slot[0]");
        CHECK(location_name{}.empty());
        CHECK(location_name{}.str().empty());
    }

    TEST_CASE("a deadlock highlights every blocked thread; a race both accesses") {
        Result r = run_model("examples/detect/abba-deadlock-buggy");
        REQUIRE(r.violation);
        CHECK(contains(node_line(r.violation->dot, "t1_4"), "penwidth=2.5"));
        CHECK(contains(node_line(r.violation->dot, "t2_4"), "penwidth=2.5"));

        r = run_model("examples/detect/plain-race-buggy");
        REQUIRE(r.violation);
        CHECK(contains(node_line(r.violation->dot, "t1_1"), "penwidth=2.5"));  // the write
        CHECK(contains(node_line(r.violation->dot, "t2_2"), "penwidth=2.5"));  // the read
        // The trace marks the racing read, not the end of its thread.
        int marked = 0;
        for (const auto& e : r.violation->trace)
            if (e.failing) {
                ++marked;
                CHECK(e.operation == "read");
                CHECK(e.thread == 2);
            }
        CHECK(marked == 1);
    }

    TEST_CASE("JUnit XML: a passing and a failing model, escaped, well-formed") {
        report::JunitCase pass{"examples/shapes/mp-release-acquire", {}, run_model("examples/shapes/mp-release-acquire"), true};
        REQUIRE(pass.result.verdict == Verdict::verified);
        report::JunitCase fail{"examples/shapes/mp-relaxed-buggy", {}, run_model("examples/shapes/mp-relaxed-buggy"), false};
        REQUIRE(fail.result.violation);
        fail.result.violation->message = "quote \" amp & lt < gt > apos '";
        fail.result.violation->trace_text += "a <&>\" trace\n";
        report::JunitCase inconclusive{"solo", {}, {}, false};
        inconclusive.result.verdict = Verdict::inconclusive;
        inconclusive.result.error = "stopped after 1 executions (--max-executions)";
        report::JunitCase broken{"bad/throws", {}, {}, false};
        broken.result.verdict = Verdict::error;
        broken.result.error = "thread T1 threw: <boom>";

        const std::string xml = report::junit_xml({pass, fail, inconclusive, broken});
        INFO(xml);
        std::string why;
        CHECK_MESSAGE(well_formed_xml(xml, why), why);
        CHECK(contains(xml, "<testsuite name=\"hotcheck\" tests=\"4\" failures=\"2\" errors=\"1\""));
        CHECK(contains(xml, "<testcase classname=\"examples/shapes\" name=\"mp-release-acquire\" time=\""));
        CHECK(contains(xml, "<testcase classname=\"examples/shapes\" name=\"mp-relaxed-buggy\""));
        CHECK(contains(xml, "type=\"assertion\""));
        CHECK(contains(xml, "quote &quot; amp &amp; lt &lt; gt &gt; apos &apos;"));
        CHECK(contains(xml, "a &lt;&amp;&gt;&quot; trace"));
        CHECK(contains(xml, "message_passing.cpp"));    // the trace is in the failure
        CHECK(contains(xml, "<testcase classname=\"hotcheck\" name=\"solo\""));
        CHECK(contains(xml, "type=\"inconclusive\""));
        CHECK(contains(xml, "<error message=\"thread T1 threw: &lt;boom&gt;"));
        CHECK_FALSE(contains(xml, "<skipped"));
        // The self-check rejects what it should.
        CHECK_FALSE(well_formed_xml("<a b=\"<\"/>", why));
        CHECK_FALSE(well_formed_xml("<a>&</a>", why));
        CHECK_FALSE(well_formed_xml("<a><b></a></b>", why));
    }

    TEST_CASE("--trace columns: a 4-thread counterexample fits 100 columns, with its story") {
        Result r = explore({}, [] {
            atomic<int> x{0, "x"}, y{0, "y"};
            atomic<int> detail{0, "a_rather_long_location_name_to_truncate"};
            auto t1 = spawn([&] { x.store(1, relaxed); });
            auto t2 = spawn([&] {
                if (x.load(relaxed) == 1) {
                    detail.store(123456789, relaxed);
                    y.store(1, relaxed);
                }
            });
            auto t3 = spawn([&] {
                if (y.load(acquire) == 1) check(x.load(relaxed) == 1, "x is visible once y is");
            });
            t1.join();
            t2.join();
            t3.join();
        });
        REQUIRE(r.violation);
        const std::string text = report::trace_columns(*r.violation);
        INFO(text);
        std::istringstream in(text);
        std::vector<std::string> lines;
        for (std::string line; std::getline(in, line);) lines.push_back(line);
        REQUIRE(lines.size() > 8);
        for (const auto& line : lines) CHECK(display_width(line) <= 100);
        CHECK(lines[0].rfind("T3 reads x=0 from init after reading y=1 from T2#", 0) == 0);
        bool header = false, failing_row = false, truncated = false;
        for (const auto& line : lines) {
            header |= contains(line, "T0") && contains(line, "T1") && contains(line, "T2") && contains(line, "T3") &&
                      line.find_first_not_of(' ') > 2;
            failing_row |= line.rfind(">", 0) == 0 && contains(line, "ld rlx x=0<init");
            truncated |= contains(line, "…");
        }
        CHECK(header);
        CHECK(failing_row);
        CHECK(truncated);
        CHECK(contains(text, "ld acq y=1<T2#"));
        CHECK(contains(text, "x is visible once y is"));
        // The story of mp-relaxed-buggy, as the README tells it.
        Result mp = run_model("examples/shapes/mp-relaxed-buggy");
        REQUIRE(mp.violation);
        CHECK(report::trace_story(*mp.violation) ==
              "T2 reads data=0 from init after reading flag=1 from T1#2; assertion fails at "
              "message_passing.cpp:39");
    }

    TEST_CASE("CLI: run --dot --junit writes both; --svg renders with Graphviz or says it cannot") {
        const std::string dot = temp_path("mp.dot"), junit = temp_path("junit.xml"), svg = temp_path("mp.svg");
        std::remove(dot.c_str());
        std::remove(junit.c_str());
        std::remove(svg.c_str());
        Command c = run_cli("run examples/shapes/mp-relaxed-buggy --dot " + dot + " --junit " + junit);
        INFO(c.output);
        CHECK(c.exit_code == 0);
        const std::string d = slurp(dot);
        CHECK(d.rfind("digraph hotcheck {", 0) == 0);
        CHECK(contains(d, "cluster_t2"));
        const std::string j = slurp(junit);
        std::string why;
        CHECK_MESSAGE(well_formed_xml(j, why), why);
        CHECK(contains(j, "name=\"mp-relaxed-buggy\""));
        CHECK(contains(j, "failures=\"0\""));

        c = run_cli("run examples/shapes/mp-relaxed-buggy --model sc --junit " + junit);
        CHECK(c.exit_code == 1);
        CHECK(contains(slurp(junit), "type=\"unexpected_verdict\""));

        c = run_cli("run examples/shapes/mp-relaxed-buggy --trace columns");
        CHECK(c.exit_code == 0);
        CHECK(contains(c.output, "T2 reads data=0 from init after reading flag=1 from T1#2"));
        CHECK(run_cli("run examples/shapes/mp-relaxed-buggy --trace sideways").exit_code == 2);

        c = run_cli("run examples/shapes/mp-relaxed-buggy --svg " + svg, "PATH=/nonexistent");
        CHECK(c.exit_code == 2);
        CHECK(contains(c.output, "--svg needs Graphviz's dot (apt-get install graphviz)"));
        if (access("/usr/bin/dot", X_OK) == 0) {
            c = run_cli("run examples/shapes/mp-relaxed-buggy --svg " + svg);
            CHECK(c.exit_code == 0);
            const std::string s = slurp(svg);
            CHECK(contains(s, "<svg"));
            CHECK(contains(s, "assertion fails"));
        }
        for (const auto& p : {dot, junit, svg}) std::remove(p.c_str());
    }
}
