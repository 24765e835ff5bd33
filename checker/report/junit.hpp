// JUnit XML for CI dashboards: one testsuite "hotcheck", one testcase per model.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include <hotcheck/model.hpp>

namespace hotcheck::report {

/// One model's run, as a test case.
struct JunitCase {
    std::string name;      ///< the registered name, e.g. "examples/shapes/mp-relaxed-buggy"
    ModelSpec spec;        ///< what it declares (its expected verdict)
    Result result;
    bool as_expected = false;
};

/// The document: <testsuites><testsuite name="hotcheck"> with a <testcase classname="GROUP"
/// name="MODEL" time="S"> per case (GROUP: the name up to its last '/'). A case whose result is
/// not as expected gets <failure message=... type=KIND> with the trace (KIND: the violation
/// kind, "inconclusive", or "unexpected_verdict" when no violation was found), or <error> when
/// the model itself is broken.
std::string junit_xml(const std::vector<JunitCase>& cases);

/// `s` escaped for XML text and attribute values (&, <, >, ", ', and control characters).
std::string xml_escape(std::string_view s);

}  // namespace hotcheck::report
