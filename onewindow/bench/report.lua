-- wrk script for `make bench`: rotate over the request lines of a file and print one JSON summary.
-- Arguments after `--`: the file, then the method (GET or POST). A POST line is "path<TAB>form body".
local lines, index, method = {}, 0, "GET"

function init(args)
  for line in io.lines(args[1]) do
    if line ~= "" then table.insert(lines, line) end
  end
  method = args[2] or "GET"
  index = math.random(#lines) - 1  -- each connection starts somewhere else
end

function request()
  index = index % #lines + 1
  local line = lines[index]
  if method == "POST" then
    local path, body = line:match("^([^\t]+)\t(.*)$")
    return wrk.format("POST", path, nil, body)
  end
  return wrk.format(method, line)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_us": {"p50": %d, "p95": %d, "p99": %d, "max": %d, "mean": %.1f}}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max, latency.mean))
end
