// The manual pages of `hotcheck help COMMAND` (and `hotcheck COMMAND --help`).
#include "cli/help.hpp"

namespace hotcheck::cli {

namespace {

constexpr const char* kRunOptions = R"(    --model M
        The memory model for every model: rc11 (default; RC11 with the C++20 rules),
        rc11-paper (RC11 as in PLDI 2017, herd7's rc11.cat), ra (release/acquire), sc, or
        lkmm: the Linux-kernel memory model, with the kernel vocabulary as its own events;
        executions with load buffering are not explored, and each verdict says so in a
        "not explored:" line (docs/kernel.md, "Under --model lkmm"). Slow: the LKMM's axioms
        are checked over the whole graph at each alternative.
        Without it each model runs under the memory model it declares, else rc11.

    --explorer E
        optimal (default: TruSt DPOR, each consistent execution graph once) or reference
        (brute force, for cross-checks; slow).

    --max-executions N
        Stop after N complete executions: the verdict is inconclusive (exit 3). Counts and
        bounds are whole numbers: -1 and the like are refused (exit 2), never wrapped.

    --timeout S
        Stop after S seconds: inconclusive (exit 3). S is finite and not negative.

    --max-events N
        The per-thread event bound (default 2000). A thread past it - typically a spin loop
        without await() - ends the exploration with bound_exceeded, naming the line.

    --spurious-cas
        Let compare_exchange_weak fail spuriously (each weak CAS then also explores a failure).

    --replay TOKEN
        Run only the execution a violation's replay token describes (printed under its trace,
        "violation.replay_token" in the JSON), e.g. under gdb with a breakpoint on
        hotcheck_replay_event. See docs/replay.md. An empty token is refused.

    --jobs N, -j N
        Explore each model on N threads (1 to 1024; default 1): disjoint subtrees of its
        exploration, with work stealing. The counts, outcomes, verdict and counterexample are
        those of one job (with --max-executions, the same number of executions, not the same).

    --shard I/N
        Explore only shard I of N (1 <= I <= N): a deterministic part of each model's tree, so
        that a CI matrix or a Slurm/Kubernetes job array spreads one model over machines. The
        counts of the N shards add up exactly to the unsharded counts; 'hotcheck merge' adds
        up their --json results. See docs/scale.md.

    --checkpoint FILE
        Save the progress of the (one) model to FILE every --checkpoint-every executions and
        when the run stops: SIGINT or SIGTERM (the run then ends inconclusive, exit 3),
        --timeout, --max-executions or the end. FILE must be a regular file (or not exist
        yet): a symbolic link, device or directory is refused, since the checkpoint is
        renamed over it.

    --checkpoint-every N
        Executions between two checkpoints (default 100000).

    --resume FILE
        Continue the run a checkpoint describes: what it explored is not explored again and
        its counts are included. Give --checkpoint FILE too to keep saving. A checkpoint of
        another model, memory model or shard, or a corrupt or edited one (its checksum no
        longer matches), is refused (exit 2).

    --json FILE
        Also write the results as JSON (docs/json-schema.md); '-' writes them to stdout, which
        then holds that one document only (the PASS/FAIL lines go to stderr).

    Output files (--json, --junit, --dot, --svg, --checkpoint) are checked before anything
    runs; a write that fails (a full disk) exits 2.

    --junit FILE
        Also write JUnit XML, one testcase per model (for CI dashboards).

    --dot FILE, --svg FILE
        Write the execution graph of a violation as Graphviz DOT, or rendered to SVG (needs
        Graphviz's dot).

    --trace L
        The layout of counterexample traces: list (default, one event a line in execution
        order) or columns (one column per thread).

    -v, --verbose
        Say which model runs under which memory model (and for check, the compiler command).

    -q, --quiet
        Print only failures, their traces and, if anything failed, the summary.
)";

constexpr const char* kExitStatus = R"(EXIT STATUS
    0   every model gave its expected verdict (verified, or the violation it declares)
    1   a violation, or another unexpected verdict
    2   usage error, model error (a model that throws, is not deterministic, uses an invalid
        memory order), or for check: the file does not compile or cannot be loaded
    3   inconclusive: a bound (--max-executions, --timeout, --max-events) was reached, or
        the run was interrupted (SIGINT/SIGTERM)
)";

std::string page_list() {
    return R"(NAME
    hotcheck list - list the bundled models

SYNOPSIS
    hotcheck list [PATTERN]

DESCRIPTION
    Prints every model linked into this hotcheck (registered with HOTCHECK_MODEL), one a line:
    its name, the verdict it declares and its description. PATTERN, an ECMAScript regular
    expression, keeps the names it matches anywhere (e.g. 'shapes/mp', '^models/').

EXIT STATUS
    0, or 2 for a malformed PATTERN.

EXAMPLES
    hotcheck list
    hotcheck list 'relaxed'

SEE ALSO
    hotcheck help run
)";
}

