// A litmus test under the Linux-kernel memory model, explored as herd7 does: by enumerating
// candidate executions instead of running the threads.
//
// The LKMM allows load buffering (a read may read from a write that its own thread's
// po-successors enabled elsewhere), so an execution cannot be built by running threads forward
// against the writes that exist so far. Instead:
//  1. each thread is evaluated on its own for every sequence of values its reads may return,
//     drawn from each location's value domain (the values its initial state and any thread's
//     writes can give it, computed to a fixpoint), giving the thread's possible traces: its
//     events, values, final registers, and the address / data / control dependencies of each
//     event on the reads that fed it (computed from the program text, as herd7 does);
//  2. every combination of one trace per thread, every reads-from choice that gives each read
//     its traced value, and every coherence order per location is a candidate execution;
//  3. the candidates the LKMM's axioms accept are the test's executions; their final states,
//     the proposition and herd7's DATARACE flag are reported like the interpreter's.
// This is the brute-force reference of the LKMM: exhaustive, with no assumption about which
// reads may see which writes beyond value equality.
#pragma once

#include "litmus/interpreter.hpp"

namespace hotcheck::memory_model {
class Consistency;
}

namespace hotcheck::litmus {


/// Explores `test` under the LKMM (options.memory_model must be lkmm); timeout_s and
/// max_executions bound it (inconclusive past them).
LitmusResult run_litmus_lkmm(const Test& test, const Options& options);

/// The same, counting only the executions whose po ∪ rf is acyclic (no load buffering): what
/// a C++ model's exploration under the LKMM covers, and so the reference of run_litmus_native.
LitmusResult run_litmus_lkmm_porf(const Test& test, const Options& options);

/// The same enumeration judged by `model`'s reference axioms, with no data-race flag: under
/// sc it must give exactly the interpreter's executions (the differential test's check of
/// the enumeration itself, independent of the LKMM).
LitmusResult run_litmus_candidates(const Test& test, const Options& options,
                                   const memory_model::Consistency& model);

/// The first construct of `test` the LKMM front end cannot run (C11 atomics and fences, which
/// linux-kernel.cat gives no meaning), as an error naming its position.
std::optional<ParseError> find_unsupported_lkmm(const Test& test, std::string_view file_name = "");

}  // namespace hotcheck::litmus
