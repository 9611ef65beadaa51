"""Serve ``api.app:app`` with uvicorn and a given worker-thread limit.

    python benchmarks/serve_threads.py --port 8000 --threads 80

Sync endpoints and dependencies run in anyio's worker threads, at most 40 at
a time by default; bench_service_load.py ``--threadpool N`` uses this script
to measure whether that limit holds throughput back.  Loopback only.
"""

from __future__ import annotations

import argparse

import anyio
import anyio.to_thread
import uvicorn

HOST = "127.0.0.1"


async def serve(port: int, threads: int) -> None:
    from api.app import app

    anyio.to_thread.current_default_thread_limiter().total_tokens = threads
    await uvicorn.Server(uvicorn.Config(app, host=HOST, port=port, log_level="warning")).serve()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--threads", type=int, required=True)
    args = parser.parse_args()
    anyio.run(serve, args.port, args.threads)


if __name__ == "__main__":
    main()
