#!/usr/bin/env python3
"""Open-loop load generator and fake outbound channel for bench/run (Python stdlib only).

The sender offers a fixed rate: request i is due at t0 + i/rate whatever happened to earlier
requests, and every latency is measured from that due time, so a server that stalls cannot
hide the stall by slowing the generator down (coordinated omission). Requests wait in a queue
for a free keep-alive connection; that wait counts.

The receiver is the fake channel: an HTTP server on 127.0.0.1 that Relaydesk's generic webhook
channel POSTs outbound replies to. It runs in its own process so its timestamps are not delayed
by the sender's work, and records the arrival time (CLOCK_MONOTONIC, shared by all processes)
of the first reply for each user_id.

  openloop.py --url http://127.0.0.1:PORT/message --token T --rate 1000 --duration 10 \
      --receiver-port 18099 [--connections 128] [--drain 10]

Prints one JSON object: offered and achieved rate, statuses, ingest latency (due time -> 202)
and end-to-end latency (due time -> reply at the fake channel) percentiles in milliseconds.
"""

import argparse
import asyncio
import json
import multiprocessing
import os
import signal
import sys
import time


def percentile(sorted_values, p):
    if not sorted_values:
        return None
    k = min(len(sorted_values) - 1, max(0, int(round(p / 100.0 * (len(sorted_values) - 1)))))
    return sorted_values[k]


def summarize_ms(values_ns):
    values = sorted(v / 1e6 for v in values_ns)
    if not values:
        return {"count": 0}
    return {
        "count": len(values),
        "p50": round(percentile(values, 50), 3),
        "p90": round(percentile(values, 90), 3),
        "p99": round(percentile(values, 99), 3),
        "p999": round(percentile(values, 99.9), 3),
        "max": round(values[-1], 3),
    }


# --- receiver (fake channel) ------------------------------------------------------------------


async def _serve_receiver(port, prefix, ready, out_path, stop_event, matched):
    arrivals = {}
    counter = [0]

    async def handle(reader, writer):
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                now = time.monotonic_ns()
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value.strip())
                body = await reader.readexactly(length) if length else b""
                try:
                    user = json.loads(body).get("user_id", "")
                except ValueError:
                    user = ""
                if user.startswith(prefix) and user not in arrivals:
                    arrivals[user] = now
                    matched.value = len(arrivals)
                counter[0] += 1
                answer = b'{"id":"r%d"}' % counter[0]
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                             b"Content-Length: %d\r\n\r\n%s" % (len(answer), answer))
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError,
                asyncio.CancelledError):
            # CancelledError: the run is over and the server is closing its connections.
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=1024)
    ready.set()
    async with server:
        while not stop_event.is_set():
            await asyncio.sleep(0.05)
    with open(out_path, "w") as f:
        json.dump({"arrivals": arrivals, "requests": counter[0]}, f)


def run_receiver(port, prefix, ready, out_path, stop_event, matched):
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    asyncio.run(_serve_receiver(port, prefix, ready, out_path, stop_event, matched))


# --- sender -----------------------------------------------------------------------------------


