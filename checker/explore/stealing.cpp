// See stealing.hpp.
#include "explore/stealing.hpp"

namespace hotcheck::exploration {

namespace {

/// Explores one task; true if it was explored completely.
bool explore_task(Shared& sh, Worker& w, Task& task, const Options& options,
                  const memory_model::Consistency& model, const std::function<void()>& body,
                  Tally& local) {
    if (sh.found) {
        std::lock_guard lk(sh.m);
        if (sh.after_found(task.key)) return false;
    }
    w.explorer.start(std::move(task.subtree));
    if (!w.explorer.next()) return true;
    std::uint32_t donations = 0;
    for (;;) {
        const runtime::RunResult& run = w.execution.run(body);
        const bool counts = run.end == runtime::RunEnd::complete || run.end == runtime::RunEnd::blocked;
        if (counts && options.max_executions) {
            // Exactly max_executions are recorded, as with one job; a run past it is not.
            const auto n = sh.counted.fetch_add(1) + 1;
            if (n > options.max_executions) {
                sh.request_stop(StopCause::max_executions);
                return false;
            }
        }
        if (record_run(w.explorer.graph(), run, options, model, local, true)) {
            sh.report_found(task.key);
            return false;
        }
        if (run.end == runtime::RunEnd::complete) sh.complete.fetch_add(1, std::memory_order_relaxed);
        if (run.end == runtime::RunEnd::blocked) sh.blocked.fetch_add(1, std::memory_order_relaxed);
        if (counts && options.max_executions && sh.counted.load() >= options.max_executions) {
            sh.request_stop(StopCause::max_executions);
            return !w.explorer.next();
        }
        if (sh.stop.load(std::memory_order_relaxed)) return false;
        if (sh.found.load(std::memory_order_relaxed)) {
            std::lock_guard lk(sh.m);
            if (sh.after_found(task.key)) return false;
        }
        // Someone is idle: give away the alternative this worker would reach last (so its key
        // sorts after everything this worker still explores, and before earlier donations).
        if (sh.hungry.load(std::memory_order_relaxed) > static_cast<int>(sh.queued.load(std::memory_order_relaxed))) {
            Subtree s;
            if (w.explorer.donate(s)) {
                Key key = task.key;
                key.push_back(~0u - donations++);
                std::lock_guard lk(sh.m);
                sh.push({std::move(s), task.origin, std::move(key)});
                ++sh.outstanding[task.origin];
                ++sh.queued;
                sh.work_cv.notify_one();
            }
        }
        if (!w.explorer.next()) return true;
    }
}

}  // namespace

void work(Shared& sh, const Options& options, const memory_model::Consistency& model,
          const std::function<void()>& body) {
    Worker w(model, options);
    struct CountEvents {
        Shared& sh;
        Worker& w;
        ~CountEvents() { sh.events += w.execution.events(); }
    } count{sh, w};
    for (;;) {
        Task task;
        {
            std::unique_lock lk(sh.m);
            if (sh.queue.empty() && !sh.stop) {
                ++sh.hungry;
                sh.work_cv.wait(lk, [&] { return !sh.queue.empty() || sh.active == 0 || sh.stop; });
                --sh.hungry;
            }
            if (sh.stop || sh.queue.empty()) return;
            task = sh.pop();
            --sh.queued;
            ++sh.active;
        }
        Tally local;
        const bool complete = explore_task(sh, w, task, options, model, body, local);
        std::lock_guard lk(sh.m);
        --sh.active;
        const auto o = task.origin;
        sh.pieces.push_back({std::move(task.key), local});
        add_tally(sh.partial[o], std::move(local));
        if (!complete) sh.cut_short[o] = 1;
        // An origin is done (and goes into checkpoints) when its last task ends complete.
        if (--sh.outstanding[o] == 0) {
            if (sh.cut_short[o]) {
                add_tally(sh.cut_tally, std::move(sh.partial[o]));
            } else {
                sh.done.push_back(o);
                add_tally(sh.done_tally, std::move(sh.partial[o]));
            }
        }
        if (sh.finished()) {
            sh.work_cv.notify_all();
            sh.end_cv.notify_all();
        }
    }
}

}  // namespace hotcheck::exploration
