#!/usr/bin/env python3
"""Queues COUNT messages through Open Mailserver's REST send, from SESSIONS concurrent clients.
Usage: send.py <http port> <api key> <sender> <recipient> <size bytes> <count> <sessions>"""
import json, sys, threading, urllib.request

port, key, sender, recipient = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
size, count, sessions = int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7])
body = ("x" * 76 + "\r\n") * (size // 78)
lock, sent, failures = threading.Lock(), [0], []

def worker():
    while True:
        with lock:
            if sent[0] >= count:
                return
            sent[0] += 1
            n = sent[0]
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/v1/mail/send",
            data=json.dumps({"sender": sender, "recipients": [recipient], "subject": f"bench {n}", "text_body": body}).encode(),
            headers={"Content-Type": "application/json", "X-OpenMailserver-Key": key})
        try:
            urllib.request.urlopen(request).read()
        except Exception as e:  # noqa: BLE001 - any failure is reported below
            failures.append(str(e))

threads = [threading.Thread(target=worker) for _ in range(sessions)]
for t in threads: t.start()
for t in threads: t.join()
if failures:
    sys.exit(f"{len(failures)} sends failed, e.g. {failures[0]}")
