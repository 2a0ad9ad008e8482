"""Counts what the schema fuzzing did, and says so at the end of the run."""

from collections import Counter

FUZZ_STATS: dict[str, Counter] = {"operations": Counter(), "statuses": Counter()}


def record(case, response) -> None:
    FUZZ_STATS["operations"][case.operation.label] += 1
    FUZZ_STATS["statuses"][response.status_code] += 1


def pytest_terminal_summary(terminalreporter):
    operations, statuses = FUZZ_STATS["operations"], FUZZ_STATS["statuses"]
    if not operations:
        return
    by_status = ", ".join(f"{code}: {count}" for code, count in sorted(statuses.items()))
    terminalreporter.write_line(
        f"schemathesis: {sum(operations.values())} cases over {len(operations)} operations "
        f"(two roles each); responses by status: {by_status}"
    )
