# Reads "name<TAB>p50<TAB>p99" lines, several for each name (one per round), and prints each name once, in the
# order first met, with the median of its p50s and of its p99s; a figure of the first time ("first at") from its
# first round alone.
import statistics
import sys

figures = {}
for line in sys.stdin:
    name, *values = line.rstrip("\n").split("\t")
    figures.setdefault(name, []).append([float(v) for v in values if v])
for name, rounds in figures.items():
    columns = rounds[0] if "first at" in name else [statistics.median(column) for column in zip(*rounds)]
    print("\t".join([name] + [f"{v:.0f}" if "msg/s" in name else f"{v:.1f}" for v in columns] + ([""] if len(columns) == 1 else [])))