std::string page_run() {
    return std::string(R"(NAME
    hotcheck run - check bundled models against their expected verdicts

SYNOPSIS
    hotcheck run NAME... [OPTIONS]
    hotcheck run --all [OPTIONS]

DESCRIPTION
    Explores every execution of each named model (or, with --all, of every bundled model)
    under the C/C++11 memory model and compares the verdict with the one the model declares
    (HOTCHECK_MODEL(name, .expect = ...), verified by default). One line per model:

        PASS  NAME  VERDICT (N executions, B blocked) MEMORY-MODEL SECONDSs [- KIND: MESSAGE]

    then the counterexample trace of a violation: always when it was not expected, and for an
    expected one when the model was named explicitly. The last line counts passes and failures.

OPTIONS
    --all
        Every bundled model ('hotcheck list'); not together with names.
    --long
        Also the long-running models (minutes each; 'hotcheck list' marks them [long]) that
        --all and patterns otherwise leave out. A model named exactly always runs.

)") + kRunOptions + "\n" + kExitStatus + R"(
EXAMPLES
    hotcheck run examples/shapes/mp-release-acquire
    hotcheck run --all -q
    hotcheck run examples/shapes/mp-relaxed-buggy --model sc --json result.json
    hotcheck run NAME --jobs 2 --checkpoint NAME.ckpt      # later: --resume NAME.ckpt

SEE ALSO
    hotcheck help check, hotcheck help list, docs/json-schema.md
)";
}

std::string page_check() {
    return std::string(R"(NAME
    hotcheck check - compile a model file outside the tree and check its models

SYNOPSIS
    hotcheck check FILE.cpp [NAME...] [--cxx-flags FLAGS]... [--rebuild] [OPTIONS]

DESCRIPTION
    Compiles FILE.cpp - ordinary C++20 including <hotcheck/hotcheck.hpp> and registering one
    or more models with HOTCHECK_MODEL - into a shared object, loads it, and runs every model
    it registers exactly like 'hotcheck run' (or only the NAMEs given). Nothing in hotcheck
    needs to change and nothing needs to be built by hand:

        #include <hotcheck/hotcheck.hpp>
        using namespace hotcheck;
        HOTCHECK_MODEL("mine/mp") {
            atomic<int> data{0, "data"}, flag{0, "flag"};
            auto t = spawn([&] { data.store(1, relaxed); flag.store(1, release); });
            if (flag.load(acquire) == 1) check(data.load(relaxed) == 1, "data with the flag");
            t.join();
        }

    The compiler is the one hotcheck was configured with (override: $HOTCHECK_CXX), with
    -std=c++20 -O2 -fPIC -shared, the installed headers (or, for a CLI in its build tree, the
    source tree's) and FILE's own directory on the include path, then the --cxx-flags.
    A compile error is shown exactly as the compiler printed it, and the exit status is 2.

    The shared object is cached by content hash: the key covers the file's content and path,
    the flags, the compiler, hotcheck's version and every hotcheck header. A second check of
    an unchanged file loads the cached build without compiling (stderr says 'cached'); it is
    rebuilt when a header the file includes changes. The compiler reads a private copy of the
    bytes that were hashed, so editing FILE during a compile cannot cache the edit under the
    old key. The cache directory is created 0700; a cache directory or cached object owned by
    another user, or writable by others, is refused (exit 2).

    NAMEs are exact names or shell patterns ('mine/*'), as for 'hotcheck run'. Two models of
    one name are refused (exit 2), naming both lines.

OPTIONS
    --cxx-flags FLAGS
        Extra compiler flags, split into words like a shell would (quotes group); repeatable.
        E.g. --cxx-flags='-DBUGGY -I../include', --cxx-flags=-O0 (faster to compile).
        Libraries the model needs: --cxx-flags='-L/path -lfoo'.

    --rebuild
        Compile even if the cache holds an up-to-date build.

)") + kRunOptions + "\n" + kExitStatus + R"(
ENVIRONMENT
    HOTCHECK_CACHE_DIR   the cache (default $XDG_CACHE_HOME/hotcheck, else ~/.cache/hotcheck);
                         delete it at will
    HOTCHECK_CXX         the compiler, instead of the configured one
    HOTCHECK_INCLUDE_DIR the directory holding hotcheck/hotcheck.hpp

EXAMPLES
    hotcheck check my_model.cpp
    hotcheck check my_model.cpp --cxx-flags=-DWITH_FIX --model ra
    hotcheck check my_model.cpp mine/mp --json -

SEE ALSO
    hotcheck help run, docs/sdk.md (models out of tree, hotcheck_add_model for CI)
)";
}

std::string page_merge() {
    return R"(NAME
    hotcheck merge - add up the JSON results of the shards of a run

SYNOPSIS
    hotcheck merge FILE... [--json OUT] [-q]

DESCRIPTION
    Reads the --json results of 'hotcheck run ... --shard I/N --json FILE' (any number of
    files, each with any number of models) and prints one line per model as 'run' does:
    the executions and blocked executions added up, the outcome sets united, the worst
    verdict of the shards (error, then violation, then inconclusive, then verified) with its
    violation and trace, and the slowest shard's time. Every shard 1/N to N/N of a model
    must be there exactly once; results without --shard count as 1/1. Counts must be whole
    numbers (a negative, fractional or huge one is refused); every error names its file.

OPTIONS
    --json OUT
        Write the merged results (the same schema, "shards": N in place of "shard"); '-'
        writes them to stdout, alone (the lines go to stderr).

    -q, --quiet
        Print only failures and, if anything failed, the summary.

EXIT STATUS
    As for 'hotcheck run', from the merged verdicts and the expected ones the results record;
    2 also for a missing, duplicated or unreadable shard.

EXAMPLES
    hotcheck run NAME --shard 1/3 --json s1.json   # on three machines, or three CI jobs
    hotcheck run NAME --shard 2/3 --json s2.json
    hotcheck run NAME --shard 3/3 --json s3.json
    hotcheck merge s1.json s2.json s3.json --json merged.json

SEE ALSO
    hotcheck help run, docs/scale.md
)";
}

