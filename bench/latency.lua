-- wrk script: one JSON line with p50, p95 (ms), requests per second and errors.
-- A response that is not a 200 holding BENCH_MARKER (the page's own text) is an error:
-- a redirect to the login or to the second factor must never pass as a fast page.
local threads = {}

setup = function(thread)
  table.insert(threads, thread)
end

init = function(args)
  marker = os.getenv("BENCH_MARKER") or ""
  wrong = 0
end

response = function(status, headers, body)
  if status ~= 200 or not string.find(body, marker, 1, true) then
    wrong = wrong + 1
  end
end

done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local wrong = 0
  for _, thread in ipairs(threads) do
    wrong = wrong + thread:get("wrong")
  end
  io.write(string.format('{"p50_ms": %.2f, "p95_ms": %.2f, "rps": %.1f, "errors": %d}\n',
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, summary.requests / seconds,
    wrong + summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
