#!/usr/bin/env python3
"""Regenerates examples/tutorial/README.md with the real output of its commands.

    scripts/tutorial_readme.py [--hotcheck build/hotcheck]

Runs each command the tutorial shows and pastes what it printed; long traces are cut to the
lines of the model's own source (marked where lines are left out), nothing is typed by hand.
"""
import argparse
import os
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(hotcheck, *args):
    proc = subprocess.run([hotcheck, *args], cwd=ROOT, capture_output=True, text=True)
    return (proc.stdout + proc.stderr).rstrip()


def cut(text, keep):
    """The lines `keep` accepts, with a marker for each run of lines left out."""
    out, skipped = [], 0
    for line in text.splitlines():
        if keep(line):
            if skipped:
                out.append(f"   … ({skipped} lines: lock words, masks, RCU slots) …")
                skipped = 0
            out.append(line.rstrip())
        else:
            skipped += 1
    if skipped:
        out.append(f"   … ({skipped} lines) …")
    return "\n".join(out)


def trace_keep(source):
    def keep(line):
        if "replay:" in line:
            return False
        s = line.strip()
        return (s.startswith("#") or s.startswith("PASS") or s.startswith("path:") or ":" in s.split(" ")[0]
                or (source in line and "preemption off" not in line and "rcu_reader" not in line)
                or "take_cpu_down" in line)
    return keep


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--hotcheck", default=os.path.join(ROOT, "build", "hotcheck"))
    hc = ap.parse_args().hotcheck
    t1 = run(hc, "run", "tutorial/1-walk-online-cpus/nolock")
    t2 = run(hc, "run", "tutorial/2-percpu-pointer/nolock")
    t2l = run(hc, "run", "tutorial/2-percpu-pointer/locked")
    s4l = run(hc, "run", "hotplug/s4-zone-pcp-reset/locked")
    s4 = run(hc, "run", "hotplug/s4-zone-pcp-reset/nolock", "--svg", "docs/img/s4-zone-pcp-reset-nolock.svg")
    t2_cut = cut(t2, trace_keep("tutorial.cpp"))
    s4_cut = cut(s4, lambda l: trace_keep("s4_zone_pcp_reset.cpp")(l) and " s4  " not in l)
    with open(os.path.join(ROOT, "examples", "tutorial", "TUTORIAL.md.in")) as f:
        template = f.read()
    text = (template.replace("@T1@", t1).replace("@T2@", t2_cut).replace("@T2_LOCKED@", t2l)
            .replace("@S4_LOCKED@", s4l).replace("@S4@", s4_cut))
    with open(os.path.join(ROOT, "examples", "tutorial", "README.md"), "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
