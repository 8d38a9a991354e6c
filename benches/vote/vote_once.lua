-- vote.lua where each token votes once, after which the thread stays idle: the AGM
-- rush (benches/agm_rush.sh), where every member votes once however long the run.
-- wrk calls delay() before each request. Run from the repository root.
dofile("benches/vote/vote.lua")

function delay()
  if next_token >= #tokens then
    return 3600000
  end
  return pause
end

-- PAUSE_MS (a 6th argument after BODY) paces each connection, for a soak.
local vote_init = init
function init(args)
  vote_init(args)
  pause = tonumber(args[6] or "0")
end
