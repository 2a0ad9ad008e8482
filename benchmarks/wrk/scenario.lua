-- One benchmark scenario for wrk: `wrk ... -s scenario.lua <url> -- <requests file>`.
--
-- The requests file has one request a line: METHOD, a tab, the path, and for a POST a tab and
-- the JSON body. Each wrk thread takes its own share of the lines and cycles through them, so
-- requests that may be sent once only (a claim's transition) are never repeated unless the
-- list runs out. Headers given with -H (the token) go on every request; POSTs add
-- Content-Type: application/json.
--
-- When done, prints ONE line: "BENCH_JSON " and a JSON object with the number of requests,
-- requests per second, the latency percentiles in milliseconds, the responses outside 2xx
-- and wrk's socket errors. benchmarks/wrkrun.py parses it.

-- setup() runs in the main Lua state, once per thread; it hands each thread its number and
-- the thread count as globals of the thread's own state (names no local here shadows).
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("bench_thread_number", #threads - 1)
  for _, other in ipairs(threads) do
    other:set("bench_thread_count", #threads)
  end
end

local prepared = {}
local position = 0
non2xx = 0
sent = 0

function init(args)
  local number, count = bench_thread_number or 0, bench_thread_count or 1
  local line_number = 0
  for line in io.lines(args[1]) do
    if line ~= "" then
      if line_number % count == number then
        local method, path, body = line:match("^([^\t]+)\t([^\t]+)\t?(.*)$")
        local headers = {}
        for name, value in pairs(wrk.headers) do
          headers[name] = value
        end
        if body == "" then
          body = nil
        else
          headers["Content-Type"] = "application/json"
        end
        table.insert(prepared, wrk.format(method, path, headers, body))
      end
      line_number = line_number + 1
    end
  end
  if #prepared == 0 then
    error("no requests for this thread in " .. args[1])
  end
end

function request()
  position = position % #prepared + 1
  sent = sent + 1
  return prepared[position]
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

function done(summary, latency, requests)
  local bad, total_sent = 0, 0
  for _, thread in ipairs(threads) do
    bad = bad + (thread:get("non2xx") or 0)
    total_sent = total_sent + (thread:get("sent") or 0)
  end
  local seconds = summary.duration / 1e6
  local errors = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "sent": %d, "seconds": %.3f, "rps": %.2f, "p50_ms": %.3f, '
      .. '"p95_ms": %.3f, "p99_ms": %.3f, "max_ms": %.3f, "non2xx": %d, "errors": {"connect": %d, '
      .. '"read": %d, "write": %d, "timeout": %d, "status": %d}}\n',
    summary.requests, total_sent, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, bad, errors.connect, errors.read, errors.write, errors.timeout, errors.status
  ))
end
