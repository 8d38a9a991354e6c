-- wrk script for benches/agm_rush.sh: readers beside the voters. Every request is a
-- GET of the next line of READS_FILE ("TOKEN PATH" per line), round robin; every
-- answer that is not 200 is an error.
--
-- wrk -s benches/vote/read.lua URL -- READS_FILE [DELAY_MS]
--   DELAY_MS  pause of each connection between its requests (default 0), to pace a soak

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  reads = {}
  for line in io.lines(args[1]) do
    local token, path = line:match("^(%S+)%s+(%S+)$")
    if token then reads[#reads + 1] = { token, path } end
  end
  pause = tonumber(args[2] or "0")
  next_read = math.random(#reads)
  ok = 0
  errors = 0
  statuses = ""
end

function delay()
  return pause
end

function request()
  next_read = next_read % #reads + 1
  local r = reads[next_read]
  return wrk.format("GET", r[2], { ["Authorization"] = "Bearer " .. r[1] })
end

function response(status, headers, body)
  if status == 200 then
    ok = ok + 1
  else
    errors = errors + 1
    if #statuses < 600 then
      statuses = statuses .. status .. " " .. string.sub(body or "", 1, 120) .. "\n"
    end
  end
end

function done(summary, latency, requests)
  local o, e, s = 0, 0, ""
  for _, t in ipairs(threads) do
    o = o + t:get("ok")
    e = e + t:get("errors")
    s = s .. t:get("statuses")
  end
  io.write(string.format("RESULT requests=%d ok=%d errors=%d socket_errors=%d duration_us=%d\n",
    summary.requests, o, e,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.duration))
  io.write(string.format("RESULT p50_us=%d p90_us=%d p99_us=%d max_us=%d mean_us=%.0f\n",
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
  if s ~= "" then io.write("FIRST_ERRORS\n" .. s) end
end