async def _send(args, prefix):
    host_port = args.url.split("//", 1)[1].split("/", 1)
    host, port = host_port[0].split(":")
    path = "/" + (host_port[1] if len(host_port) > 1 else "")
    total = int(args.rate * args.duration)
    due = [0] * total
    done_at = [0] * total
    status = [0] * total
    queue = asyncio.Queue()
    platforms = ("Discord", "Telegram", "Twitter")

    def request_bytes(i):
        body = json.dumps({
            "user_id": "%s%d" % (prefix, i),
            "platform": platforms[i % 3],
            "content": "Where is my order? #%d" % i,
            "priority": "Normal",
            "thread_id": None,
            "metadata": {"order": "A-%d" % i},
        }, separators=(",", ":")).encode()
        return (b"POST %s HTTP/1.1\r\nHost: %s:%s\r\nAuthorization: Bearer %s\r\n"
                b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (
                    path.encode(), host.encode(), port.encode(), args.token.encode(), len(body),
                    body))

    async def worker():
        reader = writer = None
        while True:
            i = await queue.get()
            if i is None:
                break
            for attempt in range(2):
                try:
                    if writer is None:
                        reader, writer = await asyncio.open_connection(host, int(port))
                    writer.write(request_bytes(i))
                    head = await reader.readuntil(b"\r\n\r\n")
                    length = 0
                    lines = head.split(b"\r\n")
                    code = int(lines[0].split(b" ")[1])
                    for line in lines[1:]:
                        name, _, value = line.partition(b":")
                        if name.strip().lower() == b"content-length":
                            length = int(value.strip())
                    if length:
                        await reader.readexactly(length)
                    done_at[i] = time.monotonic_ns()
                    status[i] = code
                    break
                except (ConnectionError, asyncio.IncompleteReadError, OSError):
                    if writer is not None:
                        writer.close()
                    reader = writer = None
                    status[i] = -1
                    done_at[i] = time.monotonic_ns()
        if writer is not None:
            writer.close()

    workers = [asyncio.create_task(worker()) for _ in range(args.connections)]
    interval_ns = int(1e9 / args.rate)
    start = time.monotonic_ns() + 20_000_000
    for i in range(total):
        due[i] = start + i * interval_ns
    sent = 0
    while sent < total:
        now = time.monotonic_ns()
        while sent < total and due[sent] <= now:
            queue.put_nowait(sent)
            sent += 1
        if sent < total:
            await asyncio.sleep(max(0.0, (due[sent] - time.monotonic_ns()) / 1e9))
    for _ in workers:
        queue.put_nowait(None)
    await asyncio.gather(*workers)
    finished = time.monotonic_ns()
    return due, done_at, status, start, finished


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--rate", type=float, required=True)
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--connections", type=int, default=128)
    parser.add_argument("--receiver-port", type=int, default=0,
                        help="run the fake channel here and measure end-to-end latency")
    parser.add_argument("--drain", type=float, default=15,
                        help="seconds to wait for the last replies after sending stops")
    args = parser.parse_args()

    prefix = "e2e-%d-" % os.getpid()
    receiver = stop = None
    out_path = "/tmp/openloop-receiver-%d.json" % os.getpid()
    if args.receiver_port:
        ready = multiprocessing.Event()
        stop = multiprocessing.Event()
        matched = multiprocessing.Value("q", 0, lock=False)
        receiver = multiprocessing.Process(
            target=run_receiver,
            args=(args.receiver_port, prefix, ready, out_path, stop, matched))
        receiver.start()
        if not ready.wait(10):
            sys.exit("receiver did not start")

    due, done_at, status, start, finished = asyncio.run(_send(args, prefix))
    total = len(due)
    ok = [i for i in range(total) if status[i] == 202]
    result = {
        "offered_rate": args.rate,
        "duration_s": args.duration,
        "requests": total,
        "achieved_rate": round(total / ((finished - start) / 1e9), 1),
        "statuses": {},
        "ingest_ms": summarize_ms([done_at[i] - due[i] for i in ok]),
    }
    for s in status:
        result["statuses"][str(s)] = result["statuses"].get(str(s), 0) + 1

    if receiver is not None:
        # Wait until every accepted message has its reply, or the drain time is over.
        deadline = time.monotonic() + args.drain
        while time.monotonic() < deadline and matched.value < len(ok):
            time.sleep(0.1)
        expected = len(ok)
        stop.set()
        receiver.join(30)
        with open(out_path) as f:
            data = json.load(f)
        os.unlink(out_path)
        arrivals = data["arrivals"]
        e2e = []
        for i in ok:
            t = arrivals.get("%s%d" % (prefix, i))
            if t is not None:
                e2e.append(t - due[i])
        result["e2e_ms"] = summarize_ms(e2e)
        result["replies_received"] = len(e2e)
        result["replies_missing"] = expected - len(e2e)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
