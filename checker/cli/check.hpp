// `hotcheck check FILE.cpp`: compile a model file outside the tree into a shared object with
// the compiler and headers hotcheck was built with, cache it by content hash, and load it into
// the running CLI, whose registry (exported with -rdynamic) then holds the file's models.
#pragma once
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <hotcheck/model.hpp>

namespace hotcheck::cli {

/// The compiler failed; it has already printed its diagnostics on stderr.
struct CompileFailed : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct CompileRequest {
    std::string file;                     ///< the model file, as the user spelled it
    std::vector<std::string> cxx_flags;   ///< extra compiler flags (--cxx-flags)
    bool rebuild = false;                 ///< ignore a cached build (--rebuild)
    bool verbose = false;                 ///< print the compiler command line
};

struct CompiledModel {
    std::string shared_object;  ///< path of the cached .so
    std::string key;            ///< the cache key (hex)
    bool cached = false;        ///< reused from the cache, not compiled
    double seconds = 0;         ///< compile time (or the cache look-up when cached)
    std::vector<std::string> command;  ///< the compiler command line (when compiled)
};

/// Compiles `request.file` unless an up-to-date build is in the cache. Throws CompileFailed when
/// the compiler reports an error, std::runtime_error for anything else (no such file, no
/// compiler, no headers, unwritable cache).
CompiledModel compile_model_file(const CompileRequest& request);

/// dlopen()s `shared_object` and returns the models its static initialisers registered.
std::vector<const RegisteredModel*> load_models(const std::string& shared_object);

/// Splits a --cxx-flags value into words: whitespace separates, '...' and "..." group, \ escapes.
std::vector<std::string> split_flags(std::string_view text);

/// $HOTCHECK_CACHE_DIR, else $XDG_CACHE_HOME/hotcheck, else ~/.cache/hotcheck.
std::string cache_dir();
/// The directory holding hotcheck/hotcheck.hpp: $HOTCHECK_INCLUDE_DIR, else <prefix>/include
/// next to the running executable (an installed CLI), else the source tree it was built from.
std::string include_dir();
/// $HOTCHECK_CXX, else the compiler hotcheck was configured with.
std::string compiler();

}  // namespace hotcheck::cli
