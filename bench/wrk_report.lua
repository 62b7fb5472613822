-- wrk script: prints one machine-readable line when the run ends, and, when the environment
-- variable WRK_PATHS names a file of request paths (one per line), cycles through them.
local paths_file = os.getenv("WRK_PATHS")

if paths_file ~= nil and paths_file ~= "" then
  local paths = {}
  local index = 0
  for line in io.lines(paths_file) do
    if #line > 0 then
      paths[#paths + 1] = line
    end
  end
  function request()
    index = index % #paths + 1
    return wrk.format("GET", paths[index])
  end
end

function done(summary, latency, requests)
  io.write(string.format(
    "WRK_JSON {\"requests\": %d, \"duration_us\": %d, \"bytes\": %d, " ..
    "\"errors_connect\": %d, \"errors_read\": %d, \"errors_write\": %d, " ..
    "\"errors_status\": %d, \"errors_timeout\": %d, \"latency_mean_us\": %.1f, " ..
    "\"latency_p50_us\": %d, \"latency_p90_us\": %d, \"latency_p99_us\": %d, " ..
    "\"latency_max_us\": %d}\n",
    summary.requests, summary.duration, summary.bytes,
    summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout, latency.mean,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
