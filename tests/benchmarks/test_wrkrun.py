import pytest

from benchmarks.run import Scenario, _sentences, build_report, median_round, request_line
from benchmarks.wrkrun import LUA_SCRIPT, Target, WrkError, parse_wrk_output, ratio, verdict, wrk_command

WRK_OUTPUT = """Running 5s test @ http://127.0.0.1:8000
  1 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    12.10ms    3.20ms  40.00ms   80.00%
  1650 requests in 5.00s, 10.00MB read
Requests/sec:    330.00
Transfer/sec:      2.00MB
BENCH_JSON {"requests": 1650, "sent": 1654, "seconds": 5.000, "rps": 330.00, "p50_ms": 11.500, \
"p95_ms": 18.250, "p99_ms": 30.000, "max_ms": 40.000, "non2xx": 2, "errors": {"connect": 0, "read": 1, \
"write": 0, "timeout": 0, "status": 2}}
"""


def result(p95: float, *, p50: float = 1.0, non2xx: int = 0, read: int = 0) -> dict:
    return {
        "requests": 100, "sent": 100, "seconds": 5.0, "rps": 20.0, "p50_ms": p50, "p95_ms": p95,
        "p99_ms": p95, "max_ms": p95, "non2xx": non2xx,
        "errors": {"connect": 0, "read": read, "write": 0, "timeout": 0, "status": non2xx},
    }  # fmt: skip


def test_the_result_line_is_read_from_wrks_output():
    parsed = parse_wrk_output(WRK_OUTPUT)
    assert parsed["requests"] == 1650
    assert parsed["rps"] == 330.0
    assert (parsed["p50_ms"], parsed["p95_ms"], parsed["p99_ms"]) == (11.5, 18.25, 30.0)
    assert parsed["non2xx"] == 2
    assert parsed["errors"]["read"] == 1


@pytest.mark.parametrize(
    "output",
    [
        "Running 5s test\nRequests/sec: 3\n",
        "BENCH_JSON {not json}\n",
        'BENCH_JSON {"requests": 3}\n',
    ],
)
def test_output_without_a_whole_result_line_is_an_error(output):
    with pytest.raises(WrkError):
        parse_wrk_output(output)


def test_the_wrk_command_sends_the_token_and_the_scenario_file(tmp_path):
    command = wrk_command(
        wrk="wrk",
        base_url="http://127.0.0.1:9",
        requests_file=tmp_path / "list.txt",
        duration=15,
        token="abc",
    )
    assert command[:4] == ["wrk", "-t1", "-c4", "-d15s"]
    assert "Authorization: Token abc" in command
    assert command[command.index("-s") + 1] == str(LUA_SCRIPT)
    assert command[-2:] == ["--", str(tmp_path / "list.txt")]
    assert LUA_SCRIPT.exists()


def test_verdicts():
    results = {"list": result(40.0), "deep_page": result(70.0), "slow": result(60.0)}
    assert verdict(results["list"], Target(p95_ms=50), results) == "PASS"
    assert verdict(results["slow"], Target(p95_ms=50), results) == "FAIL"
    assert verdict(results["deep_page"], Target(ratio=1.5, of="list"), results) == "FAIL"
    assert verdict(result(59.0), Target(ratio=1.5, of="list"), results) == "PASS"
    assert verdict(result(1.0, non2xx=3), Target(p95_ms=50), results).startswith("FAIL (3 non-2xx")
    assert verdict(result(1.0, read=1), Target(), results).startswith("FAIL (0 non-2xx, 1 socket")
    assert verdict(result(1.0), Target(), results) == "-"
    assert verdict(None, Target(p95_ms=50), results) == "FAIL (not run)"
    assert ratio(results, "deep_page", "list", "p95_ms") == pytest.approx(1.75)
    assert ratio(results, "deep_page", "missing", "p95_ms") is None


def test_the_report_shows_each_scenario_and_the_two_ratios():
    scenarios = [Scenario("list", "GET list"), Scenario("reference", "ref"), Scenario("deep_page", "deep")]
    results = {"list": result(30.0, p50=20.0), "reference": result(12.0, p50=5.0), "deep_page": None}
    table, data = build_report(
        results=results, notes={"deep_page": "not run: no cursor"}, scenarios=scenarios, meta={}
    )
    assert "| list | 20.0 | 20.0 | 30.0 | 30.0 | 0 | p95 < 50 ms | PASS |" in table
    assert "API list / reference: p50 4.00, p95 2.50 (limit 1.5 on p95): FAIL" in table
    assert "conventional DRF / reference: p50 -, p95 -" in table
    assert "deep page / first page: p50 -, p95 - (limit 1.5 on p95): -" in table
    assert "- deep_page: not run: no cursor" in table
    assert data["ratios"]["list_over_reference"]["p95"] == pytest.approx(2.5)
    assert [row["verdict"] for row in data["scenarios"]] == ["PASS", "-", "FAIL (not run)"]


def test_request_lines_and_sentences():
    assert request_line("GET", "/a/") == "GET\t/a/"
    assert request_line("POST", "/b/", {"text": "tab\there"}) == 'POST\t/b/\t{"text": "tab\\there"}'
    body = "U.S. Central Command said on Monday that 3 rockets hit the port. Neither side commented on it."
    sentences = _sentences(body)
    assert [text for _, text in sentences] == [
        "U.S. Central Command said on Monday that 3 rockets hit the port.",
        "Neither side commented on it.",
    ]
    for offset, text in sentences:
        assert body[offset : offset + len(text)] == text


def test_the_round_reported_is_the_one_of_median_p95():
    runs = [result(30.0), result(10.0), result(20.0)]
    assert median_round(runs)["p95_ms"] == 20.0
    assert median_round([result(10.0), result(40.0)])["p95_ms"] == 10.0
    assert median_round([]) is None
