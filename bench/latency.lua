-- wrk script: one JSON line with p50, p95 (ms) and requests per second.
done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format('{"p50_ms": %.2f, "p95_ms": %.2f, "rps": %.1f, "errors": %d}\n',
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, summary.requests / seconds,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
