"""How much the schema fuzzing runs, a check that it runs no more, and a summary at the end."""

import os
from collections import Counter

import pytest
from django.db import transaction

# Generated cases per operation and role (Hypothesis's max_examples for the fuzzing phase).
MAX_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "5"))
# schemathesis's coverage phase: as many cases as the schema has boundaries, whatever MAX_EXAMPLES.
WITH_COVERAGE = os.environ.get("FUZZ_COVERAGE", "") not in ("", "0")

FUZZ_STATS: dict[str, Counter] = {"cases": Counter(), "statuses": Counter()}
_schema_examples: dict[str, int] = {}


def case_limit(operation) -> int | None:
    """The most cases one role may run for ``operation``: the generated ones, plus one for each
    example the schema gives (schemathesis's examples phase). None with the coverage phase on."""
    if WITH_COVERAGE:
        return None
    if operation.label not in _schema_examples:
        _schema_examples[operation.label] = len(operation.get_strategies_from_examples())
    return MAX_EXAMPLES + _schema_examples[operation.label]


def record(role: str, case, response) -> None:
    """Count the case; fail it if its operation has run more cases for ``role`` than allowed."""
    key = (role, case.operation.label)
    FUZZ_STATS["cases"][key] += 1
    FUZZ_STATS["statuses"][response.status_code] += 1
    limit = case_limit(case.operation)
    count = FUZZ_STATS["cases"][key]
    if limit is not None and count > limit:
        raise AssertionError(
            f"{case.operation.label} ran {count} cases as {role}, more than FUZZ_EXAMPLES={MAX_EXAMPLES} "
            f"plus the schema's examples allow ({limit}): something unbounded is generating cases."
        )


def run_case(role: str, case, *, headers: dict, checks: list) -> None:
    """Call and check one case in a savepoint of its own, always rolled back: what the case
    wrote is gone, and a database error in it (which aborts the transaction it happens in) is
    gone with it, so every case starts from the same state whatever the one before did."""
    with transaction.atomic():
        response = case.call_and_validate(headers=headers, checks=checks)
        transaction.set_rollback(True)
    record(role, case, response)


def pytest_sessionfinish(session):
    """Under pytest-xdist, each worker hands its counts to the controller (workeroutput)."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["fuzz_cases"] = [[role, label, n] for (role, label), n in FUZZ_STATS["cases"].items()]
        workeroutput["fuzz_statuses"] = list(FUZZ_STATS["statuses"].items())


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """The controller's side of pytest_sessionfinish: add up the workers' counts."""
    output = getattr(node, "workeroutput", {})
    for role, label, count in output.get("fuzz_cases", []):
        FUZZ_STATS["cases"][role, label] += count
    for status, count in output.get("fuzz_statuses", []):
        FUZZ_STATS["statuses"][status] += count


def pytest_terminal_summary(terminalreporter):
    cases, statuses = FUZZ_STATS["cases"], FUZZ_STATS["statuses"]
    if not cases:
        return
    by_status = ", ".join(f"{code}: {count}" for code, count in sorted(statuses.items()))
    operations = {label for _role, label in cases}
    terminalreporter.write_line(
        f"schemathesis: {sum(cases.values())} cases over {len(operations)} operations "
        f"(FUZZ_EXAMPLES={MAX_EXAMPLES}, coverage phase {'on' if WITH_COVERAGE else 'off'}; "
        f"at most {max(cases.values())} for one operation and role); responses by status: {by_status}"
    )
