#!/usr/bin/env python3
"""Run a command; print `wall_seconds peak_rss_mib` on stdout's last line.

Usage: measure.py CMD [ARGS...]  (the command's own output goes to stderr)
Peak RSS is the largest resident set of the command or any of its children.
"""
import resource
import subprocess
import sys
import time

start = time.perf_counter()
proc = subprocess.run(sys.argv[1:], stdout=sys.stderr, stderr=sys.stderr)
wall = time.perf_counter() - start
peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(f"{wall:.3f} {peak_kib / 1024:.1f} {proc.returncode}")
sys.exit(0)
