-- wrk script for ./mlj bench serve: POSTs real request bodies (one JSON body per line of the file
-- named by BODIES, cycled), and at the end appends one JSON line with throughput, latency
-- percentiles and error counts to the file named by RESULT.
local bodies = {}
for line in io.lines(os.getenv("BODIES")) do
  bodies[#bodies + 1] = line
end
local next_body = 0

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

request = function()
  next_body = next_body % #bodies + 1
  return wrk.format(nil, nil, nil, bodies[next_body])
end

done = function(summary, latency, requests)
  local e = summary.errors
  local out = io.open(os.getenv("RESULT"), "a")
  out:write(string.format(
    '{"requests": %d, "seconds": %.3f, "per_second": %.1f, "p50_ms": %.3f, "p99_ms": %.3f, "p999_ms": %.3f, '
      .. '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1e3, latency:percentile(99) / 1e3, latency:percentile(99.9) / 1e3,
    e.connect, e.read, e.write, e.status, e.timeout))
  out:close()
end
