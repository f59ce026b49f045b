#!/usr/bin/env python3
"""Writes an mbox of generated 5 KB messages: mbox.py <file> <first> <count>. All but one in a thousand are read
(Status: RO), as in a mailbox kept for years; one in a thousand holds the word "needleinbody", and the first 50 of a
mailbox hold "fiftyholdit" (as many matches at every size); dates rise by a second per message."""
import random, sys, time

path, first, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
words = "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec romeo sierra tango".split()
rng = random.Random(first)
start = 1_700_000_000
with open(path, "w") as out:
    for n in range(first, first + count):
        stamp = time.strftime("%a %b %d %H:%M:%S %Y", time.gmtime(start + n))
        body = []
        size = 0
        while size < 4700:
            line = " ".join(rng.choice(words) for _ in range(12))
            body.append(line)
            size += len(line) + 1
        if n % 1000 == 7:
            body.append("needleinbody")
        if n < 50:
            body.append("fiftyholdit")
        status = "" if n % 1000 == 0 else "Status: RO\n"
        out.write(f"From sender{n % 50}@example.org {stamp}\nFrom: sender{n % 50}@example.org\nTo: user@bench.test\n"
                  f"Subject: message {n} about {rng.choice(words)}\nMessage-ID: <scale-{n}@example.org>\n"
                  f"Date: {time.strftime('%a, %d %b %Y %H:%M:%S +0000', time.gmtime(start + n))}\n{status}\n" + "\n".join(body) + "\n\n")
