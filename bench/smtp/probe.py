#!/usr/bin/env python3
"""Latency probe: sends messages one after another on its own connection while the load runs, and
prints the time each whole transaction (MAIL FROM .. 250 after DATA) took, as p50 and p99 in ms."""
import smtplib, statistics, sys, time

host, port, rcpt, size, count = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
body = ("Subject: probe\r\nFrom: probe@probe.test\r\nTo: %s\r\n\r\n" % rcpt) + ("x" * 76 + "\r\n") * max(1, size // 78)
timings = []
with smtplib.SMTP(host, port, local_hostname="probe.test") as s:
    for _ in range(count):
        start = time.perf_counter()
        s.sendmail("probe@probe.test", [rcpt], body)
        timings.append((time.perf_counter() - start) * 1000)
timings.sort()
p50 = statistics.median(timings)
p99 = timings[min(len(timings) - 1, int(round(0.99 * len(timings))) - 1)]
print("%.2f %.2f" % (p50, p99))
