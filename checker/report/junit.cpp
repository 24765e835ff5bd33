// See junit.hpp.
#include "report/junit.hpp"

#include <fmt/format.h>

namespace hotcheck::report {

std::string xml_escape(std::string_view s) {
    std::string o;
    o.reserve(s.size());
    for (char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        switch (c) {
            case '&': o += "&amp;"; break;
            case '<': o += "&lt;"; break;
            case '>': o += "&gt;"; break;
            case '"': o += "&quot;"; break;
            case '\'': o += "&apos;"; break;
            case '\n': o += "&#10;"; break;
            case '\r': o += "&#13;"; break;
            case '\t': o += "&#9;"; break;
            default:
                if (c < 0x20 || c == 0x7f) o += '?';  // not representable in XML 1.0
                else o += ch;
        }
    }
    return o;
}

namespace {

/// Text content: like attributes, but newlines and tabs stay as they are.
std::string xml_text(std::string_view s) {
    std::string o;
    for (char ch : s) {
        if (ch == '\n' || ch == '\t') o += ch;
        else o += xml_escape(std::string_view(&ch, 1));
    }
    return o;
}

std::string summary(const Result& r) {
    return fmt::format("{} ({} executions, {} blocked) {} {:.3f}s", to_string(r.verdict), r.executions,
                       r.blocked, to_string(r.memory_model), r.elapsed_s);
}

}  // namespace

std::string junit_xml(const std::vector<JunitCase>& cases) {
    int failures = 0, errors = 0;
    double total = 0;
    std::string body;
    for (const auto& c : cases) {
        const Result& r = c.result;
        total += r.elapsed_s;
        const auto slash = c.name.rfind('/');
        const std::string group = slash == std::string::npos ? "hotcheck" : c.name.substr(0, slash);
        const std::string name = slash == std::string::npos ? c.name : c.name.substr(slash + 1);
        body += fmt::format("    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3f}\"", xml_escape(group),
                            xml_escape(name), r.elapsed_s);
        std::string out = summary(r) + "\n";
        for (const auto& u : r.unexplored) out += "not explored: " + u + "\n";
        if (r.violation) out += r.violation->trace_text;
        std::string inner;
        if (!c.as_expected) {
            const std::string expected = fmt::format("expected {}{}", to_string(c.spec.expect),
                                                     c.spec.violation_kind
                                                         ? fmt::format(" ({})", c.spec.violation_kind)
                                                         : "");
            std::string tag = "failure", type, message;
            if (r.verdict == Verdict::error) {
                ++errors;
                tag = "error";
                type = r.violation && !r.violation->kind.empty() ? r.violation->kind : "error";
                message = r.error.empty() && r.violation ? r.violation->message : r.error;
            } else if (r.verdict == Verdict::inconclusive) {
                ++failures;
                type = "inconclusive";
                message = r.error.empty() ? "inconclusive" : r.error;
            } else if (r.violation) {
                ++failures;
                type = r.violation->kind;
                message = fmt::format("{}: {}", r.violation->kind, r.violation->message);
                if (r.violation->line)
                    message += fmt::format(" (at {}:{})", r.violation->file, r.violation->line);
            } else {
                ++failures;
                type = "unexpected_verdict";
                message = fmt::format("{} in {} executions", to_string(r.verdict), r.executions);
            }
            message += "; " + expected;
            inner += fmt::format("      <{} message=\"{}\" type=\"{}\">{}</{}>\n", tag, xml_escape(message),
                                 xml_escape(type), xml_text(out), tag);
        } else {
            inner += fmt::format("      <system-out>{}</system-out>\n", xml_text(out));
        }
        body += ">\n" + inner + "    </testcase>\n";
    }
    std::string s = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    const std::string counts = fmt::format("tests=\"{}\" failures=\"{}\" errors=\"{}\"", cases.size(),
                                           failures, errors);
    s += fmt::format("<testsuites name=\"hotcheck\" {} time=\"{:.3f}\">\n", counts, total);
    s += fmt::format("  <testsuite name=\"hotcheck\" {} skipped=\"0\" time=\"{:.3f}\">\n", counts, total);
    s += body;
    s += "  </testsuite>\n</testsuites>\n";
    return s;
}

}  // namespace hotcheck::report
