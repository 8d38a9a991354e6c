-- wrk script for benches/vote.sh: every request casts one vote with a token of its
-- own (a member votes once; a second vote would be a 409, not a vote).
--
-- wrk -s benches/vote/vote.lua URL -- TOKENS_FILE PATH THREADS FIRST [BODY [ONCE]]
--   TOKENS_FILE  one access token per line (benches/vote/mint_tokens.py)
--   PATH         /api/v1/coops/<slug>/ballots/<id>/votes
--   THREADS      wrk's -t, so that each thread takes every THREADS-th token
--   FIRST        tokens before this line (1-based) are skipped (used by a warm-up)
--   BODY         the vote (default {"answers":["for"]}: a one-motion ballot)
-- (benches/vote/vote_once.lua: the same, but each token votes once.)
-- Every answer that is not 201 Created is an error; done() prints the counts, and
-- "tokens exhausted" if a thread ran out (then it reuses tokens: those are 409s).

local threads = {}
local counter = 0

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  local file, path, nthreads, first = args[1], args[2], tonumber(args[3]), tonumber(args[4] or "1")
  tokens = {}
  local i = 0
  for line in io.lines(file) do
    i = i + 1
    if i >= first and (i - first) % nthreads == tid then
      tokens[#tokens + 1] = line
    end
  end
  vote_path = path
  body = args[5] or '{"answers":["for"]}'
  next_token = 0
  sent = 0
  created = 0
  errors = 0
  exhausted = 0
  statuses = ""
end

function request()
  next_token = next_token + 1
  if next_token > #tokens then
    next_token = 1
    exhausted = 1
  end
  sent = sent + 1
  return wrk.format("POST", vote_path, {
    ["Authorization"] = "Bearer " .. tokens[next_token],
    ["Content-Type"] = "application/json",
  }, body)
end

function response(status, headers, body)
  if status == 201 then
    created = created + 1
  else
    errors = errors + 1
    -- Keep the first few statuses and bodies for the report.
    if #statuses < 600 then
      statuses = statuses .. status .. " " .. string.sub(body or "", 1, 120) .. "\n"
    end
  end
end

function done(summary, latency, requests)
  local c, e, x, s = 0, 0, 0, ""
  for _, t in ipairs(threads) do
    c = c + t:get("created")
    e = e + t:get("errors")
    x = x + t:get("exhausted")
    s = s .. t:get("statuses")
  end
  -- Machine-readable lines, parsed by vote.sh. Latencies are in microseconds.
  io.write(string.format("RESULT requests=%d created=%d errors=%d socket_errors=%d duration_us=%d\n",
    summary.requests, c, e,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.duration))
  io.write(string.format("RESULT p50_us=%d p90_us=%d p99_us=%d max_us=%d mean_us=%.0f\n",
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
  if x > 0 then io.write("RESULT tokens_exhausted=1\n") end
  if s ~= "" then io.write("FIRST_ERRORS\n" .. s) end
end