std::string page_litmus() {
    return R"(NAME
    hotcheck litmus - run herd7 C litmus tests

SYNOPSIS
    hotcheck litmus FILE... [--model M] [--format text|json|tsv] [--timeout S] [--max-events N]

DESCRIPTION
    Reads tests in herd7's C litmus format - C11 atomics and the Linux kernel's macros
    (READ_ONCE, WRITE_ONCE, smp_mb, smp_store_release, smp_load_acquire, xchg, atomic_t
    operations, spin_lock, ...) - explores every execution and answers like herd7: the
    allowed final states, whether the 'exists' clause is satisfiable (Ok/No), witnesses and
    the execution count. The macro mapping is in docs/litmus.md.

OPTIONS
    --model M
        rc11 (default), rc11-paper, ra, sc, or lkmm: the Linux-kernel memory model of the
        kernel's tools/memory-model (linux-kernel.cat with lock.cat), explored as herd7 does,
        load buffering and dependencies included; DATARACE as herd7 reports it.

    --format F
        text (herd7-like, default), json, or tsv: the columns of herd7's tables, so that a
        plain diff compares the two tools. JSON strings are UTF-8: an invalid byte in a
        name becomes U+FFFD.

    --timeout S
        Stop each test after S seconds: its states so far, inconclusive (exit 3).

    --max-events N
        The per-thread event bound (default 2000); a test past it is inconclusive (exit 3),
        naming the litmus line its thread was at.

EXIT STATUS
    0 on success, 2 for a usage error or a test that does not parse (the other files still
    run), 3 when a bound or --timeout stopped a test.

EXAMPLES
    hotcheck litmus tests/MP+rel+acq.litmus
    hotcheck litmus *.litmus --model rc11-paper --format tsv
    hotcheck litmus LB+poonceonces.litmus --model lkmm

SEE ALSO
    docs/litmus.md
)";
}

std::string page_help() {
    return R"(NAME
    hotcheck help - show the manual page of a command

SYNOPSIS
    hotcheck help [COMMAND]
    hotcheck COMMAND --help

DESCRIPTION
    Without COMMAND, the summary of every command. Commands: list, run, check, merge, litmus,
    help.
    Bash completion: scripts/hotcheck-completion.bash (installed to
    share/bash-completion/completions/hotcheck).

EXIT STATUS
    0, or 2 for an unknown COMMAND.
)";
}

}  // namespace

const std::vector<std::string_view>& help_topics() {
    static const std::vector<std::string_view> topics = {"list", "run", "check", "merge", "litmus", "help"};
    return topics;
}

std::optional<std::string> help_page(std::string_view command) {
    if (command == "list") return page_list();
    if (command == "run") return page_run();
    if (command == "check") return page_check();
    if (command == "litmus") return page_litmus();
    if (command == "merge") return page_merge();
    if (command == "help") return page_help();
    return std::nullopt;
}

}  // namespace hotcheck::cli
