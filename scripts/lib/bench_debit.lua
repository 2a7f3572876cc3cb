-- wrk script for scripts/bench-server.sh: POST /v1/usage with a fresh Idempotency-Key on
-- every request (oha sends the same headers on every request, and a repeated key is a
-- replay, not a debit). wrk passes the run's name, the API key and the project after `--`:
--
--   wrk -t2 -c16 -d10s -s scripts/lib/bench_debit.lua URL -- RUN KEY PROJECT
--
-- Without arguments it GETs the URL as is (the trivial route's baseline, same tool).
--
-- At the end it prints one line the script reads:
--   RESULT <requests> <duration µs> <p50 µs> <p99 µs> <non-2xx> <socket errors>

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  run, key, project = args[1], args[2], args[3]
  n = 0
  if run == nil then
    return
  end
  wrk.method = "POST"
  wrk.path = "/v1/usage"
  wrk.headers["Authorization"] = "Bearer " .. key
  wrk.headers["Content-Type"] = "application/json"
  wrk.body = '{"project":"' .. project .. '","modality":"embedding","quantity":1}'
end

function request()
  if run == nil then
    return wrk.format()
  end
  n = n + 1
  wrk.headers["Idempotency-Key"] = run .. "-" .. tid .. "-" .. n
  return wrk.format()
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d\n",
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout))
end
