"""Running wrk for one scenario, reading its result, and judging results against the targets.

No Django here: benchmarks/run.py drives it, tests/benchmarks/test_wrkrun.py checks it.
"""

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

LUA_SCRIPT = Path(__file__).resolve().parent / "wrk" / "scenario.lua"
MARK = "BENCH_JSON "
FIELDS = ("requests", "sent", "seconds", "rps", "p50_ms", "p95_ms", "p99_ms", "max_ms", "non2xx", "errors")
SOCKET_ERRORS = ("connect", "read", "write", "timeout")


class WrkError(RuntimeError):
    """wrk failed, or printed no result line."""


def parse_wrk_output(text: str) -> dict:
    """The result that scenario.lua's ``done()`` printed: the last ``BENCH_JSON {...}`` line."""
    for line in reversed(text.splitlines()):
        if line.startswith(MARK):
            try:
                result = json.loads(line[len(MARK) :])
            except json.JSONDecodeError as exc:
                raise WrkError(f"unreadable result line: {line!r}") from exc
            missing = [name for name in FIELDS if name not in result]
            if missing:
                raise WrkError(f"result line without {', '.join(missing)}: {line!r}")
            return result
    raise WrkError(f"wrk printed no result line; its output ends with: {text[-500:]!r}")


def wrk_command(
    *,
    wrk: str,
    base_url: str,
    requests_file: Path,
    duration: int,
    token: str,
    threads: int = 1,
    connections: int = 4,
    timeout: int = 10,
) -> list[str]:
    return [
        wrk,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        f"--timeout={timeout}s",
        "-H",
        f"Authorization: Token {token}",
        "-s",
        str(LUA_SCRIPT),
        base_url,
        "--",
        str(requests_file),
    ]


def run_wrk(**kwargs) -> dict:
    command = wrk_command(**kwargs)
    completed = subprocess.run(  # noqa: S603 - our own arguments, no shell
        command, capture_output=True, text=True, timeout=kwargs["duration"] + 120, check=False
    )
    if completed.returncode != 0:
        raise WrkError(f"wrk exited with {completed.returncode}: {completed.stderr.strip()[-500:]}")
    return parse_wrk_output(completed.stdout)


@dataclass
class Target:
    """What a scenario must reach: a p95 in milliseconds, or a p95 within ``ratio`` times
    another scenario's p95, or nothing (timed for information)."""

    p95_ms: float | None = None
    ratio: float | None = None
    of: str | None = None

    def describe(self) -> str:
        if self.p95_ms is not None:
            return f"p95 < {self.p95_ms:g} ms"
        if self.ratio is not None:
            return f"p95 <= {self.ratio:g} x {self.of}"
        return "-"


def socket_errors(result: dict) -> int:
    return sum(result["errors"].get(name, 0) for name in SOCKET_ERRORS)


def verdict(result: dict | None, target: Target, results: dict[str, dict | None]) -> str:
    """PASS, FAIL (with why) or "-" (no target) for one scenario's result."""
    if result is None:
        return "FAIL (not run)"
    if result["non2xx"] or socket_errors(result):
        return f"FAIL ({result['non2xx']} non-2xx, {socket_errors(result)} socket errors)"
    if target.p95_ms is not None:
        return "PASS" if result["p95_ms"] < target.p95_ms else "FAIL"
    if target.ratio is not None:
        other = results.get(target.of)
        if not other:
            return f"FAIL ({target.of} not run)"
        return "PASS" if result["p95_ms"] <= target.ratio * other["p95_ms"] else "FAIL"
    return "-"


def ratio(results: dict[str, dict | None], numerator: str, denominator: str, key: str) -> float | None:
    top, bottom = results.get(numerator), results.get(denominator)
    if not top or not bottom or not bottom[key]:
        return None
    return top[key] / bottom[key]
