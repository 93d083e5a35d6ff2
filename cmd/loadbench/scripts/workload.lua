-- Drives one loadbench workload with wrk. Arguments after "--":
--   1 workload: retrieve, list, update, ship or authorize
--   2 API key
--   3 file of ids, one a line; for update, "id status" with the token's
--     current status
--   4 number of wrk threads (each takes its own share of the ids, so that
--     no two connections change the same object at once)
-- done() prints one line starting with "LOADBENCH " that loadbench reads.

local threads = {}

function setup(thread)
  thread:set("thread_index", #threads)
  table.insert(threads, thread)
end

local workload
local ids, statuses = {}, {}
local next_index = 0

function init(args)
  workload = args[1]
  wrk.headers["Authorization"] = "Bearer " .. args[2]
  local nthreads = tonumber(args[4])
  local line_no = 0
  for line in io.lines(args[3]) do
    local shared = workload == "retrieve" or workload == "list" or workload == "authorize"
    if shared or line_no % nthreads == thread_index then
      local id, status = line:match("^(%S+)%s*(%S*)$")
      table.insert(ids, id)
      table.insert(statuses, status)
    end
    line_no = line_no + 1
  end
  if #ids == 0 then
    error("no ids for thread " .. thread_index)
  end
  if workload ~= "retrieve" and workload ~= "list" then
    wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  end
  -- Readers start at different places so that threads do not march in step.
  next_index = (thread_index * 7919) % #ids
end

local opposite = { active = "suspended", suspended = "active" }

function request()
  next_index = next_index % #ids + 1
  local id = ids[next_index]
  if workload == "retrieve" then
    return wrk.format("GET", "/v1/issuing/tokens/" .. id)
  elseif workload == "list" then
    return wrk.format("GET", "/v1/issuing/tokens?card=" .. id .. "&limit=10")
  elseif workload == "update" then
    -- Every request asks for the other status, so each one is a change
    -- that writes the token and an issuing_token.updated event.
    local to = opposite[statuses[next_index]]
    statuses[next_index] = to
    return wrk.format("POST", "/v1/issuing/tokens/" .. id, nil, "status=" .. to)
  elseif workload == "ship" then
    -- Each card is shipped once; loadbench hands every run unused cards.
    return wrk.format("POST", "/v1/test_helpers/issuing/cards/" .. id .. "/shipping/ship", nil, "")
  elseif workload == "authorize" then
    return wrk.format("POST", "/v1/test_helpers/issuing/authorizations", nil,
      "card=" .. id .. "&amount=1000&currency=usd")
  end
  error("unknown workload " .. workload)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'LOADBENCH {"requests":%d,"duration_us":%d,"p50_us":%.0f,"p99_us":%.0f,"mean_us":%.0f,"max_us":%.0f,' ..
    '"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.mean, latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end
