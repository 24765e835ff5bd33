// `hotcheck help COMMAND`: a manual page per command.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hotcheck::cli {

/// The commands that have a page, in the order `hotcheck help` lists them.
const std::vector<std::string_view>& help_topics();
/// The manual page of `command`, or nothing for an unknown command.
std::optional<std::string> help_page(std::string_view command);

}  // namespace hotcheck::cli
