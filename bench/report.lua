-- wrk script: optionally rotate through several paths, and print one JSON line of results
-- (requests/s, latency percentiles in ms, errors). Extra headers come from wrk's -H option.
-- BENCH_PATHS (paths separated by spaces) makes each request take the next path in turn.

local paths = {}
for path in string.gmatch(os.getenv("BENCH_PATHS") or "", "%S+") do
  table.insert(paths, path)
end
local counter = 0

-- BENCH_BODY makes every request a POST of it (an urlencoded form; -H gives its Content-Type).
local body = os.getenv("BENCH_BODY") or ""
if body ~= "" then
  wrk.method = "POST"
  wrk.body = body
end

if #paths > 0 then
  request = function()
    counter = counter % #paths + 1
    return wrk.format(nil, paths[counter])
  end
end

done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    '{"requests": %d, "rps": %.1f, "p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f, "errors": %d, "non_2xx_3xx": %d}\n',
    summary.requests, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, errors, summary.errors.status))
end
