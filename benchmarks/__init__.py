"""The benchmark suite: this library against raw aiohttp, httpx and requests.

Run ``python -m benchmarks`` from the repository root; ``benchmarks/README.md`` explains the
workloads, how they are measured, and holds the latest results.
"""
