// Parser for herd7 C litmus tests (C11 and Linux-kernel memory-model style).
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "litmus/ast.hpp"

namespace hotcheck::litmus {

struct ParseError {
    std::string file;
    int line = 0;
    int column = 0;
    std::string message;

    // "file:line:column: message"
    std::string format() const;
};

// Maximum nesting of statements, expressions and conditions accepted before
// the parser gives up (protects the stack against hostile input).
inline constexpr int kMaxNestingDepth = 200;

// Parses one litmus test. Returns the test or the first error. Never throws
// and never crashes, whatever the bytes of `text`.
std::variant<Test, ParseError> parse(std::string_view text, std::string_view file_name);

} // namespace hotcheck::litmus
