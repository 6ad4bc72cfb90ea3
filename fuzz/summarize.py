#!/usr/bin/env python3
"""Prints a Markdown row per fuzz log in fuzz/logs/ (from fuzz/run-all.sh): total time, runs,
final coverage (edges) and features, corpus size, exec/s, peak RSS, and whether it ended clean."""
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
logs = os.path.join(HERE, "logs")
print("| target | time (s) | runs | exec/s | cov (edges) | ft (features) | corpus | peak RSS (MB) | result |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
for name in sorted(os.listdir(logs)):
    if not name.endswith(".log"):
        continue
    text = open(os.path.join(logs, name), errors="replace").read()
    stat = lambda k: (re.findall(rf"stat::{k}:\s*(\d+)", text) or ["?"])[-1]
    lines = [l for l in text.splitlines() if re.match(r"#\d+\s+(DONE|NEW|REDUCE|pulse)", l)]
    last = lines[-1] if lines else ""
    cov = (re.findall(r"cov: (\d+)", last) or ["?"])[0]
    ft = (re.findall(r"ft: (\d+)", last) or ["?"])[0]
    corp = (re.findall(r"corp: (\d+)", last) or ["?"])[0]
    done = re.search(r"Done (\d+) runs in (\d+) second", text)
    secs = done.group(2) if done else "?"
    crashed = "SUMMARY:" in text or "panicked" in text or "deadly signal" in text
    result = "crash (see log)" if crashed else ("clean" if done else "incomplete")
    print(f"| {name[:-4]} | {secs} | {stat('number_of_executed_units')} | {stat('average_exec_per_sec')} | {cov} | {ft} | {corp} | {stat('peak_rss_mb')} | {result} |")
